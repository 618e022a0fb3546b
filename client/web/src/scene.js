// The drill as a three.js scene: terrain mesh from the Welcome's Terrain,
// the water and debris surfaces from the snapshot tiles, places and
// objects as cues, people, heat shimmer, and world-locked panels for
// warnings and prompts. Coordinates: three.js x = east, z = south (the
// protocol's y), y = up, in metres from the map's north-west corner, with
// the lowest terrain at y = 0.
import * as THREE from 'three';
import { pick, LEVEL_COLOURS } from './i18n.js';

const NO_ELEV = 65535;
const DRY = 1; // metres a dry cell of a water or debris sheet sits under the ground
const KIND_COLOURS = [0xcccccc, 0x8aa0b8, 0xc08a5a, 0x5ab06a]; // other, crowd, elder, classmate
const SELF_COLOUR = 0x2a7de1, OTHER_COLOUR = 0xe8e8e8;

export class DrillScene {
  constructor(welcome, terrain, scenario) {
    this.welcome = welcome;
    this.scenario = scenario;
    this.grid = welcome.grid;
    this.cell = this.grid.cellMM / 1000;
    this.scene = new THREE.Scene();
    this.scene.background = new THREE.Color(0x9cb8d0);
    this.scene.fog = new THREE.Fog(0x9cb8d0, 150, 900);
    this.world = new THREE.Group(); // everything on the map: scaled down for the AR tabletop
    this.scene.add(this.world);
    this.scene.add(new THREE.HemisphereLight(0xffffff, 0x556655, 1.6));
    const sun = new THREE.DirectionalLight(0xffffff, 1.4);
    sun.position.set(-200, 400, -100);
    this.scene.add(sun);
    this.pickables = []; // meshes a ray or a click can act on: {mesh, onPick}
    this.people = new Map(); // 'p'+slot / 'n'+index → mesh
    this.buildTerrain(terrain);
    this.water = this.buildSurface(0x2f6fb0, 0.72);
    this.debris = this.buildSurface(0x6b4a2b, 0.95);
    // Only the layers the drill has (Welcome.layers bit 0 water, bit 1 debris).
    this.water.visible = !!(welcome.layers & 1);
    this.debris.visible = !!(welcome.layers & 2);
    this.buildCues();
    this.shimmer = this.buildShimmer();
  }

  // heightAt is the terrain height (m above the lowest cell) at a cell.
  heightAt(c, r) {
    c = Math.max(0, Math.min(this.grid.nx - 1, c)); r = Math.max(0, Math.min(this.grid.ny - 1, r));
    return this.h[r * this.grid.nx + c];
  }
  // groundAt is the terrain height under a point in metres.
  groundAt(x, z) { return this.heightAt(Math.floor(x / this.cell), Math.floor(z / this.cell)); }

  buildTerrain(t) {
    const { nx, ny } = this.grid;
    this.h = new Float32Array(nx * ny);
    let lo = Infinity;
    if (t) for (const v of t.elev) if (v !== NO_ELEV) lo = Math.min(lo, v);
    if (!Number.isFinite(lo)) lo = 0;
    for (let i = 0; i < nx * ny; i++) this.h[i] = t && t.elev[i] !== NO_ELEV ? (t.elev[i] - lo) / 100 : 0;
    const geo = this.gridGeometry((c, r) => this.heightAt(c, r));
    const col = new Float32Array(nx * ny * 3);
    let hi = 0;
    for (const v of this.h) hi = Math.max(hi, v);
    const lu = t && t.landUse;
    for (let i = 0; i < nx * ny; i++) {
      const k = hi > 0 ? this.h[i] / hi : 0;
      let c = new THREE.Color().setHSL(0.28 - 0.12 * k, 0.35, 0.32 + 0.3 * k);
      if (lu && lu[i] >= 2) c = new THREE.Color(0x8a8a8a).lerp(c, 0.3); // built-up classes read grey
      col.set([c.r, c.g, c.b], i * 3);
    }
    geo.setAttribute('color', new THREE.BufferAttribute(col, 3));
    geo.computeVertexNormals();
    this.terrain = new THREE.Mesh(geo, new THREE.MeshLambertMaterial({ vertexColors: true }));
    this.terrain.name = 'terrain';
    this.world.add(this.terrain);
  }

