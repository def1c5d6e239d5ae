// Reference values for the statistics tests, computed independently of the Java code (docs/statistics.md is the
// specification both follow). What differs from the Java implementation on purpose:
//  - distributions: jStat 1.9.6 (https://github.com/jstat/jstat) for the normal and Student t quantiles and the t
//    tail, and erfc by the Laplace continued fraction for the normal tail (jStat's erfc underflows past z ≈ 8), where
//    the Java code uses Apache Commons Math;
//  - CUPED: θ by regression on the raw per-participant values (the Java code only sees their sums);
//  - the relative lift's standard error by a numerical gradient (central differences) of the lift as a function of the
//    four means, instead of the Java code's analytic delta-method formula;
//  - the sequential p-values by bisection on the confidence sequence (the smallest level whose interval still
//    excludes 0), instead of the Java code's closed-form inversion;
//  - SRM p-values by the closed forms of the χ² survival function (finite sums for even degrees of freedom, erfc plus
//    a finite sum for odd ones), instead of Commons Math's regularized gamma function;
//  - the Beta-Binomial chance to beat control by the exact closed-form sum instead of quadrature.
// Input (stdin) and output (stdout): JSON, see ResultsCalculatorReferenceTest.
const { jStat } = require('jstat');

const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const ALPHA = input.alpha;
const TUNING = input.tuning;

function erfc(x) {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) return jStat.erfc(x);
  let f = x;
  for (let k = 300; k >= 1; k--) f = x + (k / 2) / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}
const normalSf = (z) => 0.5 * erfc(z / Math.SQRT2); // P(Z > z)
const normalQuantile = (p) => jStat.normal.inv(p, 0, 1);

// ---- moments of one arm -----------------------------------------------------------------------------------------

// From raw values {y: [...], x: [...]?} or sums {n, sum, sumSq} / {n, converted}; divisor n for conversions, n − 1 for means.
function arm(kind, a) {
  let n, ys, xs;
  if (a.y) {
    ys = a.y; xs = a.x; n = ys.length;
  } else if (kind === 'conversion') {
    n = a.n;
    const p = a.converted / n;
    return { n, my: p, vy: p * (1 - p), mx: 0, vx: 0, cxy: 0, sxx: 0, sxy: 0 };
  } else {
    n = a.n;
    const my = a.sum / n;
    return { n, my, vy: (a.sumSq - n * my * my) / (n - 1), mx: 0, vx: 0, cxy: 0, sxx: 0, sxy: 0 };
  }
  const div = kind === 'conversion' ? n : n - 1;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  const mx = xs ? xs.reduce((s, v) => s + v, 0) / n : 0;
  let syy = 0, sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    syy += (ys[i] - my) * (ys[i] - my);
    if (xs) { sxx += (xs[i] - mx) * (xs[i] - mx); sxy += (xs[i] - mx) * (ys[i] - my); }
  }
  return { n, my, vy: syy / div, mx, vx: sxx / div, cxy: sxy / div, sxx, sxy };
}

function lifts(kind, control, treatment) {
  const c = arm(kind, control), t = arm(kind, treatment);
  const cuped = !!(control.x && treatment.x);
  const theta = cuped && c.sxx + t.sxx > 0 ? (c.sxy + t.sxy) / (c.sxx + t.sxx) : 0;
  const armVar = (a) => (a.vy + theta * theta * a.vx - 2 * theta * a.cxy) / a.n;
  const vt = armVar(t), vc = armVar(c);
  const d = (t.my - theta * t.mx) - (c.my - theta * c.mx);
  const n = c.n + t.n;
  const dof = kind === 'mean' ? Math.pow(vt + vc, 2) / (vt * vt / (t.n - 1) + vc * vc / (c.n - 1)) : Infinity;
  // relative lift as a function of the four means; its variance by a numerical gradient
  const rel = (m) => ((m[0] - theta * m[1]) - (m[2] - theta * m[3])) / Math.abs(m[2]);
  const means = [t.my, t.mx, c.my, c.mx];
  const grad = means.map((v, i) => {
    const h = 1e-5 * Math.max(Math.abs(v), 1e-3);
    const up = means.slice(), down = means.slice();
    up[i] += h; down[i] -= h;
    return (rel(up) - rel(down)) / (2 * h);
  });
  const cov = (a) => [[a.vy / a.n, a.cxy / a.n], [a.cxy / a.n, a.vx / a.n]];
  const quad = (g, m) => g[0] * (m[0][0] * g[0] + m[0][1] * g[1]) + g[1] * (m[1][0] * g[0] + m[1][1] * g[1]);
  const varRel = quad([grad[0], grad[1]], cov(t)) + quad([grad[2], grad[3]], cov(c));
  return {
    theta: cuped ? theta : null,
    absolute: { estimate: d, se: Math.sqrt(vt + vc), n, dof },
    relative: { estimate: rel(means), se: Math.sqrt(varRel), n, dof },
  };
}

