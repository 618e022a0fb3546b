package webclient

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rescuedrill/rescuedrill/server/wire"
)

// streamStep is one snapshot the client received and the state Go's
// SnapshotDecoder holds after it: what the JavaScript decoder must hold too.
type streamStep struct {
	Hex      string     `json:"hex"`
	Dropped  bool       `json:"dropped"` // Go's decoder dropped it (stale, duplicate, no baseline): so must JS
	Tick     uint64     `json:"tick"`
	Phase    uint8      `json:"phase"`
	Warnings [3]uint8   `json:"warnings"`
	Parts    [][7]int64 `json:"parts"`
	NPCs     [][7]int64 `json:"npcs"`
	Water    []uint16   `json:"water"`
	Debris   []uint16   `json:"debris"`
	Ack      uint32     `json:"ack"`
	AckBits  uint32     `json:"ack_bits"`
}

// TestJSDecodesGoSnapshotStream runs Go's SnapshotEncoder over 300 ticks of
// a random world — people walking, turning, joining and leaving, water and
// debris spreading over a grid with edge tiles — with 15 % of the
// snapshots lost, some delivered late and acknowledgements one snapshot
// behind, decodes what arrives with Go's SnapshotDecoder, and checks that
// the JavaScript SnapshotDecoder (test/stream.mjs) decodes the same bytes
// to the same state and acknowledgements at every step.
func TestJSDecodesGoSnapshotStream(t *testing.T) {
	t.Parallel()
	node := needNode(t)
	g := wire.Grid{NX: 37, NY: 29, CellMM: 2000}
	const layers = 3
	rng := rand.New(rand.NewPCG(5, 9))
	enc := wire.NewSnapshotEncoder(g, layers, wire.EncoderConfig{})
	dec := wire.NewSnapshotDecoder(g, layers)

	parts := map[uint32]*wire.Entity{}
	npcs := make([]wire.Entity, 60)
	for i := range npcs {
		npcs[i] = wire.Entity{ID: uint32(i), X: int32(rng.IntN(37 * 2 * 64)), Y: int32(rng.IntN(29 * 2 * 64))}
	}
	water, debris := make([]uint16, g.NX*g.NY), make([]uint16, g.NX*g.NY)
	var wf, df *wire.Field
	glob := wire.Globals{Phase: wire.PhaseRunning}
	state := func(tick uint64) *wire.State {
		s := &wire.State{Tick: tick, Globals: glob}
		for id := uint32(0); id < 64; id++ {
			if p := parts[id]; p != nil {
				s.Participants = append(s.Participants, *p)
			}
		}
		s.NPCs = append([]wire.Entity(nil), npcs...)
		wf, df = wire.FieldFrom(g, water, wf), wire.FieldFrom(g, debris, df)
		s.Water, s.Debris = wf, df
		return s
	}
	step := func() {
		if rng.IntN(10) == 0 { // join or leave
			id := uint32(rng.IntN(12))
			if parts[id] == nil {
				parts[id] = &wire.Entity{ID: id, X: int32(rng.IntN(4000)), Y: int32(rng.IntN(3000)), Heading: uint16(rng.IntN(1024))}
			} else {
				delete(parts, id)
			}
		}
		for _, p := range parts {
			p.X = max(0, p.X+int32(rng.IntN(41)-20))
			p.Y = max(0, p.Y+int32(rng.IntN(41)-20))
			p.Heading = uint16((int(p.Heading) + rng.IntN(61) - 30 + 1024) % 1024)
			if rng.IntN(20) == 0 {
				p.Flags = uint8(rng.IntN(128))
				p.Status = uint8(rng.IntN(5))
				p.Stage = uint8(rng.IntN(16))
			}
		}
		for i := range npcs {
			if rng.IntN(3) == 0 {
				npcs[i].X = max(0, npcs[i].X+int32(rng.IntN(21)-10))
				npcs[i].Y = max(0, npcs[i].Y+int32(rng.IntN(21)-10))
			}
		}
		// Water rises from the south-west and spreads; debris flows in
		// from the north edge in bursts; a few cells dry out.
		for k := 0; k < 40; k++ {
			c, r := rng.IntN(g.NX), rng.IntN(g.NY)
			i := r*g.NX + c
			if r > g.NY/3 && c < g.NX*2/3 {
				water[i] = uint16(min(60000, int(water[i])+rng.IntN(30)))
			} else if rng.IntN(4) == 0 {
				water[i] = 0
			}
			if r < 8 && rng.IntN(3) == 0 {
				debris[i] = uint16(min(65535, int(debris[i])+rng.IntN(400)))
			}
		}
		if rng.IntN(50) == 0 {
			glob.Warnings[rng.IntN(3)] = uint8(rng.IntN(5))
		}
	}

	var steps []streamStep
	record := func(b []byte) {
		s, err := dec.Decode(b)
		switch {
		case errors.Is(err, wire.ErrStale), errors.Is(err, wire.ErrDuplicate), errors.Is(err, wire.ErrNoBaseline):
			s = nil // dropped, not a protocol error (protocol §5.6)
		case err != nil:
			t.Fatalf("Go cannot decode its own snapshot: %v", err)
		}
		st := streamStep{Hex: hex.EncodeToString(b), Dropped: s == nil}
		if s != nil {
			st.Tick, st.Phase, st.Warnings = s.Tick, uint8(s.Globals.Phase), s.Globals.Warnings
			for _, e := range s.Participants {
				st.Parts = append(st.Parts, [7]int64{int64(e.ID), int64(e.X), int64(e.Y), int64(e.Heading), int64(e.Status), int64(e.Flags), int64(e.Stage)})
			}
			for _, e := range s.NPCs {
				st.NPCs = append(st.NPCs, [7]int64{int64(e.ID), int64(e.X), int64(e.Y), int64(e.Heading), int64(e.Status), int64(e.Flags), int64(e.Stage)})
			}
			st.Water, st.Debris = s.Water.Cells(), s.Debris.Cells()
		}
		st.Ack, st.AckBits = dec.Ack()
		steps = append(steps, st)
	}
	record(enc.Full(state(0)))
	var late [][]byte
	var pendingAck [2]uint32
	for tick := uint64(1); tick <= 300; tick++ {
		step()
		b, _, err := enc.Encode(state(tick), wire.DefaultBudget)
		if err != nil {
			t.Fatal(err)
		}
		switch r := rng.IntN(100); {
		case r < 15: // lost
		case r < 20: // delivered after the next one: stale by then
			late = append(late, b)
		default:
			record(b)
			for _, l := range late {
				record(l)
			}
			late = nil
		}
		// The acknowledgement reaches the server one snapshot later.
		if err := enc.Ack(pendingAck[0], pendingAck[1]); err != nil {
			t.Fatal(err)
		}
		pendingAck[0], pendingAck[1] = dec.Ack()
	}
	dropped := 0
	for _, s := range steps {
		if s.Dropped {
			dropped++
		}
	}
	if dropped == 0 || len(steps) < 200 {
		t.Fatalf("the stream does not exercise drops: %d steps, %d dropped", len(steps), dropped)
	}

	path := filepath.Join(t.TempDir(), "stream.json")
	b, err := json.Marshal(map[string]any{"grid": map[string]any{"nx": g.NX, "ny": g.NY, "cellMM": g.CellMM}, "layers": layers, "steps": steps})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(node, "test/stream.mjs", path).CombinedOutput()
	if err != nil {
		t.Fatalf("the JavaScript decoder disagrees: %v\n%s", err, out)
	}
	t.Logf("%d snapshots (%d dropped as stale), %d bytes: %s", len(steps), dropped, len(b), out)
}
