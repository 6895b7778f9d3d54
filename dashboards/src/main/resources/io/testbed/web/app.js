// The testbed's built-in page: devices and experiments from the REST API, live charts from the telemetry stream
// (server-sent events of the points the orchestrator writes to InfluxDB). No CDN: uPlot comes from a WebJar.
'use strict';

const API = '/api/v1';
const WINDOW_S = 300;              // seconds of history each chart keeps
const charts = {};                 // name -> {plot, series: Map(label -> index), data: [[t...], [v...]...]}
const decisionTargets = new Map(); // target -> y value on the decisions chart
window.testbedPage = { pointsReceived: 0, chartPoints: {} };   // read by the browser test

function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
async function getJson(path) { const r = await fetch(API + path); if (!r.ok) throw new Error(path + ': ' + r.status); return r.json(); }

function makeChart(name, containerId, yLabel, pointsOnly) {
  const container = document.getElementById(containerId);
  const opts = { width: Math.max(300, container.clientWidth || 560), height: 220, scales: { x: { time: true } },
    series: [{}], axes: [{}, { label: yLabel }], legend: { live: false } };
  charts[name] = { plot: new uPlot(opts, [[]], container), series: new Map(), data: [[]], pointsOnly: !!pointsOnly };
  window.testbedPage.chartPoints[name] = 0;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];

function addPoint(name, label, tSeconds, value) {
  const c = charts[name];
  if (!c || value === undefined || value === null || Number.isNaN(value)) return;
  if (!c.series.has(label)) {
    const idx = c.data.length;
    c.series.set(label, idx);
    c.data.push(new Array(c.data[0].length).fill(null));
    const s = { label, stroke: PALETTE[(idx - 1) % PALETTE.length], points: { show: true, size: c.pointsOnly ? 7 : 4, fill: PALETTE[(idx - 1) % PALETTE.length] }, spanGaps: true };
    if (c.pointsOnly) s.paths = () => null;   // decisions are discrete: markers, no lines
    c.plot.addSeries(s, idx);
  }
  const idx = c.series.get(label);
  c.data[0].push(tSeconds);
  for (let i = 1; i < c.data.length; i++) c.data[i].push(i === idx ? value : null);
  const cutoff = tSeconds - WINDOW_S;
  while (c.data[0].length && c.data[0][0] < cutoff) c.data.forEach(col => col.shift());
  window.testbedPage.chartPoints[name]++;
  c.dirty = true;
}

function redraw() { for (const c of Object.values(charts)) if (c.dirty) { c.plot.setData(c.data); c.dirty = false; } }

function onPoint(p) {
  window.testbedPage.pointsReceived++;
  const t = p.timestampNs / 1e9;
  const d = p.tags.device;
  switch (p.measurement) {
    case 'power': addPoint('power', `${d} (${p.tags.source || '?'})`, t, p.fields.powerW); break;
    case 'heartbeat': addPoint('temperature', `${d} (${p.tags.source || '?'})`, t, p.fields.temperatureC); break;
    case 'inference': {
      addPoint('latency', `${d} ${p.tags.target}`, t, p.fields.latencyMs);
      const target = p.tags.target + (p.tags.executedOn && p.tags.executedOn !== d ? '→' + p.tags.executedOn : '');
      if (!decisionTargets.has(target)) decisionTargets.set(target, decisionTargets.size + 1);
      addPoint('decisions', d, t, decisionTargets.get(target));
      document.getElementById('decision-legend').textContent =
        [...decisionTargets.entries()].map(([k, v]) => `${v} = ${k}`).join('   ');
      break;
    }
  }
}

function fmtAge(ns) { if (!ns) return '-'; const s = (Date.now() * 1e6 - ns) / 1e9; return s < 1 ? 'now' : s.toFixed(0) + ' s ago'; }
function pct(x) { return x === undefined || x === null ? '-' : (100 * x).toFixed(0) + '%'; }

