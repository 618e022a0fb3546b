// Which ray a WebXR select acts along (src/xrinput.js), for each kind of
// input source, with a session that is a plain EventTarget and input
// sources whose "pose" is a ray name per frame: the browser tests cover
// the real thing (cmd/drill/web_visionpro_test.go, web_test.go); these
// cover the orders of events a real device may send that a browser test
// would need hours to provoke.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trackSelectRays, inputHintKind, inputHint, rayFromPose } from '../src/xrinput.js';

// ev is an input-source event: frame.rays maps a source to its ray in that
// frame (missing: no pose).
const ev = (type, inputSource, rays) => Object.assign(new Event(type), { inputSource, frame: { rays } });
const change = (added, removed) => Object.assign(new Event('inputsourceschange'), { added, removed });
const rayAt = (frame, s) => frame.rays.get(s) ?? null;

const src = (targetRayMode) => ({ targetRayMode });

const cases = [
  {
    name: 'transient-pointer acts along its selectstart gaze, not the hand at the release',
    mode: 'transient-pointer',
    steps: (s) => [change([s], []), ev('selectstart', s, new Map([[s, 'gaze']])), ev('select', s, new Map([[s, 'hand']]))],
    want: ['gaze'],
  },
  {
    name: 'gaze cursor: the head ray at selectstart',
    mode: 'gaze',
    steps: (s) => [ev('selectstart', s, new Map([[s, 'head-at-tap']])), ev('select', s, new Map([[s, 'head-turned']]))],
    want: ['head-at-tap'],
  },
  {
    name: 'tracked-pointer (controller, hand): the ray in the select frame',
    mode: 'tracked-pointer',
    steps: (s) => [ev('selectstart', s, new Map([[s, 'before']])), ev('select', s, new Map([[s, 'now']]))],
    want: ['now'],
  },
  {
    name: 'IWER order for controllers (select before selectstart): the ray in the select frame',
    mode: 'tracked-pointer',
    steps: (s) => [ev('select', s, new Map([[s, 'now']])), ev('selectstart', s, new Map([[s, 'now']]))],
    want: ['now'],
  },
  {
    name: 'two pinches: each acts along its own gaze (no stale ray after selectend)',
    mode: 'transient-pointer',
    steps: (s) => [
      ev('selectstart', s, new Map([[s, 'gaze1']])), ev('select', s, new Map([[s, 'hand1']])), ev('selectend', s, new Map()),
      ev('selectstart', s, new Map([[s, 'gaze2']])), ev('select', s, new Map([[s, 'hand2']])),
    ],
    want: ['gaze1', 'gaze2'],
  },
  {
    name: 'a cancelled pinch (selectend, no select) leaves no ray behind',
    mode: 'transient-pointer',
    steps: (s) => [ev('selectstart', s, new Map([[s, 'gaze1']])), ev('selectend', s, new Map()), ev('select', s, new Map([[s, 'hand2']]))],
    want: ['hand2'],
  },
  {
    name: 'a source removed mid-pinch drops its ray',
    mode: 'transient-pointer',
    steps: (s) => [ev('selectstart', s, new Map([[s, 'gaze']])), change([], [s]), ev('select', s, new Map([[s, 'late']]))],
    want: ['late'],
  },
  {
    name: 'no pose at selectstart: the ray at the select, or nothing',
    mode: 'transient-pointer',
    steps: (s) => [ev('selectstart', s, new Map()), ev('select', s, new Map([[s, 'hand']])), ev('selectstart', s, new Map()), ev('select', s, new Map())],
    want: ['hand', null],
  },
];

for (const c of cases) {
  test(c.name, () => {
    const session = new EventTarget();
    const got = [];
    const rayOf = trackSelectRays(session, rayAt);
    session.addEventListener('select', (e) => got.push(rayOf(e)));
    for (const e of c.steps(src(c.mode))) session.dispatchEvent(e);
    assert.deepEqual(got, c.want);
  });
}

test('two hands pinching at once keep their own gaze rays', () => {
  const session = new EventTarget();
  const got = [];
  const rayOf = trackSelectRays(session, rayAt);
  session.addEventListener('select', (e) => got.push(rayOf(e)));
  const l = src('transient-pointer'), r = src('transient-pointer');
  for (const e of [
    ev('selectstart', l, new Map([[l, 'gazeL']])), ev('selectstart', r, new Map([[r, 'gazeR']])),
    ev('select', r, new Map([[r, 'handR']])), ev('select', l, new Map([[l, 'handL']])),
  ]) session.dispatchEvent(e);
  assert.deepEqual(got, ['gazeR', 'gazeL']);
});

test('input hints by the session\'s sources', () => {
  const controller = { targetRayMode: 'tracked-pointer', gamepad: {}, hand: null };
  const hand = { targetRayMode: 'tracked-pointer', gamepad: null, hand: {} };
  const table = [
    [[], false, 'look'], // a Vision Pro before its first pinch
    [[src('transient-pointer')], false, 'look'],
    [[hand, hand], true, 'look'], // a Vision Pro with hand tracking that has pinched
    [[controller, controller], false, 'trigger'],
    [[hand, hand], false, 'pinch'],
    [[src('gaze')], false, 'tap'],
  ];
  for (const [sources, saw, want] of table) assert.equal(inputHintKind(sources, saw), want, JSON.stringify([sources, saw]));
  assert.equal(inputHint('look', 'en'), 'look and pinch · 注视并捏合');
  assert.equal(inputHint('look', 'zh-CN'), '注视并捏合 · look and pinch');
  assert.equal(inputHint('nonsense', 'en'), 'look and pinch · 注视并捏合');
});

test('rayFromPose: the −z axis of the pose, offset by the feet', () => {
  // A quarter turn about y (left): −z turns to −x.
  const s = Math.SQRT1_2;
  const r = rayFromPose({ transform: { position: { x: 1, y: 1.6, z: 2 }, orientation: { x: 0, y: s, z: 0, w: s } } }, { x: 10, y: 5, z: 20 });
  assert.deepEqual(r.ray.origin.toArray(), [11, 6.6, 22]);
  assert.deepEqual(r.ray.direction.toArray().map((v) => Math.round(v * 1e6) / 1e6 + 0), [-1, 0, 0]);
});
