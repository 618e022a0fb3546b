// RescueDrill wire protocol, version 1, in JavaScript: the second
// implementation of docs/protocol.md (the first is server/wire in Go). It is
// written from the document and checked against the Go golden vectors in
// server/wire/testdata/golden by test/wire.test.mjs (run from a Go test).
// Control messages are encoded and decoded both ways so the round trip can
// be checked byte for byte; snapshots and the terrain are decoded (the
// client never sends them), with the terrain also encodable for the test.

export const VERSION = 1;

export const T = {
  hello: 0x01, choice: 0x02, command: 0x03, ping: 0x04, pong: 0x05, leave: 0x06,
  welcome: 0x41, terrain: 0x42, prompt: 0x43, warning: 0x44, message: 0x45, choice_ack: 0x46,
  score: 0x47, results: 0x48, error: 0x49, command_ack: 0x4a, phase: 0x4b, roster: 0x4c,
  mirror: 0x4d, inputs: 0x4e, class_summary: 0x4f, pose: 0x80, snapshot: 0x81,
};
export const TYPE_NAMES = Object.fromEntries(Object.entries(T).map(([k, v]) => [v, k]));

// Error codes (§7).
export const CODE = {
  none: 0, malformed: 1, unknown_type: 2, too_large: 3, truncated: 4, limit: 5, bad_value: 6,
  bad_baseline: 7, bad_version: 32, unexpected: 33, forbidden: 34, rate_limited: 35,
  bad_join_code: 36, bad_token: 37, drill_full: 38, drill_ended: 39, try_later: 40, timeout: 41,
  shutdown: 42, internal: 43,
};
const CODE_NAMES = Object.fromEntries(Object.entries(CODE).map(([k, v]) => [v, k]));

export const MAX_CLIENT_FRAME = 4096;
export const MAX_SERVER_FRAME = 4 << 20;
export const MAX_DATAGRAM = 1452;
const MAX_ID = 64, MAX_TEXT = 2048, MAX_REASON = 1024, MAX_TICK = 2 ** 40;
const MAX_GRID_SIDE = 2048, MAX_GRID_CELLS = 1 << 20, MAX_CELL_MM = 1000000, MAX_ENC_GRID = 3 << 20;
export const TILE = 16;

// WireError carries a protocol error code, like server/wire.Error.
export class WireError extends Error {
  constructor(code, msg) {
    super(`${CODE_NAMES[code] || code}: ${msg}`);
    this.code = code;
  }
}
const fail = (code, msg) => { throw new WireError(code, msg); };

const utf8 = new TextEncoder();
const utf8dec = new TextDecoder('utf-8', { fatal: true });

// Reader reads little-endian fields from a Uint8Array, checking every length
// against its limit and against the bytes left before allocating.
export class Reader {
  constructor(b, off = 0) {
    this.b = b;
    this.off = off;
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  left() { return this.b.length - this.off; }
  need(n, what) { if (this.left() < n) fail(CODE.truncated, `${what}: need ${n} bytes, have ${this.left()}`); }
  u8(what) { this.need(1, what); return this.b[this.off++]; }
  u16(what) { this.need(2, what); const v = this.dv.getUint16(this.off, true); this.off += 2; return v; }
  i16(what) { this.need(2, what); const v = this.dv.getInt16(this.off, true); this.off += 2; return v; }
  u32(what) { this.need(4, what); const v = this.dv.getUint32(this.off, true); this.off += 4; return v; }
  u64(what) { this.need(8, what); const v = this.dv.getBigUint64(this.off, true); this.off += 8; return v; }
  fixed(n, what) { this.need(n, what); const v = this.b.slice(this.off, this.off + n); this.off += n; return v; }
  // uvarint: minimal LEB128 of at most 8 bytes, < 2^53.
  uvarint(what) {
    let v = 0;
    for (let i = 0; i < 8; i++) {
      if (this.off >= this.b.length) fail(CODE.truncated, `${what}: varint`);
      const c = this.b[this.off++];
      if (i === 7 && c >= 0x10) fail(CODE.malformed, `${what}: varint over 2^53-1`);
      v += (c & 0x7f) * 2 ** (7 * i);
      if (c < 0x80) {
        if (c === 0 && i > 0) fail(CODE.malformed, `${what}: non-minimal varint`);
        return v;
      }
    }
    return fail(CODE.malformed, `${what}: varint longer than 8 bytes`);
  }
  uv(what, max) { const v = this.uvarint(what); if (v > max) fail(CODE.bad_value, `${what} ${v} > ${max}`); return v; }
  svarint(what) { const u = this.uvarint(what); return u % 2 === 0 ? u / 2 : -(u + 1) / 2; }
  // count reads a count ≤ max whose items take at least minSize bytes each.
  count(what, max, minSize) {
    const n = this.uvarint(what);
    if (n > max) fail(CODE.limit, `${what}: ${n} > ${max}`);
    if (n * minSize > this.left()) fail(CODE.truncated, `${what}: ${n} items cannot fit`);
    return n;
  }
  bool(what) { const v = this.u8(what); if (v > 1) fail(CODE.bad_value, `${what}: bool ${v}`); return v === 1; }
  bytes(what, max) {
    const n = this.uvarint(what);
    if (n > max) fail(CODE.limit, `${what}: ${n} bytes > ${max}`);
    return this.fixed(n, what);
  }
  str(what, max) {
    const b = this.bytes(what, max);
    try { return utf8dec.decode(b); } catch { return fail(CODE.bad_value, `${what}: invalid UTF-8`); }
  }
  text(what, max = MAX_TEXT) { return { zh: this.str(what + '.zh', max), en: this.str(what + '.en', max) }; }
  end(what) { if (this.off !== this.b.length) fail(CODE.malformed, `${what}: ${this.left()} trailing bytes`); }
}

// Writer appends fields to a growing buffer.
export class Writer {
  constructor() { this.b = new Uint8Array(64); this.n = 0; }
  grow(k) {
    if (this.n + k <= this.b.length) return;
    const nb = new Uint8Array(Math.max(this.b.length * 2, this.n + k));
    nb.set(this.b.subarray(0, this.n));
    this.b = nb;
  }
  u8(v) { this.grow(1); this.b[this.n++] = v & 0xff; return this; }
  u16(v) { this.grow(2); this.b[this.n++] = v & 0xff; this.b[this.n++] = (v >>> 8) & 0xff; return this; }
  i16(v) { return this.u16(v & 0xffff); }
  u32(v) { for (let i = 0; i < 4; i++) this.u8(Math.floor(v / 2 ** (8 * i)) & 0xff); return this; }
  u64(v) { v = BigInt.asUintN(64, BigInt(v)); for (let i = 0n; i < 8n; i++) this.u8(Number((v >> (8n * i)) & 0xffn)); return this; }
  raw(a) { this.grow(a.length); this.b.set(a, this.n); this.n += a.length; return this; }
  uvarint(v) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`uvarint ${v}`);
    while (v >= 0x80) { this.u8((v % 0x80) | 0x80); v = Math.floor(v / 0x80); }
    return this.u8(v);
  }
  svarint(n) { return this.uvarint(n >= 0 ? n * 2 : -n * 2 - 1); }
  bool(v) { return this.u8(v ? 1 : 0); }
  bytes(a) { return this.uvarint(a.length).raw(a); }
  str(s) { return this.bytes(utf8.encode(s || '')); }
  text(t) { return this.str(t?.zh).str(t?.en); }
  done() { return this.b.slice(0, this.n); }
}

