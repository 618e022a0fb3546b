package client

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

func near(a, b, eps float64) bool { return math.Abs(a-b) <= eps }

// angleNear compares headings in degrees across the 0/360 seam.
func angleNear(a, b, eps float64) bool {
	d := math.Mod(math.Abs(a-b), 360)
	return math.Min(d, 360-d) <= eps
}

func state(tick uint64, parts ...wire.Entity) *wire.State {
	return &wire.State{Tick: tick, Globals: wire.Globals{Phase: wire.PhaseRunning}, Participants: parts}
}

// TestSampleMidpoint: halfway between two snapshots every position is the
// exact midpoint, and statuses come from the newer one.
func TestSampleMidpoint(t *testing.T) {
	b := NewBuffer(20, 20, 0)
	t0 := time.Unix(1000, 0)
	b.Push(state(10, wire.Entity{ID: 0, X: 640, Y: 320}, wire.Entity{ID: 3, X: 0, Y: 1000}), t0)
	b.Push(state(12, wire.Entity{ID: 0, X: 768, Y: 256, Status: 1, Flags: wire.FlagMoving}, wire.Entity{ID: 3, X: 64, Y: 1000}), t0.Add(100*time.Millisecond))
	v := b.Sample(11)
	if v.From != 10 || v.To != 12 || !near(v.Alpha, 0.5, 1e-12) {
		t.Fatalf("bracket %d…%d α %v", v.From, v.To, v.Alpha)
	}
	p, ok := v.Participant(0)
	if !ok || p.X != 11 || p.Y != 4.5 || p.Status != 1 || p.Flags != wire.FlagMoving {
		t.Fatalf("participant 0 at the midpoint: %+v", p)
	}
	q, _ := v.Participant(3)
	if q.X != 0.5 || q.Y != 1000.0/64 {
		t.Fatalf("participant 3 at the midpoint: %+v", q)
	}
	// A quarter of the way, and the end points themselves.
	if p, _ := b.Sample(10.5).Participant(0); p.X != 10.5 {
		t.Fatalf("x at 10.5: %v", p.X)
	}
	if p, _ := b.Sample(10).Participant(0); p.X != 10 || p.Status != 0 {
		t.Fatalf("at the older snapshot: %+v", p)
	}
	if p, _ := b.Sample(12).Participant(0); p.X != 12 {
		t.Fatalf("at the newer snapshot: %+v", p)
	}
}

// TestSampleHeadingWrap: from 359° to 1° the heading turns through 0°, not
// back through 180°.
func TestSampleHeadingWrap(t *testing.T) {
	b := NewBuffer(20, 20, 0)
	now := time.Unix(1000, 0)
	h0, h1 := wire.QuantHeading(35900), wire.QuantHeading(100)
	b.Push(state(1, wire.Entity{ID: 0, Heading: h0}), now)
	b.Push(state(2, wire.Entity{ID: 0, Heading: h1}), now.Add(50*time.Millisecond))
	start := float64(wire.CentiDegrees(h0)) / 100
	end := float64(wire.CentiDegrees(h1)) / 100
	for _, tc := range []struct{ tick, want float64 }{
		{1, start}, {1.5, 0}, {2, end},
		{1.25, start + (360+end-start)/4 - 360},
	} {
		p, _ := b.Sample(tc.tick).Participant(0)
		if !angleNear(p.Heading, tc.want, 0.01) || p.Heading < 0 || p.Heading >= 360 {
			t.Errorf("tick %v: heading %v, want %v", tc.tick, p.Heading, tc.want)
		}
	}
	// And back the other way: 1° to 359°.
	for _, tc := range []struct{ a, b, t, want float64 }{
		{1, 359, 0.5, 0}, {359, 1, 0.5, 0}, {350, 10, 0.25, 355}, {10, 350, 0.25, 5},
		{90, 270, 0.5, 180}, {0, 0, 0.7, 0}, {359.9, 0.1, 0.5, 0},
	} {
		if h := LerpHeading(tc.a, tc.b, tc.t); !angleNear(h, tc.want, 1e-9) || h < 0 || h >= 360 {
			t.Errorf("LerpHeading(%v, %v, %v) = %v, want %v", tc.a, tc.b, tc.t, h, tc.want)
		}
	}
}

