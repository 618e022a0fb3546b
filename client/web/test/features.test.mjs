// The optional features of protocol version 1 (docs/protocol.md §5.8) in
// JavaScript, against the Go golden vectors: the landslide risk layer and
// the participants' XR poses decode to the values the document gives, a
// decoder without the risk layer refuses its tiles, and a Hello asking for
// both encodes to Go's bytes. The decoded states go to
// $WIRE_OUT/features.json for client/web/features_test.go to compare with
// Go's SnapshotDecoder, and the Hello to $WIRE_OUT/js_hello_features.hex.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as wire from '../src/wire.js';

const here = dirname(fileURLToPath(import.meta.url));
const golden = process.env.WIRE_GOLDEN || join(here, '../../../server/wire/testdata/golden');
const out = process.env.WIRE_OUT || '';
const readHex = (name) => Uint8Array.from(Buffer.from(readFileSync(join(golden, name + '.hex'), 'utf8').replace(/\s+/g, ''), 'hex'));
const toHex = (b) => Buffer.from(b).toString('hex');
const grid = { nx: 5, ny: 4, cellMM: 5000 };
const LAYERS = 2 | 4; // debris | risk
const rows = (d, layer) => {
  const r = [];
  for (let y = 0; y < grid.ny; y++) r.push(Array.from(d.fields[layer].subarray(y * grid.nx, (y + 1) * grid.nx)));
  return r;
};
const xrList = (m) => [...m.values()].sort((a, b) => a.id - b.id);

test('feature snapshots decode (worked example, protocol §9.1)', () => {
  const d = new wire.SnapshotDecoder(grid, LAYERS);
  const states = [];
  for (const name of ['snapshot_features_full', 'snapshot_features_delta']) {
    const s = d.decode(readHex(name));
    assert.ok(s, `${name} dropped`);
    states.push({ id: s.id, tick: s.tick, xr: xrList(s.xr), risk: rows(d, wire.LAYER.risk), debris: rows(d, wire.LAYER.debris) });
  }
  // From the document: the head turns from north to 1000/1024 of a turn,
  // the right hand moves, pitch and height stay inside their dead bands.
  assert.deepEqual(states[0].xr, [{ id: 5, yaw: 0, pitch: -40, height: 165, hands: true, left: [-20, 110, -30], right: [20, 110, -30] }]);
  assert.deepEqual(states[1].xr, [{ id: 5, yaw: 1000, pitch: -40, height: 165, hands: true, left: [-20, 110, -30], right: [35, 140, -55] }]);
  assert.deepEqual(states[1].risk[1], [0, 10, 40, 64, 66]);
  assert.deepEqual(states[1].risk[2], [0, 12, 45, 75, wire.RISK_FAILED]);
  assert.equal(wire.riskFS(states[1].risk[1][3]), 1.36);
  assert.equal(wire.riskFS(wire.RISK_FAILED), 0);
  assert.equal(wire.riskFS(0), 2);
  if (out) writeFileSync(join(out, 'features.json'), JSON.stringify(states, null, 1));
});

test('a decoder without the risk layer refuses its tiles; cut snapshots leave it as it was', () => {
  assert.throws(() => new wire.SnapshotDecoder(grid, 2).decode(readHex('snapshot_features_full')), (e) => e.code === wire.CODE.bad_value);
  const full = readHex('snapshot_features_full');
  for (let n = 1; n < full.length; n++) {
    const d = new wire.SnapshotDecoder(grid, LAYERS);
    assert.throws(() => d.decode(full.subarray(0, n)), wire.WireError, `cut at ${n}`);
    assert.equal(d.newest, 0);
  }
  const d = new wire.SnapshotDecoder(grid, LAYERS);
  d.decode(full);
  const delta = readHex('snapshot_features_delta');
  for (let n = 1; n < delta.length; n++) assert.throws(() => d.decode(delta.subarray(0, n)), wire.WireError, `delta cut at ${n}`);
  assert.equal(xrList(d.decode(delta).xr)[0].yaw, 1000);
});

test('XR entities: removal must name a baseline entity', () => {
  const d = new wire.SnapshotDecoder(grid, LAYERS);
  d.decode(readHex('snapshot_features_full'));
  // snapshot 2 against 1: sections = XR, nothing changed, remove id 5 …
  const ok = Uint8Array.from([0x81, 2, 1, 1, 0x40, 0, 1, 5]);
  assert.equal(d.decode(ok).xr.size, 0);
  // … and snapshot 3 against 1 removing id 4, which was never there.
  assert.throws(() => d.decode(Uint8Array.from([0x81, 3, 1, 1, 0x40, 0, 1, 4])), (e) => e.code === wire.CODE.bad_baseline);
});

test('a Hello asking for the features encodes as Go does', () => {
  const m = { type: 'hello', role: 2, joinCode: 'K7QX2M', name: 'Ms Li', lang: 'zh-CN', datagrams: true, token: null, facToken: '', terrainHash: 0n, risk: true, xr: true };
  const b = wire.encodeMessage(m);
  assert.equal(toHex(b), toHex(readHex('hello_features')));
  const back = wire.decodeMessage(b);
  assert.ok(back.risk && back.xr && !back.mirror);
  if (out) writeFileSync(join(out, 'js_hello_features.hex'), toHex(b));
});
