package warning

import (
	"math"

	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// RainThresholds are the CMA rainstorm signal criteria in mm of rain over a
// window: blue ≥ 50 mm in 12 h, yellow ≥ 50 mm in 6 h, orange ≥ 50 mm in
// 3 h, red ≥ 100 mm in 3 h.
type RainThresholds struct {
	Blue12h, Yellow6h, Orange3h, Red3h float64
}

// DefaultRainThresholds returns the CMA criteria.
func DefaultRainThresholds() RainThresholds {
	return RainThresholds{Blue12h: 50, Yellow6h: 50, Orange3h: 50, Red3h: 100}
}

// Ring resolution of the rain record: one-minute buckets, twelve hours, the
// longest CMA rainstorm window.
const (
	rainBucket  = 60.0
	rainBuckets = 720
)

// sumTolerance absorbs the rounding of rain spread over buckets, so that
// 50 mm fed as 3000 slices of 1/60 mm still reaches a 50 mm threshold.
const sumTolerance = 1e-9

// RainTracker keeps the rain of the last twelve hours of hazard time in
// one-minute buckets and rates it against the rainstorm thresholds. The
// signals are forecasts in real life ("will reach or has reached, and rain
// continues"); a tracker can only see what has fallen, so in a drill the
// forecaster's lead comes from scripted injects.
//
// Windows: bucket k holds the rain of hazard seconds [60k, 60k+60). A window
// of N minutes is the N buckets up to and including the one holding the
// instant just before now. When now is on a minute boundary (every tick
// length that divides a minute) a 3-hour window is exactly the last 3 hours;
// otherwise it is the current part-minute plus the N−1 whole minutes before
// it. Rain older than 12 hours is forgotten.
type RainTracker struct {
	Thresholds RainThresholds

	now     float64 // hazard seconds fed so far
	head    int64   // bucket holding the instant just before now; −1 before any time has passed
	buckets [rainBuckets]float64
}

// NewRainTracker returns an empty tracker with the CMA thresholds.
func NewRainTracker() *RainTracker {
	return &RainTracker{Thresholds: DefaultRainThresholds(), head: -1}
}

// Add records mm of rain falling evenly over the next dt hazard seconds and
// moves the tracker's clock on by dt. A dt of zero or less adds the rain to
// the latest bucket without moving the clock.
func (r *RainTracker) Add(dt, mm float64) {
	if !(dt > 0) {
		if mm > 0 {
			r.buckets[mod(max(r.head, 0), rainBuckets)] += mm
		}
		return
	}
	t0, t1 := r.now, r.now+dt
	head := int64(math.Ceil(t1/rainBucket)) - 1
	// Clear the buckets the clock moves into; after 12 h all of them.
	if head-r.head >= rainBuckets {
		r.buckets = [rainBuckets]float64{}
	} else {
		for k := r.head + 1; k <= head; k++ {
			r.buckets[mod(k, rainBuckets)] = 0
		}
	}
	r.head, r.now = head, t1
	if !(mm > 0) {
		return
	}
	start := math.Max(t0, t1-rainBuckets*rainBucket)
	for k := int64(math.Floor(start / rainBucket)); k <= head; k++ {
		lo := math.Max(start, float64(float64(k)*rainBucket))
		hi := math.Min(t1, float64(float64(k+1)*rainBucket))
		if hi > lo {
			r.buckets[mod(k, rainBuckets)] += float64(mm*(hi-lo)) / dt
		}
	}
}

// Sum returns the rain in mm over the last window hazard seconds, at the
// tracker's one-minute resolution (rounded up to whole buckets) and at most
// twelve hours.
func (r *RainTracker) Sum(window float64) float64 {
	n := int64(math.Ceil(window / rainBucket))
	return r.sumLast(min(max(n, 0), rainBuckets))
}

// sumLast adds the n newest buckets, oldest first, so that the rounding is
// the same however the sum is asked for.
func (r *RainTracker) sumLast(n int64) float64 {
	s := 0.0
	for k := r.head - n + 1; k <= r.head; k++ {
		if k >= 0 {
			s += r.buckets[mod(k, rainBuckets)]
		}
	}
	return s
}

// Sums returns the rain over the last 3, 6 and 12 hours.
func (r *RainTracker) Sums() (h3, h6, h12 float64) {
	return r.sumLast(180), r.sumLast(360), r.sumLast(720)
}

// Now is the hazard time the tracker has been fed up to.
func (r *RainTracker) Now() float64 { return r.now }

// Level rates the rain of the last 12 hours against the thresholds.
func (r *RainTracker) Level() Level {
	h3, h6, h12 := r.Sums()
	th := r.Thresholds
	switch {
	case h3 >= th.Red3h-sumTolerance:
		return Red
	case h3 >= th.Orange3h-sumTolerance:
		return Orange
	case h6 >= th.Yellow6h-sumTolerance:
		return Yellow
	case h12 >= th.Blue12h-sumTolerance:
		return Blue
	}
	return None
}

// HashInto folds the thresholds, the clock and every bucket.
func (r *RainTracker) HashInto(h *statehash.Hasher) {
	th := r.Thresholds
	h.F64(th.Blue12h)
	h.F64(th.Yellow6h)
	h.F64(th.Orange3h)
	h.F64(th.Red3h)
	h.F64(r.now)
	h.I64(r.head)
	for _, v := range r.buckets {
		h.F64(v)
	}
}

// mod is the non-negative remainder, for ring indices.
func mod(k, n int64) int64 {
	m := k % n
	if m < 0 {
		m += n
	}
	return m
}
