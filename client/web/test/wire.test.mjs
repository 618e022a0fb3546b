// Protocol round trip against the Go implementation's golden vectors
// (server/wire/testdata/golden): every control message decodes and encodes
// back to the same bytes; the snapshots decode to the state written in
// $WIRE_OUT/snapshots.json, and the client messages this implementation
// builds are written to $WIRE_OUT/js_*.hex for the Go side to decode
// (client/web/wire_test.go runs this file and checks both).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as wire from '../src/wire.js';

const here = dirname(fileURLToPath(import.meta.url));
const golden = process.env.WIRE_GOLDEN || join(here, '../../../server/wire/testdata/golden');
const out = process.env.WIRE_OUT || '';

const readHex = (name) => Uint8Array.from(Buffer.from(readFileSync(join(golden, name + '.hex'), 'utf8').replace(/\s+/g, ''), 'hex'));
const toHex = (b) => Buffer.from(b).toString('hex');
const all = readdirSync(golden).filter((f) => f.endsWith('.hex')).map((f) => f.slice(0, -4)).sort();
// *_frame vectors are framed datagrams (stream fallback, protocol §1.1); the
// rest are bare messages.
const names = all.filter((n) => !n.endsWith('_frame'));
const framed = { pose_frame: 'pose_min', pose_xr_frame: 'pose', snapshot_frame: 'snapshot_delta' };

test('stream fallback frames are the datagrams with a length', () => {
  for (const name of all.filter((n) => n.endsWith('_frame'))) {
    assert.ok(framed[name], `unknown framed vector ${name}`);
    const fr = new wire.FrameReader();
    fr.push(readHex(name));
    const msg = fr.next();
    assert.equal(toHex(msg), toHex(readHex(framed[name])), name);
    assert.equal(fr.next(), null);
    assert.equal(toHex(wire.frame(readHex(framed[name]))), toHex(readHex(name)));
  }
});

test('golden vectors exist', () => {
  for (const n of ['hello', 'welcome', 'terrain', 'pose', 'snapshot_full', 'snapshot_delta', 'results', 'score'].filter((n) => n !== 'results')) {
    assert.ok(names.includes(n), `missing golden ${n}`);
  }
});

for (const name of names) {
  test(`round trip ${name}`, () => {
    const b = readHex(name);
    const m = wire.decodeMessage(b);
    assert.equal(wire.T[m.type], b[0]);
    assert.equal(toHex(wire.encodeMessage(m)), toHex(b), 'encode(decode(golden)) differs');
  });
}

test('every truncation of every vector is an error, never a crash', () => {
  for (const name of names.filter((n) => !n.startsWith('snapshot'))) {
    const b = readHex(name);
    for (let n = 0; n < b.length; n++) {
      assert.throws(() => wire.decodeMessage(b.subarray(0, n)), wire.WireError, `${name} cut at ${n}`);
    }
    const long = new Uint8Array(b.length + 1);
    long.set(b);
    // (the terrain's hash covers its trailing bytes: bad_value there)
    assert.throws(() => wire.decodeMessage(long), (e) => e.code === (name === 'terrain' ? wire.CODE.bad_value : wire.CODE.malformed), `${name} + trailing byte`);
  }
});

test('varints: minimal, at most 2^53-1', () => {
  const r = (bytes) => new wire.Reader(Uint8Array.from(bytes)).uvarint('v');
  assert.equal(r([0x80, 0x01]), 128);
  assert.throws(() => r([0x80, 0x00]), (e) => e.code === wire.CODE.malformed);
  assert.equal(r([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]), 2 ** 53 - 1);
  assert.throws(() => r([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x10]), (e) => e.code === wire.CODE.malformed);
  for (const v of [0, 1, 127, 128, 300, 2 ** 32, 2 ** 40 + 5, 2 ** 53 - 1]) {
    assert.equal(r(new wire.Writer().uvarint(v).done()), v);
  }
  for (const v of [0, -1, 1, -64, 64, -(2 ** 40)]) {
    assert.equal(new wire.Reader(new wire.Writer().svarint(v).done()).svarint('s'), v);
  }
});

test('frame reader reassembles chunks', () => {
  const msgs = names.map(readHex);
  const all = Buffer.concat(msgs.map((m) => Buffer.from(wire.frame(m))));
  const fr = new wire.FrameReader();
  const got = [];
  for (let i = 0; i < all.length; i += 7) {
    fr.push(Uint8Array.from(all.subarray(i, i + 7)));
    for (let m; (m = fr.next());) got.push(toHex(m));
  }
  assert.deepEqual(got, msgs.map(toHex));
});

