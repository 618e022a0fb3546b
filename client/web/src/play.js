// The participant page: join a drill with a join code and a name, then see
// it in 3-D — in a headset (WebXR immersive-vr: teleport and smooth
// locomotion, controller / hand / gaze-and-pinch rays for actions and
// prompts), as a tabletop model (immersive-ar), or in a plain 3-D view on a
// laptop or phone. The server is authoritative: this page only sends intent
// (Pose: move direction, head direction, XR poses; Choice: acts and
// answers) and draws the snapshots it receives.
import * as THREE from 'three';
import { Connection, ROLE } from './net.js';
import { S, bi, other, lang, pick, LEVEL_COLOURS } from './i18n.js';
import { DrillScene, panel } from './scene.js';
import { packQuat } from './wire.js';
import { interpolate } from './interp.js';
import { trackSelectRays, rayFromPose, inputHintKind, inputHint, AT_START } from './xrinput.js';

const $ = (id) => document.getElementById(id);
const EYE = 1.6;

// state is what the page knows; window.__drill exposes it to tests.
const state = {
  joined: false, slot: -1, phase: 0, tick: 0, snapshots: 0, warnings: [0, 0, 0], prompt: null, acks: [], score: null,
  results: null, classSummary: null, xr: null, errors: [], messages: [],
};
window.__drill = state;

let conn, ds, renderer, camera, rig;
const snaps = []; // recent decoded snapshots {tick, at (ms), participants, npcs}
let heading = 0; // centidegrees, desktop view direction
const keys = new Set();
let walkTarget = null; // teleport: the point the participant walks to

function init() {
  document.documentElement.lang = lang;
  document.title = bi('title');
  const q = new URLSearchParams(location.search);
  $('code').value = q.get('code') || '';
  $('name').value = q.get('name') || localStorage.getItem('rd-name') || '';
  $('l-code').textContent = S.joinCode;
  $('l-name').textContent = S.name;
  $('join').textContent = S.join;
  $('join-form').addEventListener('submit', (ev) => { ev.preventDefault(); join(); });
  if (q.get('autojoin')) join();
}

async function join() {
  const joinCode = $('code').value.trim(), name = $('name').value.trim();
  if (!joinCode || !name) return;
  localStorage.setItem('rd-name', name);
  state.joinCode = joinCode;
  state.name = name;
  // A participant who reloads the page takes back the same slot.
  const saved = sessionStorage.getItem('rd-token-' + joinCode);
  await connect(saved ? Uint8Array.from(saved.match(/../g), (h) => parseInt(h, 16)) : null);
}

// connect opens a connection: a first join, or a rejoin with the
// participant token of an earlier Welcome (after a dropped connection the
// page reconnects by itself with it; the server gives back the same slot
// and a full state).
async function connect(token) {
  $('status').textContent = S.connecting;
  conn = new Connection({ role: ROLE.participant, joinCode: state.joinCode, name: state.name, lang, token });
  window.__drillConn = conn;
  conn.on('welcome', onWelcome).on('snapshot', onSnapshot).on('prompt', showPrompt).on('warning', onWarning)
    .on('message', (m) => { state.messages.push(m); toast(pick(m.text)); })
    .on('score', (m) => { state.score = m; $('score').textContent = `${S.score}: ${m.score} / ${m.max}`; })
    .on('class_summary', (m) => { state.classSummary = m; }) // comes right before the results (§4.13)
    .on('results', onResults).on('phase', (m) => setPhase(m.phase))
    .on('error', (m) => { state.errors.push(m); $('status').textContent = `${m.code}: ${m.text}`; })
    .on('fault', (e) => state.errors.push({ text: String(e) }))
    .on('closed', onClosed);
  try {
    await conn.open();
  } catch (e) {
    state.errors.push({ text: String(e) });
    // Turned away before the session opened (a server momentarily full
    // refuses connections when a class presses Join together; the network
    // blinked): nothing was joined, so knock again a few times by itself,
    // 0.4–0.8 s apart and doubling, before showing the error.
    if (!conn.reached && !state.joined && (state.openRetries = (state.openRetries || 0) + 1) <= OPEN_RETRIES) {
      $('status').textContent = S.retrying;
      setTimeout(() => connect(token), (200 + Math.random() * 200) * 2 ** state.openRetries);
      return;
    }
    $('status').textContent = String(e);
    onClosed();
  }
}
const OPEN_RETRIES = 4;