// TestSampleEntitiesComeAndGo: a new entity appears where it is, a
// removed one disappears, samples outside the history are clamped.
func TestSampleEntitiesComeAndGo(t *testing.T) {
	b := NewBuffer(20, 20, 0)
	now := time.Unix(1000, 0)
	if v := b.Sample(5); len(v.Participants) != 0 {
		t.Fatal("an empty buffer sampled entities")
	}
	b.Push(state(4, wire.Entity{ID: 1, X: 64}, wire.Entity{ID: 2, X: 128}), now)
	b.Push(state(6, wire.Entity{ID: 2, X: 256}, wire.Entity{ID: 5, X: 640}), now.Add(100*time.Millisecond))
	v := b.Sample(5)
	if _, ok := v.Participant(1); ok {
		t.Fatal("a removed participant is still drawn")
	}
	if p, ok := v.Participant(5); !ok || p.X != 10 {
		t.Fatalf("a new participant: %+v %v", p, ok)
	}
	if p, _ := v.Participant(2); p.X != 3 {
		t.Fatalf("participant 2: %+v", p)
	}
	if v := b.Sample(100); v.To != 6 || v.Tick != 6 {
		t.Fatalf("past the newest: %+v", v)
	}
	if v := b.Sample(0); v.From != 4 || len(v.Participants) != 2 {
		t.Fatalf("before the oldest: %+v", v)
	}
	// An older tick (a server restarted from its journal) starts afresh.
	b.Push(state(3, wire.Entity{ID: 7}), now.Add(time.Second))
	if v := b.Sample(100); v.To != 3 || len(v.Participants) != 1 {
		t.Fatalf("after a rollback: %+v", v)
	}
}

// TestRenderTick: the render tick runs the delay behind the estimated
// server tick, advances with local time between snapshots, ignores small
// arrival jitter and never passes the newest snapshot.
func TestRenderTick(t *testing.T) {
	b := NewBuffer(20, 20, 0)
	if b.DelayTicks() != DefaultDelaySnapshots {
		t.Fatalf("default delay %v ticks", b.DelayTicks())
	}
	t0 := time.Unix(1000, 0)
	jitter := []time.Duration{0, 7, -3, 12, 2, -5, 9, 0, 4, -2} // ms
	for i := 0; i < 40; i++ {
		b.Push(state(uint64(100+i)), t0.Add(time.Duration(i)*50*time.Millisecond+jitter[i%len(jitter)]*time.Millisecond))
	}
	// The last snapshot (tick 139) arrived at about t0 + 1.95 s.
	now := t0.Add(1950 * time.Millisecond)
	rt := b.RenderTick(now)
	if !near(rt, 139-DefaultDelaySnapshots, 0.5) {
		t.Fatalf("render tick %v, want ≈ %v", rt, 139-DefaultDelaySnapshots)
	}
	if rt2 := b.RenderTick(now.Add(25 * time.Millisecond)); !near(rt2-rt, 0.5, 1e-9) {
		t.Fatalf("render tick advanced %v in 25 ms, want 0.5", rt2-rt)
	}
	if rt3 := b.RenderTick(now.Add(10 * time.Second)); rt3 != 139 {
		t.Fatalf("render tick after a stall %v, want clamped to 139", rt3)
	}
	d := NewBuffer(20, 20, 250*time.Millisecond)
	if d.DelayTicks() != 5 {
		t.Fatalf("250 ms at 20 Hz is %v ticks", d.DelayTicks())
	}
	if h := NewBuffer(30, 10, 0); h.DelayTicks() != 9 {
		t.Fatalf("3 snapshot intervals at 10 Hz of a 30 Hz drill: %v ticks", h.DelayTicks())
	}
}

