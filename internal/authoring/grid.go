package authoring

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

// fromGrid chooses starting places on a trainer's own elevation grid, so
// the first scenario on a new map already runs and tells them something:
// people start on middling ground near the centre, the place of safety is
// the highest ground, and the trap is the low ground nearest the start —
// where water gathers and where a crowd drifts. The trainer then moves
// them to real streets and buildings (docs/authoring.md).
func fromGrid(hazard string, g *terrain.Grid) (tmplData, error) {
	var d tmplData
	if g.NX < 8 || g.NY < 8 {
		return d, fmt.Errorf("the elevation grid is %d×%d cells: give at least 8×8", g.NX, g.NY)
	}
	type cell struct {
		i int
		z float64
	}
	cells := make([]cell, 0, len(g.V))
	for i, z := range g.V {
		if !g.IsNoData(z) && !math.IsNaN(z) {
			cells = append(cells, cell{i, z})
		}
	}
	if len(cells) < 16 {
		return d, errors.New("the elevation grid has fewer than 16 cells with data")
	}
	byZ := slices.Clone(cells)
	slices.SortStableFunc(byZ, func(a, b cell) int {
		switch {
		case a.z < b.z:
			return -1
		case a.z > b.z:
			return 1
		}
		return a.i - b.i
	})
	pct := func(p float64) float64 { return byZ[int(p*float64(len(byZ)-1))].z }
	centre := func(i int) (float64, float64) { return g.Centre(i%g.NX, i/g.NX) }
	dist := func(i int, x, y float64) float64 {
		cx, cy := centre(i)
		return math.Hypot(cx-x, cy-y)
	}
	// nearest picks, among cells whose elevation lies in [lo, hi], the one
	// nearest (x, y); ties go to the lower index so the choice is stable.
	nearest := func(lo, hi, x, y float64, skip func(int) bool) (int, bool) {
		best, bestD := -1, math.Inf(1)
		for _, c := range cells {
			if c.z < lo || c.z > hi || (skip != nil && skip(c.i)) {
				continue
			}
			if dd := dist(c.i, x, y); dd < bestD {
				best, bestD = c.i, dd
			}
		}
		return best, best >= 0
	}
	w, h := g.Width(), g.Height()
	half := math.Min(math.Max(2*g.Cell, 10), math.Min(w, h)/10)
	rect := func(i int) place {
		x, y := centre(i)
		// Whole metres read better and are as good as a cell centre.
		x, y = math.Round(math.Min(math.Max(x, half), w-half)), math.Round(math.Min(math.Max(y, half), h-half))
		return place{x - half, y - half, x + half, y + half}
	}
	high := byZ[len(byZ)-1].i
	start, ok := nearest(pct(0.25), pct(0.45), w/2, h/2, nil)
	if !ok {
		start = byZ[len(byZ)/3].i
	}
	sx, sy := centre(start)
	// The trap must not overlap the start: a drill where the start is the
	// trap cannot tell right from wrong.
	far := func(i int) bool { return dist(i, sx, sy) < 4*half }
	low, ok := nearest(math.Inf(-1), pct(0.10), sx, sy, far)
	if !ok {
		low = byZ[0].i
	}
	d.Start, d.Safe, d.Low = rect(start), rect(high), rect(low)
	if hazard == "heat" {
		// Heat does not care about height: the shade and the water station
		// stand beside the start, where a sports field has them.
		at := func(dx, dy float64) int {
			c, r, ok := g.CellOf(math.Min(math.Max(sx+dx, 0), w-1e-6), math.Min(math.Max(sy+dy, 0), h-1e-6))
			if !ok {
				return start
			}
			return g.Index(c, r)
		}
		shade, water := at(0, 3*half), at(3*half, 0)
		if sy+3*half > h-half {
			shade = at(0, -3*half)
		}
		if sx+3*half > w-half {
			water = at(-3*half, 0)
		}
		d.Safe, d.Low, high, low = rect(shade), rect(water), shade, water
	}
	elev := func(i int) string { return num(g.V[i]) }
	d.StartElev, d.SafeElev, d.LowElev = elev(start), elev(high), elev(low)
	// The water station (heat) or the power switch (flood) stands just
	// beside the start.
	d.WaterX, d.WaterY = num(d.Start.X1), num((d.Start.Y0+d.Start.Y1)/2)
	if hazard == "flood" {
		d.Boundaries, d.Levels = riverEdge(g, g.V[start])
	}
	return d, nil
}

// riverEdge guesses where a river enters: the run of cells around the
// lowest cell on the map's edge, up to a quarter of that edge. The stage
// rises from just above that cell to a metre above the start over 90
// hazard minutes, so the low ground floods and the start follows.
func riverEdge(g *terrain.Grid, startZ float64) ([]boundary, [4]string) {
	type edge struct {
		name string
		n    int
		at   func(k int) int
	}
	edges := []edge{
		{"north", g.NX, func(k int) int { return g.Index(k, 0) }},
		{"south", g.NX, func(k int) int { return g.Index(k, g.NY-1) }},
		{"west", g.NY, func(k int) int { return g.Index(0, k) }},
		{"east", g.NY, func(k int) int { return g.Index(g.NX-1, k) }},
	}
	be, bk, bz := 0, 0, math.Inf(1)
	for e, ed := range edges {
		for k := 0; k < ed.n; k++ {
			if z := g.V[ed.at(k)]; !g.IsNoData(z) && z < bz {
				be, bk, bz = e, k, z
			}
		}
	}
	ed := edges[be]
	span := max(ed.n/8, 1)
	from, to := max(bk-span, 0), min(bk+span, ed.n-1)
	top := math.Max(startZ+1, bz+1.5)
	lv := func(f float64) string { return num(bz + 0.2 + f*(top-bz-0.2)) }
	return []boundary{{ed.name, from, to}}, [4]string{lv(0), lv(0.3), lv(0.7), lv(1)}
}