// onClosed reconnects with the token unless the results are in or the
// server refused us for good (a wrong join code, a full drill). A link that
// dropped after the end but before the results reconnects too: the server
// sends the results to a participant back after the end (protocol §4.8).
const FINAL = new Set([36, 37, 38, 39]);
function onClosed() {
  $('status').textContent = S.closed;
  state.connected = false;
  if (state.results || state.errors.some((e) => FINAL.has(e.code)) || !state.token) return;
  if ((state.reconnectTries = (state.reconnectTries || 0) + 1) > 30) return;
  setTimeout(() => connect(state.token), Math.min(5000, 500 * state.reconnectTries));
}

function onWelcome(w) {
  if (state.joined) state.reconnects = (state.reconnects || 0) + 1;
  state.joined = true;
  state.connected = true;
  state.reconnectTries = 0;
  state.slot = w.slot;
  if (w.slot >= 0) {
    state.token = w.token;
    sessionStorage.setItem('rd-token-' + w.joinCode, Array.from(w.token, (b) => b.toString(16).padStart(2, '0')).join(''));
  }
  snaps.length = 0; // snapshot IDs restart on every connection
  state.tickHz = w.tickHz; state.snapshotHz = w.snapshotHz;
  $('join-form').hidden = true;
  $('hud').hidden = false;
  $('status').textContent = '';
  $('title').textContent = pick(w.title);
  setPhase(w.phase);
  // The Terrain follows the Welcome on the stream: build the scene then
  // (once: a rejoin keeps it).
  conn.on('terrain', (t) => { if (!ds) buildScene(w, t); });
}

function buildScene(w, t) {
  let scenario = null;
  try { scenario = w.scenarioFormat === 1 ? JSON.parse(new TextDecoder().decode(w.scenario)) : null; } catch { /* a plain view without cues */ }
  state.scenario = scenario;
  ds = new DrillScene(w, t, scenario);
  renderer = new THREE.WebGLRenderer({ antialias: true, alpha: true });
  renderer.setPixelRatio(Math.min(devicePixelRatio, 2));
  renderer.setSize(innerWidth, innerHeight);
  renderer.xr.enabled = true;
  $('view').appendChild(renderer.domElement);
  camera = new THREE.PerspectiveCamera(70, innerWidth / innerHeight, 0.05, 3000);
  rig = new THREE.Group(); // the participant's feet: XR reference space origin
  rig.add(camera);
  ds.scene.add(rig);
  camera.position.y = EYE;
  heading = (scenario?.spawn?.heading_deg || 0) * 100;
  addEventListener('resize', () => { camera.aspect = innerWidth / innerHeight; camera.updateProjectionMatrix(); renderer.setSize(innerWidth, innerHeight); });
  desktopControls();
  xrControllers();
  setupXRButtons();
  renderer.setAnimationLoop(frame);
  state.sceneReady = true;
}

function setPhase(p) {
  state.phase = p;
  $('phase').textContent = S.phase[p];
}

