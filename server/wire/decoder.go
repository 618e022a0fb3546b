package wire

import (
	"errors"
	"math"
)

// ErrNoBaseline means a snapshot is a delta against a snapshot the decoder
// does not hold (lost, evicted, or the Welcome has not arrived yet). It is
// not a protocol violation: drop the snapshot and keep acking.
var ErrNoBaseline = errors.New("wire: snapshot baseline not held")

// ErrDuplicate means the snapshot was decoded before.
var ErrDuplicate = errors.New("wire: snapshot already decoded")

// ErrStale means a newer snapshot was decoded already: a late datagram is
// dropped whole (the encoder counts it lost and resends its tiles).
var ErrStale = errors.New("wire: snapshot older than the newest decoded")

type decoded struct {
	id    uint32
	tick  uint64
	glob  Globals
	parts []Entity
	npcs  []Entity
	xr    []XREntity
}

// SnapshotDecoder rebuilds the world from snapshots on the client. It keeps
// the last DefaultHistory snapshots as baselines and the tile fields with
// the ID of the snapshot each tile came from, so a late snapshot never
// overwrites a newer tile. Pure: no I/O, no clock.
type SnapshotDecoder struct {
	grid   Grid
	layers uint8
	ring   []decoded
	newest uint32
	fields [numLayers]*Field
	hist   [numLayers][][TileHistory]sendRec // per tile: the newest versions, newest first
	aim    bool                              // the XR section may carry hand aim (ExpectAim)
}

// NewSnapshotDecoder returns a decoder for the grid and layers of a
// Welcome.
func NewSnapshotDecoder(g Grid, layers uint8) *SnapshotDecoder {
	d := &SnapshotDecoder{grid: g, layers: layers, ring: make([]decoded, DefaultHistory)}
	for l := 0; l < numLayers; l++ {
		if layers&(1<<l) != 0 {
			d.fields[l] = NewField(g)
			d.hist[l] = make([][TileHistory]sendRec, g.NumTiles())
		}
	}
	return d
}

func (d *SnapshotDecoder) get(id uint32) *decoded {
	if id == 0 {
		return nil
	}
	r := &d.ring[int(id%uint32(len(d.ring)))]
	if r.id != id {
		return nil
	}
	return r
}

// Ack returns what the client puts in its next Pose: the newest snapshot
// decoded and a bit for each of the 32 before it that was decoded.
func (d *SnapshotDecoder) Ack() (ack, bits uint32) {
	ack = d.newest
	for i := uint32(0); i < 32 && ack > i+1; i++ {
		if d.get(ack-1-i) != nil {
			bits |= 1 << i
		}
	}
	return ack, bits
}

// Newest is the ID of the newest snapshot decoded (0 for none).
func (d *SnapshotDecoder) Newest() uint32 { return d.newest }

// Latest returns the state of the newest snapshot decoded, or nil.
func (d *SnapshotDecoder) Latest() *State {
	r := d.get(d.newest)
	if r == nil {
		return nil
	}
	return d.state(r)
}

func (d *SnapshotDecoder) state(r *decoded) *State {
	s := &State{Tick: r.tick, Globals: r.glob, Participants: r.parts, NPCs: r.npcs, XR: r.xr}
	if f := d.fields[0]; f != nil {
		s.Water = &Field{Grid: f.Grid, Tiles: append([]*Tile(nil), f.Tiles...)}
	}
	if f := d.fields[1]; f != nil {
		s.Debris = &Field{Grid: f.Grid, Tiles: append([]*Tile(nil), f.Tiles...)}
	}
	if f := d.fields[2]; f != nil {
		s.Risk = &Field{Grid: f.Grid, Tiles: append([]*Tile(nil), f.Tiles...)}
	}
	return s
}

func (d *SnapshotDecoder) tileVersion(layer, index int, version uint32) (*Tile, bool) {
	for _, s := range d.hist[layer][index] {
		if s.id == version && version != 0 {
			return s.tile, true
		}
	}
	return nil, false
}

// Decode applies one snapshot payload (a datagram, a stream frame's
// message bytes, or Welcome.Full) and returns its state. Malformed input
// gives an *Error and changes nothing; ErrNoBaseline and ErrDuplicate mean
// the snapshot was skipped. The returned State shares entity slices with
// the decoder: treat it as read-only. The tile fields in it are the
// decoder's current fields (newest tile of each) at the time of the call.
func (d *SnapshotDecoder) Decode(p []byte) (*State, error) {
	if len(p) == 0 || Type(p[0]) != TypeSnapshot {
		return nil, errf(CodeUnknownType, "not a snapshot")
	}
	r := &reader{b: p, off: 1}
	id := uint32(r.uv("snapshot.id", math.MaxUint32))
	bid := uint32(r.uv("snapshot.baseline", math.MaxUint32))
	tick := r.uv("snapshot.tick", MaxTick)
	if r.err == nil && (id == 0 || bid >= id) {
		r.fail(CodeBadBaseline, "snapshot %d with baseline %d", id, bid)
	}
	if r.err != nil {
		return nil, r.err
	}
	if d.get(id) != nil {
		return nil, ErrDuplicate
	}
	if id < d.newest {
		return nil, ErrStale
	}
	var base *decoded
	if bid != 0 {
		if base = d.get(bid); base == nil {
			return nil, ErrNoBaseline
		}
	}
	out := decoded{id: id, tick: tick}
	if base != nil {
		out.glob, out.parts, out.npcs, out.xr = base.glob, base.parts, base.npcs, base.xr
	}
	sec := r.u8("snapshot.sections")
	if sec&^secAll != 0 {
		r.fail(CodeBadValue, "snapshot.sections 0x%02x", sec)
	}
	if sec&secGlobals != 0 {
		out.glob.Phase = Phase(r.u8("snapshot.phase"))
		if out.glob.Phase > PhaseEnded {
			r.fail(CodeBadValue, "snapshot.phase %d", out.glob.Phase)
		}
		for i := range out.glob.Warnings {
			out.glob.Warnings[i] = r.u8("snapshot.warning")
			if out.glob.Warnings[i] > 4 {
				r.fail(CodeBadValue, "snapshot.warning %d", out.glob.Warnings[i])
			}
		}
	}
	if sec&secParticipants != 0 {
		out.parts = readEntities(r, out.parts, MaxSlots, participantLabels)
	}
	if sec&secNPCs != 0 {
		out.npcs = readEntities(r, out.npcs, MaxNPCs, npcLabels)
	}
	if sec&secXR != 0 {
		out.xr = readXRSection(r, out.xr, d.aim)
	}
	var ups []tileUpdate
	for l := 0; l < numLayers; l++ {
		if sec&(secWater<<l) == 0 {
			continue
		}
		if d.fields[l] == nil {
			r.fail(CodeBadValue, "snapshot: tiles for layer %d the Welcome did not announce", l)
			break
		}
		ups = readTiles(r, d.grid, id, l, d.tileVersion, ups, "tiles")
	}
	if err := r.end("snapshot"); err != nil {
		return nil, err
	}
	// commit
	for _, u := range ups {
		h := &d.hist[u.layer][u.index]
		copy(h[1:], h[:TileHistory-1])
		h[0] = sendRec{id: id, tile: u.tile}
		d.fields[u.layer].Tiles[u.index] = u.tile
	}
	d.ring[int(id%uint32(len(d.ring)))] = out
	if id > d.newest {
		d.newest = id
	}
	return d.state(&d.ring[int(id%uint32(len(d.ring)))]), nil
}
