package wire

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// rainyStates is a flood under rain: every wet cell moves by a centimetre
// or so each tick (below the send threshold, so each tile is new but
// rarely worth sending) and a few blobs change by more.
func rainyStates(seed uint64, n int) (Grid, []*State) {
	g := Grid{NX: 192, NY: 160, CellMM: 2000}
	r := rand.New(rand.NewPCG(seed, 3))
	water := make([]uint16, g.NX*g.NY)
	for i := range water {
		if i%g.NX < g.NX*2/3 {
			water[i] = uint16(20 + r.IntN(200))
		}
	}
	var out []*State
	prev := &State{}
	for t := range n {
		for i := range water {
			if water[i] > 0 && r.IntN(3) == 0 {
				water[i] += uint16(r.IntN(2))
			}
		}
		for range 3 {
			cx, cy := r.IntN(g.NX), r.IntN(g.NY)
			for y := max(0, cy-5); y < min(g.NY, cy+5); y++ {
				for x := max(0, cx-5); x < min(g.NX, cx+5); x++ {
					water[y*g.NX+x] += 9
				}
			}
		}
		s := &State{Tick: uint64(t + 1), Water: FieldFrom(g, water, prev.Water)}
		for id := range 40 {
			s.Participants = append(s.Participants, Entity{ID: uint32(id), X: int32(id * 300), Y: int32(t * 5)})
		}
		out = append(out, s)
		prev = s
	}
	return g, out
}

// withoutMemo is s with a copy of its water field that has no memo, so
// the encoder computes every tile change itself.
func withoutMemo(s *State) *State {
	c := *s
	c.Water = &Field{Grid: s.Water.Grid, Tiles: s.Water.Tiles}
	return &c
}

// TestTileChangeMemoKeepsBytes: forty sessions encoding the same rainy
// flood, each acknowledging on its own schedule (so their reference tiles
// differ), send exactly the bytes they send without the shared memo.
func TestTileChangeMemoKeepsBytes(t *testing.T) {
	t.Parallel()
	g, states := rainyStates(1, 60)
	const sessions = 40
	memo := make([]*SnapshotEncoder, sessions)
	plain := make([]*SnapshotEncoder, sessions)
	for i := range sessions {
		memo[i] = NewSnapshotEncoder(g, LayerWater, EncoderConfig{})
		plain[i] = NewSnapshotEncoder(g, LayerWater, EncoderConfig{})
		memo[i].Full(states[0])
		plain[i].Full(withoutMemo(states[0]))
	}
	for k, s := range states[1:] {
		ps := withoutMemo(s)
		for i := range sessions {
			a, _, err := memo[i].Encode(s, 1100)
			if err != nil {
				t.Fatal(err)
			}
			b, _, err := plain[i].Encode(ps, 1100)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Fatalf("tick %d session %d: the memo changed the snapshot (%d vs %d bytes)", k+1, i, len(a), len(b))
			}
			if (k+i)%(1+i%4) == 0 { // sessions acknowledge at different rates
				id := memo[i].Next() - 1
				if err := memo[i].Ack(id, 0); err != nil {
					t.Fatal(err)
				}
				if err := plain[i].Ack(id, 0); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// BenchmarkFortySessionsRain encodes one rainy tick for a class of 40
// sessions that acknowledge every snapshot: "memo" shares the tile-change
// scan between the sessions, "plain" is every session scanning alone;
// "lagging" shares it while the sessions acknowledge at four different
// rates, as on a loaded server, so they hold different reference tiles.
func BenchmarkFortySessionsRain(b *testing.B) {
	g, states := rainyStates(2, 64)
	for _, mode := range []string{"memo", "plain", "lagging"} {
		b.Run(mode, func(b *testing.B) {
			encs := make([]*SnapshotEncoder, 40)
			for i := range encs {
				encs[i] = NewSnapshotEncoder(g, LayerWater, EncoderConfig{})
			}
			b.ReportAllocs()
			for n := 0; b.Loop(); n++ {
				s := states[n%len(states)]
				if mode == "plain" {
					s = withoutMemo(s)
				}
				for i, e := range encs {
					p, _, err := e.Encode(s, 1100)
					if err != nil || len(p) == 0 {
						b.Fatal(err)
					}
					if mode != "lagging" || (n+i)%(1+i%4) == 0 {
						_ = e.Ack(e.Next()-1, 0)
					}
				}
			}
		})
	}
}
