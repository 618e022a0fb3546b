package loadtest

import (
	"math"
	"testing"
	"time"
)

func TestDistOf(t *testing.T) {
	t.Parallel()
	ms := func(v ...int) []time.Duration {
		var d []time.Duration
		for _, x := range v {
			d = append(d, time.Duration(x)*time.Millisecond)
		}
		return d
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = 100 - i // 100 … 1, unsorted on purpose
	}
	for _, tc := range []struct {
		name string
		in   []time.Duration
		want Dist
	}{
		{"empty", nil, Dist{}},
		{"one", ms(7), Dist{N: 1, Mean: 7, P50: 7, P90: 7, P99: 7, Max: 7}},
		{"nearest rank", ms(hundred...), Dist{N: 100, Mean: 50.5, P50: 50, P90: 90, P99: 99, Max: 100}},
		{"outlier shows at p99 of 10", ms(1, 1, 1, 1, 1, 1, 1, 1, 1, 40), Dist{N: 10, Mean: 4.9, P50: 1, P90: 1, P99: 40, Max: 40}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := distOf(tc.in); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseMetricsAndHistogram(t *testing.T) {
	t.Parallel()
	before := []byte(`# HELP rescuedrill_tick_duration_seconds Time one drill tick takes.
# TYPE rescuedrill_tick_duration_seconds histogram
rescuedrill_tick_duration_seconds_bucket{le="0.001"} 10
rescuedrill_tick_duration_seconds_bucket{le="0.005"} 10
rescuedrill_tick_duration_seconds_bucket{le="0.01"} 10
rescuedrill_tick_duration_seconds_bucket{le="+Inf"} 10
rescuedrill_tick_duration_seconds_count 10
rescuedrill_inputs_rejected_total{reason="queue_full"} 3
rescuedrill_bytes_out_total 1.5e+06
`)
	after := []byte(`rescuedrill_tick_duration_seconds_bucket{le="0.001"} 60
rescuedrill_tick_duration_seconds_bucket{le="0.005"} 108
rescuedrill_tick_duration_seconds_bucket{le="0.01"} 109
rescuedrill_tick_duration_seconds_bucket{le="+Inf"} 110
rescuedrill_tick_duration_seconds_count 110
rescuedrill_inputs_rejected_total{reason="queue_full"} 5 1700000000000
rescuedrill_bytes_out_total 2.5e+06
`)
	b, err := parseMetrics(before)
	if err != nil {
		t.Fatal(err)
	}
	a, err := parseMetrics(after)
	if err != nil {
		t.Fatal(err)
	}
	if d := delta(b, a, `rescuedrill_inputs_rejected_total{reason="queue_full"}`); d != 2 {
		t.Errorf("labelled counter delta %g, want 2", d)
	}
	if d := delta(b, a, "rescuedrill_bytes_out_total"); d != 1e6 {
		t.Errorf("counter delta %g, want 1e6", d)
	}
	bs := histDelta(b, a, "rescuedrill_tick_duration_seconds")
	// 100 new ticks: 50 ≤ 1 ms, 48 more ≤ 5 ms, 1 ≤ 10 ms, 1 beyond.
	for _, tc := range []struct {
		q, want float64
	}{{0.5, 0.001}, {0.51, 0.005}, {0.98, 0.005}, {0.99, 0.01}, {1, math.Inf(1)}} {
		if got := histQuantile(bs, tc.q); got != tc.want {
			t.Errorf("q %g: %g, want %g", tc.q, got, tc.want)
		}
	}
	if _, err := parseMetrics([]byte("broken_line_without_value\n")); err == nil {
		t.Error("a line without a value parsed")
	}
}

// TestMissedTicksLeaveOutOwed: ticks a drill owes at the second read (due,
// not stepped yet: its goroutine waits for a core) are late, not missed;
// what is neither stepped nor owed is missed (beyond one tick of read
// skew per drill).
func TestMissedTicksLeaveOutOwed(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name                  string
		stepped, owed0, owed1 uint64
		want                  int
	}{
		{"on time", 200, 0, 0, 0},
		{"owing four at the end", 196, 0, 4, 0},
		{"owed three at the start, caught up", 203, 3, 0, 0},
		{"ten short, owing four", 190, 0, 4, 5},
	} {
		w := &window{tickSeconds: 10, drills: []*drillRun{{created: created{ID: "d1", TickHz: 20}}},
			ticksBefore: map[string]drillNow{"d1": {Tick: 100, Behind: c.owed0, State: "running"}},
			ticksAfter:  map[string]drillNow{"d1": {Tick: 100 + c.stepped, Behind: c.owed1, State: "running"}},
			before:      sample{}, after: sample{}}
		r := buildReport(Config{}, w)
		if r.Tick.Missed != c.want {
			t.Errorf("%s: missed %d, want %d", c.name, r.Tick.Missed, c.want)
		}
	}
}

// TestMissedTicksUseEachDrillsReadTime: with the server's read times the
// expected ticks of each drill come from its own two reads, not from the
// load test's time of the whole list.
func TestMissedTicksUseEachDrillsReadTime(t *testing.T) {
	t.Parallel()
	const s = int64(1e9)
	w := &window{tickSeconds: 12, drills: []*drillRun{{created: created{ID: "d1", TickHz: 20}}, {created: created{ID: "d2", TickHz: 20}}},
		ticksBefore: map[string]drillNow{"d1": {Tick: 0, At: 100 * s, State: "running"}, "d2": {Tick: 0, At: 101 * s, State: "running"}},
		ticksAfter:  map[string]drillNow{"d1": {Tick: 200, At: 110 * s, State: "running"}, "d2": {Tick: 220, At: 112 * s, State: "running"}},
		before:      sample{}, after: sample{}}
	r := buildReport(Config{}, w)
	if r.Tick.Missed != 0 || r.Tick.Expected != 420 {
		t.Fatalf("missed %d of %v expected, want 0 of 420 (10 s and 11 s of reads at 20 Hz)", r.Tick.Missed, r.Tick.Expected)
	}
}