function onSnapshot(s) {
  state.snapshots++;
  state.tick = s.tick;
  state.warnings = s.warnings;
  if (s.phase !== state.phase) setPhase(s.phase);
  noteGap(s.tick);
  snaps.push({ tick: s.tick, at: performance.now(), participants: s.participants, npcs: s.npcs, xr: s.xr });
  state.peerXR = s.xr.size; // classmates whose headsets send their head (protocol §5.8)
  // where their tracked hands point (§5.8 hand aim), slot → {left, right: {yaw, pitch}}
  state.peerAim = Object.fromEntries([...s.xr].filter(([, x]) => x.hands && x.rightAim).map(([slot, x]) => [slot, { left: x.leftAim, right: x.rightAim }]));
  while (snaps.length > 8) snaps.shift();
  if (ds) {
    if (s.tiles[0].length) ds.updateField(0, conn.decoder.fields[0], s.tiles[0]);
    if (s.tiles[1].length) ds.updateField(1, conn.decoder.fields[1], s.tiles[1]);
  }
  const self = s.participants.get(state.slot);
  if (self) state.self = self;
  $('tick').textContent = `${S.tick} ${s.tick}`;
}

// seenGap follows the snapshot interval the server really sends at: a
// loaded server stretches it (docs/server.md, snapshot shedding) without a
// new Welcome. A gap in ticks seen three times running is the interval; a
// single longer gap is a lost datagram.
const seenGap = { gap: 0, runs: 0, ticks: 0 };
function noteGap(tick) {
  const last = snaps.length ? snaps[snaps.length - 1].tick : 0;
  if (!last || tick <= last) return;
  const g = tick - last;
  if (g === seenGap.gap) seenGap.runs++; else { seenGap.gap = g; seenGap.runs = 1; }
  if (seenGap.runs >= 3 && g <= (state.tickHz || 20)) seenGap.ticks = g;
}

// interpolated returns everyone at the render time: two snapshot intervals
// behind the newest (docs/protocol.md §10), lerped between the snapshots
// around it (src/interp.js).
function interpolated() {
  const interval = seenGap.ticks ? 1000 * seenGap.ticks / (state.tickHz || 20) : 1000 / (state.snapshotHz || 20);
  return interpolate(snaps, performance.now() - 2 * interval);
}

// ---- input: desktop ----

function desktopControls() {
  addEventListener('keydown', (e) => keys.add(e.key.toLowerCase()));
  addEventListener('keyup', (e) => keys.delete(e.key.toLowerCase()));
  let drag = null;
  const el = renderer.domElement;
  el.addEventListener('pointerdown', (e) => { drag = { x: e.clientX, moved: false }; });
  el.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x;
    if (Math.abs(dx) > 2) drag.moved = true;
    heading = (heading + dx * 20 + 36000) % 36000;
    drag.x = e.clientX;
  });
  el.addEventListener('pointerup', (e) => {
    if (drag && !drag.moved) clickRay(e);
    drag = null;
  });
}

function clickRay(e) {
  const ndc = new THREE.Vector2((e.clientX / innerWidth) * 2 - 1, -(e.clientY / innerHeight) * 2 + 1);
  const ray = new THREE.Raycaster();
  ray.setFromCamera(ndc, camera);
  pickWith(ray);
}

// ---- input: XR ----

const controllers = [];
function xrControllers() {
  for (let i = 0; i < 2; i++) {
    const c = renderer.xr.getController(i);
    const line = new THREE.Line(new THREE.BufferGeometry().setFromPoints([new THREE.Vector3(), new THREE.Vector3(0, 0, -5)]), new THREE.LineBasicMaterial({ color: 0x66ccff }));
    c.add(line);
    c.addEventListener('connected', (e) => {
      c.userData.source = e.data;
      // Vision Pro shows no ray for gaze-and-pinch (where the eyes look is
      // private until the pinch), and a gaze cursor's ray would sit on the
      // eyes: no line for either.
      line.visible = !AT_START.has(e.data.targetRayMode);
    });
    c.addEventListener('disconnected', () => { c.userData.source = null; });
    rig.add(c);
    controllers.push(c);
    const hand = renderer.xr.getHand(i);
    rig.add(hand);
  }
}

