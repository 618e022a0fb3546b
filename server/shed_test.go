package server

import (
	"testing"
	"time"
)

// TestShedder: a table of seconds (late ticks, ticks) and the multiplier
// the shedder answers after each.
func TestShedder(t *testing.T) {
	t.Parallel()
	type sec struct {
		late, ticks uint64
		want        int
	}
	calm := func(n int, want int) []sec {
		out := make([]sec, n)
		for i := range out {
			out[i] = sec{0, 500, want}
		}
		return out
	}
	join := func(parts ...[]sec) []sec {
		var out []sec
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	cases := []struct {
		name string
		secs []sec
	}{
		{"a calm server never sheds", calm(300, 1)},
		{"an idle server (no ticks) never sheds", []sec{{0, 0, 1}, {0, 0, 1}}},
		{"a little lateness (1 in 100… 1 in 500) is neither", []sec{{3, 500, 1}, {9, 500, 1}, {1, 500, 1}}},
		{"overload halves, the next five seconds settle, more overload quarters", []sec{
			{40, 500, 2}, {40, 500, 2}, {40, 500, 2}, {40, 500, 2}, {40, 500, 2}, {40, 500, 2}, {40, 500, 4}, {40, 500, 4}}},
		{"two minutes of calm steps back one step at a time", join(
			[]sec{{40, 500, 2}}, calm(shedSettle, 2),
			calm(119, 2), []sec{{0, 500, 1}}, calm(10, 1))},
		{"in-between seconds restart the calm", join(
			[]sec{{40, 500, 2}}, calm(shedSettle, 2),
			calm(100, 2), []sec{{5, 500, 2}}, calm(119, 2), []sec{{0, 500, 1}})},
		{"overload right after a step back doubles the hold", join(
			[]sec{{40, 500, 2}}, calm(shedSettle, 2),
			calm(119, 2), []sec{{0, 500, 1}}, calm(shedSettle, 1),
			[]sec{{40, 500, 2}}, calm(shedSettle, 2),
			calm(239, 2), []sec{{0, 500, 1}})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sh := newShedder()
			for i, s := range c.secs {
				if got, _ := sh.observe(s.late, s.ticks, time.Second); got != s.want {
					t.Fatalf("second %d (%d late of %d): multiplier %d, want %d", i+1, s.late, s.ticks, got, s.want)
				}
			}
		})
	}
}
