// Veltrix experiments dashboard: reads the experiments API with the read token and draws plain SVG.
// No external resources (no CDN, no library). The token lives in this tab's sessionStorage; it can be given once
// as /dashboard#token=... (the fragment is never sent to a server) and is then removed from the address bar.
(function () {
  'use strict';
  const SVG = 'http://www.w3.org/2000/svg';
  const COLORS = ['#2458c6', '#e07b00', '#1a7f37', '#8e44ad', '#c62828', '#00838f', '#6d4c41', '#ad1457'];
  const TOKEN_KEY = 'veltrix.readToken';
  // signed in to the console in this tab: its token reads the dashboard too (admin and analyst both read)
  if (!sessionStorage.getItem(TOKEN_KEY) && sessionStorage.getItem('veltrix.console.token')) {
    sessionStorage.setItem(TOKEN_KEY, sessionStorage.getItem('veltrix.console.token'));
  }
  const main = document.getElementById('experiments');
  const login = document.getElementById('login');
  const statusLine = document.getElementById('status');

  function takeTokenFromFragment() {
    const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (m) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
      history.replaceState(null, '', location.pathname + location.search);
    }
  }

  async function api(path) {
    const res = await fetch(path, { headers: { Authorization: 'Bearer ' + sessionStorage.getItem(TOKEN_KEY) } });
    if (res.status === 401 || res.status === 403) {
      const e = new Error('The token was refused'); e.auth = true; throw e;
    }
    if (!res.ok) { throw new Error(path + ': HTTP ' + res.status); }
    return res.json();
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      // through the CSSOM: the Content-Security-Policy refuses style attributes
      if (k === 'style') node.style.cssText = v; else node.setAttribute(k, v);
    }
    children.flat().forEach(c => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return node;
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const pct = (x, digits = 1) => x === null || x === undefined ? '–' : (x * 100).toFixed(digits) + '%';
  const signedPct = (x) => x === null || x === undefined ? '–' : (x >= 0 ? '+' : '') + (x * 100).toFixed(1) + '%';
  const num = (x, digits = 3) => x === null || x === undefined ? '–' : Number(x).toFixed(digits);
  const pval = (p) => p === null || p === undefined ? '–' : p < 0.0001 ? p.toExponential(1) : p.toFixed(4);
  const int = (n) => Number(n).toLocaleString('en-US');

  function showLogin(message) {
    main.replaceChildren();
    login.hidden = false;
    document.getElementById('logout').hidden = true;
    document.getElementById('login-error').textContent = message || '';
    statusLine.textContent = '';
  }

  async function load() {
    document.body.removeAttribute('data-loaded');
    if (!sessionStorage.getItem(TOKEN_KEY)) { showLogin(''); return; }
    login.hidden = true;
    document.getElementById('logout').hidden = false;
    statusLine.textContent = 'Loading…';
    let experiments;
    try {
      experiments = await api('/api/v1/experiments');
    } catch (e) {
      if (e.auth) { sessionStorage.removeItem(TOKEN_KEY); showLogin('That token was refused. Use the read token.'); return; }
      statusLine.textContent = 'Could not load experiments: ' + e.message; return;
    }
    const order = { running: 0, stopped: 1, draft: 2, archived: 3 };
    experiments.sort((a, b) => order[a.status] - order[b.status]);
    main.replaceChildren(...experiments.map(card));
    if (!experiments.length) main.append(el('p', { class: 'empty' }, 'No experiments yet.'));
    await Promise.all(experiments.map(fillResults));
    statusLine.textContent = experiments.length + ' experiments · updated ' + new Date().toLocaleTimeString();
    document.body.setAttribute('data-loaded', 'true');
  }

  function card(x) {
    const section = el('section', { class: 'experiment', 'data-experiment': x.key },
      el('h2', {}, x.name, ' ', el('span', { class: 'badge ' + x.status }, x.status)),
      el('div', { class: 'key' }, x.key),
      el('div', { class: 'meta' },
        (x.phase ? 'Phase ' + x.phase + ' · ' : 'Not started · ') + 'coverage ' + pct(x.coverage, 0) +
        ' · primary metric ' + (x.primaryMetric ? x.primaryMetric.name + ' (' + x.primaryMetric.kind + ')' : '–')),
      x.description ? el('p', { class: 'muted' }, x.description) : '',
      el('div', { class: 'results' }, el('p', { class: 'empty' }, x.phase ? 'Loading results…' : 'No results before the first start.')));
    return section;
  }

  async function fillResults(x) {
    if (!x.phase) return;
    const target = main.querySelector('[data-experiment="' + CSS.escape(x.key) + '"] .results');
    try {
      const results = await api('/api/v1/experiments/' + encodeURIComponent(x.key) + '/results');
      const spanHours = (Date.now() - Date.parse(results.windowFrom)) / 3.6e6;
      const series = await api('/api/v1/experiments/' + encodeURIComponent(x.key) + '/timeseries?interval=' +
        (spanHours > 72 ? 'day' : 'hour'));
      target.replaceChildren(...renderResults(results, series));
    } catch (e) {
      target.replaceChildren(el('p', { class: 'error' }, 'Could not load results: ' + e.message));
    }
  }

  const METHOD_TEXT = {
    sequential: 'confidence sequences: look whenever you like, the intervals and p-values stay valid',
    fixed_horizon: 'valid only when read once, at the sample size planned in advance; reading it daily finds false winners',
  };
  const CORRECTION_TEXT = { holm: 'Holm', benjamini_hochberg: 'Benjamini–Hochberg' };
  const DECISION_TEXT = {
    better: 'Better', worse: 'Worse', inconclusive: 'Inconclusive', harmed: 'Harmed',
    no_harm_detected: 'No harm detected', not_enough_data: 'Not enough data', not_computable: 'Not computable',
  };
  const DECISION_CLASS = { better: 'good', worse: 'bad', harmed: 'bad' };

  // A lift on the analysis scale: relative in %, absolute in the metric's unit (percentage points for conversions).
  function lift(x, scale, kind) {
    if (x === null || x === undefined || !isFinite(x)) return x === Infinity ? '+∞' : x === -Infinity ? '−∞' : '–';
    if (scale === 'relative') return signedPct(x);
    if (kind === 'conversion') return (x >= 0 ? '+' : '') + (x * 100).toFixed(2) + ' pp';
    return (x >= 0 ? '+' : '') + Number(x).toPrecision(3);
  }

  // The drawn interval: [lower, upper] and its confidence; a one-sided bound as "≤ upper" or "≥ lower".
  function intervalText(c, scale, kind) {
    const iv = c.interval;
    if (!iv) return '';
    const level = (iv.confidence * 100).toFixed(iv.confidence > 0.999 ? 2 : 1) + '%';
    if (iv.sides === 'upper') return '≤ ' + lift(iv.upper, scale, kind) + ' (' + level + ' one-sided)';
    if (iv.sides === 'lower') return '≥ ' + lift(iv.lower, scale, kind) + ' (' + level + ' one-sided)';
    return '[' + lift(iv.lower, scale, kind) + ', ' + lift(iv.upper, scale, kind) + '] ' + level;
  }

  function renderResults(r, series) {
    const parts = [];
    const a = r.analysis;
    const total = r.variants.reduce((s, v) => s + v.participants, 0);
    parts.push(el('div', { class: 'method ' + a.method, 'data-method': a.method },
      el('strong', {}, a.method === 'sequential' ? 'Anytime-valid' : 'Fixed horizon'), ' · ',
      METHOD_TEXT[a.method], '. Decisions on the ', a.scale, ' lift; ',
      CORRECTION_TEXT[a.correction] + ' over the primary metric\'s ' + r.comparisons + ' comparison' +
      (r.comparisons === 1 ? '' : 's') + '; a verdict after ' + int(a.minParticipants) + ' participants and ' +
      int(a.minConversions) + ' conversions per variant.'));
    if (r.guardrailHarmed) {
      const harmed = r.metrics.filter(m => m.harmed).map(m => m.metric + ' (' +
        m.variants.filter(v => v.vsControl && v.vsControl.harmed).map(v => v.variant).join(', ') + ')');
      parts.push(el('div', { class: 'guardrail-harm', role: 'alert' }, el('strong', {}, 'Guardrail harmed'),
        ': ' + harmed.join('; ') + ' moved in the bad direction, beyond what chance explains. Do not ship the ' +
        'treatment without understanding why.'));
    }
    if (r.srm && r.srm.mismatch) {
      const observed = r.variants.map(v => v.key + ' ' + int(v.participants)).join(' / ');
      const expected = r.variants.map((v, i) => v.key + ' ' + int(Math.round(r.srm.expected[i]))).join(' / ');
      parts.push(el('div', { class: 'srm-warning', role: 'alert' },
        el('strong', {}, 'Sample ratio mismatch'),
        ': participants ' + observed + ' do not match the configured weights (expected ' + expected + '; χ² = ' +
        num(r.srm.chiSquare, 1) + ', p = ' + pval(r.srm.pValue) + '). Do not trust these results until the cause is found.'));
    }
    (r.data.notes || []).forEach(n => parts.push(el('div', { class: 'data-note' }, n)));
    parts.push(el('table', { class: 'variants' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Variant'), el('th', {}, 'Weight'), el('th', {}, 'Participants'),
        el('th', {}, 'Share'), el('th', {}, 'Left out'))),
      el('tbody', {}, r.variants.map((v, i) => el('tr', { 'data-variant': v.key },
        el('td', {}, el('span', { style: 'color:' + COLORS[i % COLORS.length] }, '■ '), v.key + (i === 0 && v.key !== 'control' ? ' (control)' : '')),
        el('td', {}, pct(v.weight, 0)), el('td', {}, int(v.participants)), el('td', {}, total ? pct(v.participants / total) : '–'),
        el('td', {}, int(v.excludedParticipants)))))));
    if (r.excludedParticipants > 0) {
      parts.push(el('p', { class: 'excluded' }, int(r.excludedParticipants) + ' player' + (r.excludedParticipants === 1 ? '' : 's') +
        ' exposed to more than one variant ' + (r.excludedParticipants === 1 ? 'is' : 'are') + ' left out of every number.'));
    }
    parts.push(el('p', { class: 'muted' }, 'Phase ' + (r.phase ? r.phase.number : '–') + ': participants first exposed since ' +
      new Date(r.windowFrom).toLocaleString() + (r.data.metricsUntil ? ', their events until ' +
      new Date(r.data.metricsUntil).toLocaleString() + ' (phase end)' : '') + '.'));
    r.metrics.forEach(m => parts.push(...renderMetric(m, a)));
    if (r.power && r.power.length) parts.push(...renderPower(r.power, a, r.metrics[0]));
    parts.push(el('h3', {}, 'Traffic over time ', el('span', { class: 'kind' }, '(participants so far, per ' + series.interval + ', UTC)')));
    parts.push(legend(series.variants));
    parts.push(lineChart(series, p => p.participants, 'traffic-chart', v => int(v)));
    parts.push(el('h3', {}, series.metric + ' over time ', el('span', { class: 'kind' },
      '(' + (series.kind === 'conversion' ? 'conversion rate' : 'mean per participant') + ' so far)')));
    if (!series.metricAvailable) parts.push(el('p', { class: 'data-note' }, series.note));
    parts.push(lineChart(series, p => p.value, 'metric-chart', v => series.kind === 'conversion' ? pct(v) : num(v, 2)));
    return parts;
  }

  function renderMetric(m, a) {
    const control = m.variants[0];
    const direction = m.direction === 'lower' ? '↓ lower is better' : '↑ higher is better';
    const extras = [];
    if (m.capping) extras.push('capped at ' + (m.capping.type === 'quantile' ? 'the ' + pct(m.capping.value, 1) +
      ' quantile' : m.capping.value) + (m.cap !== null ? ' = ' + num(m.cap, 2) : ''));
    if (m.cuped && m.cuped.windowDays) extras.push(m.cuped.applied ? 'CUPED, ' + m.cuped.windowDays + ' days before exposure'
      : 'CUPED not applied: ' + m.cuped.note);
    const rows = m.variants.map((v, i) => {
      const c = v.vsControl;
      const cls = c ? (DECISION_CLASS[c.decision] || '') : '';
      return el('tr', { 'data-variant': v.variant, 'data-decision': c ? c.decision : null },
        el('td', {}, v.variant + (i === 0 && v.variant !== 'control' ? ' (control)' : '')),
        el('td', {}, int(v.participants)),
        el('td', {}, m.kind === 'conversion' ? pct(v.value, 2) : num(v.value, 3)),
        el('td', { class: cls }, c ? lift(c.estimate, a.scale, m.kind) : ''),
        el('td', {}, c ? intervalText(c, a.scale, m.kind) : ''),
        el('td', {}, c ? pval(m.primary ? c.adjustedPValue : c.harmPValue) : ''),
        el('td', { class: 'decision ' + cls, title: c && c.reason ? c.reason : '' },
          c ? DECISION_TEXT[c.decision] + (c.reason ? ' *' : '') : ''),
        el('td', {}, c ? pct(c.chanceToBeatControl) : ''));
    });
    const reasons = m.variants.filter(v => v.vsControl && v.vsControl.reason)
      .map(v => el('p', { class: 'reason muted' }, '* ' + v.variant + ': ' + v.vsControl.reason));
    return [
      el('h3', { 'data-metric': m.metric }, m.metric + ' ', el('span', { class: 'kind' },
        '(' + m.kind + (m.primary ? ', primary' : ', guardrail') + ')'), ' ',
        el('span', { class: 'direction', 'data-direction': m.direction }, direction),
        m.harmed ? el('span', { class: 'harmed-badge' }, 'harmed') : ''),
      extras.length ? el('p', { class: 'muted adjustments' }, extras.join(' · ')) : '',
      el('table', { class: 'metric' },
        el('thead', {}, el('tr', {}, ['Variant', 'Participants', m.kind === 'conversion' ? 'Conversion' : 'Mean',
          (a.scale === 'relative' ? 'Lift' : 'Difference') + ' vs ' + control.variant,
          m.primary ? 'Interval (corrected)' : 'Harm bound', m.primary ? 'p (' + CORRECTION_TEXT[a.correction] + ')' : 'p (harm)',
          'Decision', 'Chance to beat control'].map(h => el('th', {}, h)))),
        el('tbody', {}, rows)),
      ...reasons,
      ciChart(m, a)];
  }

  function renderPower(power, a, primary) {
    const effect = a.scale === 'relative' ? signedPct(a.targetMde) : 'a ' + signedPct(a.targetMde) + ' relative lift';
    return [
      el('h3', {}, 'Power and days to go ', el('span', { class: 'kind' }, '(' + primary.metric + ', to detect ' + effect +
        ' with 80% power)')),
      el('table', { class: 'power' },
        el('thead', {}, el('tr', {}, ['Variant', 'Power now', 'Detectable now (80%)', 'Participants needed', 'Per day',
          'Days to go'].map(h => el('th', {}, h)))),
        el('tbody', {}, power.map(p => el('tr', { 'data-variant': p.variant },
          el('td', {}, p.variant + ' vs ' + (primary.variants[0].variant)),
          el('td', {}, pct(p.power, 0)),
          el('td', {}, '±' + lift(p.minimumDetectableEffect, a.scale, primary.kind).replace(/^\+/, '')),
          el('td', {}, p.participantsNeeded === null ? 'out of reach' : int(Math.ceil(p.participantsNeeded))),
          el('td', {}, p.dailyParticipants === null ? '–' : int(Math.round(p.dailyParticipants))),
          el('td', { class: 'days-to-go' }, p.daysToGo === null ? (p.participantsNeeded === null ? 'out of reach' : '–')
            : p.daysToGo === 0 ? 'done' : num(p.daysToGo, 1))))))];
  }

  // Horizontal bars of the interval each verdict is read from (on the analysis scale), a dashed line at 0. A
  // one-sided harm bound is drawn open towards the chart's edge.
  function ciChart(m, a) {
    const treatments = m.variants.slice(1).filter(v => v.vsControl);
    const width = 860, left = 150, right = 250, rowH = 34, top = 10, axisH = 30;
    const height = top + treatments.length * rowH + axisH;
    const root = svg('svg', { class: 'ci-chart', 'data-metric': m.metric, width, height, viewBox: `0 0 ${width} ${height}`,
      role: 'img', 'aria-label': 'Intervals of the ' + a.scale + ' lift of ' + m.metric });
    const bounds = [0];
    treatments.forEach(v => {
      const c = v.vsControl;
      const iv = c.interval || {};
      [iv.lower, iv.upper, c.estimate].forEach(x => { if (x !== null && x !== undefined && isFinite(x)) bounds.push(x); });
    });
    let lo = Math.min(...bounds), hi = Math.max(...bounds);
    const pad = Math.max((hi - lo) * 0.08, a.scale === 'relative' ? 0.01 : Math.abs(hi - lo) * 0.1 || 0.01);
    lo -= pad; hi += pad;
    const plotW = width - left - right;
    const x = v => left + (v - lo) / (hi - lo) * plotW;
    ticks(lo, hi, 6).forEach(t => {
      root.append(svg('line', { class: 'grid', x1: x(t), x2: x(t), y1: top, y2: height - axisH }));
      root.append(svg('text', { x: x(t), y: height - axisH + 18, 'text-anchor': 'middle' }, lift(t, a.scale, m.kind)));
    });
    root.append(svg('line', { class: 'axis', x1: left, x2: width - right, y1: height - axisH, y2: height - axisH }));
    root.append(svg('line', { class: 'zero', x1: x(0), x2: x(0), y1: top - 4, y2: height - axisH }));
    treatments.forEach((v, i) => {
      const c = v.vsControl;
      const cy = top + i * rowH + rowH / 2;
      const color = DECISION_CLASS[c.decision] === 'good' ? '#1a7f37' : DECISION_CLASS[c.decision] === 'bad' ? '#c62828' : '#55657a';
      root.append(svg('text', { x: left - 12, y: cy + 4, 'text-anchor': 'end' }, v.variant));
      if (c.interval) {
        const x0 = c.interval.lower === null ? left : x(c.interval.lower);
        const x1 = c.interval.upper === null ? width - right : x(c.interval.upper);
        root.append(svg('rect', { class: 'ci-bar', 'data-variant': v.variant, 'data-sides': c.interval.sides, x: x0, y: cy - 7,
          width: Math.max(1, x1 - x0), height: 14, rx: 3, fill: color, 'fill-opacity': 0.28, stroke: color, 'stroke-width': 1.5 }));
        root.append(svg('circle', { class: 'ci-point', cx: x(c.estimate), cy, r: 5, fill: color }));
      }
      const iv = c.interval;
      const label = !iv ? DECISION_TEXT[c.decision] : iv.sides === 'upper' ? '≤ ' + lift(iv.upper, a.scale, m.kind)
        : iv.sides === 'lower' ? '≥ ' + lift(iv.lower, a.scale, m.kind)
        : '[' + lift(iv.lower, a.scale, m.kind) + ', ' + lift(iv.upper, a.scale, m.kind) + ']';
      root.append(svg('text', { x: width - right + 12, y: cy + 4 }, lift(c.estimate, a.scale, m.kind) + '  ' + label));
    });
    return root;
  }

  function legend(keys) {
    return el('div', { class: 'legend' }, keys.map((k, i) => el('span', { style: '--c:' + COLORS[i % COLORS.length] }, k)));
  }

  // One line per variant over the time buckets.
  function lineChart(series, pick, cls, format) {
    const width = 860, height = 230, left = 70, right = 56, top = 12, bottom = 34;
    const root = svg('svg', { class: cls, width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
      'aria-label': cls === 'traffic-chart' ? 'Participants over time per variant' : series.metric + ' over time per variant' });
    const points = series.points;
    if (!points.length) {
      root.append(svg('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle' }, 'No participants yet'));
      return root;
    }
    const values = points.flatMap(p => p.variants.map(pick)).filter(v => v !== null && isFinite(v));
    const hi = Math.max(...values, 0) * 1.08 || 1;
    const n = points.length;
    const x = i => left + (n === 1 ? (width - left - right) / 2 : i / (n - 1) * (width - left - right));
    const y = v => top + (1 - v / hi) * (height - top - bottom);
    ticks(0, hi, 5).forEach(t => {
      root.append(svg('line', { class: 'grid', x1: left, x2: width - right, y1: y(t), y2: y(t) }));
      root.append(svg('text', { x: left - 8, y: y(t) + 4, 'text-anchor': 'end' }, format(t)));
    });
    root.append(svg('line', { class: 'axis', x1: left, x2: width - right, y1: height - bottom, y2: height - bottom }));
    const every = Math.max(1, Math.ceil(n / 8));
    points.forEach((p, i) => {
      // the last point gets a label too, unless the previous label sits too close to it
      if (i % every === 0 || (i === n - 1 && (n - 1) % every >= every / 2)) {
        const d = new Date(p.bucket);
        const label = series.interval === 'hour'
          ? d.toISOString().slice(5, 10) + ' ' + d.toISOString().slice(11, 16) : d.toISOString().slice(0, 10);
        root.append(svg('text', { x: x(i), y: height - bottom + 18, 'text-anchor': 'middle' }, label));
      }
    });
    series.variants.forEach((key, vi) => {
      const color = COLORS[vi % COLORS.length];
      const coords = points.map((p, i) => [x(i), pick(p.variants[vi])]).filter(c => c[1] !== null && isFinite(c[1]));
      if (!coords.length) return;
      const d = coords.map((c, i) => (i ? 'L' : 'M') + c[0].toFixed(1) + ',' + y(c[1]).toFixed(1)).join(' ');
      root.append(svg('path', { class: 'series', 'data-variant': key, d, fill: 'none', stroke: color, 'stroke-width': 2.2 }));
      coords.forEach(c => root.append(svg('circle', { cx: c[0], cy: y(c[1]), r: 3, fill: color })));
    });
    return root;
  }

  function ticks(lo, hi, count) {
    const span = hi - lo;
    if (!(span > 0)) return [lo];
    const raw = span / count;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map(s => s * mag).find(s => s >= raw) || raw;
    const out = [];
    for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12; t += step) out.push(Math.abs(t) < step / 1e6 ? 0 : t);
    return out;
  }

  login.addEventListener('submit', ev => {
    ev.preventDefault();
    const value = document.getElementById('token').value.trim();
    if (!value) return;
    sessionStorage.setItem(TOKEN_KEY, value);
    load();
  });
  document.getElementById('logout').addEventListener('click', () => { sessionStorage.removeItem(TOKEN_KEY); showLogin(''); });
  window.addEventListener('hashchange', () => { takeTokenFromFragment(); load(); });
  takeTokenFromFragment();
  load();
})();
