// Reference values for ResultsCalculatorReferenceTest, computed independently of the Java code: the formulas of
// docs/statistics.md written again here, with jStat (https://github.com/jstat/jstat) for the distributions, and
// the exact closed-form sum for the Beta-Binomial chance to beat control (instead of the Java quadrature).
// Input (stdin): {conversion: [{nc, xc, nt, xt}], mean: [{nc, sc, qc, nt, st, qt}], srm: [{observed, weights}],
// holm: [[p, ...]]}. Output (stdout): the same lists with the computed numbers.
const { jStat } = require('jstat');

const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const z = jStat.normal.inv(0.975, 0, 1);

function conversion({ nc, xc, nt, xt }) {
  const pc = xc / nc, pt = xt / nt;
  const vc = pc * (1 - pc) / nc, vt = pt * (1 - pt) / nt;
  const d = pt - pc, se = Math.sqrt(vc + vt);
  const pooled = (xc + xt) / (nc + nt);
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / nc + 1 / nt));
  const stat = d / se0;
  const p = 2 * jStat.normal.cdf(-Math.abs(stat), 0, 1);
  const r = pt / pc - 1;
  const seR = Math.sqrt(vt / (pc * pc) + pt * pt * vc / Math.pow(pc, 4));
  return {
    absoluteLift: d, absLower: d - z * se, absUpper: d + z * se, statistic: stat, pValue: p,
    relativeLift: r, relLower: r - z * seR, relUpper: r + z * seR,
    chance: chanceBeta(1 + xc, 1 + nc - xc, 1 + xt, 1 + nt - xt),
  };
}

// P(B > A), A ~ Beta(aA, bA), B ~ Beta(aB, bB), aB an integer: the exact sum (Evan Miller, "Formulas for
// Bayesian A/B testing"), in log space.
function chanceBeta(aA, bA, aB, bB) {
  let total = 0;
  for (let i = 0; i < aB; i++) {
    total += Math.exp(jStat.betaln(aA + i, bA + bB) - Math.log(bB + i) - jStat.betaln(1 + i, bB) - jStat.betaln(aA, bA));
  }
  return total;
}

function mean({ nc, sc, qc, nt, st, qt }) {
  const mc = sc / nc, mt = st / nt;
  const varC = (qc - nc * mc * mc) / (nc - 1), varT = (qt - nt * mt * mt) / (nt - 1);
  const vc = varC / nc, vt = varT / nt;
  const se = Math.sqrt(vc + vt);
  const df = Math.pow(vc + vt, 2) / (vc * vc / (nc - 1) + vt * vt / (nt - 1));
  const d = mt - mc, stat = d / se;
  const tq = jStat.studentt.inv(0.975, df);
  const r = mt / mc - 1;
  const seR = Math.sqrt(vt / (mc * mc) + mt * mt * vc / Math.pow(mc, 4));
  return {
    absoluteLift: d, absLower: d - tq * se, absUpper: d + tq * se, statistic: stat, df,
    pValue: 2 * jStat.studentt.cdf(-Math.abs(stat), df),
    relativeLift: r, relLower: r - tq * seR, relUpper: r + tq * seR,
    chance: jStat.normal.cdf(d / se, 0, 1),
  };
}

function srm({ observed, weights }) {
  const n = observed.reduce((a, b) => a + b, 0);
  const wsum = weights.reduce((a, b) => a + b, 0);
  let chi = 0;
  observed.forEach((o, i) => { const e = n * weights[i] / wsum; chi += (o - e) * (o - e) / e; });
  const df = observed.length - 1;
  return { chiSquare: chi, df, pValue: 1 - jStat.chisquare.cdf(chi, df) };
}

function holm(ps) {
  const m = ps.length;
  const order = ps.map((p, i) => i).sort((a, b) => ps[a] - ps[b]);
  const out = new Array(m);
  let running = 0;
  order.forEach((i, rank) => { running = Math.max(running, Math.min(1, (m - rank) * ps[i])); out[i] = running; });
  return out;
}

process.stdout.write(JSON.stringify({
  conversion: (input.conversion || []).map(conversion),
  mean: (input.mean || []).map(mean),
  srm: (input.srm || []).map(srm),
  holm: (input.holm || []).map(holm),
}));