// ---- inference ----------------------------------------------------------------------------------------------------

function rho(alpha) {
  const l = -2 * Math.log(alpha);
  return Math.sqrt((l + Math.log(l + 1)) / TUNING);
}
const RHO2 = rho(ALPHA), RHO1 = rho(2 * ALPHA);

function seqHalfWidth(e, gamma) {
  const a = e.n * RHO2 * RHO2;
  return e.se * Math.sqrt((2 * (a + 1)) * Math.log(Math.sqrt(a + 1) / gamma) / a);
}
function seqHalfWidthOneSided(e, gamma) {
  const a = e.n * RHO1 * RHO1;
  return e.se * Math.sqrt(2 * (a + 1) / a * Math.log(1 + Math.sqrt(a + 1) / (2 * gamma)));
}

// The smallest level γ in (0, 1] at which `excludes(γ)` holds (excludes is monotone: true for large γ), by bisection
// on ln γ; 1 when even γ = 1 does not exclude.
function smallestLevel(excludes) {
  if (!excludes(1)) return 1;
  let lo = -745, hi = 0; // ln γ
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (excludes(Math.exp(mid))) hi = mid; else lo = mid;
  }
  return Math.exp(hi);
}

function quantile(e, p) {
  return isFinite(e.dof) ? jStat.studentt.inv(p, e.dof) : normalQuantile(p);
}
function sf(e, z) { // P(T > z)
  if (!isFinite(e.dof)) return normalSf(z);
  return jStat.studentt.cdf(-z, e.dof); // P(T > z) = P(T < −z)
}

function infer(method, e) {
  const z = e.estimate / e.se;
  const out = {};
  if (method === 'sequential') {
    const w = seqHalfWidth(e, ALPHA);
    out.lower = e.estimate - w; out.upper = e.estimate + w;
    out.p = smallestLevel((g) => Math.abs(e.estimate) > seqHalfWidth(e, g));
    out.harmDown = { // a fall is harmful: the upper bound
      bound: e.estimate + seqHalfWidthOneSided(e, ALPHA),
      p: smallestLevel((g) => e.estimate + seqHalfWidthOneSided(e, g) < 0),
    };
    out.harmUp = {
      bound: e.estimate - seqHalfWidthOneSided(e, ALPHA),
      p: smallestLevel((g) => e.estimate - seqHalfWidthOneSided(e, g) > 0),
    };
  } else {
    const q = quantile(e, 1 - ALPHA / 2);
    out.lower = e.estimate - q * e.se; out.upper = e.estimate + q * e.se;
    out.p = Math.min(1, 2 * sf(e, Math.abs(z)));
    const q1 = quantile(e, 1 - ALPHA);
    out.harmDown = { bound: e.estimate + q1 * e.se, p: sf(e, -z) };
    out.harmUp = { bound: e.estimate - q1 * e.se, p: sf(e, z) };
  }
  return out;
}

function comparison({ kind, control, treatment }) {
  const l = lifts(kind, control, treatment);
  const byMethod = {};
  for (const method of ['sequential', 'fixed_horizon']) {
    byMethod[method] = { absolute: infer(method, l.absolute), relative: infer(method, l.relative) };
  }
  return { theta: l.theta, absolute: l.absolute, relative: l.relative, byMethod };
}

// the interval at level γ = α·p/p̃ (the corrected, drawn one)
function adjustedInterval({ method, estimate, se, n, dof, p, adjusted }) {
  const e = { estimate, se, n, dof: dof === null ? Infinity : dof };
  const gamma = ALPHA * p / adjusted;
  const w = method === 'sequential' ? seqHalfWidth(e, gamma) : quantile(e, 1 - gamma / 2) * se;
  return { gamma, lower: estimate - w, upper: estimate + w };
}

// ---- power ----------------------------------------------------------------------------------------------------------

