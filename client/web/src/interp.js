// What the participant page draws between snapshots (docs/protocol.md §10):
// people — bodies, and the heads and hands of classmates in headsets
// (§5.8) — two snapshot intervals behind the newest snapshot, lerped
// between the two snapshots around that moment, so that a late or lost
// datagram does not make anyone jump, and a head turns with the body it
// sits on. Pure functions, tested by test/interp.test.mjs.

// bracket returns the snapshots a and b around render time t (ms, on the
// clock of each snapshot's `at`) and k, how far t is from a to b (0…1).
// Before the oldest snapshot that is the oldest (k 0); after the newest,
// the newest (k 1): nothing is extrapolated.
export function bracket(snaps, t) {
  let a = snaps[0], b = snaps[snaps.length - 1];
  for (let i = 0; i + 1 < snaps.length; i++) {
    if (snaps[i].at <= t && snaps[i + 1].at >= t) { a = snaps[i]; b = snaps[i + 1]; break; }
  }
  const k = b.at > a.at ? Math.max(0, Math.min(1, (t - a.at) / (b.at - a.at))) : 1;
  return { a, b, k };
}

// turn lerps an angle in 1/1024 turns the short way round, in 0…1024.
export function turn(from, to, k) {
  let d = to - from;
  if (d > 512) d -= 1024; else if (d < -512) d += 1024;
  return (((from + d * k) % 1024) + 1024) % 1024;
}

const mix = (p, q, k) => p + (q - p) * k;

// lerpEntities: the entities of mb (participants or NPCs, id → {x, y,
// heading, …}) moved k of the way from where ma had them; one that is new
// in mb stands where mb has it, one gone from mb is gone.
export function lerpEntities(ma, mb, k) {
  const out = [];
  for (const [id, eb] of mb) {
    const ea = ma.get(id) || eb;
    out.push({ ...eb, x: mix(ea.x, eb.x, k), y: mix(ea.y, eb.y, k), heading: turn(ea.heading, eb.heading, k) });
  }
  return out;
}

// lerpXR: the XR poses of mb (slot → {yaw, pitch, height, hands, left,
// right, and with hand aim leftAim / rightAim {yaw, pitch}}) k of the way
// from ma's. Hands move — and point, aims turning the short way round —
// only when both snapshots show them (they appear and vanish at once); a
// headset put on shows its first pose, one taken off is gone.
export function lerpXR(ma, mb, k) {
  const out = new Map();
  if (!mb) return out;
  for (const [slot, xb] of mb) {
    const xa = ma?.get(slot);
    if (!xa) { out.set(slot, xb); continue; }
    const x = { ...xb, yaw: turn(xa.yaw, xb.yaw, k), pitch: mix(xa.pitch, xb.pitch, k), height: mix(xa.height, xb.height, k) };
    if (xa.hands && xb.hands) {
      x.left = xb.left.map((v, i) => mix(xa.left[i], v, k));
      x.right = xb.right.map((v, i) => mix(xa.right[i], v, k));
      for (const h of ['leftAim', 'rightAim']) {
        if (xa[h] && xb[h]) x[h] = { yaw: turn(xa[h].yaw, xb[h].yaw, k), pitch: mix(xa[h].pitch, xb[h].pitch, k) };
      }
    }
    out.set(slot, x);
  }
  return out;
}

// interpolate returns everyone at render time t: {participants, npcs} as
// arrays of entities and xr as a Map of slot → pose; null before the first
// snapshot.
export function interpolate(snaps, t) {
  if (!snaps.length) return null;
  const { a, b, k } = bracket(snaps, t);
  return {
    participants: lerpEntities(a.participants, b.participants, k),
    npcs: lerpEntities(a.npcs, b.npcs, k),
    xr: lerpXR(a.xr, b.xr, k),
  };
}