// xrRayAt casts an input source's ray from its pose in a given frame (an
// event's own frame: the controller objects' matrices are only as fresh as
// the last rendered frame, which on a slow device may be before the hand
// moved), or null when the source has no pose there.
function xrRayAt(frame, source) {
  const pose = frame.getPose(source.targetRaySpace, renderer.xr.getReferenceSpace());
  return pose ? rayFromPose(pose, rig.position) : null;
}

// onXRSelect acts along the ray of the input source that selected (trigger,
// pinch; for Vision Pro's gaze-and-pinch and a gaze cursor the ray at
// selectstart — src/xrinput.js).
function onXRSelect(ev, rayOf) {
  const ray = rayOf(ev);
  if (!ray) return;
  state.xrSelects = (state.xrSelects || 0) + 1;
  // The last select's ray (world coordinates), for tests and debugging.
  state.lastRay = { from: ray.ray.origin.toArray().map((v) => +v.toFixed(2)), dir: ray.ray.direction.toArray().map((v) => +v.toFixed(2)), mode: ev.inputSource.targetRayMode, hand: !!ev.inputSource.hand, feet: +rig.position.y.toFixed(2) };
  pickWith(ray, true);
}

// pickWith acts on what a ray hits first: a prompt option, an object (an
// act), or with teleport the ground (walk there).
function pickWith(ray, teleport = false) {
  const targets = [...promptMeshes, ...ds.pickables.map((p) => p.mesh)];
  const hit = ray.intersectObjects(targets, false)[0];
  if (hit) {
    const o = hit.object.userData;
    if (o.option) { answer(o.option.id); return; }
    if (o.object) { act(o.object); return; }
  }
  if (teleport) {
    const g = ray.intersectObject(ds.terrain, false)[0];
    if (g) {
      const p = ds.world.worldToLocal(g.point.clone());
      walkTarget = { x: p.x, z: p.z };
      state.teleportTarget = { x: +p.x.toFixed(2), z: +p.z.toFixed(2) }; // for tests: where the last teleport aims
      state.teleports = (state.teleports || 0) + 1;
    }
  }
}

const ACTIONS_BY_KIND = { power_switch: 'switch_off_power', water: 'take_water', phone: 'call_120', belongings: 'take_belongings', first_aid_kit: 'help', alarm: 'report_hazard' };

async function act(o) {
  const action = ACTIONS_BY_KIND[o.kind] || 'report_hazard';
  const ack = await conn.choice(1, action, o.id);
  state.acks.push({ kind: 'act', action, target: o.id, ...ack });
  toast(`${S.act[action] || action}: ${ack.result === 0 ? S.accepted : S.rejected}`);
}

function setupXRButtons() {
  const xr = navigator.xr;
  const note = $('xr-note');
  if (!xr) { note.textContent = S.noXR; return; }
  for (const [mode, id, label] of [['immersive-vr', 'enter-vr', S.enterVR], ['immersive-ar', 'enter-ar', S.enterAR]]) {
    const b = $(id);
    b.textContent = label;
    xr.isSessionSupported(mode).then((ok) => {
      b.hidden = !ok;
      if (ok && mode === 'immersive-vr') note.textContent = S.xrHint; // how to aim: a Vision Pro has no controller
    }).catch(() => {});
    b.onclick = () => enterXR(mode);
  }
}

