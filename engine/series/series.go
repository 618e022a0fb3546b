// Package series holds piecewise-linear curves over hazard time: weather
// (air temperature, humidity, sun, wind), rain rates, river stages. A
// scenario writes a handful of points and every model reads the curve at
// its own hazard time, so the same file drives heat, flood and landslide.
package series

import (
	"fmt"
	"math"
	"sort"

	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// Point is one sample: value V at hazard time T (seconds).
type Point struct{ T, V float64 }

// Series is a curve through its points in order of time. Between points it
// is linear; before the first and after the last it holds the end value
// flat, because a scenario that stops describing the weather means "and so
// it stays", not "and then it extrapolates to absurdity".
//
// Two points at the same time make a step: At(t) on the step returns the
// later point's value, so "the siren sounds at 600 s" can be written as
// {600, 0}, {600, 1}.
type Series []Point

// Const is a flat curve.
func Const(v float64) Series { return Series{{T: 0, V: v}} }

// Validate reports a series that At cannot read sensibly: times out of order,
// or a value or time that is not finite.
func (s Series) Validate() error {
	for i, p := range s {
		if math.IsNaN(p.T) || math.IsInf(p.T, 0) || math.IsNaN(p.V) || math.IsInf(p.V, 0) {
			return fmt.Errorf("series: point %d (%v, %v) is not finite", i, p.T, p.V)
		}
		if i > 0 && p.T < s[i-1].T {
			return fmt.Errorf("series: point %d at t=%v comes before point %d at t=%v", i, p.T, i-1, s[i-1].T)
		}
	}
	return nil
}

// At returns the value at hazard time t. An empty series reads 0.
func (s Series) At(t float64) float64 {
	n := len(s)
	if n == 0 {
		return 0
	}
	// i is the first point strictly after t. Searching for "strictly after"
	// makes a step (two points at one time) read its later value at the step.
	i := sort.Search(n, func(k int) bool { return s[k].T > t })
	if i == 0 {
		return s[0].V
	}
	if i == n {
		return s[n-1].V
	}
	a, b := s[i-1], s[i]
	// b.T > t >= a.T, so the span is positive.
	f := (t - a.T) / (b.T - a.T)
	return float64((b.V-a.V)*f) + a.V
}

// Max returns the largest value the curve takes over [t0, t1]. Because the
// curve is piecewise linear, that is the larger end value or an interior
// point.
func (s Series) Max(t0, t1 float64) float64 {
	if len(s) == 0 {
		return 0
	}
	m := math.Max(s.At(t0), s.At(t1))
	for _, p := range s {
		if p.T > t0 && p.T < t1 {
			m = math.Max(m, p.V)
		}
	}
	return m
}

// HashInto folds the curve: scenario inputs are part of the state a replay
// must agree on.
func (s Series) HashInto(h *statehash.Hasher) {
	h.Int(len(s))
	for _, p := range s {
		h.F64(p.T)
		h.F64(p.V)
	}
}
