// What the participant page draws between snapshots (src/interp.js):
// bodies and XR poses at the same moment, angles the short way round,
// nothing extrapolated. The browser tests cover the drawing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bracket, turn, lerpEntities, lerpXR, interpolate } from '../src/interp.js';

const snap = (at, participants, xr = new Map(), npcs = new Map()) => ({ at, participants: new Map(participants), npcs, xr: new Map(xr) });
const body = (x, y, heading) => ({ x, y, heading, status: 0, flags: 0 });
const pose = (yaw, pitch, height, hands, left = [0, 0, 0], right = [0, 0, 0]) => ({ yaw, pitch, height, hands, left, right });
const near = (got, want, what) => assert.ok(Math.abs(got - want) < 1e-9, `${what}: ${got}, want ${want}`);

test('bracket finds the snapshots around the render time', () => {
  const s = [snap(0, []), snap(100, []), snap(200, [])];
  for (const [t, a, b, k] of [[150, 100, 200, 0.5], [100, 0, 100, 1], [25, 0, 100, 0.25], [-50, 0, 200, 0], [999, 0, 200, 1]]) {
    const got = bracket(s, t);
    assert.equal(got.a.at, a, `t ${t}: a`);
    assert.equal(got.b.at, b, `t ${t}: b`);
    near(got.k, k, `t ${t}: k`);
  }
  const one = bracket([snap(5, [])], 0);
  assert.equal(one.k, 1, 'a single snapshot is drawn as it is');
});

test('angles turn the short way round', () => {
  for (const [from, to, k, want] of [[1000, 24, 0.5, 0], [24, 1000, 0.5, 0], [0, 256, 0.5, 128], [1020, 12, 0.25, 0], [100, 100, 0.7, 100]]) {
    near(turn(from, to, k), want % 1024, `${from}→${to} at ${k}`);
  }
});

test('bodies move part of the way; a newcomer stands where it is', () => {
  const a = new Map([[0, body(0, 0, 1000)]]);
  const b = new Map([[0, body(64, 128, 40)], [1, body(10, 10, 0)]]);
  const got = lerpEntities(a, b, 0.25);
  assert.equal(got.length, 2);
  near(got[0].x, 16, 'x');
  near(got[0].y, 32, 'y');
  near(got[0].heading, 1016, 'heading the short way');
  assert.deepEqual(got[1], body(10, 10, 0));
});

test('heads and hands move with the bodies', () => {
  const a = new Map([[0, pose(1000, -100, 150, true, [0, 100, -30], [20, 110, -40])], [1, pose(0, 0, 160, true)], [2, pose(5, 5, 150, false)]]);
  const b = new Map([[0, pose(40, 100, 170, true, [40, 120, -10], [20, 130, 0])], [1, pose(0, 0, 160, false)], [3, pose(7, 7, 150, false)]]);
  const got = lerpXR(a, b, 0.5);
  const p = got.get(0);
  near(p.yaw, 8, 'yaw the short way (1000 → 40 passes north)');
  near(p.pitch, 0, 'pitch');
  near(p.height, 160, 'height');
  assert.deepEqual(p.left, [20, 110, -20]);
  assert.deepEqual(p.right, [20, 120, -20]);
  assert.equal(got.get(1).hands, false, 'hands put down vanish at once');
  assert.ok(!got.has(2), 'a headset taken off is gone');
  assert.deepEqual(got.get(3), pose(7, 7, 150, false), 'a headset put on shows its first pose');
  assert.equal(lerpXR(a, undefined, 0.5).size, 0);
  assert.equal(lerpXR(undefined, b, 0.5).get(0).yaw, 40, 'no earlier poses: the newest');
});

test('interpolate draws bodies and poses at the same moment', () => {
  const s = [
    snap(0, [[0, body(0, 0, 0)]], [[0, pose(0, 0, 150, false)]]),
    snap(100, [[0, body(100, 0, 256)]], [[0, pose(256, 0, 150, false)]]),
  ];
  const got = interpolate(s, 40);
  near(got.participants[0].x, 40, 'body');
  near(got.participants[0].heading, 102.4, 'body heading');
  near(got.xr.get(0).yaw, 102.4, 'head yaw in step with the body');
  assert.equal(interpolate([], 0), null);
});

test('hands point part of the way, the short way round (hand aim)', () => {
  const aimed = (left, right, hands = true) => ({ ...pose(0, 0, 150, hands), leftAim: { yaw: left[0], pitch: left[1] }, rightAim: { yaw: right[0], pitch: right[1] } });
  const a = snap(0, [], [[0, aimed([1000, -60], [256, 0])], [1, aimed([0, 0], [0, 0], false)], [2, pose(0, 0, 150, true)]]);
  const b = snap(100, [], [[0, aimed([40, -20], [768 - 8, 100])], [1, aimed([512, 100], [512, 100])], [2, aimed([300, 10], [300, 10])]]);
  const got = lerpXR(a.xr, b.xr, 0.25);
  const p = got.get(0);
  near(p.leftAim.yaw, 1016, 'left aim yaw the short way (1000 → 40 passes north)');
  near(p.leftAim.pitch, -50, 'left aim pitch');
  near(p.rightAim.yaw, 256 + 0.25 * 504, 'right aim yaw: 256 → 760 is +504, not −520');
  near(p.rightAim.pitch, 25, 'right aim pitch');
  assert.deepEqual(got.get(1).rightAim, { yaw: 512, pitch: 100 }, 'hands that appear point where they point');
  assert.deepEqual(got.get(2).rightAim, { yaw: 300, pitch: 10 }, 'an aim that appears is drawn as it is');
  assert.equal(lerpXR(a.xr, b.xr, 1).get(0).rightAim.yaw, 760);
});
