// An emulated Apple Vision Pro for the browser tests, on IWER.
//
// IWER (2.5.0) has no Vision Pro profile and no transient-pointer input: it
// knows the 'transient-pointer' target-ray mode by name only, and its gaze
// input (XRGazeInput, 'gaze' mode) is a persistent source that fires no
// selects. So this file scripts what Safari on visionOS does, with IWER's
// own classes — a real XRInputSource whose targetRaySpace is a real XRSpace
// of the device, real XRInputSourceEvents with the running XRFrame, and
// IWER's own inputsourceschange when the source comes and goes:
//
//   pinch(gaze, hand)   a frame with the new source (inputsourceschange
//                       added; its ray on the gaze: from the eyes to where
//                       they look), then selectstart with that ray;
//   (while pinched)     the ray follows the hand: it moves with the hand's
//                       offset and turns with the hand (visionOS's drag);
//   release()           select, selectend, and in the same frame the source
//                       is removed (inputsourceschange removed).
//
// The device has no controllers (no gamepad, no thumbstick) and, unless a
// test switches primaryInputMode to 'hand', no hands either (Safari
// without the hand-tracking permission). window.__xrDevice is the IWER
// device, window.__visionPro the pinch script (and gazeCursor(), which
// turns the device into an older headset with a gaze cursor). It is part
// of testdata/iwer.js, chosen by window.__emulate = 'visionpro'.
import { XRDevice, metaQuest3, XRInputSource, XRSpace, XRInputSourceEvent, P_DEVICE, P_SESSION, P_SPACE } from 'iwer';

const appleVisionPro = {
  ...metaQuest3,
  name: 'Apple Vision Pro',
  controllerConfig: undefined, // no controllers: hands and eyes only
  supportedSessionModes: ['inline', 'immersive-vr'],
  supportedFeatures: ['viewer', 'local', 'local-floor', 'bounded-floor', 'unbounded', 'hand-tracking'],
  supportedFrameRates: [90],
  isSystemKeyboardSupported: false,
  internalNominalFrameRate: 90,
  userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15',
};

let device; // the emulated headset, made by installVisionPro

// setRay points a space's ray (its −z axis) from origin o along direction
// d: a column-major rotation-translation matrix whose quaternion turns
// (0, 0, −1) onto d.
function setRay(space, o, d) {
  const n = Math.hypot(d.x, d.y, d.z);
  const x = d.x / n, y = d.y / n, z = d.z / n;
  let q = [y, -x, 0, 1 - z]; // (0,0,−1) × d, 1 + (0,0,−1)·d
  if (q[3] < 1e-6) q = [0, 1, 0, 0]; // looking straight back: half a turn about y
  const m = Math.hypot(...q);
  const [qx, qy, qz, qw] = q.map((v) => v / m);
  const M = space[P_SPACE].offsetMatrix;
  M[0] = 1 - 2 * (qy * qy + qz * qz); M[1] = 2 * (qx * qy + qz * qw); M[2] = 2 * (qx * qz - qy * qw); M[3] = 0;
  M[4] = 2 * (qx * qy - qz * qw); M[5] = 1 - 2 * (qx * qx + qz * qz); M[6] = 2 * (qy * qz + qx * qw); M[7] = 0;
  M[8] = 2 * (qx * qz + qy * qw); M[9] = 2 * (qy * qz - qx * qw); M[10] = 1 - 2 * (qx * qx + qy * qy); M[11] = 0;
  M[12] = o.x; M[13] = o.y; M[14] = o.z; M[15] = 1;
}

// pitch turns a direction down by a radians (about the horizontal axis
// across it).
function pitch(d, a) {
  const h = Math.hypot(d.x, d.z), n = Math.hypot(d.x, d.y, d.z);
  const el = Math.atan2(d.y, h) - a;
  const hx = h > 1e-9 ? d.x / h : 0, hz = h > 1e-9 ? d.z / h : -1;
  return { x: n * Math.cos(el) * hx, y: n * Math.sin(el), z: n * Math.cos(el) * hz };
}

// A TransientPointer is one pinch: the duck type of IWER's tracked inputs
// (inputSource, connected, onFrameStart) so the device's frame loop drives it.
class TransientPointer {
  constructor(gaze, hand, handedness) {
    this.space = new XRSpace(device[P_DEVICE].globalSpace);
    // Safari gives a transient pointer no gamepad and no hand.
    this.inputSource = new XRInputSource(handedness, 'transient-pointer', ['generic-hand-select'], this.space);
    this.connected = true;
    this.phase = 'new';
    this.eyes = { x: device.position.x, y: device.position.y, z: device.position.z };
    this.gaze = gaze;
    this.hand = hand;
    this.releaseWanted = false;
    setRay(this.space, this.eyes, gaze);
  }

