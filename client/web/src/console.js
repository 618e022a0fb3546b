// The facilitator console: pick a built-in scenario or upload a YAML file
// (checked by the server with line-numbered problems), create the drill,
// show its join code and a QR code for the participant page, then run it
// over WebTransport as the facilitator (Hello role 3 with the token): a
// live map of everyone with the hazard layers, start / pause / resume /
// end, warnings and injects, and each participant's results at the end.
import qrcode from 'qrcode-generator';
import { Connection, ROLE } from './net.js';
import { S, bi, lang, pick, LEVEL_COLOURS } from './i18n.js';
import { mountReports, offerReport } from './report.js';

const $ = (id) => document.getElementById(id);
const OP = { start: 1, pause: 2, resume: 3, end: 4, inject: 5, warn: 6 };
const REASONS = ['', 'not running', 'unknown', 'already', 'not allowed', 'duplicate', 'rate limited', 'invalid', 'bad state'];

// state is what the console knows; window.__console exposes it to tests.
const state = { scenarios: [], problems: null, created: null, joined: false, phase: 0, tick: 0, warnings: [0, 0, 0], acks: [], log: [], results: null, roster: new Map(), snapshots: 0 };
window.__console = state;
let conn, map;

async function init() {
  document.documentElement.lang = lang;
  document.title = bi('console');
  $('h-title').textContent = `RescueDrill ${S.console}`;
  for (const [id, key] of [['h-scenario', 'scenario'], ['l-builtin', 'builtin'], ['l-upload', 'upload'], ['validate', 'validate'], ['create', 'create'],
    ['l-code', 'joinCode'], ['l-token', 'token'], ['h-join', 'joinHere'], ['start', 'start'], ['pause', 'pause'], ['resume', 'resume'], ['end', 'end'],
    ['fire', 'inject'], ['warn', 'warn'], ['l-layers', 'layers'], ['l-water', 'water'], ['l-debris', 'debris'], ['l-heat', 'heat'], ['h-people', 'participants']]) {
    $(id).textContent = S[key];
  }
  for (let h = 1; h <= 3; h++) $('hazard').append(new Option(S.hazards[h], h));
  for (let l = 4; l >= 0; l--) $('level').append(new Option(S.levels[l], l));
  const r = await fetch('/api/web/scenarios');
  state.scenarios = await r.json();
  for (const s of state.scenarios) $('builtin').append(new Option(`${s.name} — ${pick(s.title)}`, s.name));
  const showSummary = () => { const s = state.scenarios.find((x) => x.name === $('builtin').value); $('summary').textContent = s ? pick(s.summary) : ''; };
  $('builtin').onchange = showSummary;
  showSummary();
  // The teacher picks the scenario and, for a drill on their own map, the
  // grid files it names, together (a multiple-file input works the same on
  // every browser; folders and zips do not).
  $('file').onchange = async () => {
    const picked = [...$('file').files];
    const y = picked.find((f) => /\.ya?ml$/i.test(f.name));
    state.mapFiles = picked.filter((f) => f !== y);
    if (y) {
      $('yaml').value = await y.text();
      $('yaml').dataset.name = y.name;
    }
    if (!$('yaml').value) return;
    document.querySelector('input[name=src][value=upload]').checked = true;
    validate();
  };
  $('yaml').oninput = () => { document.querySelector('input[name=src][value=upload]').checked = true; };
  $('validate').onclick = validate;
  $('create').onclick = create;
  $('connect').onclick = () => connect($('ex-code').value.trim(), $('ex-token').value.trim());
  $('start').onclick = () => command(OP.start);
  $('pause').onclick = () => command(OP.pause);
  $('resume').onclick = () => command(OP.resume);
  $('end').onclick = () => command(OP.end);
  $('fire').onclick = () => command(OP.inject, { inject: $('inject').value });
  $('warn').onclick = () => command(OP.warn, { hazard: +$('hazard').value, level: +$('level').value });
  for (const id of ['ly-water', 'ly-debris', 'ly-heat']) $(id).onchange = () => map?.draw();
  mountReports(state); // the after-action report (report.js)
  state.ready = true;
}

const upload = () => document.querySelector('input[name=src]:checked').value === 'upload';

