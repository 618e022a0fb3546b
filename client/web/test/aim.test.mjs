// Hand aim (docs/protocol.md §5.8, Hello flag bit 5) in JavaScript, against
// the Go golden vectors of §9.2: the snapshots decode to the aims the
// document gives with a decoder that asked for aim, a decoder that did not
// refuses them, and the participant page's Hello encodes to Go's bytes.
// The decoded XR entities go to $WIRE_OUT/aim.json and the Hello to
// $WIRE_OUT/js_hello_aim.hex for client/web/aim_test.go to compare with Go.
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
const xrList = (m) => [...m.values()].sort((a, b) => a.id - b.id);

test('aim snapshots decode (worked example, protocol §9.2)', () => {
  const d = new wire.SnapshotDecoder(grid, 0);
  d.expectAim(true);
  const states = [];
  for (const name of ['snapshot_aim_full', 'snapshot_aim_delta']) {
    const s = d.decode(readHex(name));
    assert.ok(s, name);
    states.push({ id: s.id, tick: s.tick, xr: xrList(s.xr) });
  }
  const hands = { hands: true, left: [-20, 110, -30] };
  assert.deepEqual(states[0].xr, [{ id: 5, yaw: 0, pitch: -40, height: 165, ...hands, right: [20, 110, -30], leftAim: { yaw: 0, pitch: -64 }, rightAim: { yaw: 240, pitch: -20 } }]);
  assert.deepEqual(states[1].xr, [{ id: 5, yaw: 1000, pitch: -40, height: 165, ...hands, right: [35, 140, -55], leftAim: { yaw: 0, pitch: -64 }, rightAim: { yaw: 300, pitch: -90 } }]);
  if (out) writeFileSync(join(out, 'aim.json'), JSON.stringify(states, null, 1));
});

test('a decoder that did not ask for aim refuses it; cut snapshots leave it as it was', () => {
  assert.throws(() => new wire.SnapshotDecoder(grid, 0).decode(readHex('snapshot_aim_full')), (e) => e.code === wire.CODE.bad_value);
  const full = readHex('snapshot_aim_full'), delta = readHex('snapshot_aim_delta');
  const d = new wire.SnapshotDecoder(grid, 0);
  d.expectAim(true);
  for (let n = 1; n < full.length; n++) assert.throws(() => d.decode(full.subarray(0, n)), wire.WireError, `cut at ${n}`);
  d.decode(full);
  for (let n = 1; n < delta.length; n++) assert.throws(() => d.decode(delta.subarray(0, n)), wire.WireError, `delta cut at ${n}`);
  assert.equal(xrList(d.decode(delta).xr)[0].rightAim.yaw, 300);
  // the §9.1 vectors (no aim) decode the same with or without asking, aims zero
  const a = new wire.SnapshotDecoder(grid, 2 | 4);
  a.expectAim(true);
  const e = xrList(a.decode(readHex('snapshot_features_full')).xr)[0];
  assert.deepEqual([e.leftAim, e.rightAim, e.pitch], [{ yaw: 0, pitch: 0 }, { yaw: 0, pitch: 0 }, -40]);
});

test('aim values out of range are bad_value', () => {
  const d = new wire.SnapshotDecoder(grid, 0);
  d.expectAim(true);
  // snapshot 1: XR, slot 0, mask right aim: yaw +512 (zigzag 1024) is out of −512…511
  assert.throws(() => d.decode(Uint8Array.from([0x81, 1, 0, 1, 0x40, 1, 0, 0x80, 0x80, 0x08, 0, 0])), (e) => e.code === wire.CODE.bad_value);
  // pitch −257
  assert.throws(() => d.decode(Uint8Array.from([0x81, 1, 0, 1, 0x40, 1, 0, 0x40, 0, 0x81, 0x04, 0])), (e) => e.code === wire.CODE.bad_value);
  const ok = d.decode(Uint8Array.from([0x81, 1, 0, 1, 0x40, 1, 0, 0x40, 0xff, 0x07, 0x80, 0x04, 0]));
  assert.deepEqual(ok.xr.get(0).leftAim, { yaw: 1024 - 512, pitch: 256 });
});

test("the participant page's Hello with hand aim encodes as Go does; aim alone is refused", () => {
  const m = { type: 'hello', role: 1, joinCode: 'K7QX2M', name: 'Ming', lang: 'zh-CN', datagrams: true, token: null, facToken: '', terrainHash: 0n, risk: false, xr: true, aim: true };
  const b = wire.encodeMessage(m);
  assert.equal(toHex(b), toHex(readHex('hello_aim')));
  const back = wire.decodeMessage(b);
  assert.ok(back.xr && back.aim && !back.risk);
  const bad = Uint8Array.from(b);
  bad[bad.length - 10] = 0x21; // aim without XR poses
  assert.throws(() => wire.decodeMessage(bad), (e) => e.code === wire.CODE.bad_value);
  if (out) writeFileSync(join(out, 'js_hello_aim.hex'), toHex(b));
});
