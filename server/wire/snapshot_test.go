package wire

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"
)

// exampleStates is the small world of the worked example in
// docs/protocol.md: a 5 × 4 grid of 5 m cells, two participants, one NPC,
// a little water.
func exampleStates() (g Grid, s0, s1 *State) {
	g = Grid{NX: 5, NY: 4, CellMM: 5000}
	w0 := []uint16{
		0, 0, 0, 0, 0,
		0, 0, 0, 3, 4,
		0, 0, 12, 14, 14,
		20, 21, 22, 22, 22,
	}
	w1 := append([]uint16(nil), w0...)
	w1[7], w1[8], w1[9] = 1, 5, 6
	s0 = &State{Tick: 1200, Globals: Globals{Phase: PhaseRunning, Warnings: [3]uint8{3, 0, 0}},
		Participants: []Entity{
			{ID: 0, X: QuantPos(10), Y: QuantPos(7.5), Heading: QuantHeading(9000), Flags: FlagMoving | FlagBot},
			{ID: 5, X: QuantPos(12.25), Y: QuantPos(3), Heading: QuantHeading(0)},
		},
		NPCs:  []Entity{{ID: 0, X: QuantPos(20), Y: QuantPos(15)}},
		Water: FieldFrom(g, w0, nil)}
	s1 = &State{Tick: 1201, Globals: s0.Globals,
		Participants: []Entity{
			{ID: 0, X: s0.Participants[0].X + 4, Y: s0.Participants[0].Y, Heading: s0.Participants[0].Heading, Flags: FlagMoving | FlagBot},
			{ID: 5, X: s0.Participants[1].X, Y: s0.Participants[1].Y - 5, Heading: QuantHeading(35900), Flags: FlagMoving | FlagRun},
		},
		NPCs:  s0.NPCs,
		Water: FieldFrom(g, w1, nil)}
	return g, s0, s1
}

func TestSnapshotGoldenAndExample(t *testing.T) {
	g, s0, s1 := exampleStates()
	enc := NewSnapshotEncoder(g, LayerWater, EncoderConfig{})
	full := enc.Full(s0)
	golden(t, "snapshot_full", full)
	delta, stream, err := enc.Encode(s1, DefaultBudget)
	if err != nil || stream {
		t.Fatal(err, stream)
	}
	golden(t, "snapshot_delta", delta)

	dec := NewSnapshotDecoder(g, LayerWater)
	got, err := dec.Decode(readGolden(t, "snapshot_full"))
	if err != nil {
		t.Fatal(err)
	}
	checkState(t, got, s0)
	got, err = dec.Decode(readGolden(t, "snapshot_delta"))
	if err != nil {
		t.Fatal(err)
	}
	checkState(t, got, s1)
	if a, bits := dec.Ack(); a != 2 || bits != 1 {
		t.Errorf("ack %d %b", a, bits)
	}
	if _, err := dec.Decode(delta); err != ErrDuplicate {
		t.Errorf("duplicate: %v", err)
	}
	// a delta whose baseline the decoder never saw
	dec2 := NewSnapshotDecoder(g, LayerWater)
	if _, err := dec2.Decode(delta); !errors.Is(err, ErrNoBaseline) {
		t.Errorf("no baseline: %v", err)
	}
}

func checkState(t *testing.T, got, want *State) {
	t.Helper()
	if got.Tick != want.Tick || got.Globals != want.Globals ||
		!reflect.DeepEqual(nilIfEmpty(got.Participants), nilIfEmpty(want.Participants)) ||
		!reflect.DeepEqual(nilIfEmpty(got.NPCs), nilIfEmpty(want.NPCs)) {
		t.Fatalf("state differs\n got %+v\nwant %+v", got, want)
	}
	if want.Water != nil && !reflect.DeepEqual(got.Water.Cells(), want.Water.Cells()) {
		t.Fatalf("water differs\n got %v\nwant %v", got.Water.Cells(), want.Water.Cells())
	}
}

func nilIfEmpty(e []Entity) []Entity {
	if len(e) == 0 {
		return nil
	}
	return e
}

// randomWorld evolves a random world: entities join, leave, move, turn and
// change status; water spreads and drains in blobs.
type randomWorld struct {
	rng   *rand.Rand
	g     Grid
	s     *State
	water []uint16
	deb   []uint16
}

