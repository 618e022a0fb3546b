package warning

import (
	"math"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// feed adds a constant rain rate (mm/h) for a duration in ticks of dt.
func feed(r *RainTracker, mmPerH, duration, dt float64) {
	for t := 0.0; t < duration-1e-9; t += dt {
		r.Add(dt, mmPerH*dt/3600)
	}
}

func TestRainLevelsAtTheCMANumbers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mmPerH float64
		hours  float64
		want   Level
	}{
		{"49 mm in 12 h", 49.0 / 12, 12, None},
		{"50 mm in 12 h: blue", 50.0 / 12, 12, Blue},
		{"50 mm in 6 h: yellow", 50.0 / 6, 6, Yellow},
		{"49 mm in 6 h: not even blue", 49.0 / 6, 6, None},
		{"50 mm in 3 h: orange", 50.0 / 3, 3, Orange},
		{"99 mm in 3 h: still orange", 99.0 / 3, 3, Orange},
		{"100 mm in 3 h: red", 100.0 / 3, 3, Red},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// Two tick lengths: a minute, and the 1/20 s of a 20 Hz world at
			// time scale 1 (sub-bucket slices must add up to the threshold).
			for _, dt := range []float64{60, 0.75} {
				r := NewRainTracker()
				feed(r, tc.mmPerH, tc.hours*3600, dt)
				if got := r.Level(); got != tc.want {
					h3, h6, h12 := r.Sums()
					t.Errorf("dt %v: level %v, want %v (3 h %.6f, 6 h %.6f, 12 h %.6f)", dt, got, tc.want, h3, h6, h12)
				}
			}
		})
	}
}

func TestRainWindowBoundaries(t *testing.T) {
	t.Parallel()
	// 10 mm in the first minute, then dry. The 3-hour window holds it while
	// that minute is among the last 180, i.e. until hazard time 3 h; the
	// next whole or part minute pushes it out.
	r := NewRainTracker()
	r.Add(60, 10)
	tests := []struct {
		advanceTo          float64
		h3, h6, h12, sum1m float64
	}{
		{60, 10, 10, 10, 10},
		{3 * 3600, 10, 10, 10, 0},
		{3*3600 + 30, 0, 10, 10, 0},
		{3*3600 + 60, 0, 10, 10, 0},
		{6 * 3600, 0, 10, 10, 0},
		{6*3600 + 1, 0, 0, 10, 0},
		{12 * 3600, 0, 0, 10, 0},
		{12*3600 + 60, 0, 0, 0, 0},
	}
	for _, tc := range tests {
		r.Add(tc.advanceTo-r.Now(), 0)
		h3, h6, h12 := r.Sums()
		if h3 != tc.h3 || h6 != tc.h6 || h12 != tc.h12 || r.Sum(60) != tc.sum1m {
			t.Errorf("t=%v: 3 h %v, 6 h %v, 12 h %v, 1 min %v; want %v %v %v %v",
				tc.advanceTo, h3, h6, h12, r.Sum(60), tc.h3, tc.h6, tc.h12, tc.sum1m)
		}
	}
}

func TestRainSpreadsAcrossBuckets(t *testing.T) {
	t.Parallel()
	// 9 mm over 90 s starting at 30 s: 3 mm in minute 0, 6 mm in minute 1.
	r := NewRainTracker()
	r.Add(30, 0)
	r.Add(90, 9)
	if got := r.Sum(60); math.Abs(got-6) > 1e-12 {
		t.Errorf("last minute %v, want 6", got)
	}
	if got := r.Sum(120); math.Abs(got-9) > 1e-12 {
		t.Errorf("last two minutes %v, want 9", got)
	}
	// A window is rounded up to whole minutes and capped at 12 h.
	if r.Sum(61) != r.Sum(120) || r.Sum(1e9) != r.Sum(12*3600) || r.Sum(-5) != 0 {
		t.Errorf("window rounding: Sum(61)=%v Sum(1e9)=%v Sum(-5)=%v", r.Sum(61), r.Sum(1e9), r.Sum(-5))
	}
	// A long step keeps only its last 12 hours of rain.
	r.Add(24*3600, 240)
	if got := r.Sum(12 * 3600); math.Abs(got-120) > 1e-9 {
		t.Errorf("after a 24 h step of 240 mm, 12 h sum %v, want 120", got)
	}
	// Rain with no time passing lands in the latest bucket.
	before := r.Sum(60)
	r.Add(0, 1)
	if got := r.Sum(60); math.Abs(got-before-1) > 1e-12 {
		t.Errorf("zero-length add: %v → %v", before, got)
	}
}

func TestRainTrackerHash(t *testing.T) {
	t.Parallel()
	sum := func(r *RainTracker) uint64 {
		h := statehash.New()
		r.HashInto(h)
		return h.Sum()
	}
	a, b := NewRainTracker(), NewRainTracker()
	feed(a, 20, 3600, 60)
	feed(b, 20, 3600, 60)
	if sum(a) != sum(b) {
		t.Fatal("identical histories hash differently")
	}
	b.Add(60, 0.001)
	a.Add(60, 0)
	if sum(a) == sum(b) {
		t.Fatal("a millimetre more rain did not change the hash")
	}
}