  // gridGeometry is a mesh with one vertex per cell centre.
  gridGeometry(heightFn) {
    const { nx, ny } = this.grid;
    const pos = new Float32Array(nx * ny * 3);
    for (let r = 0; r < ny; r++) for (let c = 0; c < nx; c++) pos.set([(c + 0.5) * this.cell, heightFn(c, r), (r + 0.5) * this.cell], (r * nx + c) * 3);
    const idx = [];
    for (let r = 0; r + 1 < ny; r++) for (let c = 0; c + 1 < nx; c++) {
      const a = r * nx + c, b = a + 1, d = a + nx, e = d + 1;
      idx.push(a, d, b, b, d, e);
    }
    const geo = new THREE.BufferGeometry();
    geo.setAttribute('position', new THREE.BufferAttribute(pos, 3));
    geo.setIndex(idx);
    return geo;
  }

  // buildSurface is a sheet over the terrain whose height is ground + depth;
  // dry cells sit a metre under the ground so they do not show (also on
  // the shrunken tabletop model, where less would fight the terrain for
  // depth).
  buildSurface(colour, opacity) {
    const geo = this.gridGeometry((c, r) => this.heightAt(c, r) - DRY);
    const mesh = new THREE.Mesh(geo, new THREE.MeshPhongMaterial({ color: colour, transparent: opacity < 1, opacity, shininess: 80, depthWrite: opacity >= 1 }));
    mesh.renderOrder = 1;
    this.world.add(mesh);
    return mesh;
  }

  // updateField moves the cells of the changed tiles of a field (cm).
  updateField(layer, field, tiles) {
    const mesh = layer === 0 ? this.water : this.debris;
    const pos = mesh.geometry.attributes.position;
    const { nx, ny } = this.grid;
    const tx = Math.ceil(nx / 16);
    for (const t of tiles) {
      const c0 = (t % tx) * 16, r0 = Math.floor(t / tx) * 16;
      for (let r = r0; r < Math.min(ny, r0 + 16); r++) for (let c = c0; c < Math.min(nx, c0 + 16); c++) {
        const i = r * nx + c, d = field[i] / 100;
        pos.setY(i, d > 0 ? this.heightAt(c, r) + d : this.heightAt(c, r) - DRY);
      }
    }
    pos.needsUpdate = true;
    mesh.geometry.computeBoundingSphere();
  }

  buildCues() {
    const sc = this.scenario || {};
    for (const p of sc.places || []) {
      const colour = p.safe ? 0x22aa44 : p.danger ? 0xdd3322 : 0xdddddd;
      let cx, cz, shape;
      if (p.rect) {
        const [x0, y0, x1, y1] = p.rect;
        cx = (x0 + x1) / 2; cz = (y0 + y1) / 2;
        shape = new THREE.EdgesGeometry(new THREE.BoxGeometry(Math.abs(x1 - x0), 3, Math.abs(y1 - y0)));
      } else if (p.circle) {
        [cx, cz] = p.circle;
        shape = new THREE.EdgesGeometry(new THREE.CylinderGeometry(p.circle[2], p.circle[2], 3, 24, 1, true));
      } else continue;
      const g = this.groundAt(cx, cz);
      const lines = new THREE.LineSegments(shape, new THREE.LineBasicMaterial({ color: colour }));
      lines.position.set(cx, g + 1.5, cz);
      this.world.add(lines);
      const label = textSprite(pick(p.name), colour);
      label.position.set(cx, g + 5, cz);
      this.world.add(label);
    }
    for (const o of sc.objects || []) {
      const [x, z] = o.at;
      const g = this.groundAt(x, z);
      const box = new THREE.Mesh(new THREE.BoxGeometry(0.6, 1.2, 0.6), new THREE.MeshLambertMaterial({ color: 0xffcc33, emissive: 0x332200 }));
      box.position.set(x, g + 0.6, z);
      box.userData = { object: o };
      this.world.add(box);
      const label = textSprite(pick(o.name), 0xffcc33);
      label.position.set(x, g + 2, z);
      this.world.add(label);
      this.pickables.push({ mesh: box, kind: 'object', object: o });
    }
  }

  // buildShimmer: heat haze as a few slowly moving translucent sheets that
  // show when a high-temperature warning is in force or the drill is a
  // heat drill.
  buildShimmer() {
    const g = new THREE.Group();
    const mat = new THREE.MeshBasicMaterial({ color: 0xffb060, transparent: true, opacity: 0.0, depthWrite: false, side: THREE.DoubleSide });
    for (let i = 0; i < 6; i++) {
      const m = new THREE.Mesh(new THREE.PlaneGeometry(this.grid.nx * this.cell, 3, 32, 1), mat);
      m.rotation.x = -Math.PI / 2 + 0.05 * i;
      m.position.set(this.grid.nx * this.cell / 2, 0.5 + i * 0.6, this.grid.ny * this.cell / 2);
      g.add(m);
    }
    g.visible = false;
    this.world.add(g);
    return g;
  }