// FNV-1a 64 of bytes (the Terrain hash), as a BigInt.
export function fnv1a64(b) {
  let h = 0xcbf29ce484222325n;
  for (const c of b) h = BigInt.asUintN(64, (h ^ BigInt(c)) * 0x100000001b3n);
  return h;
}

// ---- shared pieces ----

function readRoster(r, what) {
  const n = r.count(what, 64, 3);
  const out = [];
  for (let i = 0; i < n; i++) {
    const slot = r.uvarint(what + '.slot');
    if (slot >= 64) fail(CODE.bad_value, `${what}.slot ${slot}`);
    const name = r.str(what + '.name', 64);
    const f = r.u8(what + '.flags');
    if (f & ~7) fail(CODE.bad_value, `${what}.flags ${f}`);
    out.push({ slot, name, bot: !!(f & 1), left: !!(f & 2), away: !!(f & 4) });
  }
  return out;
}
function putRoster(w, es) {
  w.uvarint(es.length);
  for (const e of es) w.uvarint(e.slot).str(e.name).u8((e.bot ? 1 : 0) | (e.left ? 2 : 0) | (e.away ? 4 : 0));
}
function readItems(r, what) {
  const n = r.count(what, 256, 8);
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push({
      rule: r.str(what + '.rule', 129), kind: r.str(what + '.kind', MAX_ID), tick: r.uv(what + '.tick', MAX_TICK),
      points: r.svarint(what + '.points'), max: r.uvarint(what + '.max'), applicable: r.bool(what + '.applicable'),
      reason: { zh: r.str(what + '.reason_zh', MAX_REASON), en: r.str(what + '.reason_en', MAX_REASON) },
    });
  }
  return out;
}
function putItems(w, items) {
  w.uvarint(items.length);
  for (const it of items) {
    w.str(it.rule).str(it.kind).uvarint(it.tick).svarint(it.points).uvarint(it.max).bool(it.applicable)
      .str(it.reason.zh).str(it.reason.en);
  }
}
function readGrid(r, what) {
  const nx = r.uvarint(what + '.nx'), ny = r.uvarint(what + '.ny'), cellMM = r.uvarint(what + '.cell_mm');
  if (nx < 1 || ny < 1 || nx > MAX_GRID_SIDE || ny > MAX_GRID_SIDE || nx * ny > MAX_GRID_CELLS) fail(CODE.limit, `${what}: ${nx}×${ny} cells`);
  if (cellMM < 1 || cellMM > MAX_CELL_MM) fail(CODE.limit, `${what}: cell ${cellMM} mm`);
  return { nx, ny, cellMM };
}
const putGrid = (w, g) => w.uvarint(g.nx).uvarint(g.ny).uvarint(g.cellMM);
function readAck(r, what) {
  const seq = r.uvarint(what + '.seq');
  const result = r.u8(what + '.result'), reason = r.u8(what + '.reason');
  if (result > 1 || reason > 8) fail(CODE.bad_value, `${what} result ${result} reason ${reason}`);
  return { seq, result, reason, tick: r.uv(what + '.tick', MAX_TICK) };
}

// ---- messages: decoders and encoders by type ----
// A message is a plain object {type: 'name', ...fields}.

