package warning

import "github.com/rescuedrill/rescuedrill/engine/statehash"

// GeoThresholds rate geological-hazard (landslide, debris-flow) risk. The
// CMA and the Ministry of Natural Resources issue these warnings from
// regional rainfall thresholds and susceptibility maps, so no national
// numbers exist; these are parameters, and the defaults are illustrative
// values for a wet, steep Chongqing hillside, not an official criterion.
//
// Two rules, each giving a level; the warning takes the higher:
//
//   - Rain: level k when the rain of the last 3 hours reaches Rain3h[k] or
//     that of the last 12 hours reaches Rain12h[k] (k = blue … red). The
//     defaults put blue at the rainstorm signal (50 mm in 12 h) and red at
//     180 mm in 12 h or 100 mm in 3 h, the range in which shallow slides
//     become widespread on weathered-rock slopes.
//   - Stability: level k when at least Fraction of the watched slope cells
//     have a factor of safety below FS[k] (defaults 1.3, 1.2, 1.1, 1.0 for
//     blue … red, 2 % of cells): the landslide model's own view of how
//     close the hillside is to failing. Red at FS < 1 means failure has
//     begun somewhere.
//
// Levels 3 and above (yellow and up) go to the public; blue (level 4) is for
// the authorities (Warning.Public).
type GeoThresholds struct {
	Rain3h   [4]float64 // mm in 3 h for blue, yellow, orange, red
	Rain12h  [4]float64 // mm in 12 h
	FS       [4]float64 // factor-of-safety limits
	Fraction float64    // share of watched cells below the limit
}

// DefaultGeoThresholds returns the illustrative defaults described above.
func DefaultGeoThresholds() GeoThresholds {
	return GeoThresholds{
		Rain3h:   [4]float64{30, 50, 80, 100},
		Rain12h:  [4]float64{50, 80, 120, 180},
		FS:       [4]float64{1.3, 1.2, 1.1, 1.0},
		Fraction: 0.02,
	}
}

// Level rates rain of rain3h mm in the last 3 hours and rain12h mm in the
// last 12 hours (RainTracker.Sum gives both).
func (g GeoThresholds) Level(rain3h, rain12h float64) Level {
	for k := 3; k >= 0; k-- {
		if rain3h >= g.Rain3h[k]-sumTolerance || rain12h >= g.Rain12h[k]-sumTolerance {
			return Blue + Level(k)
		}
	}
	return None
}

// LevelFS rates the stability of n watched cells, fs(i) giving the factor of
// safety of the i-th. The caller chooses the cells (the soil-covered slopes
// the scenario watches); flat ground with an infinite factor of safety only
// dilutes the fraction.
func (g GeoThresholds) LevelFS(n int, fs func(i int) float64) Level {
	if n <= 0 {
		return None
	}
	var below [4]int
	for i := 0; i < n; i++ {
		f := fs(i)
		for k := 0; k < 4; k++ {
			if f < g.FS[k] {
				below[k]++
			}
		}
	}
	for k := 3; k >= 0; k-- {
		if float64(below[k]) >= float64(g.Fraction*float64(n)) && below[k] > 0 {
			return Blue + Level(k)
		}
	}
	return None
}

// HashInto folds the thresholds, for worlds that keep them in their state.
func (g GeoThresholds) HashInto(h *statehash.Hasher) {
	for k := 0; k < 4; k++ {
		h.F64(g.Rain3h[k])
		h.F64(g.Rain12h[k])
		h.F64(g.FS[k])
	}
	h.F64(g.Fraction)
}