  setHeat(level, t) {
    const hot = level > 0 || this.scenario?.hazard === 'heat';
    this.shimmer.visible = hot;
    if (!hot) return;
    const k = 0.03 + 0.02 * level;
    this.shimmer.children.forEach((m, i) => {
      m.material.opacity = k * (0.6 + 0.4 * Math.sin(t * 2 + i));
      m.position.y = this.groundAt(m.position.x, m.position.z) + 0.5 + i * 0.6 + 0.15 * Math.sin(t * 3 + i * 1.7);
    });
    if (this.scene.fog) this.scene.fog.color.setRGB(0.61 + 0.05 * level, 0.72 - 0.02 * level, 0.82 - 0.06 * level);
  }

  // person returns (making it) the figure of participant slot / NPC index.
  person(key, colour) {
    let m = this.people.get(key);
    if (!m) {
      m = new THREE.Group();
      const body = new THREE.Mesh(new THREE.CylinderGeometry(0.25, 0.3, 1.2, 10), new THREE.MeshLambertMaterial({ color: colour }));
      body.position.y = 0.6;
      // The head (with its nose, so its direction shows) turns on its own
      // pivot when the participant's headset sends its pose (placeXR).
      const head = new THREE.Group();
      head.position.y = HEAD_Y;
      head.rotation.order = 'YXZ'; // yaw, then pitch
      const skull = new THREE.Mesh(new THREE.SphereGeometry(0.18, 12, 8), new THREE.MeshLambertMaterial({ color: 0xf1c9a5 }));
      const nose = new THREE.Mesh(new THREE.BoxGeometry(0.06, 0.06, 0.2), new THREE.MeshLambertMaterial({ color: 0x333333 }));
      nose.position.set(0, 0, -0.2);
      head.add(skull, nose);
      // Hands in world axes relative to the feet: a group that cancels the
      // figure's heading.
      const hands = new THREE.Group();
      for (let i = 0; i < 2; i++) {
        const hand = new THREE.Mesh(new THREE.SphereGeometry(0.06, 8, 6), new THREE.MeshLambertMaterial({ color: 0xf1c9a5 }));
        hand.rotation.order = 'YXZ'; // yaw, then pitch, like the head
        // Where the hand points (§5.8 hand aim): a thin 25 cm pointer along
        // the hand's −z, so a classmate pointing at the river is seen to.
        const pointer = new THREE.Mesh(POINTER_GEOMETRY, POINTER_MATERIAL);
        pointer.visible = false;
        hand.add(pointer);
        hand.userData.pointer = pointer;
        hands.add(hand);
      }
      hands.visible = false;
      m.add(body, head, hands);
      m.userData.body = body;
      m.userData.head = head;
      m.userData.hands = hands;
      this.world.add(m);
      this.people.set(key, m);
    }
    return m;
  }

  // placePeople positions figures from interpolated entities.
  placePeople(participants, npcs, selfSlot, roster) {
    const seen = new Set();
    const put = (key, e, colour) => {
      const m = this.person(key, colour);
      const x = e.x / 64, z = e.y / 64;
      m.position.set(x, this.groundAt(x, z), z);
      m.rotation.y = -(e.heading / 1024) * Math.PI * 2;
      m.rotation.z = e.status === 0 || e.status === 4 ? 0 : Math.PI / 2; // swept, buried, collapsed: lying
      m.visible = e.status !== 4;
      m.userData.body.material.color.setHex(e.flags & 64 ? 0xff5522 : colour); // heat symptoms
      seen.add(key);
    };
    for (const e of participants) put('p' + e.id, e, e.id === selfSlot ? SELF_COLOUR : OTHER_COLOUR);
    for (const e of npcs) put('n' + e.id, e, KIND_COLOURS[this.welcome.npcs[e.id]?.kind || 0]);
    for (const [k, m] of this.people) if (!seen.has(k)) m.visible = false;
    const self = this.people.get('p' + selfSlot);
    if (self) self.visible = false; // first person
  }