  fire(type, frame) {
    log.push(type);
    frame.session.dispatchEvent(new XRInputSourceEvent(type, { frame, inputSource: this.inputSource }));
  }

  onFrameStart(frame) {
    switch (this.phase) {
      case 'new': // this frame IWER adds it to the session's inputSources
        this.phase = 'added';
        log.push('added');
        return;
      case 'added': // the pinch: the ray is the gaze
        setRay(this.space, this.eyes, this.gaze);
        this.fire('selectstart', frame);
        this.phase = 'held';
        return;
      case 'held': // the ray follows the hand until the release
        setRay(this.space, { x: this.eyes.x + this.hand.dx, y: this.eyes.y + this.hand.dy, z: this.eyes.z + this.hand.dz }, pitch(this.gaze, this.hand.pitch));
        this.heldFrames = (this.heldFrames || 0) + 1;
        if (this.releaseWanted && this.heldFrames > 1) {
          this.fire('select', frame);
          this.fire('selectend', frame);
          this.connected = false; // IWER removes it after this, in the same frame
          this.phase = 'gone';
          log.push('removed');
          pointers.splice(pointers.indexOf(this), 1);
        }
        return;
    }
  }
}

// A GazeCursor is an older headset's gaze input ('gaze' mode): one source
// for the whole session whose ray is the head's forward (a space of the
// viewer), a tap on the headset as select. tapStart / tapEnd fire
// selectstart / select + selectend at the next frame.
class GazeCursor {
  constructor() {
    this.inputSource = new XRInputSource('none', 'gaze', ['generic-button'], new XRSpace(device[P_DEVICE].viewerSpace));
    this.connected = true;
    this.phase = 'up';
  }

  onFrameStart(frame) {
    const fire = (type) => {
      log.push(type);
      frame.session.dispatchEvent(new XRInputSourceEvent(type, { frame, inputSource: this.inputSource }));
    };
    if (this.phase === 'pressing') { fire('selectstart'); this.phase = 'down'; }
    else if (this.phase === 'releasing') { fire('select'); fire('selectend'); this.phase = 'up'; }
  }
}

const pointers = [];
const log = [];

// The device's inputs are IWER's (hands, when a test turns them on) plus
// the pinches in progress.
const ownActive = Object.getOwnPropertyDescriptor(XRDevice.prototype, 'activeInputs').get;

// The hand's motion during a pinch unless a test says otherwise: a
// relaxed hand at the side of the body, its ray turned 25° down from the
// gaze — where a ray that is not taken at selectstart ends up.
const HAND = { dx: 0.2, dy: -0.5, dz: -0.25, pitch: (25 * Math.PI) / 180 };

// installVisionPro installs the emulated Vision Pro as navigator.xr and
// leaves the device at window.__xrDevice and the pinch script at
// window.__visionPro (test/iwer-entry.js calls it when a test asked for
// this headset).
export function installVisionPro() {
  device = new XRDevice(appleVisionPro);
  device.installRuntime({ forceInstall: true });
  Object.defineProperty(device, 'activeInputs', {
    get() {
      const own = ownActive.call(this);
      if (this[P_DEVICE].visibilityState !== 'visible') return own;
      return [...own, ...pointers.filter((p) => p.connected)];
    },
  });
  window.__xrDevice = device;
  window.__visionPro = visionPro;
}

const visionPro = {
  // pinch starts a pinch looking along gaze {x, y, z} (the reference
  // space's axes) from the eyes.
  pinch(gaze, hand = HAND, handedness = 'right') {
    if (pointers.some((p) => p.inputSource.handedness === handedness)) throw new Error('that hand is already pinching');
    pointers.push(new TransientPointer(gaze, { ...HAND, ...hand }, handedness));
  },
  // release ends every pinch (at the next frame that has seen one held).
  release() { for (const p of pointers) p.releaseWanted = true; },
  // phase is the first pinch's phase, 'idle' when there is none.
  get phase() { return pointers[0]?.phase || 'idle'; },
  log,
  // gazeCursor makes the device an older gaze-cursor headset: a 'gaze'
  // source from the next frame on. IWER passes 'gaze' sources to a
  // session only with its gaze-tracking feature (its own eye-gaze input);
  // a gaze cursor needs none, so the running session's gate is opened.
  gazeCursor() {
    device.activeSession[P_SESSION].hasGazeTracking = true;
    const c = new GazeCursor();
    pointers.push(c);
    return {
      tapStart() { c.phase = 'pressing'; },
      tapEnd() { c.phase = 'releasing'; },
      get phase() { return c.phase; },
    };
  },
};