// enterXR starts a WebXR session. immersive-ar shows the drill as a
// tabletop model: the world shrinks to about a metre across in front of
// the viewer.
async function enterXR(mode) {
  const session = await navigator.xr.requestSession(mode, { optionalFeatures: ['local-floor', 'hand-tracking'] });
  renderer.xr.setReferenceSpaceType('local-floor');
  // ?xrscale=0.5 renders the headset's views at a lower resolution: for
  // older headsets, and for software-rendered emulation in tests.
  const scale = parseFloat(new URLSearchParams(location.search).get('xrscale'));
  if (scale > 0 && scale <= 1) renderer.xr.setFramebufferScaleFactor(scale);
  await renderer.xr.setSession(session);
  state.xr = mode;
  if (mode === 'immersive-ar') {
    const span = Math.max(ds.grid.nx, ds.grid.ny) * ds.cell;
    const k = 1.0 / span;
    ds.world.scale.setScalar(k);
    ds.world.position.set(-0.5 * ds.grid.nx * ds.cell * k, 0.8, -1.2 - 0.5 * ds.grid.ny * ds.cell * k);
    state.tabletopSpan = span * k; // metres across, for tests
    rig.position.set(0, 0, 0); // the viewer stands at the table, not in the drill
    ds.scene.background = null;
    ds.scene.fog = null;
  }
  window.__drillXRSession = () => session;
  state.sawTransient = false;
  const rayOf = trackSelectRays(session, xrRayAt);
  session.addEventListener('select', (ev) => onXRSelect(ev, rayOf));
  session.addEventListener('inputsourceschange', (ev) => {
    if (ev.added.some((s) => s.targetRayMode === 'transient-pointer')) state.sawTransient = true;
  });
  session.addEventListener('end', () => {
    state.xr = null;
    state.tabletopSpan = 0;
    rig.position.set(0, 0, 0);
    ds.scene.background = new THREE.Color(0x9cb8d0);
    ds.scene.fog = new THREE.Fog(0x9cb8d0, 150, 900);
    ds.world.scale.setScalar(1);
    ds.world.position.set(0, 0, 0);
  });
}

// ---- per frame ----

let lastFrameAt = performance.now();
const started = lastFrameAt;
const fwd = new THREE.Vector3();
function frame(_, xrFrame) {
  state.frames = (state.frames || 0) + 1;
  const nowMs = performance.now();
  const dt = Math.min((nowMs - lastFrameAt) / 1000, 0.1);
  lastFrameAt = nowMs;
  const ents = interpolated();
  const tabletop = state.xr === 'immersive-ar';
  if (ents) {
    ds.placePeople(ents.participants, ents.npcs, tabletop ? -1 : state.slot);
    state.peerPointers = ds.placeXR(ents.xr); // heads turn, hands point, in step with the bodies
    const me = ents.participants.find((e) => e.id === state.slot);
    if (me && !tabletop) {
      const x = me.x / 64, z = me.y / 64;
      rig.position.set(x, ds.groundAt(x, z), z);
    }
  }
  ds.setHeat(state.warnings[1], (nowMs - started) / 1000);

  let move = { x: 0, y: 0 }, run = false, head = null, hands = null, yaw;
  if (renderer.xr.isPresenting && xrFrame) {
    // Gaze: the head's yaw is the heading, so looking at a cue counts.
    const xrCam = renderer.xr.getCamera();
    // (its last rendered world matrix: getWorldDirection would recompute
    // it without the rig, for everything that reads it later too)
    fwd.setFromMatrixColumn(xrCam.matrixWorld, 2).negate();
    yaw = Math.atan2(fwd.x, -fwd.z); // clockwise from north (−z)
    head = xrPose(xrCam);
    state.lastHead = head;
    // Smooth locomotion: a thumbstick moves relative to where the head looks.
    for (const c of controllers) {
      const gp = c.userData.source?.gamepad;
      if (gp && gp.axes.length >= 4 && (Math.abs(gp.axes[2]) > 0.15 || Math.abs(gp.axes[3]) > 0.15)) {
        move = rotate(gp.axes[2], gp.axes[3], yaw);
        run = gp.buttons[0]?.pressed && gp.axes[3] < -0.9;
        walkTarget = null;
      }
    }
    const left = controllers.find((c) => c.userData.source?.handedness === 'left');
    const right = controllers.find((c) => c.userData.source?.handedness === 'right');
    if (left && right) hands = [xrPose(left), xrPose(right)];
  } else {
    const turn = (keys.has('arrowleft') ? -1 : 0) + (keys.has('arrowright') ? 1 : 0);
    heading = (heading + turn * 9000 * dt + 36000) % 36000;
    yaw = (heading / 36000) * Math.PI * 2;
    camera.rotation.set(0, -yaw, 0, 'YXZ');
    const f = (keys.has('w') || keys.has('arrowup') ? 1 : 0) - (keys.has('s') || keys.has('arrowdown') ? 1 : 0);
    const r = (keys.has('d') ? 1 : 0) - (keys.has('a') ? 1 : 0);
    if (f || r) { move = rotate(r, -f, yaw); walkTarget = null; }
    run = keys.has('shift');
  }
  const w = walkMove();
  if (w) move = w;
  heading = ((Math.round((yaw * 18000) / Math.PI) % 36000) + 36000) % 36000;
  state.heading = heading;
  const pose = { moveX: move.x * 1000, moveY: move.y * 1000, heading, run, head, hands };
  const now = performance.now();
  if (!state.lastPoseAt || now - state.lastPoseAt > 33) { conn.sendPose(pose); state.lastPoseAt = now; }
  else conn.lastPose = pose;
  renderer.render(ds.scene, camera);
}