function power({ method, estimate, se, n, effect, gamma }) {
  const at = (N) => ({ estimate, se: se * Math.sqrt(n / N), n: N, dof: Infinity });
  const pw = (d, e) => {
    const w = method === 'sequential' ? seqHalfWidth(e, gamma) : normalQuantile(1 - gamma / 2) * e.se;
    return 1 - normalSf((d - w) / e.se) + (1 - normalSf((-d - w) / e.se));
  };
  const now = at(n);
  // MDE: bisection on the effect
  let lo = 0, hi = 100 * se + 1;
  for (let i = 0; i < 300; i++) { const mid = (lo + hi) / 2; if (pw(mid, now) >= 0.8) hi = mid; else lo = mid; }
  const mde = hi;
  // participants: bisection on ln N
  let needed = n;
  if (pw(effect, now) < 0.8) {
    let a = Math.log(n), b = Math.log(n) + 30;
    for (let i = 0; i < 300; i++) { const mid = (a + b) / 2; if (pw(effect, at(Math.exp(mid))) >= 0.8) b = mid; else a = mid; }
    needed = Math.exp(b);
  }
  return { power: pw(effect, now), mde, needed };
}

// ---- SRM, corrections, Bayes ----------------------------------------------------------------------------------------

// P(χ²_ν > c) in closed form: ν even, e^{−x} Σ_{i<ν/2} x^i/i!; ν odd, erfc(√x) + e^{−x} Σ_{i=1}^{(ν−1)/2} x^{i−1/2}/Γ(i+1/2),
// with x = c/2.
function chiSquareSf(c, nu) {
  const x = c / 2;
  let term, total;
  if (nu % 2 === 0) {
    term = 1; total = 0;
    for (let i = 0; i < nu / 2; i++) { if (i > 0) term *= x / i; total += term; }
    return Math.exp(-x) * total;
  }
  total = 0;
  term = Math.sqrt(x) / jStat.gammafn(1.5); // x^{1/2}/Γ(3/2)
  for (let i = 1; i <= (nu - 1) / 2; i++) { if (i > 1) term *= x / (i - 0.5); total += term; }
  return erfc(Math.sqrt(x)) + Math.exp(-x) * total;
}

function srm({ observed, weights }) {
  const n = observed.reduce((a, b) => a + b, 0);
  const wsum = weights.reduce((a, b) => a + b, 0);
  let chi = 0;
  observed.forEach((o, i) => { const e = n * weights[i] / wsum; chi += (o - e) * (o - e) / e; });
  const df = observed.length - 1;
  return { chiSquare: chi, df, pValue: chiSquareSf(chi, df) };
}

function holm(ps) {
  const m = ps.length;
  const order = ps.map((p, i) => i).sort((a, b) => ps[a] - ps[b]);
  const out = new Array(m);
  let running = 0;
  order.forEach((i, rank) => { running = Math.max(running, Math.min(1, (m - rank) * ps[i])); out[i] = running; });
  return out;
}

function bh(ps) {
  const m = ps.length;
  const order = ps.map((p, i) => i).sort((a, b) => ps[a] - ps[b]);
  const out = new Array(m);
  // p̃₍ᵢ₎ = min over j ≥ i of m·p₍ⱼ₎/j, written as a direct minimum (no running value)
  order.forEach((i, rank) => {
    let best = 1;
    for (let j = rank; j < m; j++) best = Math.min(best, m * ps[order[j]] / (j + 1));
    out[i] = best;
  });
  return out;
}

// P(B > A), A ~ Beta(aA, bA), B ~ Beta(aB, bB), aB an integer: the exact sum (Evan Miller, "Formulas for
// Bayesian A/B testing"), in log space.
function chanceBeta({ nc, xc, nt, xt }) {
  const aA = 1 + xc, bA = 1 + nc - xc, aB = 1 + xt, bB = 1 + nt - xt;
  let total = 0;
  for (let i = 0; i < aB; i++) {
    total += Math.exp(jStat.betaln(aA + i, bA + bB) - Math.log(bB + i) - jStat.betaln(1 + i, bB) - jStat.betaln(aA, bA));
  }
  return total;
}

process.stdout.write(JSON.stringify({
  rho: RHO2, rhoOneSided: RHO1,
  comparisons: (input.comparisons || []).map(comparison),
  adjusted: (input.adjusted || []).map(adjustedInterval),
  power: (input.power || []).map(power),
  srm: (input.srm || []).map(srm),
  holm: (input.holm || []).map(holm),
  bh: (input.bh || []).map(bh),
  chance: (input.chance || []).map(chanceBeta),
}));