// validate asks the server to check the uploaded YAML and lists every
// problem with its line and column.
async function validate() {
  const name = $('yaml').dataset.name || 'upload.yaml';
  const body = { name, source: $('yaml').value };
  const check = async () => (await fetch('/api/web/validate', { method: 'POST', body: JSON.stringify(body) })).json();
  let v = await check();
  if (state.mapFiles?.length) {
    // The server said which paths the scenario's map: names; each picked
    // file goes under the one with its file name (others under their own
    // name, which the server refuses by name).
    body.files = {};
    for (const f of state.mapFiles) {
      const p = (v.map_files || []).find((m) => m.split('/').pop() === f.name) || f.name;
      body.files[p] = await base64(f);
    }
    v = await check();
  }
  state.problems = v;
  state.upload = body;
  const ul = $('problems');
  ul.replaceChildren();
  if (v.ok && !v.problems.length) ul.append(li(S.noProblems, 'ok'));
  for (const p of v.problems) {
    const where = p.file && p.file !== name ? `${p.file}:` : '';
    ul.append(li(p.line ? `${where}${p.line}:${p.col} ${p.path ? p.path + ': ' : ''}${p.message}${p.hint ? ' — ' + p.hint : ''}` : p.text, p.severity));
  }
  return v;
}

async function base64(file) {
  const b = new Uint8Array(await file.arrayBuffer());
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
}

function li(text, cls = '') { const e = document.createElement('li'); e.textContent = text; e.className = cls; return e; }

async function create() {
  $('setup-error').textContent = '';
  let body;
  if (upload()) {
    const v = await validate();
    if (!v.ok) { $('setup-error').textContent = `${S.problems}: ${v.problems.length}`; return; }
    body = { scenario: $('yaml').dataset.name || 'upload.yaml', source: $('yaml').value, files: state.upload.files, seed: +$('seed').value || 0 };
  } else {
    body = { scenario: $('builtin').value, seed: +$('seed').value || 0 };
  }
  const r = await fetch('/api/drills', { method: 'POST', body: JSON.stringify(body) });
  const j = await r.json();
  if (!r.ok) { $('setup-error').textContent = j.error || `HTTP ${r.status}`; return; }
  state.created = j;
  connect(j.join_code, j.facilitator_token);
}

async function connect(code, token) {
  if (!code || !token) return;
  showJoin(code, token);
  // The report is fetched by drill ID when this console created the drill,
  // else by the join code it was given.
  state.report = { ref: state.created?.id || code, token };
  offerReport($('drill'), false);
  conn = new Connection({ role: ROLE.facilitator, joinCode: code, name: 'facilitator', lang, facToken: token });
  conn.on('welcome', onWelcome).on('terrain', (t) => { map = new LiveMap($('map'), conn.welcome, t); map.draw(); })
    .on('snapshot', onSnapshot).on('phase', (m) => setPhase(m.phase, m.tick))
    .on('roster', (m) => { for (const e of m.entries) state.roster.set(e.slot, e); drawRoster(); })
    .on('warning', (w) => log(`${S.warning}: ${pick(w.title) || S.hazards[w.hazard] + ' ' + S.levels[w.level]}`, LEVEL_COLOURS[w.level]))
    .on('message', (m) => log(`${m.inject}: ${pick(m.text)}`))
    .on('prompt', (p) => log(`${S.prompt}: ${pick(p.question)}`))
    .on('results', showResults)
    .on('error', (m) => { log(`error ${m.code}: ${m.text}`, '#b00'); state.error = m; })
    .on('closed', () => { $('conn').textContent = S.closed; });
  $('conn').textContent = S.connecting;
  try { await conn.open(); } catch (e) { $('setup-error').textContent = String(e); state.error = { text: String(e) }; }
}

function showJoin(code, token) {
  const url = `${location.origin}/play?code=${encodeURIComponent(code)}`;
  state.joinURL = url;
  $('join-code').textContent = code;
  $('join-url').textContent = url;
  // The token stays folded away: the console is often on the class's
  // projector next to the QR code, and the token runs the drill.
  $('token-show').textContent = S.token;
  $('token-note').textContent = token;
  const qr = qrcode(0, 'M');
  qr.addData(url);
  qr.make();
  $('qr').innerHTML = qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true });
  state.qrModules = qr.getModuleCount();
  $('setup').hidden = true;
  $('drill').hidden = false;
  $('mapbox').hidden = false;
}

function onWelcome(w) {
  state.joined = true;
  $('conn').textContent = `${S.joined} · ${w.joinCode}`;
  $('d-title').textContent = pick(w.title);
  setPhase(w.phase, w.tick);
  for (const e of w.roster) state.roster.set(e.slot, e);
  drawRoster();
  let sc = null;
  try { sc = JSON.parse(new TextDecoder().decode(w.scenario)); } catch { /* no inject list */ }
  state.scenario = sc;
  $('inject').replaceChildren();
  for (const i of sc?.injects || []) $('inject').append(new Option(`${i.id} (${i.kind})`, i.id));
}