const entities = (m) => [...m.values()].sort((a, b) => a.id - b.id);
const fieldRows = (d, layer) => {
  const rows = [];
  for (let y = 0; y < d.grid.ny; y++) rows.push(Array.from(d.fields[layer].subarray(y * d.grid.nx, (y + 1) * d.grid.nx)));
  return rows;
};

test('snapshots decode (worked example, protocol §9)', () => {
  const d = new wire.SnapshotDecoder({ nx: 5, ny: 4, cellMM: 5000 }, 1);
  const states = [];
  for (const name of ['snapshot_full', 'snapshot_delta']) {
    const s = d.decode(readHex(name));
    assert.ok(s, `${name} dropped`);
    states.push({ id: s.id, tick: s.tick, phase: s.phase, warnings: s.warnings, participants: entities(s.participants), npcs: entities(s.npcs), water: fieldRows(d, 0) });
  }
  // From the document: participant 5 runs north, water row 1 becomes 0 0 1 5 6.
  assert.deepEqual(states[1].water[1], [0, 0, 1, 5, 6]);
  assert.equal(states[1].participants[1].heading, 1021);
  assert.equal(d.ack().ack, 2);
  assert.equal(d.ack().ackBits, 1);
  // A cut snapshot is an error and leaves the decoder as it was.
  const full = readHex('snapshot_full');
  for (let n = 1; n < full.length; n++) {
    const fresh = new wire.SnapshotDecoder({ nx: 5, ny: 4, cellMM: 5000 }, 1);
    assert.throws(() => fresh.decode(full.subarray(0, n)), wire.WireError, `snapshot_full cut at ${n}`);
    assert.equal(fresh.newest, 0);
  }
  // Stale and duplicate snapshots are dropped, not errors.
  assert.equal(d.decode(readHex('snapshot_full')), null);
  if (out) writeFileSync(join(out, 'snapshots.json'), JSON.stringify(states, null, 1));
});

test('terrain hash and grid', () => {
  const m = wire.decodeMessage(readHex('terrain'));
  assert.equal(m.elev.length, m.grid.nx * m.grid.ny);
  const bad = readHex('terrain');
  bad[bad.length - 1] ^= 1;
  assert.throws(() => wire.decodeMessage(bad), wire.WireError);
  if (out) writeFileSync(join(out, 'terrain.json'), JSON.stringify({ hash: m.hash.toString(), grid: m.grid, baseCM: m.baseCM, elev: Array.from(m.elev), landUse: m.landUse && Array.from(m.landUse) }));
});

// Client messages this implementation builds from its own values; the Go
// test decodes them and compares with the values written here.
test('client messages for the Go decoder', () => {
  const token = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
  const msgs = {
    hello: { type: 'hello', role: 1, joinCode: 'ABC123', name: '小明 Ming', lang: 'zh-CN', datagrams: true, token, facToken: '', terrainHash: 0x1234567890abcdefn },
    hello_fac: { type: 'hello', role: 3, joinCode: 'XYZ', name: 'teacher', lang: 'en', datagrams: false, token: null, facToken: 'secret-token', terrainHash: 0n },
    choice: { type: 'choice', seq: 7, kind: 2, action: 'ask_evacuate', target: 'go_up', tickHint: 1234 },
    command: { type: 'command', seq: 3, op: 6, inject: '', hazard: 1, level: 4 },
    pose: { type: 'pose', ack: 300, ackBits: 0xfffffffe, seq: 99, tickHint: 2 ** 33, moveX: -1000, moveY: 707, heading: 35999, run: true,
      head: { x: 1, y: 1650, z: -20, rot: wire.packQuat(0, 0.38268343, 0, 0.92387953) },
      hands: [{ x: -200, y: 1100, z: -300, rot: wire.packQuat(0, 0, 0, 1) }, { x: 200, y: 1100, z: -300, rot: wire.packQuat(0.5, 0.5, 0.5, 0.5) }] },
    pong: { type: 'pong', nonce: 2 ** 40, tick: 0 },
    leave: { type: 'leave' },
  };
  for (const [name, m] of Object.entries(msgs)) {
    const b = wire.encodeMessage(m);
    const back = wire.decodeMessage(b);
    assert.equal(toHex(wire.encodeMessage(back)), toHex(b), name);
    if (out) writeFileSync(join(out, `js_${name}.hex`), toHex(b));
  }
});