const DEC = {
  hello(r) {
    const version = r.uvarint('hello.version');
    if (version !== VERSION) fail(CODE.bad_version, `protocol version ${version}`);
    const role = r.u8('hello.role');
    if (role < 1 || role > 3) fail(CODE.bad_value, `hello.role ${role}`);
    const m = { version, role, joinCode: r.str('hello.join_code', 16), name: r.str('hello.name', 64), lang: r.str('hello.lang', 16) };
    const f = r.u8('hello.flags');
    if (f & ~127 || (f & 48) === 32) fail(CODE.bad_value, `hello.flags ${f}`);
    m.datagrams = !!(f & 1); m.mirror = !!(f & 4);
    // Optional features (§5.8): bit 3 the landslide risk layer, bit 4 XR poses,
    // bit 5 hand aim (only with bit 4); bit 6 the class summary (§4.13).
    m.risk = !!(f & 8); m.xr = !!(f & 16); m.aim = !!(f & 32); m.classSummary = !!(f & 64);
    m.token = f & 2 ? r.fixed(16, 'hello.token') : null;
    m.facToken = r.str('hello.fac_token', 64);
    m.terrainHash = r.u64('hello.terrain_hash');
    return m;
  },
  choice(r) {
    const seq = r.uvarint('choice.seq'), kind = r.u8('choice.kind');
    if (kind !== 1 && kind !== 2) fail(CODE.bad_value, `choice.kind ${kind}`);
    return { seq, kind, action: r.str('choice.action', MAX_ID), target: r.str('choice.target', MAX_ID), tickHint: r.uv('choice.tick_hint', MAX_TICK) };
  },
  command(r) {
    const seq = r.uvarint('command.seq'), op = r.u8('command.op');
    if (op < 1 || op > 6) fail(CODE.bad_value, `command.op ${op}`);
    const inject = r.str('command.inject', MAX_ID), hazard = r.u8('command.hazard'), level = r.u8('command.level');
    if (hazard > 3 || level > 4) fail(CODE.bad_value, `command hazard ${hazard} level ${level}`);
    return { seq, op, inject, hazard, level };
  },
  ping(r) { return { nonce: r.uvarint('ping.nonce') }; },
  pong(r) { return { nonce: r.uvarint('pong.nonce'), tick: r.uv('pong.tick', MAX_TICK) }; },
  leave() { return {}; },
  welcome(r) {
    const version = r.uvarint('welcome.version');
    if (version !== VERSION) fail(CODE.bad_version, `protocol version ${version}`);
    const m = { version, role: r.u8('welcome.role') };
    m.slot = r.uv('welcome.slot', 64) - 1; // −1: no slot
    m.token = r.fixed(16, 'welcome.token');
    m.joinCode = r.str('welcome.join_code', 16);
    m.tickHz = r.u8('welcome.tick_hz'); m.snapshotHz = r.u8('welcome.snapshot_hz'); m.phase = r.u8('welcome.phase');
    if (m.phase > 3) fail(CODE.bad_value, `welcome.phase ${m.phase}`);
    m.tick = r.uv('welcome.tick', MAX_TICK); m.endTick = r.uv('welcome.end_tick', MAX_TICK);
    m.scenarioId = r.str('welcome.scenario_id', MAX_ID);
    m.title = r.text('welcome.title');
    m.scenarioFormat = r.u8('welcome.scenario_format');
    m.scenario = r.bytes('welcome.scenario', 1 << 20);
    m.grid = readGrid(r, 'welcome.grid');
    m.layers = r.u8('welcome.layers');
    m.terrainHash = r.u64('welcome.terrain_hash');
    const n = r.count('welcome.npcs', 4096, 2);
    m.npcs = [];
    for (let i = 0; i < n; i++) m.npcs.push({ id: r.str('welcome.npc.id', MAX_ID), kind: r.u8('welcome.npc.kind') });
    m.roster = readRoster(r, 'welcome.roster');
    m.full = r.bytes('welcome.full', MAX_SERVER_FRAME);
    return m;
  },
  terrain(r) {
    const hash = r.u64('terrain.hash');
    if (fnv1a64(r.b.subarray(r.off)) !== hash) fail(CODE.bad_value, 'terrain.hash mismatch');
    const grid = readGrid(r, 'terrain.grid');
    const baseCM = r.svarint('terrain.base_cm');
    const enc = r.bytes('terrain.elev', MAX_ENC_GRID);
    const elev = decodeGrid16(grid, enc, 'terrain.elev');
    let landUse = null;
    const has = r.u8('terrain.has_land_use');
    if (has > 1) fail(CODE.bad_value, `terrain.has_land_use ${has}`);
    if (has) landUse = decodeRuns8(grid.nx * grid.ny, r.bytes('terrain.land_use', MAX_ENC_GRID));
    return { hash, grid, baseCM, elev, landUse };
  },
  prompt(r) {
    const m = { inject: r.str('prompt.inject', MAX_ID), tick: r.uv('prompt.tick', MAX_TICK), question: r.text('prompt.question') };
    const n = r.count('prompt.options', 16, 3);
    m.options = [];
    for (let i = 0; i < n; i++) m.options.push({ id: r.str('prompt.option.id', MAX_ID), text: r.text('prompt.option.text') });
    return m;
  },
  warning(r) {
    const m = { id: r.str('warning.id', MAX_ID), hazard: r.u8('warning.hazard'), level: r.u8('warning.level'), prev: r.u8('warning.prev'), source: r.u8('warning.source') };
    if (m.hazard < 1 || m.hazard > 3 || m.level > 4 || m.prev > 4 || m.source > 1) fail(CODE.bad_value, 'warning fields');
    m.inject = r.str('warning.inject', MAX_ID); m.tick = r.uv('warning.tick', MAX_TICK);
    m.title = r.text('warning.title'); m.public = r.text('warning.public'); m.school = r.text('warning.school');
    return m;
  },
  message(r) { return { inject: r.str('message.inject', MAX_ID), tick: r.uv('message.tick', MAX_TICK), text: r.text('message.text') }; },
  choice_ack(r) { return readAck(r, 'choice_ack'); },
  command_ack(r) { return readAck(r, 'command_ack'); },
  score(r) { return { score: r.svarint('score.score'), max: r.uvarint('score.max'), items: readItems(r, 'score.items') }; },
  results(r) {
    const n = r.count('results', 64, 6);
    const results = [];
    for (let i = 0; i < n; i++) {
      const p = { slot: r.uvarint('results.slot'), name: r.str('results.name', 64), policy: r.str('results.policy', 64), score: r.svarint('results.score'), outcome: r.str('results.outcome', 64) };
      p.items = readItems(r, 'results.items');
      const k = r.count('results.objectives', 64, 6);
      p.objectives = [];
      for (let j = 0; j < k; j++) {
        p.objectives.push({ id: r.str('objective.id', MAX_ID), title: r.text('objective.title'), rating: r.str('objective.rating', 2), points: r.svarint('objective.points'), max: r.uvarint('objective.max') });
      }
      results.push(p);
    }
    return { results };
  },
  // ClassSummary (§4.13): the class's result without names, before Results.
  // avgTenths is the average in tenths of a point (725 = 72.5).
  class_summary(r) {
    const n = r.uvarint('class.n');
    if (n > 64) fail(CODE.limit, `class.n ${n}`);
    const m = { n, bots: r.bool('class.bots'), avgTenths: r.svarint('class.avg'), max: r.uvarint('class.max'), outcomes: [] };
    const k = r.count('class.outcomes', 16, 2);
    let sum = 0;
    for (let i = 0; i < k; i++) {
      const outcome = r.str('class.outcome', MAX_ID), count = r.uv('class.count', 64);
      if (count === 0) fail(CODE.bad_value, 'class.count 0');
      m.outcomes.push({ outcome, count });
      sum += count;
    }
    if (sum > n) fail(CODE.bad_value, `class outcome counts sum to ${sum} > n ${n}`);
    return m;
  },
  error(r) { return { code: r.uvarint('error.code'), text: r.str('error.text', 1024) }; },
  phase(r) {
    const phase = r.u8('phase.phase');
    if (phase > 3) fail(CODE.bad_value, `phase ${phase}`);
    return { phase, tick: r.uv('phase.tick', MAX_TICK) };
  },
  roster(r) { return { entries: readRoster(r, 'roster') }; },
  mirror(r) { return { seed: r.u64('mirror.seed'), engine: r.str('mirror.engine', 64), scenario: r.str('mirror.scenario', 256), source: r.bytes('mirror.source', 1 << 20) }; },
  inputs(r) {
    const m = { tick: r.uv('inputs.tick', MAX_TICK), hasHash: r.bool('inputs.has_hash') };
    m.hash = m.hasHash ? r.u64('inputs.hash') : 0n;
    const n = r.count('inputs.count', 4096, 13);
    m.inputs = [];
    for (let i = 0; i < n; i++) {
      m.inputs.push({
        tick: r.uv('input.tick', MAX_TICK), participant: r.uv('input.participant', 63), kind: r.u8('input.kind'),
        moveX: r.svarint('input.move_x'), moveY: r.svarint('input.move_y'), run: r.bool('input.run'), heading: r.uvarint('input.heading'),
        action: r.bytes('input.action', MAX_ID), target: r.bytes('input.target', MAX_ID), policy: r.bytes('input.policy', MAX_ID),
      });
    }
    return m;
  },
  pose(r) {
    const m = { ack: r.uv('pose.ack', 2 ** 32 - 1), ackBits: r.u32('pose.ack_bits'), seq: r.uvarint('pose.seq'), tickHint: r.uv('pose.tick_hint', MAX_TICK) };
    m.moveX = r.i16('pose.move_x'); m.moveY = r.i16('pose.move_y'); m.heading = r.u16('pose.heading');
    if (Math.abs(m.moveX) > 1000 || Math.abs(m.moveY) > 1000 || m.heading >= 36000) fail(CODE.bad_value, 'pose move or heading');
    const f = r.u8('pose.flags');
    if (f & ~7) fail(CODE.bad_value, `pose.flags ${f}`);
    m.run = !!(f & 1);
    const xr = () => ({ x: r.i16('xr.x'), y: r.i16('xr.y'), z: r.i16('xr.z'), rot: r.u32('xr.rot') });
    m.head = f & 2 ? xr() : null;
    m.hands = f & 4 ? [xr(), xr()] : null;
    return m;
  },
  // A snapshot is kept as its bytes here: it can only be decoded against the
  // connection's history (SnapshotDecoder).
  snapshot(r) { const data = r.b.slice(r.off - 1); r.off = r.b.length; return { data }; },
};