function setPhase(p, tick) {
  state.phase = p;
  $('d-phase').textContent = S.phase[p];
  if (tick !== undefined) $('d-tick').textContent = `${S.tick} ${tick}`;
}

function onSnapshot(s) {
  state.snapshots++;
  state.tick = s.tick;
  state.warnings = s.warnings;
  if (s.phase !== state.phase) setPhase(s.phase);
  $('d-tick').textContent = `${S.tick} ${s.tick}`;
  $('d-warn').replaceChildren(...s.warnings.map((l, i) => {
    const b = document.createElement('span');
    b.textContent = l ? `${S.hazards[i + 1]} ${S.levels[l]} ` : '';
    b.style.color = LEVEL_COLOURS[l];
    return b;
  }));
  state.people = s.participants.size;
  if (map) { map.update(s, conn.decoder); map.draw(); }
}

async function command(op, args) {
  if (!conn) return;
  const ack = await conn.command(op, args);
  const name = Object.keys(OP).find((k) => OP[k] === op);
  state.acks.push({ op: name, ...args, ...ack });
  log(`${S[name] || name}${args?.inject ? ' ' + args.inject : ''}${args?.hazard ? ` ${S.hazards[args.hazard]} ${S.levels[args.level]}` : ''}: ${ack.result === 0 ? S.accepted : `${S.rejected} (${REASONS[ack.reason]})`}`);
}

function log(text, colour) {
  state.log.push(text);
  const e = li(`[${state.tick}] ${text}`);
  if (colour) e.style.color = colour;
  $('log').prepend(e);
}

function drawRoster() {
  const ul = $('roster');
  ul.replaceChildren();
  for (const e of [...state.roster.values()].sort((a, b) => a.slot - b.slot)) {
    const item = li(`${e.slot + 1}. ${e.name} `);
    const f = document.createElement('span');
    f.className = 'flag';
    f.textContent = [e.bot && 'bot', e.left && 'left', e.away && 'away'].filter(Boolean).join(' ');
    item.append(f);
    ul.append(item);
  }
}

function showResults(r) {
  state.results = r;
  const box = $('results');
  box.hidden = false;
  box.replaceChildren();
  const h = document.createElement('h2');
  h.textContent = bi('results');
  box.append(h);
  const t = document.createElement('table');
  t.innerHTML = `<tr><th>#</th><th>${S.name}</th><th>${S.score}</th><th>${S.outcome}</th><th>${S.objective}</th></tr>`;
  for (const p of r.results) {
    const tr = t.insertRow();
    tr.className = 'result';
    tr.insertCell().textContent = p.slot + 1;
    tr.insertCell().textContent = p.name + (p.policy ? ` (${p.policy})` : '');
    tr.insertCell().textContent = p.score;
    tr.insertCell().textContent = p.outcome;
    const c = tr.insertCell();
    for (const o of p.objectives) {
      const d = document.createElement('div');
      d.innerHTML = `<span class="rating-${o.rating}">${o.rating}</span> `;
      d.append(`${pick(o.title)} ${o.points}/${o.max}`);
      c.append(d);
    }
    const det = document.createElement('details');
    det.className = 'items';
    const sum = document.createElement('summary');
    sum.textContent = `${p.items.length} ×`;
    det.append(sum);
    for (const it of p.items) {
      const d = document.createElement('div');
      d.textContent = `${it.rule}: ${it.points}/${it.max} — ${lang === 'en' ? it.reason.en : it.reason.zh}`;
      det.append(d);
    }
    c.append(det);
  }
  box.append(t);
  offerReport(box, true);
}

