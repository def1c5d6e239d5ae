// Evaluates an SDK payload served by experiments-service with the real GrowthBook JS SDK
// (@growthbook/growthbook), for many player ids, as a game client would.
// Input (stdin): {payload: <the /api/v1/sdk/features JSON>, features: [key, ...], ids: [id, ...]}.
// Output: {features: {key: [[variationIndex or -1, variantKey or null, JSON of the value], ...one per id]}}.
const { GrowthBook } = require('@growthbook/growthbook');

const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = {};
for (const key of input.features) {
  out[key] = input.ids.map((id) => {
    let tracked = null;
    const gb = new GrowthBook({
      attributes: { id },
      features: input.payload.features,
      trackingCallback: (experiment, result) => { tracked = result.key; },
    });
    const result = gb.evalFeature(key);
    const exp = result.experimentResult;
    const index = exp && exp.inExperiment ? exp.variationId : -1;
    const bucket = exp && exp.hashUsed ? exp.bucket : null;
    gb.destroy();
    return [index, index >= 0 ? tracked : null, JSON.stringify(result.value), bucket];
  });
}
process.stdout.write(JSON.stringify({ features: out }));