const ENC = {
  hello(w, m) {
    w.uvarint(VERSION).u8(m.role).str(m.joinCode).str(m.name).str(m.lang);
    w.u8((m.datagrams ? 1 : 0) | (m.token ? 2 : 0) | (m.mirror ? 4 : 0) | (m.risk ? 8 : 0) | (m.xr ? 16 : 0) | (m.aim ? 32 : 0) | (m.classSummary ? 64 : 0));
    if (m.token) w.raw(m.token);
    w.str(m.facToken).u64(m.terrainHash ?? 0n);
  },
  choice(w, m) { w.uvarint(m.seq).u8(m.kind).str(m.action).str(m.target).uvarint(m.tickHint); },
  command(w, m) { w.uvarint(m.seq).u8(m.op).str(m.inject).u8(m.hazard ?? 0).u8(m.level ?? 0); },
  ping(w, m) { w.uvarint(m.nonce); },
  pong(w, m) { w.uvarint(m.nonce).uvarint(m.tick ?? 0); },
  leave() {},
  welcome(w, m) {
    w.uvarint(VERSION).u8(m.role).uvarint(m.slot + 1).raw(m.token).str(m.joinCode).u8(m.tickHz).u8(m.snapshotHz).u8(m.phase)
      .uvarint(m.tick).uvarint(m.endTick).str(m.scenarioId).text(m.title).u8(m.scenarioFormat).bytes(m.scenario);
    putGrid(w, m.grid);
    w.u8(m.layers).u64(m.terrainHash).uvarint(m.npcs.length);
    for (const n of m.npcs) w.str(n.id).u8(n.kind);
    putRoster(w, m.roster);
    w.bytes(m.full);
  },
  terrain(w, m) {
    const body = new Writer();
    putGrid(body, m.grid);
    body.svarint(m.baseCM).bytes(encodeGrid16(m.grid, m.elev)).u8(m.landUse ? 1 : 0);
    if (m.landUse) body.bytes(encodeRuns8(m.landUse));
    const b = body.done();
    w.u64(fnv1a64(b)).raw(b);
  },
  prompt(w, m) {
    w.str(m.inject).uvarint(m.tick).text(m.question).uvarint(m.options.length);
    for (const o of m.options) w.str(o.id).text(o.text);
  },
  warning(w, m) { w.str(m.id).u8(m.hazard).u8(m.level).u8(m.prev).u8(m.source).str(m.inject).uvarint(m.tick).text(m.title).text(m.public).text(m.school); },
  message(w, m) { w.str(m.inject).uvarint(m.tick).text(m.text); },
  choice_ack(w, m) { w.uvarint(m.seq).u8(m.result).u8(m.reason).uvarint(m.tick); },
  command_ack(w, m) { ENC.choice_ack(w, m); },
  score(w, m) { w.svarint(m.score).uvarint(m.max); putItems(w, m.items); },
  results(w, m) {
    w.uvarint(m.results.length);
    for (const p of m.results) {
      w.uvarint(p.slot).str(p.name).str(p.policy).svarint(p.score).str(p.outcome);
      putItems(w, p.items);
      w.uvarint(p.objectives.length);
      for (const o of p.objectives) w.str(o.id).text(o.title).str(o.rating).svarint(o.points).uvarint(o.max);
    }
  },
  class_summary(w, m) {
    w.uvarint(m.n).bool(m.bots).svarint(m.avgTenths).uvarint(m.max).uvarint(m.outcomes.length);
    for (const o of m.outcomes) w.str(o.outcome).uvarint(o.count);
  },
  error(w, m) { w.uvarint(m.code).str(m.text); },
  phase(w, m) { w.u8(m.phase).uvarint(m.tick); },
  roster(w, m) { putRoster(w, m.entries); },
  mirror(w, m) { w.u64(m.seed).str(m.engine).str(m.scenario).bytes(m.source); },
  inputs(w, m) {
    w.uvarint(m.tick).bool(m.hasHash);
    if (m.hasHash) w.u64(m.hash);
    w.uvarint(m.inputs.length);
    for (const i of m.inputs) {
      w.uvarint(i.tick).uvarint(i.participant).u8(i.kind).svarint(i.moveX).svarint(i.moveY).bool(i.run).uvarint(i.heading)
        .bytes(i.action).bytes(i.target).bytes(i.policy);
    }
  },
  pose(w, m) {
    w.uvarint(m.ack).u32(m.ackBits).uvarint(m.seq).uvarint(m.tickHint).i16(m.moveX).i16(m.moveY).u16(m.heading);
    w.u8((m.run ? 1 : 0) | (m.head ? 2 : 0) | (m.hands ? 4 : 0));
    const xr = (p) => w.i16(p.x).i16(p.y).i16(p.z).u32(p.rot);
    if (m.head) xr(m.head);
    if (m.hands) { xr(m.hands[0]); xr(m.hands[1]); }
  },
  snapshot(w, m) { w.raw(m.data.subarray(1)); },
};