// LiveMap draws the terrain (shaded by elevation), the hazard layers —
// flood depth, landslide debris and slope susceptibility, heat — and
// everyone's position, north up.
class LiveMap {
  constructor(canvas, welcome, terrain) {
    this.canvas = canvas;
    this.w = welcome;
    this.g = welcome.grid;
    this.cell = this.g.cellMM / 1000;
    this.scale = Math.max(1, Math.floor(720 / Math.max(this.g.nx, this.g.ny)));
    canvas.width = this.g.nx * this.scale;
    canvas.height = this.g.ny * this.scale;
    this.base = document.createElement('canvas');
    this.base.width = this.g.nx; this.base.height = this.g.ny;
    this.img = this.base.getContext('2d').createImageData(this.g.nx, this.g.ny);
    this.elev = terrain.elev;
    let lo = Infinity, hi = -Infinity;
    for (const v of terrain.elev) if (v !== 65535) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    this.lo = lo; this.hi = Math.max(hi, lo + 1);
    this.slope = this.slopes();
    this.s = null;
    this.hazard = state.scenario?.hazard;
    // The server's landslide risk layer (factor of safety per cell, protocol
    // §5.4.1) when it sent one; the slope guess only for an older server.
    this.hasRisk = !!(welcome.layers & 4);
    if (this.hasRisk) riskControls();
    // The Welcome's full state is decoded already: draw its layers now, not
    // at the next snapshot (none come in the lobby).
    if (conn?.decoder) this.update(null, conn.decoder);
  }
  // slopes is each cell's slope in degrees (landslide susceptibility).
  slopes() {
    const { nx, ny } = this.g, e = this.elev, out = new Float32Array(nx * ny);
    const at = (c, r) => e[Math.max(0, Math.min(ny - 1, r)) * nx + Math.max(0, Math.min(nx - 1, c))] / 100;
    for (let r = 0; r < ny; r++) for (let c = 0; c < nx; c++) {
      const dx = (at(c + 1, r) - at(c - 1, r)) / (2 * this.cell), dy = (at(c, r + 1) - at(c, r - 1)) / (2 * this.cell);
      out[r * nx + c] = (Math.atan(Math.hypot(dx, dy)) * 180) / Math.PI;
    }
    return out;
  }
  update(s, decoder) { this.s = s; this.fields = decoder.fields; state.risk = this.hasRisk ? riskSummary(decoder.fields[2]) : null; }
  draw() {
    const { nx, ny } = this.g, d = this.img.data;
    const water = $('ly-water').checked && this.fields?.[0], debris = $('ly-debris').checked, heat = $('ly-heat').checked;
    const risk = this.hasRisk && $('ly-risk')?.checked && this.fields?.[2];
    const heatLevel = this.s ? this.s.warnings[1] : 0;
    for (let i = 0; i < nx * ny; i++) {
      const v = this.elev[i];
      const k = v === 65535 ? 0 : (v - this.lo) / (this.hi - this.lo);
      let r = 90 + 110 * k, g = 120 + 100 * k, b = 80 + 90 * k;
      if (risk && risk[i] > 0) {
        const [cr, cg, cb, a] = riskColour(risk[i]);
        r = r * (1 - a) + cr * a; g = g * (1 - a) + cg * a; b = b * (1 - a) + cb * a;
      } else if (debris && !this.hasRisk && this.hazard === 'landslide' && this.slope[i] > 20) {
        const a = Math.min(1, (this.slope[i] - 20) / 25) * 0.6; // susceptibility: steeper is redder
        r = r * (1 - a) + 230 * a; g = g * (1 - a) + 120 * a; b = b * (1 - a) + 30 * a;
      }
      if (heat && (heatLevel > 0 || this.hazard === 'heat')) {
        const a = 0.1 + 0.08 * heatLevel;
        r = r * (1 - a) + 255 * a; g = g * (1 - a) + 90 * a; b = b * (1 - a) + 20 * a;
      }
      if (water && this.fields[0][i] > 0) {
        const a = Math.min(0.9, 0.35 + this.fields[0][i] / 200);
        r = r * (1 - a) + 20 * a; g = g * (1 - a) + 80 * a; b = b * (1 - a) + 200 * a;
      }
      if (debris && this.fields?.[1][i] > 0) {
        const a = Math.min(0.95, 0.5 + this.fields[1][i] / 200);
        r = r * (1 - a) + 110 * a; g = g * (1 - a) + 70 * a; b = b * (1 - a) + 40 * a;
      }
      d[i * 4] = r; d[i * 4 + 1] = g; d[i * 4 + 2] = b; d[i * 4 + 3] = 255;
    }
    this.base.getContext('2d').putImageData(this.img, 0, 0);
    const ctx = this.canvas.getContext('2d');
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.base, 0, 0, this.canvas.width, this.canvas.height);
    const px = this.scale / this.cell; // pixels per metre
    for (const p of state.scenario?.places || []) {
      ctx.strokeStyle = p.safe ? '#0a0' : p.danger ? '#d00' : '#555';
      ctx.lineWidth = 2;
      if (p.rect) ctx.strokeRect(p.rect[0] * px, p.rect[1] * px, (p.rect[2] - p.rect[0]) * px, (p.rect[3] - p.rect[1]) * px);
      else if (p.circle) { ctx.beginPath(); ctx.arc(p.circle[0] * px, p.circle[1] * px, p.circle[2] * px, 0, 7); ctx.stroke(); }
    }
    if (!this.s) return;
    for (const e of this.s.npcs.values()) dot(ctx, e, px, 3, e.flags & 64 ? '#ff5a00' : '#555');
    ctx.font = '12px sans-serif';
    for (const e of this.s.participants.values()) {
      const colour = e.status === 0 ? (e.flags & 64 && heat ? '#ff5a00' : '#1060e0') : e.status === 4 ? '#999' : '#d00';
      dot(ctx, e, px, 6, colour);
      ctx.fillStyle = '#000';
      ctx.fillText(state.roster.get(e.id)?.name || `#${e.id + 1}`, (e.x / 64) * px + 8, (e.y / 64) * px + 4);
    }
  }
}