// walkMove steers toward the teleport target: the direction to it, or null
// when there is none or it has been reached (within 0.6 m).
function walkMove() {
  if (walkTarget && state.self) {
    const dx = walkTarget.x - state.self.x / 64, dz = walkTarget.z - state.self.y / 64;
    const d = Math.hypot(dx, dz);
    if (d < 0.6) walkTarget = null; else { state.walking = true; return { x: dx / d, y: dz / d }; }
  }
  state.walking = false;
  return null;
}

// Steering also runs between frames (every 50 ms): a headset that renders
// slowly must not overshoot the target and walk back and forth.
setInterval(() => {
  if (!walkTarget || !conn?.lastPose) return;
  const m = walkMove() || { x: 0, y: 0 };
  conn.sendPose({ ...conn.lastPose, moveX: m.x * 1000, moveY: m.y * 1000 });
}, 50);

// rotate turns a stick / key direction (x right, y back) by the yaw into
// east/south components.
function rotate(x, y, yaw) {
  const c = Math.cos(yaw), s = Math.sin(yaw);
  const east = x * c - y * s, south = x * s + y * c;
  const n = Math.hypot(east, south);
  return n > 1 ? { x: east / n, y: south / n } : { x: east, y: south };
}

const tmpQ = new THREE.Quaternion(), tmpP = new THREE.Vector3(), tmpS = new THREE.Vector3();
// xrPose is an object's pose relative to the feet (mm, x east, y up, z
// south), from its last rendered world matrix (getWorldPosition would
// recompute the XR camera's without the rig).
function xrPose(o) {
  o.matrixWorld.decompose(tmpP, tmpQ, tmpS);
  tmpP.sub(rig.position);
  const mm = (v) => Math.max(-32768, Math.min(32767, Math.round(v * 1000)));
  return { x: mm(tmpP.x), y: mm(tmpP.y), z: mm(tmpP.z), rot: packQuat(tmpQ.x, tmpQ.y, tmpQ.z, tmpQ.w) };
}

// ---- prompts and warnings: world-locked panels ----

let promptGroup = null, warningPanel = null;
const promptMeshes = [];

// worldLocked places a panel in the world 1.5 m in front of where the
// participant looks now; it stays there as they move (it does not follow
// the head), as a sign would.
function worldLocked(obj, up = 0) {
  // The head's pose relative to the feet (the rig) plus where the feet
  // are now: world matrices are only refreshed when a frame renders, which
  // may be a while ago on a slow device while the participant walks.
  if (renderer.xr.isPresenting) {
    const m = renderer.xr.getCamera().matrix;
    tmpP.setFromMatrixPosition(m);
    fwd.setFromMatrixColumn(m, 2).negate();
  } else {
    tmpP.copy(camera.position);
    fwd.set(0, 0, -1).applyQuaternion(camera.quaternion);
  }
  tmpP.add(rig.position);
  fwd.y = 0; fwd.normalize();
  obj.position.copy(tmpP).addScaledVector(fwd, 1.5);
  obj.position.y = tmpP.y + up;
  obj.lookAt(tmpP.x, obj.position.y, tmpP.z);
  ds.scene.add(obj);
}

