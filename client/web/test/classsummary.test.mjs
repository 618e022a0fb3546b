// The class summary (docs/protocol.md §4.13, Hello flag bit 6) in
// JavaScript, against the Go golden vectors of §9.3: the summaries decode
// to what the document says and re-encode to the same bytes, every limit
// is refused with Go's error code, and the pupil page's Hello encodes to
// Go's bytes. What JS decoded goes to $WIRE_OUT/class.json and the Hello to
// $WIRE_OUT/js_hello_class.hex for client/web/classsummary_test.go.
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
const names = ['class_summary', 'class_summary_bots', 'class_summary_empty'];

test('class summaries decode (worked example, protocol §9.3) and re-encode', () => {
  const got = {};
  for (const name of names) {
    const b = readHex(name);
    const m = wire.decodeMessage(b);
    assert.equal(m.type, 'class_summary', name);
    assert.equal(toHex(wire.encodeMessage(m)), toHex(b), name);
    got[name] = m;
  }
  const { type, ...ex } = got.class_summary;
  assert.equal(type, 'class_summary');
  assert.deepEqual(ex, { n: 31, bots: false, avgTenths: 725, max: 100, outcomes: [{ outcome: 'safe', count: 27 }, { outcome: 'unsafe', count: 3 }, { outcome: 'swept', count: 1 }] });
  assert.equal(got.class_summary_bots.avgTenths, -5);
  if (out) writeFileSync(join(out, 'class.json'), JSON.stringify(got, null, 1));
});

test('class summaries past their limits are refused as in Go', () => {
  const C = wire.CODE;
  const cases = [
    ['n over 64', [0x4f, 65, 0, 0, 100, 0], C.limit],
    ['bots not a bool', [0x4f, 1, 2, 0, 100, 0], C.bad_value],
    ['17 outcomes', [0x4f, 64, 0, 0, 100, 17, ...new Array(34).fill(0)], C.limit],
    ['outcome count 0', [0x4f, 1, 0, 0, 100, 1, 1, 0x78, 0], C.bad_value],
    ['count over 64', [0x4f, 1, 0, 0, 100, 1, 1, 0x78, 65], C.bad_value],
    ['counts sum over n', [0x4f, 2, 0, 0, 100, 2, 1, 0x78, 2, 1, 0x79, 1], C.bad_value],
    ['outcome over 64 bytes', [0x4f, 1, 0, 0, 100, 1, 65, ...new Array(66).fill(0)], C.limit],
    ['outcomes cut', [0x4f, 3, 0, 0, 100, 2, 1, 0x78, 2], C.truncated],
    ['trailing byte', [0x4f, 0, 0, 0, 100, 0, 0], C.malformed],
  ];
  for (const [what, bytes, code] of cases) {
    assert.throws(() => wire.decodeMessage(Uint8Array.from(bytes)), (e) => e.code === code, what);
  }
  const ok = wire.decodeMessage(Uint8Array.from([0x4f, 64, 1, 0xcf, 0x0f, 100, 2, 1, 0x78, 63, 1, 0x79, 1]));
  assert.deepEqual([ok.n, ok.bots, ok.avgTenths, ok.outcomes.length], [64, true, -1000, 2]);
  const b = readHex('class_summary');
  for (let n = 1; n < b.length; n++) assert.throws(() => wire.decodeMessage(b.subarray(0, n)), wire.WireError, `cut at ${n}`);
});

test("the pupil page's Hello asks for the class summary as Go encodes it; bit 7 is refused", () => {
  const m = { type: 'hello', role: 1, joinCode: 'K7QX2M', name: 'Ming', lang: 'zh-CN', datagrams: true, token: null, facToken: '', terrainHash: 0n, classSummary: true };
  const b = wire.encodeMessage(m);
  assert.equal(toHex(b), toHex(readHex('hello_class')));
  const back = wire.decodeMessage(b);
  assert.ok(back.classSummary && !back.xr && !back.aim);
  const bad = Uint8Array.from(b);
  bad[bad.length - 10] = 0x81;
  assert.throws(() => wire.decodeMessage(bad), (e) => e.code === wire.CODE.bad_value);
  // without the bit: the Hello of before the feature
  assert.equal(wire.encodeMessage({ ...m, classSummary: false })[b.length - 10], 0x01);
  if (out) writeFileSync(join(out, 'js_hello_class.hex'), toHex(b));
});
