package view

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

func TestHeadingOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		dx, dy float64
		want   uint16
	}{
		{0, -1, 0}, {1, 0, 9000}, {0, 1, 18000}, {-1, 0, 27000}, {1, -1, 4500}, {-1, -1, 31500},
	}
	for _, tt := range tests {
		if got := HeadingOf(tt.dx, tt.dy); got != tt.want {
			t.Errorf("HeadingOf(%v, %v) = %d, want %d", tt.dx, tt.dy, got, tt.want)
		}
	}
}

func TestSteerKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		k    Keys
		want Intent
	}{
		{"still keeps heading", Keys{}, Intent{Heading: 4500}},
		{"north", Keys{Up: true}, Intent{MoveY: -1000, Heading: 0}},
		{"east run", Keys{Right: true, Run: true}, Intent{MoveX: 1000, Run: true, Heading: 9000}},
		{"south-west diagonal is unit length", Keys{Down: true, Left: true}, Intent{MoveX: -707, MoveY: 707, Heading: 22500}},
		{"opposites cancel", Keys{Up: true, Down: true}, Intent{Heading: 4500}},
		{"run standing still is not running", Keys{Run: true}, Intent{Heading: 4500}},
	}
	for _, tt := range tests {
		var s Steer
		s.SetHeading(4500)
		if got := s.Update(tt.k, 10, 10); got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestSteerClickToMove(t *testing.T) {
	t.Parallel()
	var s Steer
	s.Target(20, 10)
	in := s.Update(Keys{}, 10, 10)
	if in.MoveX != 1000 || in.MoveY != 0 || in.Heading != 9000 {
		t.Fatalf("toward (20,10) from (10,10): %+v", in)
	}
	// Halfway there it still walks; within the arrival radius it stops.
	if in := s.Update(Keys{}, 15, 10); in.MoveX != 1000 {
		t.Fatalf("halfway: %+v", in)
	}
	if in := s.Update(Keys{}, 19.5, 10); in.MoveX != 0 || in.MoveY != 0 {
		t.Fatalf("arrived: %+v", in)
	}
	if _, _, ok := s.HasTarget(); ok {
		t.Fatal("target kept after arrival")
	}
	// A key cancels a target.
	s.Target(0, 0)
	if in := s.Update(Keys{Down: true}, 10, 10); in.MoveY != 1000 {
		t.Fatalf("key over target: %+v", in)
	}
	if _, _, ok := s.HasTarget(); ok {
		t.Fatal("key did not cancel the target")
	}
}

func TestSteerLook(t *testing.T) {
	t.Parallel()
	var s Steer
	s.Look(true, 10, 0) // look north while walking east
	in := s.Update(Keys{Right: true}, 10, 10)
	if in.MoveX != 1000 || in.Heading != 0 {
		t.Fatalf("look north walking east: %+v", in)
	}
	s.Look(false, 0, 0)
	if in := s.Update(Keys{Right: true}, 10, 10); in.Heading != 9000 {
		t.Fatalf("released look: %+v", in)
	}
}

func TestCamera(t *testing.T) {
	t.Parallel()
	c := Camera{X: 100, Y: 50, Scale: 2, W: 800, H: 600}
	if x, y := c.ToScreen(100, 50); x != 400 || y != 300 {
		t.Fatalf("centre at %v,%v", x, y)
	}
	for _, p := range [][2]float64{{0, 0}, {123.5, -7}, {1e3, 1e3}} {
		sx, sy := c.ToScreen(p[0], p[1])
		if x, y := c.ToWorld(sx, sy); math.Abs(x-p[0]) > 1e-9 || math.Abs(y-p[1]) > 1e-9 {
			t.Errorf("round trip %v → %v,%v", p, x, y)
		}
	}
	// Zooming keeps the world point under the cursor.
	wx, wy := c.ToWorld(700, 100)
	c.Zoom(3, 700, 100)
	if x, y := c.ToWorld(700, 100); math.Abs(x-wx) > 1e-9 || math.Abs(y-wy) > 1e-9 {
		t.Errorf("zoom moved the cursor point %v,%v → %v,%v", wx, wy, x, y)
	}
	if math.Abs(c.Scale-2*math.Pow(1.15, 3)) > 1e-9 {
		t.Errorf("scale %v", c.Scale)
	}
	c.Zoom(100, 0, 0)
	if c.Scale != MaxScale {
		t.Errorf("zoom not clamped: %v", c.Scale)
	}
	// Follow glides: part of the way, never past, all the way with tau 0.
	c = Camera{Scale: 1, W: 100, H: 100}
	c.Follow(100, 0, 0.1, 0.3)
	if c.X <= 0 || c.X >= 100 {
		t.Errorf("follow went to %v", c.X)
	}
	c.Follow(100, 0, 0.1, 0)
	if c.X != 100 {
		t.Errorf("tau 0: %v", c.X)
	}
	c.Fit(800, 600, 0)
	if c.Scale != 100.0/800 || c.X != 400 || c.Y != 300 {
		t.Errorf("fit: %+v", c)
	}
}

func TestStall(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(100, 0)
	var s Stall
	steps := []struct {
		dt       time.Duration
		decoded  uint64
		expected bool
		want     time.Duration
	}{
		{0, 5, true, 0},
		{time.Second, 5, true, time.Second},
		{3 * time.Second, 5, true, 3 * time.Second},
		{3500 * time.Millisecond, 6, true, 0},   // a snapshot came
		{5 * time.Second, 6, false, 0},          // paused: none expected
		{6 * time.Second, 6, true, time.Second}, // running again, still none
		{6*time.Second + 500*time.Millisecond, 6, true, 1500 * time.Millisecond},
	}
	for i, st := range steps {
		if got := s.Observe(st.decoded, st.expected, t0.Add(st.dt)); got != st.want {
			t.Errorf("step %d: %v, want %v", i, got, st.want)
		}
	}
	s.Reset(t0.Add(10 * time.Second))
	if got := s.Observe(6, true, t0.Add(11*time.Second)); got != time.Second {
		t.Errorf("after reset: %v", got)
	}
}

func TestShouldReconnect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		connected bool
		err       error
		phase     wire.Phase
		want      bool
	}{
		{true, nil, wire.PhaseRunning, false},
		{false, nil, wire.PhaseRunning, true}, // server shut down without a code
		{false, nil, wire.PhaseEnded, false},  // the drill's end
		{false, nil, wire.PhaseLobby, true},
		{false, &client.ServerError{Code: wire.CodeShutdown}, wire.PhaseRunning, true},
		{false, &client.ServerError{Code: wire.CodeDrillEnded}, wire.PhaseRunning, false},
		{false, &client.ServerError{Code: wire.CodeBadToken}, wire.PhaseRunning, false},
		{false, client.ErrClosed, wire.PhaseRunning, false},
		{false, errors.New("timeout: no recent network activity"), wire.PhaseRunning, true},
		// A link that dropped after the end, before the results: the
		// server sends them to a participant back after the end.
		{false, errors.New("timeout: no recent network activity"), wire.PhaseEnded, true},
	}
	for _, tt := range tests {
		if got := ShouldReconnect(tt.connected, tt.err, tt.phase); got != tt.want {
			t.Errorf("connected %v err %v phase %v: %v", tt.connected, tt.err, tt.phase, got)
		}
	}
}