  // placeXR turns the heads and shows the hands of participants whose
  // headsets send their pose (protocol §5.8: xr is the snapshot's Map of
  // slot → {yaw, pitch (1/1024 turn), height, hands, left, right (cm from
  // the feet, x east, y up, z south)}); the others look where they walk.
  // Call it after placePeople, which sets each figure's heading. It
  // returns how many hand pointers it drew (hand aim).
  placeXR(xr) {
    let pointers = 0;
    for (const [key, m] of this.people) {
      if (key[0] !== 'p') continue;
      const x = xr?.get(+key.slice(1));
      const head = m.userData.head, hands = m.userData.hands;
      if (!x || !m.visible) {
        head.rotation.set(0, 0, 0);
        head.position.y = HEAD_Y;
        hands.visible = false;
        continue;
      }
      const turn = (v) => (v / 1024) * Math.PI * 2;
      head.rotation.set(turn(x.pitch), -turn(x.yaw) - m.rotation.y, 0); // the body already turned by its heading
      head.position.y = Math.max(0.5, Math.min(2.2, x.height / 100 || HEAD_Y));
      hands.visible = x.hands;
      if (x.hands) {
        hands.rotation.y = -m.rotation.y;
        hands.children[0].position.set(x.left[0] / 100, x.left[1] / 100, x.left[2] / 100);
        hands.children[1].position.set(x.right[0] / 100, x.right[1] / 100, x.right[2] / 100);
        [x.leftAim, x.rightAim].forEach((a, i) => {
          const hand = hands.children[i];
          hand.userData.pointer.visible = !!a;
          if (a) hand.rotation.set(turn(a.pitch), -turn(a.yaw), 0); // hands' group is in world axes
          if (a) pointers++;
        });
      }
    }
    return pointers;
  }

  // pointerDirs lists the drawn hand pointers with their world direction
  // (x east, y up, z south; the pointer runs along its hand's −z), for tests.
  pointerDirs() {
    const out = [];
    for (const [key, m] of this.people) {
      const hands = m.userData.hands;
      if (key[0] !== 'p' || !m.visible || !hands.visible) continue;
      hands.children.forEach((h, i) => {
        if (!h.userData.pointer.visible) return;
        const d = new THREE.Vector3(0, 0, -1).applyQuaternion(h.getWorldQuaternion(new THREE.Quaternion()));
        out.push({ slot: +key.slice(1), hand: i ? 'right' : 'left', dir: d.toArray().map((v) => +v.toFixed(3)) });
      });
    }
    return out;
  }
}

const HEAD_Y = 1.4; // a figure's head without a headset pose (m above the feet)

// A hand's pointer: a thin cylinder 25 cm long from the hand along its −z
// (three.js cylinders stand along y: laid down, shifted half its length).
const POINTER_LENGTH = 0.25;
const POINTER_GEOMETRY = new THREE.CylinderGeometry(0.008, 0.008, POINTER_LENGTH, 6).rotateX(Math.PI / 2).translate(0, 0, -POINTER_LENGTH / 2);
const POINTER_MATERIAL = new THREE.MeshBasicMaterial({ color: 0xffd400 });

// textSprite draws text on a canvas sprite that always faces the viewer.
export function textSprite(text, colour = 0xffffff, size = 1) {
  const c = document.createElement('canvas');
  const ctx = c.getContext('2d');
  ctx.font = '28px sans-serif';
  const w = Math.ceil(ctx.measureText(text).width) + 16;
  c.width = w; c.height = 40;
  ctx.font = '28px sans-serif';
  ctx.fillStyle = 'rgba(0,0,0,0.55)';
  ctx.fillRect(0, 0, w, 40);
  ctx.fillStyle = '#' + new THREE.Color(colour).getHexString();
  ctx.fillText(text, 8, 29);
  const s = new THREE.Sprite(new THREE.SpriteMaterial({ map: new THREE.CanvasTexture(c), depthTest: false }));
  s.scale.set((w / 40) * size, size, 1);
  return s;
}

// panel is a world-locked flat panel (a plane with canvas text) whose
// lines wrap to its width.
export function panel(lines, { width = 1.2, colour = '#ffffff', background = 'rgba(20,20,30,0.9)', border = null } = {}) {
  const W = 600;
  const c = document.createElement('canvas');
  const ctx = c.getContext('2d');
  ctx.font = '30px sans-serif';
  const wrapped = [];
  for (const line of lines) {
    let cur = '';
    for (const ch of String(line)) {
      if (ctx.measureText(cur + ch).width > W - 40) { wrapped.push(cur); cur = ''; }
      cur += ch;
    }
    wrapped.push(cur);
  }
  c.width = W; c.height = 40 * wrapped.length + 30;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, c.width, c.height);
  if (border) { ctx.strokeStyle = border; ctx.lineWidth = 12; ctx.strokeRect(6, 6, c.width - 12, c.height - 12); }
  ctx.font = '30px sans-serif';
  ctx.fillStyle = colour;
  wrapped.forEach((l, i) => ctx.fillText(l, 20, 45 + i * 40));
  const h = (width * c.height) / c.width;
  const m = new THREE.Mesh(new THREE.PlaneGeometry(width, h), new THREE.MeshBasicMaterial({ map: new THREE.CanvasTexture(c), transparent: true, side: THREE.DoubleSide }));
  m.userData.height = h;
  return m;
}

export { LEVEL_COLOURS };
