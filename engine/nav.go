package engine

import (
	"math"
	"strings"
)

// NavField is a distance-to-goal field over the walkable cells of the map,
// built by Dijkstra from the cells of one or more goal places. Walking
// "downhill" in the field leads to the nearest goal along the cheapest path.
// Bots and NPCs share fields through the world's cache; the field is a pure
// function of the map, the goals and the water at the time it was built.
type NavField struct {
	nx, ny int
	cell   float64
	dist   []float64 // seconds of walking to the nearest goal; +Inf where unreachable
}

// navCost is the walking-time cost of one cell (seconds per metre), or +Inf
// for a blocked cell. Slopes and water make cells dearer.
type navCost func(i int) float64

// buildNav runs Dijkstra on an 8-connected grid. Ties break on cell index so
// the result never depends on heap order.
func buildNav(nx, ny int, cell float64, goals []int, cost navCost) *NavField {
	f := &NavField{nx: nx, ny: ny, cell: cell, dist: make([]float64, nx*ny)}
	inf := math.Inf(1)
	for i := range f.dist {
		f.dist[i] = inf
	}
	h := &cellHeap{}
	for _, g := range goals {
		if g >= 0 && g < len(f.dist) && !math.IsInf(cost(g), 1) {
			f.dist[g] = 0
			h.push(heapItem{0, g})
		}
	}
	diag := math.Sqrt2 * cell
	for h.len() > 0 {
		it := h.pop()
		if it.d > f.dist[it.i] {
			continue
		}
		c, r := it.i%nx, it.i/nx
		ci := cost(it.i)
		for k := 0; k < 8; k++ {
			dc, dr := nbr8[k][0], nbr8[k][1]
			c2, r2 := c+dc, r+dr
			if c2 < 0 || r2 < 0 || c2 >= nx || r2 >= ny {
				continue
			}
			j := r2*nx + c2
			cj := cost(j)
			if math.IsInf(cj, 1) {
				continue
			}
			step := cell
			if dc != 0 && dr != 0 {
				// No corner cutting past a blocked cell.
				if math.IsInf(cost(r*nx+c2), 1) || math.IsInf(cost(r2*nx+c), 1) {
					continue
				}
				step = diag
			}
			nd := it.d + float64(float64(step*0.5)*(ci+cj))
			if nd < f.dist[j] {
				f.dist[j] = nd
				h.push(heapItem{nd, j})
			}
		}
	}
	return f
}

var nbr8 = [8][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {1, -1}, {-1, 1}, {-1, -1}}

// Dist is the walking time (s) from cell i to the nearest goal.
func (f *NavField) Dist(i int) float64 { return f.dist[i] }

// Reachable reports whether a goal can be reached from cell i.
func (f *NavField) Reachable(i int) bool { return !math.IsInf(f.dist[i], 1) }

// Direction returns a unit vector from (x, y) toward the neighbouring cell
// with the smallest distance, and false when (x, y) is a goal cell or no
// neighbour is closer.
func (f *NavField) Direction(x, y float64) (dx, dy float64, ok bool) {
	c, r := int(x/f.cell), int(y/f.cell)
	if c < 0 || r < 0 || c >= f.nx || r >= f.ny {
		return 0, 0, false
	}
	i := r*f.nx + c
	best, bi := f.dist[i], -1
	for k := 0; k < 8; k++ {
		c2, r2 := c+nbr8[k][0], r+nbr8[k][1]
		if c2 < 0 || r2 < 0 || c2 >= f.nx || r2 >= f.ny {
			continue
		}
		j := r2*f.nx + c2
		if f.dist[j] < best {
			best, bi = f.dist[j], j
		}
	}
	if bi < 0 {
		return 0, 0, false
	}
	// Products that are later added are rounded explicitly: Go may fuse
	// across statements, and arm64 would then differ from amd64.
	tx := float64((float64(bi%f.nx) + 0.5) * f.cell)
	ty := float64((float64(bi/f.nx) + 0.5) * f.cell)
	dx, dy = tx-x, ty-y
	n := math.Sqrt(float64(dx*dx) + float64(dy*dy))
	if n == 0 {
		return 0, 0, false
	}
	return dx / n, dy / n, true
}

// cellHeap is a binary min-heap on (distance, cell index).
type heapItem struct {
	d float64
	i int
}

type cellHeap struct{ a []heapItem }

func (h *cellHeap) len() int { return len(h.a) }

func less(a, b heapItem) bool { return a.d < b.d || (a.d == b.d && a.i < b.i) }

func (h *cellHeap) push(it heapItem) {
	h.a = append(h.a, it)
	k := len(h.a) - 1
	for k > 0 {
		p := (k - 1) / 2
		if !less(h.a[k], h.a[p]) {
			break
		}
		h.a[k], h.a[p] = h.a[p], h.a[k]
		k = p
	}
}

func (h *cellHeap) pop() heapItem {
	top := h.a[0]
	last := len(h.a) - 1
	h.a[0] = h.a[last]
	h.a = h.a[:last]
	k := 0
	for {
		l, r, m := 2*k+1, 2*k+2, k
		if l < len(h.a) && less(h.a[l], h.a[m]) {
			m = l
		}
		if r < len(h.a) && less(h.a[r], h.a[m]) {
			m = r
		}
		if m == k {
			return top
		}
		h.a[k], h.a[m] = h.a[m], h.a[k]
		k = m
	}
}

type navEntry struct {
	epoch uint64
	f     *NavField
}

// navWaterEpoch is how often (drill seconds) a water-aware field is rebuilt.
const navWaterEpoch = 5

// Nav returns a navigation field toward the given places. With avoidWater
// the cost of a cell grows with its flood depth and water deeper than knee
// height is avoided altogether; such fields follow the water, rebuilt every
// few drill seconds. Fields are cached: they are derived data, never state.
func (w *World) Nav(avoidWater bool, placeIDs ...string) *NavField {
	key := strings.Join(placeIDs, "\x00")
	var epoch uint64
	if avoidWater {
		key += "\x00~water"
		epoch = w.tick / uint64(navWaterEpoch*w.hz)
	}
	if e, ok := w.navCache[key]; ok && e.epoch == epoch {
		return e.f
	}
	var goals []int
	for _, id := range placeIDs {
		if i, ok := w.placeIdx[id]; ok {
			goals = append(goals, w.places[i].cells...)
		}
	}
	inf := math.Inf(1)
	cost := func(i int) float64 {
		if !w.walkable[i] {
			return inf
		}
		c := 1 / WalkSpeed
		if s := w.m.Elev.Slope(i); s > 0.15 {
			c += float64(s * 2) // steep ground is slow; stairs are found anyway
		}
		if avoidWater {
			d := w.haz.depthCell(i)
			if d > 0.4 {
				return inf
			}
			if d > 0.02 {
				c += float64(d * 20)
			}
		}
		return c
	}
	f := buildNav(w.nx, w.ny, w.cell, goals, cost)
	w.navCache[key] = &navEntry{epoch: epoch, f: f}
	return f
}