// decodeMessage decodes a type byte and its payload (no frame length).
export function decodeMessage(b) {
  if (b.length === 0) fail(CODE.truncated, 'empty message');
  const type = TYPE_NAMES[b[0]];
  if (!type) fail(CODE.unknown_type, `type 0x${b[0].toString(16)}`);
  const r = new Reader(b, 1);
  const m = DEC[type](r);
  r.end(type);
  m.type = type;
  return m;
}

// encodeMessage writes m's type byte and payload.
export function encodeMessage(m) {
  const w = new Writer();
  w.u8(T[m.type]);
  ENC[m.type](w, m);
  return w.done();
}

// frame prefixes a message with its uvarint length (§2.1).
export function frame(msg) {
  const w = new Writer();
  w.uvarint(msg.length).raw(msg);
  return w.done();
}

// FrameReader splits a byte stream (WebTransport chunks) into messages.
export class FrameReader {
  constructor(limit = MAX_SERVER_FRAME) { this.buf = new Uint8Array(0); this.limit = limit; }
  push(chunk) {
    const nb = new Uint8Array(this.buf.length + chunk.length);
    nb.set(this.buf); nb.set(chunk, this.buf.length);
    this.buf = nb;
  }
  // next returns the next whole message, or null when more bytes are needed.
  next() {
    let len = 0, i = 0;
    for (;; i++) {
      if (i >= 4) fail(CODE.malformed, 'frame length longer than 4 bytes');
      if (i >= this.buf.length) return null;
      const c = this.buf[i];
      len += (c & 0x7f) * 2 ** (7 * i);
      if (c < 0x80) { if (c === 0 && i > 0) fail(CODE.malformed, 'non-minimal frame length'); break; }
    }
    if (len === 0) fail(CODE.malformed, 'empty frame');
    if (len > this.limit) fail(CODE.too_large, `frame of ${len} bytes`);
    const start = i + 1;
    if (this.buf.length < start + len) return null;
    const msg = this.buf.slice(start, start + len);
    this.buf = this.buf.slice(start + len);
    return msg;
  }
}