func newRandomWorld(seed uint64, g Grid) *randomWorld {
	w := &randomWorld{rng: rand.New(rand.NewPCG(seed, 7)), g: g,
		water: make([]uint16, g.NX*g.NY), deb: make([]uint16, g.NX*g.NY)}
	w.s = &State{}
	return w
}

func (w *randomWorld) step() *State {
	r := w.rng
	prev := w.s
	s := &State{Tick: prev.Tick + 1, Globals: prev.Globals}
	if r.IntN(50) == 0 {
		s.Globals.Phase = Phase(r.IntN(4))
		s.Globals.Warnings[r.IntN(3)] = uint8(r.IntN(5))
	}
	mutate := func(in []Entity, limit int) []Entity {
		var out []Entity
		for _, e := range in {
			if r.IntN(200) == 0 {
				continue // leaves
			}
			if r.IntN(3) > 0 {
				e.X = max(0, min(MaxCoord-1, e.X+int32(r.IntN(41)-20)))
				e.Y = max(0, min(MaxCoord-1, e.Y+int32(r.IntN(41)-20)))
			}
			if r.IntN(4) == 0 {
				e.Heading = uint16(int(e.Heading)+r.IntN(201)-100+HeadingSteps) % HeadingSteps
			}
			if r.IntN(100) == 0 {
				e.Status = uint8(r.IntN(MaxStatus + 1))
			}
			if r.IntN(30) == 0 {
				e.Flags = uint8(r.IntN(128))
			}
			if r.IntN(100) == 0 {
				e.Stage = uint8(r.IntN(MaxStage + 1))
			}
			out = append(out, e)
		}
		// joins
		if r.IntN(10) == 0 {
			id := uint32(r.IntN(limit))
			e := Entity{ID: id, X: int32(r.IntN(MaxCoord)), Y: int32(r.IntN(200 * PosScale)), Heading: uint16(r.IntN(HeadingSteps))}
			i := 0
			for i < len(out) && out[i].ID < id {
				i++
			}
			if i == len(out) || out[i].ID != id {
				out = append(out[:i], append([]Entity{e}, out[i:]...)...)
			}
		}
		return out
	}
	s.Participants = mutate(prev.Participants, MaxSlots)
	s.NPCs = mutate(prev.NPCs, 100)
	blob := func(f []uint16) {
		cx, cy, rad := r.IntN(w.g.NX), r.IntN(w.g.NY), 1+r.IntN(6)
		d := r.IntN(30) - 12
		for y := max(0, cy-rad); y < min(w.g.NY, cy+rad); y++ {
			for x := max(0, cx-rad); x < min(w.g.NX, cx+rad); x++ {
				v := int(f[y*w.g.NX+x]) + d
				f[y*w.g.NX+x] = uint16(max(0, min(65535, v)))
			}
		}
	}
	if r.IntN(2) == 0 {
		blob(w.water)
	}
	if r.IntN(5) == 0 {
		blob(w.deb)
	}
	s.Water = FieldFrom(w.g, w.water, prev.Water)
	s.Debris = FieldFrom(w.g, w.deb, prev.Debris)
	w.s = s
	return s
}

// TestDeltaProperty runs random worlds over lossy, reordering links with
// random budgets and checks after every decoded snapshot that the decoder
// holds exactly what the encoder sent: entities and globals equal the state
// of that snapshot, and each tile equals the newest snapshot that carried
// it and arrived. At the end the link heals and the client converges.
func TestDeltaProperty(t *testing.T) {
	for seed := uint64(1); seed <= 12; seed++ {
		runProperty(t, seed)
	}
}

type packet struct {
	at      int
	payload []byte
}

