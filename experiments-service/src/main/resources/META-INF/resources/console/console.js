// Veltrix experiments console: the pages' shared state and API calls, as Alpine.js components (no build step).
// The token lives in this tab's sessionStorage only and is sent as 'Authorization: Bearer'; never in a URL, never logged.
(function () {
  'use strict';
  const TOKEN = 'veltrix.console.token';
  const SESSION = 'veltrix.console.session';
  const COLORS = ['#2458c6', '#b35900', '#1a7f37', '#8e44ad', '#c62828', '#00838f', '#6d4c41', '#ad1457'];

  function signIn() { location.assign('/console/signin.html'); }

  /** Calls the API with the token; 401 sends to the sign-in page; returns {status, body}. */
  async function call(method, path, body) {
    const token = sessionStorage.getItem(TOKEN);
    if (!token) { signIn(); throw new Error('not signed in'); }
    const headers = { Authorization: 'Bearer ' + token };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 401) { sessionStorage.removeItem(TOKEN); signIn(); throw new Error('token refused'); }
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = { message: text }; }
    return { status: res.status, ok: res.ok, body: json };
  }

  async function get(path) {
    const r = await call('GET', path);
    if (!r.ok) throw new Error((r.body && r.body.message) || ('HTTP ' + r.status));
    return r.body;
  }

  const fmt = {
    int: n => n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'),
    pct: (x, d = 1) => x === null || x === undefined || Number.isNaN(x) ? '–' : (x * 100).toFixed(d) + '%',
    signedPct: x => x === null || x === undefined || Number.isNaN(x) ? '–' : (x >= 0 ? '+' : '') + (x * 100).toFixed(1) + '%',
    num: (x, d = 3) => x === null || x === undefined || Number.isNaN(x) ? '–' : Number(x).toFixed(d),
    p: p => p === null || p === undefined ? '–' : p < 0.0001 ? p.toExponential(1) : p.toFixed(4),
    time: t => t ? new Date(t).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '–',
    days: (from, to) => from ? ((new Date(to || Date.now()) - new Date(from)) / 86400000).toFixed(1) : '–',
    json: v => JSON.stringify(v)
  };

  /** The lift of the primary metric's first treatment, in words ("bonus +12.3% · better"). */
  function primaryResult(results) {
    if (!results || !results.metrics || !results.metrics.length) return null;
    const m = results.metrics.find(x => x.primary) || results.metrics[0];
    const parts = m.variants.filter(v => v.vsControl).map(v => {
      const c = v.vsControl;
      const value = c.scale === 'absolute' ? c.absoluteLift : c.relativeLift;
      const verdict = (c.decision || c.reason || '').replaceAll('_', ' ');
      if (value === null || value === undefined || Number.isNaN(value)) return v.variant + ' · ' + verdict;
      return v.variant + ' ' + (c.scale === 'absolute' ? fmt.num(value) : fmt.signedPct(value)) + ' · ' + verdict;
    });
    return m.metric + ': ' + parts.join('; ');
  }

  /** A uPlot line chart of series over time into el (x: epoch seconds). */
  function lineChart(el, title, xs, series, yLabel) {
    el.replaceChildren();
    if (!xs.length) return null;
    const opts = {
      title, width: Math.max(320, el.clientWidth || 800), height: 260,
      scales: { x: { time: true } },
      tzDate: ts => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'), // the captions say UTC, as the API's buckets are
      axes: [{}, { label: yLabel }],
      series: [{}].concat(series.map((s, i) => ({ label: s.label, stroke: COLORS[i % COLORS.length], width: 2 })))
    };
    return new uPlot(opts, [xs].concat(series.map(s => s.values)), el);
  }

  window.Console = { call, get, fmt, primaryResult, lineChart, COLORS };

  document.addEventListener('alpine:init', () => {
    const stored = () => { try { return JSON.parse(sessionStorage.getItem(SESSION)) || {}; } catch (e) { return {}; } };

    // Everything a signed-in page shares: who is signed in, may they write, signing out.
    Alpine.store('session', {
      roles: stored().roles || [],
      canWrite: !!stored().canWrite,
      signedIn: !!sessionStorage.getItem(TOKEN),
      signOut() { sessionStorage.removeItem(TOKEN); sessionStorage.removeItem(SESSION); signIn(); }
    });

    Alpine.data('signin', () => ({
      fmt,
      token: '', error: '', busy: false,
      async submit() {
        this.error = ''; this.busy = true;
        try {
          const res = await fetch('/api/v1/session', { headers: { Authorization: 'Bearer ' + this.token } });
          if (res.status === 401) { this.error = 'That token was refused. Use the admin or the analyst token.'; return; }
          if (res.status === 403) { this.error = 'This token may not read experiments (the SDK key?). Use the admin or the analyst token.'; return; }
          if (!res.ok) { this.error = 'Sign-in failed: HTTP ' + res.status; return; }
          const session = await res.json();
          sessionStorage.setItem(TOKEN, this.token);
          sessionStorage.setItem(SESSION, JSON.stringify(session));
          location.assign('/console/');
        } finally { this.busy = false; }
      }
    }));

    Alpine.data('experimentList', () => ({
      fmt,
      experiments: [], results: {}, status: '', search: '', loaded: false, error: '',
      async init() {
        if (!sessionStorage.getItem(TOKEN)) { signIn(); return; }
        try {
          this.experiments = await get('/api/v1/experiments');
        } catch (e) { this.error = 'Could not load the experiments: ' + e.message; }
        await Promise.all(this.experiments.filter(e => e.phase).map(async e => {
          try { this.results[e.key] = await get('/api/v1/experiments/' + encodeURIComponent(e.key) + '/results'); }
          catch (err) { this.results[e.key] = null; }
        }));
        this.loaded = true;
      },
      get shown() {
        const q = this.search.trim().toLowerCase();
        return this.experiments.filter(e => (!this.status || e.status === this.status)
          && (!q || [e.key, e.name, e.description].some(t => t && t.toLowerCase().includes(q))));
      },
      participants(e) {
        const r = this.results[e.key];
        return r ? fmt.int(r.variants.reduce((s, v) => s + v.participants, 0)) : '–';
      },
      primary(e) { return primaryResult(this.results[e.key]) || '–'; },
      days(e) { return e.startedAt ? fmt.days(e.startedAt, e.status === 'running' ? null : e.stoppedAt) : '–'; }
    }));

    Alpine.data('experimentForm', () => ({
      fmt,
      key: new URLSearchParams(location.search).get('key'),
      form: null, existing: null, catalog: [], errors: {}, message: '', saving: false, confirming: false,
      async init() {
        if (!sessionStorage.getItem(TOKEN)) { signIn(); return; }
        this.catalog = (await get('/api/v1/catalog/events')).eventTypes;
        if (this.key) {
          this.existing = await get('/api/v1/experiments/' + encodeURIComponent(this.key));
          const e = this.existing;
          this.form = {
            key: e.key, name: e.name, description: e.description || '', coverage: e.coverage, method: e.analysis.method,
            variants: e.variants.map(v => ({ key: v.key, name: v.name || '', weight: v.weight, parameters: JSON.stringify(v.parameters || {}, null, 2), jsonError: '' })),
            primaryMetric: this.metricForm(e.primaryMetric),
            guardrailMetrics: e.guardrailMetrics.map(m => this.metricForm(m))
          };
        } else {
          this.form = {
            key: '', name: '', description: '', coverage: 1, method: 'sequential',
            variants: [this.variant('control', 0.5), this.variant('treatment', 0.5)],
            primaryMetric: this.metricForm({ name: '', kind: 'conversion', direction: 'higher' }), guardrailMetrics: []
          };
        }
      },
      variant(key, weight) { return { key, name: '', weight, parameters: '{}', jsonError: '' }; },
      metricForm(m) { return { name: m.name, kind: m.kind, direction: m.direction || 'higher' }; },
      // every metric the catalogue offers: an event type (conversion or mean count) or one of its numeric properties (mean)
      get metricOptions() {
        return this.catalog.flatMap(t => [{ value: t.eventType, label: t.eventType + ' (event)', group: t.eventType }]
          .concat(t.numericProperties.map(p => ({ value: p.metric, label: p.metric + ' (number)', group: t.eventType }))));
      },
      checkJson(v) {
        try {
          const parsed = JSON.parse(v.parameters);
          v.jsonError = parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) ? 'Must be a JSON object: { ... }' : '';
        } catch (e) { v.jsonError = 'Not valid JSON: ' + e.message; }
      },
      addVariant() { this.form.variants.push(this.variant('variant_' + this.form.variants.length, 0)); },
      addGuardrail() { this.form.guardrailMetrics.push(this.metricForm({ name: '', kind: 'mean', direction: 'higher' })); },
      err(path) { return this.errors[path] || ''; },
      metricBody(m) { return { name: m.name || null, kind: m.kind, direction: m.direction }; },
      body() {
        const f = this.form;
        return {
          key: f.key, name: f.name, description: f.description || null,
          coverage: f.coverage === '' ? null : Number(f.coverage),
          variants: f.variants.map(v => ({ key: v.key, name: v.name || null, weight: v.weight === '' ? null : Number(v.weight), parameters: JSON.parse(v.parameters) })),
          primaryMetric: this.metricBody(f.primaryMetric),
          guardrailMetrics: f.guardrailMetrics.map(m => this.metricBody(m)),
          analysis: this.existing && this.existing.status !== 'draft' ? undefined : { method: f.method }
        };
      },
      // a running experiment whose coverage, weights or parameters change gets a new phase: say so before saving
      get opensPhase() {
        const e = this.existing;
        if (!e || e.status !== 'running') return false;
        const f = this.form;
        return Number(f.coverage) !== e.coverage || f.variants.length !== e.variants.length || f.variants.some((v, i) =>
          Number(v.weight) !== e.variants[i].weight || JSON.stringify(safeParse(v.parameters)) !== JSON.stringify(e.variants[i].parameters));
      },
      submit() {
        this.form.variants.forEach(v => this.checkJson(v));
        if (this.form.variants.some(v => v.jsonError)) { this.message = 'Fix the parameters marked below.'; return; }
        if (this.opensPhase) { this.confirming = true; this.$refs.confirm.showModal(); return; }
        this.save();
      },
      async save() {
        if (this.$refs.confirm.open) this.$refs.confirm.close();
        this.confirming = false; this.saving = true; this.errors = {}; this.message = '';
        try {
          const r = this.existing
            ? await call('PUT', '/api/v1/experiments/' + encodeURIComponent(this.existing.key), this.body())
            : await call('POST', '/api/v1/experiments', this.body());
          if (r.ok) { location.assign('/console/experiment.html?key=' + encodeURIComponent(r.body.key)); return; }
          const errors = {};
          ((r.body && r.body.fields) || []).forEach(fe => { errors[fe.field] = errors[fe.field] ? errors[fe.field] + '; ' + fe.reason : fe.reason; });
          this.errors = errors;
          this.message = r.status === 403 ? 'Your token may not change experiments (role admin needed).'
            : Object.keys(errors).length ? 'Not saved: the fields marked below need a change.'
            : (r.body && r.body.message) || ('HTTP ' + r.status);
        } finally { this.saving = false; }
      }
    }));

    Alpine.data('experimentPage', () => ({
      fmt,
      key: new URLSearchParams(location.search).get('key'),
      e: null, phases: [], r: null, series: null, error: '', action: null, actionError: '', loaded: false, timer: null,
      async init() {
        if (!sessionStorage.getItem(TOKEN)) { signIn(); return; }
        await this.load();
        this.timer = setInterval(() => this.loadLive(), 30000);
      },
      async load() {
        try {
          this.e = await get('/api/v1/experiments/' + encodeURIComponent(this.key));
          this.phases = await get('/api/v1/experiments/' + encodeURIComponent(this.key) + '/phases');
          this.r = this.e.phase ? await get('/api/v1/experiments/' + encodeURIComponent(this.key) + '/results') : null;
          await this.loadLive();
        } catch (err) { this.error = err.message; }
        this.loaded = true;
      },
      // by minute while the phase is young (the first 36 hours), else by hour
      async loadLive() {
        const phase = this.phases[this.phases.length - 1];
        if (!phase) return;
        const young = Date.now() - new Date(phase.startedAt) < 36 * 3600000;
        this.series = await get('/api/v1/experiments/' + encodeURIComponent(this.key) + '/timeseries?interval=' + (young ? 'minute' : 'hour'));
        this.$nextTick(() => {
          const xs = this.series.points.map(p => new Date(p.bucket).getTime() / 1000);
          lineChart(this.$refs.live, 'Participants so far, by ' + this.series.interval, xs,
            this.series.variants.map((v, i) => ({ label: v, values: this.series.points.map(p => p.variants[i].participants) })), 'participants');
        });
      },
      get actions() {
        const s = this.e && this.e.status;
        const next = this.phases.length + 1;
        const list = [];
        if (s === 'draft') list.push({ name: 'start', label: 'Start', text: 'Start "' + this.e.name + '": phase 1 opens, players are assigned to the variants from now on (the SDK payload includes it) and their exposures count.' });
        if (s === 'stopped') list.push({ name: 'start', label: 'Restart', text: 'Restart "' + this.e.name + '": phase ' + next + ' opens with the current coverage and weights; the results show the new phase by default, earlier phases stay readable.' });
        if (s === 'running') list.push({ name: 'stop', label: 'Stop', text: 'Stop "' + this.e.name + '": phase ' + this.phases.length + ' closes, nobody is assigned any more and the game falls back to the control. The results stay readable; you can restart later (a new phase).' });
        if (s && s !== 'archived') list.push({ name: 'archive', label: 'Archive', text: 'Archive "' + this.e.name + '": it becomes read-only for good' + (s === 'running' ? ' (it is stopped first: phase ' + this.phases.length + ' closes)' : '') + '. This cannot be undone.' });
        return list;
      },
      ask(a) { this.action = a; this.actionError = ''; this.$refs.confirm.showModal(); },
      async confirm() {
        const r = await call('POST', '/api/v1/experiments/' + encodeURIComponent(this.key) + '/' + this.action.name);
        if (!r.ok) { this.actionError = r.status === 403 ? 'Your token may not change experiments.' : (r.body && r.body.message) || ('HTTP ' + r.status); return; }
        this.$refs.confirm.close();
        this.action = null;
        await this.load();
      },
      methodText() {
        const a = this.r && this.r.analysis;
        if (!a) return '';
        return (a.method === 'sequential' ? 'Anytime-valid (confidence sequences): look as often as you like' : 'Fixed horizon: read once at the planned sample size')
          + ' · decisions on the ' + a.scale + ' lift · ' + a.correction.replaceAll('_', '–') + ' correction';
      },
      harmed() {
        if (!this.r) return [];
        return this.r.metrics.filter(m => m.harmed).map(m => m.metric + ' (' + m.variants.filter(v => v.vsControl && v.vsControl.harmed).map(v => v.variant).join(', ') + ')');
      },
      value(m, v) { return m.kind === 'conversion' ? fmt.pct(v.value) : fmt.num(v.value, 2); },
      lift(c) {
        if (!c) return 'control';
        const ci = c.scale === 'absolute' ? c.absoluteCi : c.relativeCi;
        const f = c.scale === 'absolute' ? (x => fmt.num(x)) : fmt.signedPct;
        return (c.scale === 'absolute' ? f(c.absoluteLift) : f(c.relativeLift)) + (ci ? ' [' + f(ci.lower) + ', ' + f(ci.upper) + ']' : '');
      },
      decision(c) { return c ? (c.decision || c.reason || '–').replaceAll('_', ' ') : ''; }
    }));

    Alpine.data('dataQuality', () => ({
      fmt,
      hours: 1, summary: null, summaryError: '', traffic: [], loaded: false,
      async init() {
        if (!sessionStorage.getItem(TOKEN)) { signIn(); return; }
        await this.load();
      },
      async load() {
        this.loaded = false;
        const to = new Date();
        const from = new Date(to.getTime() - this.hours * 3600000);
        const range = 'from=' + encodeURIComponent(from.toISOString()) + '&to=' + encodeURIComponent(to.toISOString());
        const r = await call('GET', '/api/v1/data-quality/rejections?' + range);
        this.summary = r.ok ? r.body : null;
        this.summaryError = r.ok ? '' : ((r.body && r.body.message) || ('HTTP ' + r.status));
        const types = (await get('/api/v1/catalog/events')).eventTypes.map(t => t.eventType).concat(['experiment_viewed']);
        const since = new Date(to.getTime() - 3600000);
        const trafficRange = 'from=' + encodeURIComponent(since.toISOString().slice(0, 16) + ':00Z');
        this.traffic = await Promise.all(types.map(t => get('/api/v1/traffic/' + t + '?' + trafficRange)));
        this.loaded = true;
        this.$nextTick(() => this.chart(since));
      },
      chart(since) {
        const start = Math.floor(since.getTime() / 60000);
        const end = Math.floor(Date.now() / 60000);
        const xs = [];
        for (let m = start; m <= end; m++) xs.push(m * 60);
        const busy = this.traffic.filter(t => t.total > 0);
        lineChart(this.$refs.traffic, 'Events counted per minute, last hour', xs, busy.map(t => {
          const by = new Map(t.minutes.map(m => [new Date(m.minute).getTime() / 1000, m.events]));
          return { label: t.eventType, values: xs.map(x => by.get(x) || 0) };
        }), 'events / minute');
      },
      rows(map) { return Object.entries(map || {}).sort((a, b) => b[1] - a[1]); }
    }));
  });

  function safeParse(s) { try { return JSON.parse(s); } catch (e) { return null; } }
})();