function showPrompt(p) {
  state.prompt = p;
  if (promptGroup) ds.scene.remove(promptGroup);
  promptMeshes.length = 0;
  promptGroup = new THREE.Group();
  // In a headset the question says how to answer (no page buttons there).
  const lines = [pick(p.question)];
  const session = renderer?.xr.isPresenting ? renderer.xr.getSession() : null;
  if (session) {
    state.xrHint = inputHintKind(session.inputSources, state.sawTransient);
    lines.push(inputHint(state.xrHint, lang));
  }
  const q = panel(lines, { width: 1.2, background: 'rgba(10,30,60,0.92)' });
  promptGroup.add(q);
  let y = -q.userData.height / 2 - 0.05;
  for (const o of p.options) {
    const b = panel([pick(o.text)], { width: 1.1, background: 'rgba(40,90,160,0.95)' });
    y -= b.userData.height / 2;
    b.position.y = y;
    y -= b.userData.height / 2 + 0.03;
    b.userData.option = o;
    promptGroup.add(b);
    promptMeshes.push(b);
  }
  if (ds) worldLocked(promptGroup, -0.1);
  // The same prompt as page buttons (phones, laptops).
  const box = $('prompt');
  box.hidden = false;
  box.replaceChildren();
  const h = document.createElement('p');
  h.textContent = pick(p.question);
  box.append(h);
  for (const o of p.options) {
    const b = document.createElement('button');
    b.textContent = pick(o.text);
    b.dataset.option = o.id;
    b.onclick = () => answer(o.id);
    box.append(b);
  }
}

async function answer(optionID) {
  const p = state.prompt;
  if (!p) return;
  state.prompt = null;
  if (promptGroup) { ds.scene.remove(promptGroup); promptGroup = null; }
  promptMeshes.length = 0;
  $('prompt').hidden = true;
  const ack = await conn.choice(2, p.inject, optionID);
  state.acks.push({ kind: 'answer', action: p.inject, target: optionID, ...ack });
  toast(ack.result === 0 ? S.accepted : S.rejected);
}

// promptOptionPoints gives tests (and nothing else) the world positions of
// the option panels, to aim an emulated controller at them.
window.__drillPromptTargets = () => promptMeshes.map((m) => {
  const v = new THREE.Vector3();
  m.getWorldPosition(v);
  return { id: m.userData.option.id, x: v.x, y: v.y, z: v.z, rig: { x: rig.position.x, y: rig.position.y, z: rig.position.z } };
});

// __drillPointers gives tests (and nothing else) the world direction of
// every hand pointer drawn on a classmate (hand aim), to check the drawing.
window.__drillPointers = () => (ds ? ds.pointerDirs() : []);

// __drillObjectAt gives tests (and nothing else) the world position of an
// object's box and of the participant's feet, to look at it and pinch.
window.__drillObjectAt = (id) => {
  const p = ds.pickables.find((x) => x.object.id === id);
  if (!p) return null;
  const v = new THREE.Vector3();
  p.mesh.getWorldPosition(v);
  return { x: v.x, y: v.y, z: v.z, rig: { x: rig.position.x, y: rig.position.y, z: rig.position.z } };
};

// __drillGroundHit gives tests (and nothing else) where a ray from a point
// relative to the participant's feet meets the terrain, in map metres
// ({x east, z south}), or null: where a gaze on the ground should send them.
window.__drillGroundHit = (from, dir) => {
  const r = new THREE.Raycaster(new THREE.Vector3(from.x, from.y, from.z).add(rig.position), new THREE.Vector3(dir.x, dir.y, dir.z).normalize());
  const g = r.intersectObject(ds.terrain, false)[0];
  if (!g) return null;
  const p = ds.world.worldToLocal(g.point.clone());
  return { x: p.x, z: p.z };
};

