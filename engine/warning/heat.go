package warning

import (
	"math"

	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// HeatThresholds are the CMA high-temperature signal criteria (°C): yellow
// when the daily maximum is at or above Yellow for YellowDays days running,
// orange when the temperature reaches Orange within 24 hours, red when it
// reaches Red within 24 hours.
type HeatThresholds struct {
	Yellow     float64
	YellowDays int
	Orange     float64
	Red        float64
}

// DefaultHeatThresholds returns the CMA criteria: 35 °C three days running,
// 37 °C, 40 °C.
func DefaultHeatThresholds() HeatThresholds {
	return HeatThresholds{Yellow: 35, YellowDays: 3, Orange: 37, Red: 40}
}

// Ring of the temperature record: the maximum of each ten minutes for a
// day. Temperature curves in drills are smooth over hours, so ten minutes
// loses nothing a warning could see.
const (
	heatBucket  = 600.0
	heatBuckets = 144
	day         = 86400.0
)

// HeatTracker follows air temperature over hazard time and rates it against
// the high-temperature thresholds. Drills last hours, not days, so the
// scenario says how many days before the drill already reached 35 °C
// (NewHeatTracker's argument); the drill's own days are counted from the
// observations, with day boundaries at local midnight (ClockAtStart places
// hazard time 0 on the clock).
//
// Yellow holds while the streak stands: once today reaches 35 °C with two
// such days before it, or while the last three finished days all did and
// today is not yet over. Orange and red read the maximum of the last 24
// hours, so a 37 °C afternoon keeps orange until the next afternoon (the
// real signals are forecasts for the coming 24 hours; scripted injects give
// the forecaster's lead).
type HeatTracker struct {
	Thresholds HeatThresholds
	// ClockAtStart is the local time of day, in seconds after midnight, at
	// hazard time 0.
	ClockAtStart float64

	streak  int     // finished days in a row at or above Thresholds.Yellow
	day     int64   // index of the current day
	dayMax  float64 // today's maximum so far; −Inf before any observation
	head    int64   // bucket of the latest observation; −1 before any
	buckets [heatBuckets]float64
}

// NewHeatTracker returns a tracker with the CMA thresholds that knows the
// daysAbove35 days just before the drill reached 35 °C.
func NewHeatTracker(daysAbove35 int) *HeatTracker {
	h := &HeatTracker{Thresholds: DefaultHeatThresholds(), streak: max(daysAbove35, 0), dayMax: math.Inf(-1), head: -1}
	for i := range h.buckets {
		h.buckets[i] = math.Inf(-1)
	}
	return h
}

// Observe records air temperature tempC at hazard time t. Times should not
// go backwards; an earlier time counts as the latest one seen.
func (h *HeatTracker) Observe(t, tempC float64) {
	b := int64(math.Floor(t / heatBucket))
	if b < h.head {
		b = h.head
	}
	if b > h.head {
		if b-h.head >= heatBuckets || h.head < 0 {
			for i := range h.buckets {
				h.buckets[i] = math.Inf(-1)
			}
		} else {
			for k := h.head + 1; k <= b; k++ {
				h.buckets[mod(k, heatBuckets)] = math.Inf(-1)
			}
		}
		h.head = b
	}
	i := mod(b, heatBuckets)
	h.buckets[i] = math.Max(h.buckets[i], tempC)

	if d := int64(math.Floor((t + h.ClockAtStart) / day)); d > h.day {
		// Close today, then any days that passed without an observation:
		// a day nobody measured does not continue a heat wave.
		h.closeDay(h.dayMax)
		for k := h.day + 1; k < d; k++ {
			h.closeDay(math.Inf(-1))
		}
		h.day, h.dayMax = d, math.Inf(-1)
	}
	h.dayMax = math.Max(h.dayMax, tempC)
}

func (h *HeatTracker) closeDay(maxC float64) {
	if maxC >= h.Thresholds.Yellow {
		h.streak++
	} else {
		h.streak = 0
	}
}

// Max24h is the highest temperature observed in the last 24 hours (at
// ten-minute resolution); −Inf before any observation.
func (h *HeatTracker) Max24h() float64 {
	m := math.Inf(-1)
	for _, v := range h.buckets {
		m = math.Max(m, v)
	}
	return m
}

// Streak is the number of days in a row, up to and including today if today
// has reached the yellow temperature, at or above it.
func (h *HeatTracker) Streak() int {
	if h.dayMax >= h.Thresholds.Yellow {
		return h.streak + 1
	}
	return h.streak
}

// Level rates the record against the thresholds.
func (h *HeatTracker) Level() Level {
	th := h.Thresholds
	m := h.Max24h()
	switch {
	case m >= th.Red:
		return Red
	case m >= th.Orange:
		return Orange
	case h.Streak() >= th.YellowDays:
		return Yellow
	}
	return None
}

// HashInto folds the thresholds, the day count and the record.
func (h *HeatTracker) HashInto(s *statehash.Hasher) {
	th := h.Thresholds
	s.F64(th.Yellow)
	s.Int(th.YellowDays)
	s.F64(th.Orange)
	s.F64(th.Red)
	s.F64(h.ClockAtStart)
	s.Int(h.streak)
	s.I64(h.day)
	s.F64(h.dayMax)
	s.I64(h.head)
	for _, v := range h.buckets {
		s.F64(v)
	}
}