// ---- residual coding (§5.5) and grids (§4.2.1) ----

// readResiduals decodes w×h values predicted from the left neighbour (column
// 0: from the cell above; first cell: 0), returning raw values (may be
// negative for temporal tiles).
function readResiduals(r, w, h, what) {
  const v = new Int32Array(w * h);
  const n = w * h;
  let i = 0;
  const pred = (k) => (k === 0 ? 0 : k % w === 0 ? v[k - w] : v[k - 1]);
  // As server/wire does: the run after a residual that completes the cells
  // is not written (docs/protocol.md §5.5).
  while (i < n) {
    const z = r.uvarint(what + '.zeros');
    if (z > n - i) fail(CODE.bad_value, `${what}: ${z} zeros past the end`);
    for (let k = 0; k < z; k++, i++) v[i] = pred(i);
    if (i === n) break;
    const res = r.svarint(what + '.residual');
    if (res === 0) fail(CODE.bad_value, `${what}: zero residual`);
    v[i] = pred(i) + res;
    if (v[i] < -65535 || v[i] > 65535) fail(CODE.bad_value, `${what}: value ${v[i]}`);
    i++;
  }
  return v;
}
function putResiduals(w, v, cols) {
  let z = 0;
  for (let i = 0; i < v.length; i++) {
    const p = i === 0 ? 0 : i % cols === 0 ? v[i - cols] : v[i - 1];
    const res = v[i] - p;
    if (res === 0) { z++; continue; }
    w.uvarint(z).svarint(res);
    z = 0;
  }
  if (z > 0 || v.length === 0) w.uvarint(z);
}
function decodeGrid16(g, data, what) {
  const r = new Reader(data);
  const v = readResiduals(r, g.nx, g.ny, what);
  r.end(what);
  const out = new Uint16Array(v.length);
  for (let i = 0; i < v.length; i++) {
    if (v[i] < 0 || v[i] > 65535) fail(CODE.bad_value, `${what}: value ${v[i]}`);
    out[i] = v[i];
  }
  return out;
}
function encodeGrid16(g, v) { const w = new Writer(); putResiduals(w, v, g.nx); return w.done(); }
function decodeRuns8(n, data) {
  const r = new Reader(data);
  const out = new Uint8Array(n);
  let i = 0;
  while (i < n) {
    const run = r.uvarint('land_use.run');
    if (run < 1 || run > n - i) fail(CODE.bad_value, `land_use run ${run}`);
    out.fill(r.u8('land_use.class'), i, i + run);
    i += run;
  }
  r.end('land_use');
  return out;
}
function encodeRuns8(v) {
  const w = new Writer();
  for (let i = 0; i < v.length;) {
    let j = i + 1;
    while (j < v.length && v[j] === v[i]) j++;
    w.uvarint(j - i).u8(v[i]);
    i = j;
  }
  return w.done();
}

// ---- snapshots (§5) ----

const HISTORY = 32, TILE_VERSIONS = 4;
// Tile layers: Welcome.layers bit i = snapshot sections bit 3 + i.
export const LAYER = { water: 0, debris: 1, risk: 2 };
export const LAYERS = 3;

