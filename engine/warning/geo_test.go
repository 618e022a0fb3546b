package warning

import (
	"math"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

func TestGeoRainRule(t *testing.T) {
	t.Parallel()
	g := DefaultGeoThresholds()
	tests := []struct {
		h3, h12 float64
		want    Level
	}{
		{0, 0, None},
		{29, 49, None},
		{30, 30, Blue},
		{10, 50, Blue},
		{50, 50, Yellow},
		{20, 80, Yellow},
		{80, 80, Orange},
		{40, 120, Orange},
		{100, 100, Red},
		{10, 180, Red},
	}
	for _, tc := range tests {
		if got := g.Level(tc.h3, tc.h12); got != tc.want {
			t.Errorf("Level(3 h %v, 12 h %v) = %v, want %v", tc.h3, tc.h12, got, tc.want)
		}
	}
}

func TestGeoStabilityRule(t *testing.T) {
	t.Parallel()
	g := DefaultGeoThresholds()
	// 100 watched cells at FS 2 with a few weaker ones; 2 % means 2 cells.
	cells := func(weak ...float64) (int, func(int) float64) {
		fs := make([]float64, 100)
		for i := range fs {
			fs[i] = 2
		}
		copy(fs, weak)
		return len(fs), func(i int) float64 { return fs[i] }
	}
	tests := []struct {
		name string
		weak []float64
		want Level
	}{
		{"all stable", nil, None},
		{"one cell at 1.25 is not 2 %", []float64{1.25}, None},
		{"two at 1.25", []float64{1.25, 1.25}, Blue},
		{"two at 1.15", []float64{1.15, 1.19}, Yellow},
		{"two at 1.05", []float64{1.05, 1.05}, Orange},
		{"two failing", []float64{0.95, 0.99}, Red},
		{"one failing, one near", []float64{0.95, 1.15}, Yellow},
		{"infinite FS on flat ground", []float64{math.Inf(1)}, None},
	}
	for _, tc := range tests {
		n, fs := cells(tc.weak...)
		if got := g.LevelFS(n, fs); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if got := g.LevelFS(0, nil); got != None {
		t.Errorf("no cells: %v", got)
	}
}

func TestGeoThresholdsHash(t *testing.T) {
	t.Parallel()
	sum := func(g GeoThresholds) uint64 {
		h := statehash.New()
		g.HashInto(h)
		return h.Sum()
	}
	a, b := DefaultGeoThresholds(), DefaultGeoThresholds()
	b.Fraction = 0.05
	if sum(a) == sum(b) || sum(a) != sum(DefaultGeoThresholds()) {
		t.Fatal("geo thresholds hash does not follow their values")
	}
}
