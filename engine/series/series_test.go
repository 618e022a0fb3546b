package series

import (
	"math"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

func TestAt(t *testing.T) {
	t.Parallel()
	s := Series{{0, 30}, {3600, 34}, {7200, 38}, {7200, 20}, {10800, 20}}
	tests := []struct {
		name string
		s    Series
		t    float64
		want float64
	}{
		{"empty reads zero", nil, 5, 0},
		{"single point is flat before", Const(7), -100, 7},
		{"single point is flat after", Const(7), 1e9, 7},
		{"before first holds first", s, -1, 30},
		{"on first point", s, 0, 30},
		{"midway linear", s, 1800, 32},
		{"quarter of second segment", s, 4500, 35},
		{"on interior point", s, 3600, 34},
		{"step reads later value", s, 7200, 20},
		{"just before step is on the ramp", s, 7199, 37.998888888888889},
		{"after last holds last", s, 1e6, 20},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.s.At(tc.t); math.Abs(got-tc.want) > 1e-12 {
				t.Fatalf("At(%v) = %v, want %v", tc.t, got, tc.want)
			}
		})
	}
}

func TestMax(t *testing.T) {
	t.Parallel()
	s := Series{{0, 30}, {3600, 40}, {7200, 32}}
	tests := []struct {
		t0, t1, want float64
	}{
		{0, 7200, 40},                     // interior peak
		{0, 1800, 35},                     // end value on the ramp
		{5400, 9000, 36},                  // start value on the way down
		{-100, -50, 30},                   // before the curve
		{3600, 3600, 40},                  // a single instant on the peak
		{4000, 100000, 40 - 8*400.0/3600}, // falls from just after the peak
	}
	for _, tc := range tests {
		if got := s.Max(tc.t0, tc.t1); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Max(%v, %v) = %v, want %v", tc.t0, tc.t1, got, tc.want)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		s    Series
		ok   bool
	}{
		{"empty", nil, true},
		{"sorted with a step", Series{{0, 1}, {5, 2}, {5, 3}}, true},
		{"out of order", Series{{5, 1}, {0, 2}}, false},
		{"NaN value", Series{{0, math.NaN()}}, false},
		{"infinite time", Series{{math.Inf(1), 0}}, false},
	}
	for _, tc := range tests {
		if err := tc.s.Validate(); (err == nil) != tc.ok {
			t.Errorf("%s: Validate() = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

func TestHashInto(t *testing.T) {
	t.Parallel()
	sum := func(s Series) uint64 {
		h := statehash.New()
		s.HashInto(h)
		return h.Sum()
	}
	a := Series{{0, 1}, {10, 2}}
	if sum(a) != sum(Series{{0, 1}, {10, 2}}) {
		t.Fatal("equal series hash differently")
	}
	if sum(a) == sum(Series{{0, 1}, {10, 2.0000000001}}) {
		t.Fatal("a changed value did not change the hash")
	}
	if sum(nil) == sum(Series{{0, 0}}) {
		t.Fatal("empty and one zero point hash alike")
	}
}