func runProperty(t *testing.T, seed uint64) {
	g := Grid{NX: 40, NY: 30, CellMM: 2000} // partial edge tiles
	w := newRandomWorld(seed, g)
	rng := rand.New(rand.NewPCG(seed, 99))
	enc := NewSnapshotEncoder(g, LayerWater|LayerDebris, EncoderConfig{})
	sentTiles := map[uint32][]tileUpdate{}
	enc.onSend = func(id uint32, u tileUpdate) { sentTiles[id] = append(sentTiles[id], u) }
	dec := NewSnapshotDecoder(g, LayerWater|LayerDebris)
	states := map[uint32]*State{}
	var expect [2][]*Tile
	var expVer [2][]uint32
	for l := range expect {
		expect[l] = make([]*Tile, g.NumTiles())
		expVer[l] = make([]uint32, g.NumTiles())
	}
	deliver := func(p []byte) {
		got, err := dec.Decode(p)
		if errors.Is(err, ErrNoBaseline) || errors.Is(err, ErrDuplicate) || errors.Is(err, ErrStale) {
			return
		}
		if err != nil {
			t.Fatalf("seed %d: decode: %v", seed, err)
		}
		r := &reader{b: p, off: 1}
		id := uint32(r.uvarint("id"))
		want := states[id]
		if got.Tick != want.Tick || got.Globals != want.Globals ||
			!reflect.DeepEqual(nilIfEmpty(got.Participants), nilIfEmpty(want.Participants)) ||
			!reflect.DeepEqual(nilIfEmpty(got.NPCs), nilIfEmpty(want.NPCs)) {
			t.Fatalf("seed %d snapshot %d: entities differ\n got %+v\nwant %+v", seed, id, got, want)
		}
		for _, u := range sentTiles[id] {
			if id > expVer[u.layer][u.index] {
				expVer[u.layer][u.index], expect[u.layer][u.index] = id, u.tile
			}
		}
		for l, f := range [2]*Field{got.Water, got.Debris} {
			for i := range f.Tiles {
				a, b := f.Tiles[i], expect[l][i]
				if (a == nil) != (b == nil) && !(a == nil && *b == zeroTile) || (a != nil && b != nil && *a != *b) {
					t.Fatalf("seed %d snapshot %d: layer %d tile %d differs", seed, id, l, i)
				}
			}
		}
	}
	s := w.step()
	full := enc.Full(s)
	states[1] = s
	deliver(full)
	var down, up []packet
	var reliable [][]byte
	const ticks = 1500
	for tick := 0; tick < ticks+60; tick++ {
		healed := tick >= ticks
		if !healed || tick < ticks+20 {
			s = w.step()
		}
		budget := MinBudget + rng.IntN(1000)
		if healed {
			budget = DefaultBudget
		}
		id := enc.next
		p, stream, err := enc.Encode(s, budget)
		if err != nil {
			t.Fatal(err)
		}
		states[id] = s
		if !stream && len(p) > budget {
			t.Fatalf("datagram of %d bytes over budget %d", len(p), budget)
		}
		switch {
		case stream:
			reliable = append(reliable, p)
		case healed || rng.IntN(5) > 0:
			down = append(down, packet{at: tick + rng.IntN(4), payload: p})
			if !healed && rng.IntN(20) == 0 { // duplicate
				down = append(down, packet{at: tick + rng.IntN(8), payload: p})
			}
		}
		if healed {
			for i := range down {
				down[i].at = tick
			}
		}
		// deliver due downstream packets in random order, the stream in order
		var keep []packet
		rng.Shuffle(len(down), func(i, j int) { down[i], down[j] = down[j], down[i] })
		for _, pk := range down {
			if pk.at <= tick {
				deliver(pk.payload)
			} else {
				keep = append(keep, pk)
			}
		}
		down = keep
		if len(reliable) > 0 && (healed || rng.IntN(2) == 0) {
			for _, p := range reliable {
				deliver(p)
			}
			reliable = reliable[:0]
		}
		// acks upstream, lossy and late
		a, bits := dec.Ack()
		if healed || rng.IntN(4) > 0 {
			up = append(up, packet{at: tick + rng.IntN(3), payload: putU32(putU32(nil, a), bits)})
		}
		var keepUp []packet
		for _, pk := range up {
			if pk.at <= tick || healed {
				r := &reader{b: pk.payload}
				if err := enc.Ack(r.u32("a"), r.u32("b")); err != nil {
					t.Fatal(err)
				}
			} else {
				keepUp = append(keepUp, pk)
			}
		}
		up = keepUp
	}
	// converged: the newest state equals the world, tiles within threshold
	got := dec.Latest()
	if got.Tick != s.Tick || !reflect.DeepEqual(nilIfEmpty(got.Participants), nilIfEmpty(s.Participants)) {
		t.Fatalf("seed %d: did not converge: tick %d vs %d", seed, got.Tick, s.Tick)
	}
	for l, pair := range [][2]*Field{{got.Water, s.Water}, {got.Debris, s.Debris}} {
		a, b := pair[0].Cells(), pair[1].Cells()
		for i := range a {
			d := int(a[i]) - int(b[i])
			if d < -1 || d > 1 || (a[i] == 0) != (b[i] == 0) {
				t.Fatalf("seed %d: layer %d cell %d: client %d, world %d", seed, l, i, a[i], b[i])
			}
		}
	}
}
