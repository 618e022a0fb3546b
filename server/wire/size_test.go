package wire

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/bot"
	"github.com/rescuedrill/rescuedrill/scenarios"
)

// link simulates one client: snapshots at 20 Hz with the acks coming back
// rttTicks later, a share of datagrams lost both ways.
type link struct {
	enc      *SnapshotEncoder
	dec      *SnapshotDecoder
	rng      *rand.Rand
	loss     float64
	rttTicks int
	acks     [][3]uint32 // due tick, ack, bits
	bytes    int
	snaps    int
	stream   int
	maxSize  int
	tileB    int
	buf      []byte
}

func (l *link) countTiles() {
	l.enc.onSend = func(id uint32, u tileUpdate) {
		l.buf = appendTile(l.buf[:0], l.enc.grid, id, &u)
		l.tileB += len(l.buf) + 1
	}
}

func (l *link) send(t *testing.T, tick int, s *State) {
	p, stream, err := l.enc.Encode(s, DefaultBudget)
	if err != nil {
		t.Fatal(err)
	}
	l.bytes += len(p)
	l.snaps++
	l.maxSize = max(l.maxSize, len(p))
	if stream {
		l.stream++
	}
	if stream || l.rng.Float64() >= l.loss {
		if _, err := l.dec.Decode(p); err != nil && err != ErrNoBaseline && err != ErrStale {
			t.Fatal(err)
		}
	}
	if l.rng.Float64() >= l.loss {
		a, bits := l.dec.Ack()
		l.acks = append(l.acks, [3]uint32{uint32(tick + l.rttTicks), a, bits})
	}
	for len(l.acks) > 0 && int(l.acks[0][0]) <= tick {
		if err := l.enc.Ack(l.acks[0][1], l.acks[0][2]); err != nil {
			t.Fatal(err)
		}
		l.acks = l.acks[1:]
	}
}

func (l *link) report(t *testing.T, what string, hz int) float64 {
	avg := float64(l.bytes) / float64(l.snaps)
	kbit := avg * float64(hz) * 8 / 1000
	// QUIC short header + AEAD tag + datagram frame + UDP + IPv4 ≈ 50 B.
	wire := (avg + 50) * float64(hz) * 8 / 1000
	t.Logf("%s: %d snapshots, average %.0f B (tiles %.0f B; max %d, %d on the stream) = %.1f kbit/s payload, ≈ %.1f kbit/s on the wire",
		what, l.snaps, avg, float64(l.tileB)/float64(l.snaps), l.maxSize, l.stream, kbit, wire)
	return kbit
}

// TestSnapshotSizeSynthetic: 40 participants and 20 NPCs walking and
// running, a flood rising over a 160 × 120 grid (the water line crosses the
// map in 60 s), 20 snapshots/s, RTT 100 ms, 1 % loss each way. Walkers
// steer gently; the second case turns every figure's heading by several
// steps every tick (headset users looking around), reported only.
func TestSnapshotSizeSynthetic(t *testing.T) {
	if kbit := sizeSynthetic(t, 0.02); kbit > 64 {
		t.Errorf("%.1f kbit/s > 64", kbit)
	}
	sizeSynthetic(t, 0.2)
}

func sizeSynthetic(t *testing.T, turn float64) float64 {
	const nx, ny, hz, ticks = 160, 120, 20, 1200
	g := Grid{NX: nx, NY: ny, CellMM: 5000}
	rng := rand.New(rand.NewPCG(1, 2))
	ground := make([]float64, nx*ny) // cm
	for r := 0; r < ny; r++ {
		for c := 0; c < nx; c++ {
			ground[r*nx+c] = float64(ny-r)*10 + 40*math.Sin(float64(c)/9)*math.Cos(float64(r)/7)
		}
	}
	type mover struct{ x, y, h, v float64 }
	movers := make([]mover, 60)
	for i := range movers {
		movers[i] = mover{x: 100 + rng.Float64()*600, y: 100 + rng.Float64()*400, h: rng.Float64() * 2 * math.Pi, v: 1.4}
		if i%4 == 0 {
			movers[i].v = 3
		}
	}
	l := &link{enc: NewSnapshotEncoder(g, LayerWater, EncoderConfig{}), dec: NewSnapshotDecoder(g, LayerWater),
		rng: rand.New(rand.NewPCG(3, 4)), loss: 0.01, rttTicks: 2}
	cells := make([]uint16, nx*ny)
	var water *Field
	state := func(tick int) *State {
		level := -60 + float64(tick)/float64(ticks)*float64(ny)*10 // the water line crosses the map
		for i, z := range ground {
			d := level - z + 3*math.Sin(float64(tick)/15+float64(i%nx)/5) // waves of ±3 cm
			cells[i] = QuantDepth(max(0, d) / 100)
		}
		water = FieldFrom(g, cells, water)
		s := &State{Tick: uint64(tick), Globals: Globals{Phase: PhaseRunning, Warnings: [3]uint8{4, 0, 0}}, Water: water}
		for i := range movers {
			m := &movers[i]
			m.h += (rng.Float64() - 0.5) * turn
			m.x = min(795, max(5, m.x+math.Sin(m.h)*m.v/hz))
			m.y = min(595, max(5, m.y-math.Cos(m.h)*m.v/hz))
			e := Entity{X: QuantPos(m.x), Y: QuantPos(m.y), Heading: QuantHeading(int32(m.h*18000/math.Pi) % 36000), Flags: FlagMoving}
			if i < 40 {
				e.ID = uint32(i)
				s.Participants = append(s.Participants, e)
			} else {
				e.ID = uint32(i - 40)
				s.NPCs = append(s.NPCs, e)
			}
		}
		return s
	}
	full := l.enc.Full(state(0))
	l.countTiles()
	if _, err := l.dec.Decode(full); err != nil {
		t.Fatal(err)
	}
	t.Logf("full state in the Welcome: %d B", len(full))
	for tick := 1; tick <= ticks; tick++ {
		l.send(t, tick, state(tick))
	}
	return l.report(t, fmt.Sprintf("synthetic flood, 40 participants + 20 NPCs, turning ±%.2f rad/tick", turn/2), hz)
}