async function refreshDevices() {
  const devices = await getJson('/devices');
  const body = document.querySelector('#devices tbody');
  body.replaceChildren(...devices.map(dev => {
    const tr = el('tr'); tr.dataset.device = dev.id;
    const hb = dev.lastHeartbeat || {};
    const targets = (dev.targets || []).map(t => t.id + '/' + t.precision + (t.modelled ? ' (modelled)' : '')).join(', ');
    [dev.id, dev.kind || '?', dev.profile || '?'].forEach(v => tr.append(el('td', v)));
    tr.append(el('td', dev.status, dev.status));
    tr.append(el('td', targets));
    tr.append(el('td', pct(hb.cpuUtilisation)));
    tr.append(el('td', hb.temperatureC === undefined || hb.temperatureC === null ? '-' : hb.temperatureC.toFixed(1) + ' °C' + (hb.temperatureSource === 'modelled' ? ' (modelled)' : '')));
    tr.append(el('td', hb.rssiDbm === undefined || hb.rssiDbm === null ? '-' : hb.rssiDbm + ' dBm'));
    tr.append(el('td', fmtAge(hb.timestampNs)));
    tr.append(el('td', String(dev.malformedMessages ?? 0)));
    return tr;
  }));
}

async function refreshHealth() {
  const h = await getJson('/health');
  const ts = h.timeseries || {};
  document.getElementById('health').textContent =
    `${h.status} · broker ${h.broker ? h.broker.url : '?'} · series → ${ts.kind || '?'} ${ts.url || ts.path || ''} · ${h.devices ? h.devices.online + '/' + h.devices.total + ' online' : ''}`;
}

async function refreshExperiments() {
  let runs;
  try { runs = await getJson('/experiments'); } catch (e) { return; }   // older orchestrators have no experiments API
  const body = document.querySelector('#experiments tbody');
  body.replaceChildren(...runs.map(r => {
    const tr = el('tr'); tr.dataset.run = r.runId;
    tr.append(el('td', r.runId), el('td', r.status), el('td', r.phase || '-'));
    tr.append(el('td', r.total ? `${r.done}/${r.total}` + (r.etaSeconds ? ` · ETA ${Math.round(r.etaSeconds)} s` : '') : '-'));
    tr.append(el('td', r.verdict || '-'));
    const td = el('td');
    if (r.status === 'completed') { const a = el('a', 'plots & summary'); a.href = '#'; a.onclick = e => { e.preventDefault(); showExperiment(r.runId); }; td.append(a); }
    tr.append(td);
    return tr;
  }));
}

async function showExperiment(runId) {
  const box = document.getElementById('experiment-detail');
  box.replaceChildren(el('h3', runId));
  const files = await getJson(`/experiments/${runId}/bundle`);
  const names = (files.files || files).map(f => (typeof f === 'string' ? f : f.name));
  names.filter(n => n.endsWith('.png')).forEach(n => { const img = el('img'); img.src = `${API}/experiments/${runId}/files/${n}`; img.alt = n; box.append(img); });
  if (names.includes('mlperf_log_summary.txt')) {
    const txt = await (await fetch(`${API}/experiments/${runId}/files/mlperf_log_summary.txt`)).text();
    box.append(el('pre', txt));
  }
}

async function refreshJobs() {
  const jobs = await getJson('/jobs');
  const body = document.querySelector('#jobs tbody');
  body.replaceChildren(...jobs.slice(-20).reverse().map(j => {
    const tr = el('tr');
    const lat = j.summary && j.summary.latencyMs ? j.summary.latencyMs.mean.toFixed(1) + ' ms' : '-';
    [j.jobId, j.request.deviceId, j.request.model, j.request.target, j.status, `${j.done}/${j.total}`, lat].forEach(v => tr.append(el('td', v)));
    const td = el('td'); const a = el('a', 'csv'); a.href = `${API}/runs/${j.jobId}/series.csv`; td.append(a);
    tr.append(td);
    return tr;
  }));
}

function connectStream() {
  const es = new EventSource(API + '/telemetry/stream');
  es.addEventListener('point', e => onPoint(JSON.parse(e.data)));
  es.onerror = () => { document.getElementById('health').textContent += ' · stream reconnecting…'; };
}

async function backfill() {
  try {
    const recent = await getJson('/telemetry/recent');
    recent.forEach(onPoint);
  } catch (e) { /* no history yet */ }
}

function safely(f) { return () => f().catch(e => console.warn(e)); }

makeChart('power', 'chart-power', 'W');
makeChart('latency', 'chart-latency', 'ms');
makeChart('temperature', 'chart-temperature', '°C');
makeChart('decisions', 'chart-decisions', 'target', true);
backfill().then(connectStream);
[refreshHealth, refreshDevices, refreshExperiments, refreshJobs].forEach(f => { safely(f)(); setInterval(safely(f), 2000); });
setInterval(redraw, 500);
