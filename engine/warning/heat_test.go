package warning

import (
	"math"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// observeDay feeds a day's curve: minLow at 05:00 rising linearly to maxHigh
// at 15:00 and back, sampled every 10 minutes, starting at hazard time t0
// (which is local midnight).
func observeDay(h *HeatTracker, t0, low, high float64) {
	for s := 0.0; s < day; s += 600 {
		hr := s / 3600
		f := 1 - math.Abs(hr-15)/10
		if f < 0 {
			f = 0
		}
		h.Observe(t0+s, low+(high-low)*f)
	}
}

func TestHeatLevels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		before int     // days above 35 before the drill
		peak   float64 // today's peak
		want   Level
	}{
		{"34.9 °C", 0, 34.9, None},
		{"34.9 °C after five hot days: the wave holds until midnight", 5, 34.9, Yellow},
		{"35 °C, one day before", 1, 35, None},
		{"35 °C, two days before: third day", 2, 35, Yellow},
		{"36 °C, many days before", 9, 36, Yellow},
		{"37 °C, no streak: orange", 0, 37, Orange},
		{"39.9 °C: orange", 0, 39.9, Orange},
		{"40 °C: red", 0, 40, Red},
	}
	for _, tc := range tests {
		h := NewHeatTracker(tc.before)
		h.Observe(0, 30)
		h.Observe(3600, tc.peak)
		if got := h.Level(); got != tc.want {
			t.Errorf("%s: level %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestHeatStreakAcrossDays(t *testing.T) {
	t.Parallel()
	h := NewHeatTracker(0)
	// Day 0 and day 1 reach 36 °C: no yellow yet.
	observeDay(h, 0, 27, 36)
	observeDay(h, day, 27, 36)
	if got := h.Level(); got != None || h.Streak() != 2 {
		t.Fatalf("after two hot days: %v streak %d, want none 2", got, h.Streak())
	}
	// Day 2: yellow as soon as it reaches 35.
	h.Observe(2*day+8*3600, 33)
	if h.Level() != None {
		t.Fatalf("morning of day 3 at 33 °C: %v", h.Level())
	}
	h.Observe(2*day+11*3600, 35.2)
	if got := h.Level(); got != Yellow || h.Streak() != 3 {
		t.Fatalf("day 3 at 35.2 °C: %v streak %d, want yellow 3", got, h.Streak())
	}
	// Finish day 2; on day 3 the streak of three finished days keeps yellow
	// through the cool morning.
	h.Observe(2*day+20*3600, 29)
	h.Observe(3*day+6*3600, 28)
	if got := h.Level(); got != Yellow {
		t.Fatalf("morning after three hot days: %v, want yellow", got)
	}
	// A cool day 3 ends the wave at midnight.
	h.Observe(3*day+15*3600, 33)
	h.Observe(4*day+1, 26)
	if got := h.Level(); got != None || h.Streak() != 0 {
		t.Fatalf("after a 33 °C day: %v streak %d, want none 0", got, h.Streak())
	}
}

func TestHeatOrangeLastsADay(t *testing.T) {
	t.Parallel()
	h := NewHeatTracker(0)
	h.Observe(0, 37.5)
	for s := 600.0; s <= 1.5*day; s += 600 {
		h.Observe(s, 30)
		want := Orange
		if s >= day {
			want = None
		}
		if got := h.Level(); got != want {
			t.Fatalf("t=%v h after a 37.5 °C reading: %v, want %v", s/3600, got, want)
		}
	}
	if m := h.Max24h(); m != 30 {
		t.Fatalf("Max24h %v, want 30", m)
	}
}

func TestHeatClockAtStart(t *testing.T) {
	t.Parallel()
	// A drill starting at 23:00 with two hot days behind it: the first hot
	// reading at hazard time 0 belongs to the day that ends an hour later,
	// and a 35 °C reading after midnight starts the fourth day.
	h := NewHeatTracker(2)
	h.ClockAtStart = 23 * 3600
	h.Observe(0, 35)
	if h.Level() != Yellow {
		t.Fatalf("23:00 at 35 °C after two hot days: %v", h.Level())
	}
	h.Observe(2*3600, 29) // 01:00 next day
	if h.Streak() != 3 || h.Level() != Yellow {
		t.Fatalf("after midnight: streak %d level %v, want 3 and yellow", h.Streak(), h.Level())
	}
	// Observing an earlier time folds it into the latest bucket and day.
	h.Observe(100, 36)
	if h.Streak() != 4 {
		t.Fatalf("an out-of-order 36 °C reading should count for today: streak %d", h.Streak())
	}
}

func TestHeatTrackerHash(t *testing.T) {
	t.Parallel()
	sum := func(h *HeatTracker) uint64 {
		s := statehash.New()
		h.HashInto(s)
		return s.Sum()
	}
	a, b := NewHeatTracker(1), NewHeatTracker(1)
	if sum(a) != sum(b) {
		t.Fatal("fresh trackers hash differently")
	}
	if sum(a) == sum(NewHeatTracker(2)) {
		t.Fatal("the days-before count is not in the hash")
	}
	a.Observe(60, 33)
	if sum(a) == sum(b) {
		t.Fatal("an observation did not change the hash")
	}
}
