// Which ray a WebXR select acts along, for every kind of input source the
// participant page meets:
//
//   tracked-pointer (Quest controllers, hands): the ray at the select, taken
//     from the event's own frame — the hand points where it points now;
//   transient-pointer (Apple Vision Pro's gaze-and-pinch): the source exists
//     only while the fingers are pinched; at selectstart its ray is where
//     the eyes look, afterwards it follows the hand (that is how a drag
//     works on visionOS), so by the select (the release) it may point
//     somewhere else — the ray must be the one at selectstart;
//   gaze (older headsets with a gaze cursor, a tap on the headset): the
//     head's ray at selectstart too, for the same reason (the head may have
//     turned while the finger was down).
//
// No gamepad and no hand joints are needed: Vision Pro has neither unless
// hand-tracking is granted, and then its hands fire no selects.
import * as THREE from 'three';

// AT_START are the target-ray modes whose select acts along the ray of
// its selectstart.
export const AT_START = new Set(['transient-pointer', 'gaze']);

// trackSelectRays listens to a session's selectstart / selectend /
// inputsourceschange and returns rayOf(ev) for its select events: the
// ray at selectstart for transient-pointer and gaze sources, the ray in
// the select's frame otherwise, or null. rayAt(frame, inputSource) casts
// a source's ray in a frame (null when it has no pose there). A source
// that goes away drops its ray, so a later pinch never acts on a stale one.
export function trackSelectRays(session, rayAt) {
  const started = new Map(); // XRInputSource → THREE.Raycaster at selectstart
  session.addEventListener('selectstart', (ev) => {
    if (!AT_START.has(ev.inputSource.targetRayMode)) return;
    const r = rayAt(ev.frame, ev.inputSource);
    if (r) started.set(ev.inputSource, r); else started.delete(ev.inputSource);
  });
  // select comes before selectend, so the select below has used the ray.
  session.addEventListener('selectend', (ev) => started.delete(ev.inputSource));
  session.addEventListener('inputsourceschange', (ev) => { for (const s of ev.removed) started.delete(s); });
  return (ev) => {
    const s = ev.inputSource;
    const r = started.get(s);
    if (r) { started.delete(s); return r; }
    // A transient source whose selectstart had no pose: its ray now is
    // the best left (better than nothing, and Safari's first frame has one).
    return rayAt(ev.frame, s);
  };
}

// rayFromPose is a three.js ray (world coordinates) from an XRPose in the
// reference space, whose origin sits at offset in the world (the rig).
export function rayFromPose(pose, offset) {
  const { position: p, orientation: o } = pose.transform;
  const ray = new THREE.Raycaster();
  ray.ray.origin.set(p.x, p.y, p.z).add(offset);
  ray.ray.direction.set(0, 0, -1).applyQuaternion(new THREE.Quaternion(o.x, o.y, o.z, o.w));
  return ray;
}

// HINTS are what the headset's prompt panels say about answering, by the
// input the session has: a person on a Vision Pro sees no controller and
// no ray, so the panel tells them to look at an answer and pinch.
const HINTS = {
  trigger: { 'zh-CN': '指向答案并扣动扳机', en: 'point at an answer and pull the trigger' },
  pinch: { 'zh-CN': '用手指向答案并捏合', en: 'point your hand at an answer and pinch' },
  tap: { 'zh-CN': '注视答案并点按', en: 'look at an answer and tap' },
  look: { 'zh-CN': '注视并捏合', en: 'look and pinch' },
};

// inputHintKind chooses the hint for a session's input sources:
// a session that has seen a transient pointer (sawTransient) is a Vision
// Pro, whatever hands it also tracks → look and pinch; controllers with a
// gamepad → trigger; tracked hands → pinch; a gaze cursor → tap; no
// source at all (Vision Pro before its first pinch) → look and pinch.
export function inputHintKind(sources, sawTransient = false) {
  const list = Array.from(sources || []);
  if (sawTransient || list.some((s) => s.targetRayMode === 'transient-pointer')) return 'look';
  if (list.some((s) => s.targetRayMode === 'tracked-pointer' && s.gamepad && !s.hand)) return 'trigger';
  if (list.some((s) => s.targetRayMode === 'tracked-pointer' && s.hand)) return 'pinch';
  if (list.some((s) => s.targetRayMode === 'gaze')) return 'tap';
  return 'look';
}

// inputHint is the hint in both languages, the page's first.
export function inputHint(kind, lang) {
  const h = HINTS[kind] || HINTS.look;
  return lang === 'en' ? `${h.en} · ${h['zh-CN']}` : `${h['zh-CN']} · ${h.en}`;
}
