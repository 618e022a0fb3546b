// Decodes a snapshot stream written by stream_test.go (Go's encoder, with
// loss and late delivery) with wire.js's SnapshotDecoder and compares every
// step with the state Go's decoder reached. Exit 1 on the first difference.
import { readFileSync } from 'node:fs';
import { SnapshotDecoder } from '../src/wire.js';

const { grid, layers, steps } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const dec = new SnapshotDecoder(grid, layers);
const ents = (m) => [...m.values()].sort((a, b) => a.id - b.id).map((e) => [e.id, e.x, e.y, e.heading, e.status, e.flags, e.stage]);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
let bytes = 0;
steps.forEach((st, i) => {
  const b = Uint8Array.from(Buffer.from(st.hex, 'hex'));
  bytes += b.length;
  const s = dec.decode(b);
  const fail = (what, got, want) => {
    console.error(`step ${i}: ${what} differs\n got  ${JSON.stringify(got).slice(0, 400)}\n want ${JSON.stringify(want).slice(0, 400)}`);
    process.exit(1);
  };
  if ((s === null) !== st.dropped) fail('dropped', s === null, st.dropped);
  if (s) {
    if (s.tick !== st.tick || s.phase !== st.phase || !same(s.warnings, st.warnings)) fail('globals', [s.tick, s.phase, s.warnings], [st.tick, st.phase, st.warnings]);
    if (!same(ents(s.participants), st.parts || [])) fail('participants', ents(s.participants), st.parts);
    if (!same(ents(s.npcs), st.npcs || [])) fail('npcs', ents(s.npcs), st.npcs);
    if (!same(Array.from(dec.fields[0]), st.water)) fail('water', Array.from(dec.fields[0]), st.water);
    if (!same(Array.from(dec.fields[1]), st.debris)) fail('debris', Array.from(dec.fields[1]), st.debris);
  }
  const a = dec.ack();
  if (a.ack !== st.ack || a.ackBits !== st.ack_bits) fail('ack', a, { ack: st.ack, ackBits: st.ack_bits });
});
console.log(`${steps.length} snapshots, ${bytes} bytes: same state as Go at every step`);