// SnapshotDecoder keeps a connection's decoded snapshots (32) and, per tile of
// each field, its last 4 versions; decode commits a snapshot only when all of
// it decoded.
export class SnapshotDecoder {
  constructor(grid, layers) {
    this.grid = grid;
    this.tx = Math.ceil(grid.nx / TILE); this.ty = Math.ceil(grid.ny / TILE);
    this.ring = new Array(HISTORY).fill(null);
    this.newest = 0;
    // fields[layer] = Uint16Array(nx*ny) (cm; risk: the risk index, §5.4.1);
    // tiles[layer][t] = [{id, v}], newest last.
    this.fields = [], this.tiles = [];
    for (let l = 0; l < LAYERS; l++) {
      this.fields.push(new Uint16Array(grid.nx * grid.ny));
      this.tiles.push(new Array(this.tx * this.ty).fill(null).map(() => []));
    }
    this.layers = layers;
    this.aim = false; // expectAim
  }
  // expectAim lets XR entities carry hand aim (§5.8 mask bits 6–7): set it
  // when the Hello asked for it; without it those bits are bad_value.
  expectAim(on) { this.aim = !!on; }
  get(id) { const s = this.ring[id % HISTORY]; return s && s.id === id ? s : null; }
  // ack and ackBits for the next Pose.
  ack() {
    let bits = 0;
    for (let i = 0; i < 32; i++) if (this.newest - 1 - i > 0 && this.get(this.newest - 1 - i)) bits = (bits | (1 << i)) >>> 0;
    return { ack: this.newest, ackBits: bits };
  }
  tileRect(t) {
    const c0 = (t % this.tx) * TILE, r0 = Math.floor(t / this.tx) * TILE;
    return { c0, r0, w: Math.min(TILE, this.grid.nx - c0), h: Math.min(TILE, this.grid.ny - r0) };
  }
  // decode returns the snapshot state {id, tick, phase, warnings, participants, npcs,
  // waterTiles, debrisTiles} or null when it was dropped (stale, duplicate,
  // baseline not held). Protocol violations throw WireError.
  decode(b) {
    const r = new Reader(b);
    if (r.u8('snapshot.type') !== T.snapshot) fail(CODE.unknown_type, 'not a snapshot');
    const id = r.uv('snapshot.id', 2 ** 32 - 1), baseline = r.uvarint('snapshot.baseline'), tick = r.uv('snapshot.tick', MAX_TICK);
    if (id === 0 || baseline >= id) fail(CODE.bad_value, `snapshot id ${id} baseline ${baseline}`);
    if (id <= this.newest) return null;
    let base = { phase: 0, warnings: [0, 0, 0], participants: new Map(), npcs: new Map(), xr: new Map() };
    if (baseline !== 0) { base = this.get(baseline); if (!base) return null; }
    const sec = r.u8('snapshot.sections');
    if (sec & ~0x7f) fail(CODE.bad_value, `snapshot.sections ${sec}`);
    const s = { id, tick, phase: base.phase, warnings: base.warnings.slice(), participants: base.participants, npcs: base.npcs, xr: base.xr, tiles: [[], [], []] };
    if (sec & 1) {
      s.phase = r.u8('globals.phase');
      s.warnings = [r.u8('globals.w0'), r.u8('globals.w1'), r.u8('globals.w2')];
      if (s.phase > 3 || s.warnings.some((x) => x > 4)) fail(CODE.bad_value, 'globals');
    }
    if (sec & 2) s.participants = readEntities(r, base.participants, 64, 'participants');
    if (sec & 4) s.npcs = readEntities(r, base.npcs, 4096, 'npcs');
    if (sec & 64) s.xr = readXR(r, base.xr, this.aim);
    const pending = [];
    for (let layer = 0; layer < LAYERS; layer++) {
      if (!(sec & (8 << layer))) continue;
      if (!(this.layers & (1 << layer))) fail(CODE.bad_value, `snapshot: tiles for layer ${layer} the Welcome did not announce`);
      this.readTiles(r, id, layer, pending);
    }
    r.end('snapshot');
    // Commit.
    for (const p of pending) {
      const vs = this.tiles[p.layer][p.t];
      vs.push({ id, v: p.v });
      if (vs.length > TILE_VERSIONS) vs.shift();
      const { c0, r0, w, h } = this.tileRect(p.t);
      const f = this.fields[p.layer];
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) f[(r0 + y) * this.grid.nx + c0 + x] = p.v[y * w + x];
      s.tiles[p.layer].push(p.t);
    }
    this.ring[id % HISTORY] = s;
    this.newest = id;
    return s;
  }
  readTiles(r, id, layer, pending) {
    const total = this.tx * this.ty;
    const n = r.count('tiles', total, 2);
    let idx = -1;
    for (let i = 0; i < n; i++) {
      idx = idx + 1 + r.uvarint('tile.index_gap');
      if (idx >= total) fail(CODE.bad_value, `tile index ${idx}`);
      const { w, h } = this.tileRect(idx);
      const mode = r.u8('tile.mode');
      let v;
      if (mode === 0) v = new Uint16Array(w * h);
      else if (mode === 1) v = clampTile(readResiduals(r, w, h, 'tile'));
      else if (mode === 2) {
        const age = r.uvarint('tile.age');
        if (age < 1 || age >= id) fail(CODE.bad_value, `tile age ${age}`);
        const baseVer = this.tiles[layer][idx].find((x) => x.id === id - age);
        if (!baseVer && id - age !== 0) fail(CODE.bad_baseline, `tile ${idx} version ${id - age} not held`);
        const d = readResiduals(r, w, h, 'tile');
        const bv = baseVer ? baseVer.v : new Uint16Array(w * h);
        for (let k = 0; k < d.length; k++) d[k] += bv[k];
        v = clampTile(d);
      } else fail(CODE.bad_value, `tile mode ${mode}`);
      pending.push({ layer, t: idx, v });
    }
  }
}
function clampTile(v) {
  const out = new Uint16Array(v.length);
  for (let i = 0; i < v.length; i++) {
    if (v[i] < 0 || v[i] > 65535) fail(CODE.bad_value, `tile value ${v[i]}`);
    out[i] = v[i];
  }
  return out;
}
function readEntities(r, base, limit, what) {
  const out = new Map(base);
  const n = r.count(what, limit, 2);
  let id = -1;
  for (let i = 0; i < n; i++) {
    id = id + 1 + r.uvarint(what + '.id_gap');
    if (id >= limit) fail(CODE.bad_value, `${what} id ${id}`);
    const mask = r.u8(what + '.mask');
    if (mask & 0xc0) fail(CODE.bad_value, `${what}.mask ${mask}`);
    const b = base.get(id) || { id, x: 0, y: 0, heading: 0, status: 0, flags: 0, stage: 0 };
    const e = { ...b, id };
    if (mask & 1) e.x = coord(b.x + r.svarint(what + '.dx'), what);
    if (mask & 2) e.y = coord(b.y + r.svarint(what + '.dy'), what);
    if (mask & 4) {
      const dh = r.svarint(what + '.dh');
      if (dh < -512 || dh > 511) fail(CODE.bad_value, `${what}.dh ${dh}`);
      e.heading = (((b.heading + dh) % 1024) + 1024) % 1024;
    }
    if (mask & 8) { e.status = r.u8(what + '.status'); if (e.status > 7) fail(CODE.bad_value, 'status'); }
    if (mask & 16) { e.flags = r.u8(what + '.flags'); if (e.flags & 0x80) fail(CODE.bad_value, 'flags'); }
    if (mask & 32) { e.stage = r.u8(what + '.stage'); if (e.stage > 15) fail(CODE.bad_value, 'stage'); }
    out.set(id, e);
  }
  const k = r.count(what + '.removed', limit, 1);
  id = -1;
  for (let i = 0; i < k; i++) {
    id = id + 1 + r.uvarint(what + '.removed_gap');
    if (!base.has(id)) fail(CODE.bad_baseline, `${what}: removed ${id} not in the baseline`);
    out.delete(id);
  }
  return out;
}
// readXR decodes the XR section (§5.8): head yaw / pitch (1/1024 turn),
// head height and hand positions (cm from the feet: x east, y up, z south),
// each a change from the baseline's value (from zeros for a new entity),
// and with aim each hand's pointing direction, leftAim / rightAim {yaw, pitch}.
export const XR_PITCH_MAX = 256, XR_HEIGHT_MAX = 400, XR_HAND_MAX = 400;
function readXR(r, base, aim) {
  const out = new Map(base);
  const n = r.count('xr.changed', 64, 2);
  const changed = new Set();
  let id = -1;
  for (let i = 0; i < n; i++) {
    id = id + 1 + r.uvarint('xr.id_gap');
    if (id >= 64) fail(CODE.limit, `xr id ${id}`);
    const mask = r.u8('xr.mask');
    if (mask & 0xc0 && !aim) fail(CODE.bad_value, `xr.mask ${mask}`);
    const b = base.get(id) || { id, yaw: 0, pitch: 0, height: 0, hands: false, left: [0, 0, 0], right: [0, 0, 0], ...(aim ? { leftAim: { yaw: 0, pitch: 0 }, rightAim: { yaw: 0, pitch: 0 } } : {}) };
    const e = { ...b, id, left: b.left.slice(), right: b.right.slice() };
    if (mask & 1) {
      const d = r.svarint('xr.yaw');
      if (d < -512 || d > 511) fail(CODE.bad_value, `xr yaw delta ${d}`);
      e.yaw = (((b.yaw + d) % 1024) + 1024) % 1024;
    }
    if (mask & 2) { e.pitch = b.pitch + r.svarint('xr.pitch'); if (Math.abs(e.pitch) > XR_PITCH_MAX) fail(CODE.bad_value, `xr pitch ${e.pitch}`); }
    if (mask & 4) { e.height = b.height + r.svarint('xr.height'); if (e.height < 0 || e.height > XR_HEIGHT_MAX) fail(CODE.bad_value, `xr height ${e.height}`); }
    if (mask & 8) e.hands = r.bool('xr.hands');
    for (const [bit, k] of [[16, 'left'], [32, 'right']]) {
      if (!(mask & bit)) continue;
      for (let a = 0; a < 3; a++) {
        e[k][a] += r.svarint('xr.hand');
        if (Math.abs(e[k][a]) > XR_HAND_MAX) fail(CODE.bad_value, `xr hand ${e[k][a]}`);
      }
    }
    for (const [bit, k] of [[64, 'leftAim'], [128, 'rightAim']]) {
      if (!(mask & bit)) continue;
      const d = r.svarint('xr.aim_yaw');
      if (d < -512 || d > 511) fail(CODE.bad_value, `xr aim yaw delta ${d}`);
      const pitch = b[k].pitch + r.svarint('xr.aim_pitch');
      if (Math.abs(pitch) > XR_PITCH_MAX) fail(CODE.bad_value, `xr aim pitch ${pitch}`);
      e[k] = { yaw: (((b[k].yaw + d) % 1024) + 1024) % 1024, pitch };
    }
    changed.add(id);
    out.set(id, e);
  }
  const k = r.count('xr.removed', base.size, 1);
  id = -1;
  for (let i = 0; i < k; i++) {
    id = id + 1 + r.uvarint('xr.removed_gap');
    if (!base.has(id) || changed.has(id)) fail(CODE.bad_baseline, `xr: removed ${id} not in the baseline, or also changed`);
    out.delete(id);
  }
  return out;
}
// Risk layer cells (§5.4.1): 0 none (FS ≥ 2 or not soil), 1…200 the factor of
// safety FS = 2 − v/100, 255 slid away.
export const RISK_FAILED = 255;
export const riskFS = (v) => (v === 0 ? 2 : v > 200 ? 0 : (200 - v) / 100);

function coord(v, what) {
  if (v < 0 || v > 2 ** 24 - 1) fail(CODE.bad_value, `${what}: coordinate ${v}`);
  return v;
}

// ---- quantisation helpers ----
export const POS_SCALE = 64; // 1/64 m
export const metres = (q) => q / POS_SCALE;
export const headingDeg = (h) => (h * 360) / 1024;

// packQuat packs a unit quaternion smallest-three (§6).
export function packQuat(x, y, z, w) {
  const n = Math.hypot(x, y, z, w);
  if (n === 0) return 3 * 2 ** 30; // identity
  const q = [x / n, y / n, z / n, w / n];
  let big = 0;
  for (let i = 1; i < 4; i++) if (Math.abs(q[i]) > Math.abs(q[big])) big = i;
  const sign = q[big] < 0 ? -1 : 1;
  let v = big * 2 ** 30, shift = 20;
  for (let i = 0; i < 4; i++) {
    if (i === big) continue;
    let c = Math.round((q[i] * sign * Math.SQRT2 + 1) * 511.5);
    c = Math.max(0, Math.min(1023, c));
    v += c * 2 ** shift;
    shift -= 10;
  }
  return v;
}