// __drillScreenOf gives tests the page coordinates of an object's box, to
// click it as a person would.
window.__drillScreenOf = (id) => {
  const p = ds.pickables.find((x) => x.object.id === id);
  if (!p) return null;
  const v = new THREE.Vector3();
  p.mesh.getWorldPosition(v);
  v.project(camera);
  return { x: ((v.x + 1) / 2) * innerWidth, y: ((1 - v.y) / 2) * innerHeight, inView: Math.abs(v.x) < 1 && Math.abs(v.y) < 1 && v.z < 1 };
};

let audio;
function onWarning(w) {
  state.lastWarning = w;
  const colour = LEVEL_COLOURS[w.level];
  const title = pick(w.title) || `${S.hazards[w.hazard]} ${S.levels[w.level]} ${S.warning}`;
  const el = $('warning');
  el.hidden = false;
  el.style.borderColor = colour;
  el.replaceChildren();
  const h = document.createElement('strong');
  h.textContent = title;
  const pub = document.createElement('p');
  pub.textContent = pick(w.public);
  el.append(h, pub);
  if (ds) {
    if (warningPanel) ds.scene.remove(warningPanel);
    warningPanel = panel([`⚠ ${w.title.zh}`, w.title.en, pick(w.public)], { width: 1.3, border: colour });
    worldLocked(warningPanel, 0.75);
  }
  beep(w.level);
}

// beep: a siren-like tone, longer and higher for higher levels.
function beep(level) {
  try {
    audio ||= new AudioContext();
    const o = audio.createOscillator(), g = audio.createGain();
    o.type = 'square';
    o.frequency.setValueAtTime(440 + 110 * level, audio.currentTime);
    o.frequency.linearRampToValueAtTime(660 + 110 * level, audio.currentTime + 0.4);
    g.gain.setValueAtTime(0.15, audio.currentTime);
    g.gain.linearRampToValueAtTime(0, audio.currentTime + 0.3 + 0.2 * level);
    o.connect(g).connect(audio.destination);
    o.start();
    o.stop(audio.currentTime + 0.3 + 0.2 * level);
    state.beeps = (state.beeps || 0) + 1;
  } catch { /* no audio device */ }
}

function onResults(r) {
  state.results = r;
  const mine = r.results.find((p) => p.slot === state.slot) || r.results[0];
  const el = $('results');
  el.hidden = false;
  el.replaceChildren();
  const h = document.createElement('h2');
  h.textContent = `${S.results}: ${mine ? mine.score : ''}`;
  el.append(h);
  const c = state.classSummary;
  if (c && c.n > 0) {
    // The class without names: average (tenths of a point), size, outcomes.
    const line = (L) => L.classAvg((c.avgTenths / 10).toFixed(1), c.max, c.n, c.bots);
    const p = document.createElement('p');
    p.className = 'class';
    p.textContent = `${line(S)} · ${line(other)}`;
    const o = document.createElement('p');
    o.className = 'class-outcomes';
    o.textContent = c.outcomes.map((x) => `${S.outcomes[x.outcome] || x.outcome.replaceAll('_', ' ')} ${x.count}`).join(' · ');
    el.append(p, o);
  }
  if (!mine) return;
  for (const o of mine.objectives) {
    const p = document.createElement('p');
    p.textContent = `${pick(o.title)} — ${o.rating} (${o.points}/${o.max})`;
    el.append(p);
  }
  for (const it of mine.items) {
    const p = document.createElement('p');
    p.className = 'item';
    p.textContent = `${it.points}/${it.max} ${lang === 'en' ? it.reason.en : it.reason.zh}`;
    el.append(p);
  }
}

let toastTimer;
function toast(text) {
  const el = $('toast');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, 4000);
}

init();
