package flood

import (
	"math"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine/dmath"
)

// flat returns n cells of value v.
func flat(n int, v float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func refParams() Params {
	p := DefaultParams()
	p.G = 9.81 // the reference's worked numbers use 9.81
	return p
}

func mustNew(t testing.TB, nx, ny int, dx float64, bed, n []float64, blocked []bool, p Params) *Model {
	t.Helper()
	m, err := New(nx, ny, dx, bed, n, blocked, p)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestWorkedFlux is the reference's worked check: q0 = 0, h_flow = 1,
// Sf = −0.01, n = 0.03, Δt = 1 gives q = 0.0981 m²/s. Two cells 10 m apart:
// beds 0.1 and 0, depths 1 and 1, so η = 1.1 and 1.0 and the face flow
// depth is 1.1 − 0.1 = 1. The face flux shows in the depth change of the
// second cell, Δh = q Δt / Δx; a second step checks the friction term.
func TestWorkedFlux(t *testing.T) {
	t.Parallel()
	p := refParams()
	p.Theta = 1 // the plain Bates form the hand formula below uses
	m := mustNew(t, 2, 1, 10, []float64{0.1, 0}, flat(2, 0.03), nil, p)
	if err := m.SetInitial([]float64{1, 1}); err != nil {
		t.Fatal(err)
	}
	if err := m.Advance(1); err != nil { // one sub-step: StepSize ≈ 2.2 s
		t.Fatal(err)
	}
	q := m.qx[1]
	if math.Abs(q-0.0981) > 1e-12 {
		t.Fatalf("q = %.15g, want 0.0981", q)
	}
	if got, want := m.Depth(1), 1+0.0981*1/10; math.Abs(got-want) > 1e-15 {
		t.Fatalf("h1 = %.17g, want %.17g", got, want)
	}
	// Second step by hand: q = (q0 + g Δt h_f Δη/Δx)/(1 + g Δt n² |q0| / h_f^(7/3)).
	h0, h1 := m.Depth(0), m.Depth(1)
	hf := max(0.1+h0, h1) - 0.1
	want := (q + 9.81*hf*((0.1+h0)-h1)/10) / (1 + 9.81*0.03*0.03*q/(hf*hf*dmath.Cbrt(hf)))
	if err := m.Advance(1); err != nil {
		t.Fatal(err)
	}
	if got := m.qx[1]; math.Abs(got-want) > 1e-12*want {
		t.Fatalf("second step q = %.15g, want %.15g", got, want)
	}
}

// TestWorkedStep is the reference's time-step check: α = 0.7, Δx = 10,
// h_max = 2 gives Δt = 1.5803 s (g = 9.81).
func TestWorkedStep(t *testing.T) {
	t.Parallel()
	m := mustNew(t, 3, 1, 10, flat(3, 0), flat(3, 0.03), nil, refParams())
	if got := m.StepSize(); got != m.p.MaxStep {
		t.Fatalf("dry StepSize = %v, want MaxStep %v", got, m.p.MaxStep)
	}
	if err := m.SetInitial([]float64{0.5, 2, 1}); err != nil {
		t.Fatal(err)
	}
	if got := m.StepSize(); math.Abs(got-1.5803) > 5e-5 {
		t.Fatalf("StepSize = %.6f, want 1.5803", got)
	}
}

// TestInvCbrt pins the division-free h^(−1/3) against dmath.Cbrt over and
// beyond the flow-depth range [MinFlowDepth, MaxFlowDepth].
func TestInvCbrt(t *testing.T) {
	t.Parallel()
	worst := 0.0
	for x := 1e-6; x < 1e4; x *= 1.0007 {
		want := 1 / dmath.Cbrt(x)
		worst = max(worst, math.Abs(invCbrt(x)-want)/want)
		w73 := 1 / (x * x * dmath.Cbrt(x))
		if e := math.Abs(pow73inv(x)-w73) / w73; e > 1e-9 {
			t.Fatalf("pow73inv(%g) rel err %g", x, e)
		}
	}
	t.Logf("invCbrt worst relative error %.3g", worst)
	if worst > 1e-10 {
		t.Fatalf("invCbrt worst relative error %g > 1e-10", worst)
	}
}

// TestNoFluxBelowThreshold: a face whose flow depth is at or below
// MinFlowDepth carries nothing, and a blocked cell is a wall.
func TestNoFluxBelowThreshold(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		h       []float64
		blocked []bool
		moved   bool
	}{
		{"film below threshold", []float64{0.0009, 0, 0}, nil, false},
		{"just above", []float64{0.0011, 0, 0}, nil, true},
		{"wall", []float64{1, 0, 0}, []bool{false, true, false}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := mustNew(t, 3, 1, 1, flat(3, 0), flat(3, 0.03), tc.blocked, refParams())
			if err := m.SetInitial(tc.h); err != nil {
				t.Fatal(err)
			}
			if err := m.Advance(0.1); err != nil {
				t.Fatal(err)
			}
			if moved := m.Depth(0) != tc.h[0]; moved != tc.moved {
				t.Fatalf("moved = %v (h0 %v → %v), want %v", moved, tc.h[0], m.Depth(0), tc.moved)
			}
			if tc.blocked != nil && (m.Depth(1) != 0 || m.Depth(2) != 0) {
				t.Fatalf("water crossed the wall: %v", m.Depths())
			}
		})
	}
}
