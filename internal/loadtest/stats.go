package loadtest

import (
	"math"
	"slices"
	"sync"
	"time"
)

// Dist summarises a distribution of durations in milliseconds.
type Dist struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean_ms"`
	P50  float64 `json:"p50_ms"`
	P90  float64 `json:"p90_ms"`
	P99  float64 `json:"p99_ms"`
	Max  float64 `json:"max_ms"`
}

// distOf sorts ds (in place) and summarises it; nearest-rank percentiles,
// so a p99 is a value that was really observed.
func distOf(ds []time.Duration) Dist {
	if len(ds) == 0 {
		return Dist{}
	}
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	ms := func(d time.Duration) float64 { return round3(d.Seconds() * 1000) }
	return Dist{N: len(ds), Mean: ms(sum / time.Duration(len(ds))), P50: ms(rank(ds, 0.50)), P90: ms(rank(ds, 0.90)),
		P99: ms(rank(ds, 0.99)), Max: ms(ds[len(ds)-1])}
}

// rank is the nearest-rank percentile q of sorted values.
func rank[T any](sorted []T, q float64) T {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// floatRank is rank for a slice it sorts itself.
func floatRank(v []float64, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return rank(s, q)
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
func round1(x float64) float64 { return math.Round(x*10) / 10 }

// TickRecorder collects the exact duration of every tick of every drill of
// an in-process server (server.Registry.OnTick) while a measurement runs.
// Bots-only runs have no recorder and read the server's histogram instead.
type TickRecorder struct {
	mu sync.Mutex
	on bool
	d  []time.Duration
}

// Observe records one tick; it is called on drill goroutines and only
// appends under a mutex, so it adds little to the tick it measures.
func (r *TickRecorder) Observe(d time.Duration) {
	r.mu.Lock()
	if r.on {
		r.d = append(r.d, d)
	}
	r.mu.Unlock()
}

func (r *TickRecorder) start() {
	r.mu.Lock()
	r.on, r.d = true, make([]time.Duration, 0, 1<<16)
	r.mu.Unlock()
}

func (r *TickRecorder) stop() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = false
	d := r.d
	r.d = nil
	return d
}

// latencies is a shared, locked list of samples.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

func (l *latencies) take() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	d := l.d
	l.d = nil
	return d
}