// RISK_SCALE is the heat map's colour scale over the risk layer's cells
// (v: FS = 2 − v/100; 255 slid away), with the legend's words in both
// languages: the bands follow the factor of safety geotechnical practice
// reads (≥ 1.5 adequate for a natural slope, < 1 failing).
const RISK_SCALE = [
  { upTo: 50, rgb: [240, 220, 90], a: 0.25, zh: '稳定 FS ≥ 1.5', en: 'stable' },
  { upTo: 70, rgb: [250, 200, 40], a: 0.45, zh: '注意 FS 1.3–1.5', en: 'watch' },
  { upTo: 85, rgb: [250, 130, 20], a: 0.6, zh: '警戒 FS 1.15–1.3', en: 'warning' },
  { upTo: 100, rgb: [225, 30, 30], a: 0.7, zh: '危险 FS 1.0–1.15', en: 'danger' },
  { upTo: 200, rgb: [140, 0, 40], a: 0.8, zh: '失稳 FS < 1', en: 'failing' },
  { upTo: 255, rgb: [110, 60, 150], a: 0.85, zh: '已滑动', en: 'slid away' },
];
function riskColour(v) {
  const band = RISK_SCALE.find((b) => v <= b.upTo) || RISK_SCALE[RISK_SCALE.length - 1];
  return [...band.rgb, band.a];
}

// riskSummary counts the cells in each band of the scale (for the tests and
// the legend's counts).
function riskSummary(f) {
  const n = RISK_SCALE.map(() => 0);
  if (f) for (const v of f) if (v > 0) n[RISK_SCALE.findIndex((b) => v <= b.upTo)]++;
  return n;
}

// riskControls adds the risk layer's checkbox and its legend (zh · en) to the
// map panel, once.
function riskControls() {
  if ($('ly-risk')) return;
  const label = document.createElement('label');
  label.innerHTML = '<input type="checkbox" id="ly-risk" checked> <span>滑坡风险 · landslide risk</span>';
  document.querySelector('#mapbox .layers').append(label);
  $('ly-risk').onchange = () => map?.draw();
  const legend = document.createElement('div');
  legend.id = 'risk-legend';
  legend.style.cssText = 'display:flex;flex-wrap:wrap;gap:.6em;font-size:.85em;margin:.3em 0';
  const title = document.createElement('b');
  title.textContent = '安全系数 FS · factor of safety';
  legend.append(title);
  for (const b of RISK_SCALE) {
    const item = document.createElement('span');
    const sw = document.createElement('i');
    sw.style.cssText = `display:inline-block;width:1em;height:1em;vertical-align:middle;margin-right:.25em;background:rgba(${b.rgb.join(',')},${Math.min(1, b.a + 0.15)})`;
    item.append(sw, `${b.zh} · ${b.en}`);
    legend.append(item);
  }
  $('map').after(legend);
}

function dot(ctx, e, px, r, colour) {
  const x = (e.x / 64) * px, y = (e.y / 64) * px;
  ctx.fillStyle = colour;
  ctx.beginPath(); ctx.arc(x, y, r, 0, 7); ctx.fill();
  const a = (e.heading / 1024) * Math.PI * 2;
  ctx.strokeStyle = colour; ctx.lineWidth = 2;
  ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(x + Math.sin(a) * r * 2, y - Math.cos(a) * r * 2); ctx.stroke();
}

init();