// TestDepthFields reads cells of a tiled field in metres.
func TestDepthFields(t *testing.T) {
	g := wire.Grid{NX: 20, NY: 18, CellMM: 5000}
	cells := make([]uint16, g.NX*g.NY)
	cells[17*20+19] = 123 // last cell, in an edge tile
	cells[3*20+2] = 40
	f := wire.FieldFrom(g, cells, nil)
	if Depth(f, 19, 17) != 1.23 || Depth(f, 2, 3) != 0.4 || Depth(f, 0, 0) != 0 || Depth(f, 20, 0) != 0 || Depth(nil, 1, 1) != 0 {
		t.Fatal("Depth")
	}
	if DepthAt(f, 12.5, 17.4) != 0.4 || DepthAt(f, 99.9, 89.9) != 1.23 {
		t.Fatal("DepthAt")
	}
}

// TestAckOnce: the first ack of a seq resolves the choice and is reported;
// a later one (the server's duplicate after a resend) is only counted.
func TestAckOnce(t *testing.T) {
	var rec recorder
	c := &Client{opts: Options{OnEvent: rec.on}, choices: map[uint64]*pendingChoice{}}
	p := &pendingChoice{msg: wire.Choice{Seq: 7, Kind: wire.ChoiceAnswer}, done: make(chan wire.ChoiceAck, 1)}
	c.choices[7] = p
	c.choiceAcked(wire.ChoiceAck{Seq: 7, Tick: 40})
	c.choiceAcked(wire.ChoiceAck{Seq: 7, Reason: wire.ReasonDuplicate, Tick: 40})
	if a := <-p.done; a.Tick != 40 || a.Reason != wire.ReasonNone {
		t.Fatalf("ack %+v", a)
	}
	if n := count[ChoiceAckEvent](&rec); n != 1 || c.Stats().UnknownAcks != 1 {
		t.Fatalf("%d ack events, %d unknown acks", n, c.Stats().UnknownAcks)
	}
}

func TestRetryable(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false}, {ErrClosed, false}, {errors.New("timeout: no recent network activity"), true},
		{&ServerError{Code: wire.CodeShutdown}, true}, {&ServerError{Code: wire.CodeTryLater}, true},
		{&ServerError{Code: transport.CodeGoingAway}, true}, // the transport's close on a restart
		{&ServerError{Code: wire.CodeDrillEnded}, false}, {&ServerError{Code: wire.CodeBadToken}, false},
		{fmt.Errorf("client: waiting for the welcome: %w", &ServerError{Code: wire.CodeDrillFull}), false},
	} {
		if got := Retryable(tc.err); got != tc.want {
			t.Errorf("Retryable(%v) = %v", tc.err, got)
		}
	}
}

// TestDelayFollowsSnapshotInterval: with the default delay, a server that
// stretches its snapshot interval (shedding for the load) gets a delay of
// three of the new intervals once the new gap is seen three times
// running; a single long gap (a lost datagram) changes nothing, and the
// delay comes back when the rate does. An explicit delay never moves.
func TestDelayFollowsSnapshotInterval(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1000, 0)
	cases := []struct {
		name  string
		delay time.Duration
		ticks []uint64
		want  float64
	}{
		{"full rate", 0, []uint64{1, 2, 3, 4, 5}, 3},
		{"one lost datagram", 0, []uint64{1, 2, 3, 5, 6, 7}, 3},
		{"halved twice is not yet thrice", 0, []uint64{1, 2, 3, 5, 7}, 3},
		{"halved", 0, []uint64{1, 2, 3, 5, 7, 9}, 6},
		{"quartered", 0, []uint64{2, 4, 6, 10, 14, 18}, 12},
		{"back to full", 0, []uint64{2, 4, 6, 8, 9, 10, 11}, 3},
		{"a gap beyond a second is a stall, not a rate", 0, []uint64{1, 30, 59, 88}, 3},
		{"explicit delay", 200 * time.Millisecond, []uint64{1, 3, 5, 7, 9}, 4},
	}
	for _, c := range cases {
		b := NewBuffer(20, 20, c.delay)
		for i, tk := range c.ticks {
			b.Push(state(tk), t0.Add(time.Duration(i)*50*time.Millisecond))
		}
		if got := b.DelayTicks(); got != c.want {
			t.Errorf("%s: delay %v ticks, want %v", c.name, got, c.want)
		}
	}
}