// TestSnapshotSizeFloodDrill plays the built-in flood drill with 40 bots
// (20 good, 20 naive) for its first three minutes, as the river spreads
// over the district, and measures one client's downstream.
func TestSnapshotSizeFloodDrill(t *testing.T) {
	ticks := uint64(3600)
	if testing.Short() {
		ticks = 600
	}
	ld, err := scenarios.Builtin("flood")
	if err != nil {
		t.Fatal(err)
	}
	w, err := engine.NewWorld(engine.Setup{Scenario: ld.Scenario, Map: ld.Map}, 1)
	if err != nil {
		t.Fatal(err)
	}
	var bots []*bot.Bot
	var in []engine.Input
	for i := 0; i < 40; i++ {
		pol := "good"
		if i >= 20 {
			pol = "naive"
		}
		b, err := bot.New(int32(i), pol, 1)
		if err != nil {
			t.Fatal(err)
		}
		bots = append(bots, b)
		in = append(in, b.Join(0, fmt.Sprintf("%s-%02d", pol, i%20+1)))
	}
	w.Step(in)
	c := NewCapturer(w)
	g, layers := GridOf(w), LayersOf(w)
	l := &link{enc: NewSnapshotEncoder(g, layers, EncoderConfig{}), dec: NewSnapshotDecoder(g, layers),
		rng: rand.New(rand.NewPCG(5, 6)), loss: 0.01, rttTicks: 2}
	full := l.enc.Full(c.Capture(w, PhaseRunning))
	l.countTiles()
	if _, err := l.dec.Decode(full); err != nil {
		t.Fatal(err)
	}
	t.Logf("flood drill: %d NPCs, full state in the Welcome %d B", len(w.NPCs()), len(full))
	for w.Tick() < ticks {
		in = in[:0]
		for _, b := range bots {
			in = append(in, b.Inputs(w)...)
		}
		w.Step(in)
		l.send(t, int(w.Tick()), c.Capture(w, PhaseRunning))
	}
	if kbit := l.report(t, fmt.Sprintf("flood drill, first %d s", ticks/20), w.TickHz()); kbit > 64 {
		t.Errorf("%.1f kbit/s > 64", kbit)
	}
	// the client's picture of the water is within the thresholds
	got, want := l.dec.Latest().Water.Cells(), c.prev[0].Cells()
	off := 0
	for i := range got {
		d := math.Abs(float64(got[i]) - float64(want[i]))
		if d > math.Max(2, float64(want[i])/32) {
			off++
		}
	}
	t.Logf("cells further off than the threshold at the end: %d of %d", off, len(got))
}

// TestTerrainSizes reports the Terrain message of every built-in map and
// checks it round-trips.
func TestTerrainSizes(t *testing.T) {
	for _, name := range scenarios.Builtins() {
		ld, err := scenarios.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		tm := TerrainOf(ld.Map)
		b := Marshal(nil, tm)
		got, err := DecodeMessage(b)
		if err != nil {
			t.Fatal(err)
		}
		gt := got.(*Terrain)
		if gt.Hash != tm.Hash || len(gt.Elev) != len(tm.Elev) || !slices.Equal(gt.Elev, tm.Elev) || !slices.Equal(gt.LandUse, tm.LandUse) {
			t.Fatalf("%s: terrain round trip differs", name)
		}
		t.Logf("%s: %d×%d terrain message %d B", name, tm.Grid.NX, tm.Grid.NY, len(b))
	}
}
