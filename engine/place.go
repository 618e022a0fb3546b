package engine

import (
	"fmt"
	"math"

	"github.com/rescuedrill/rescuedrill/engine/dmath"
)

// place is a PlaceSpec resolved against the map.
type place struct {
	spec           *PlaceSpec
	circle         bool
	x0, y0, x1, y1 float64 // bounding box (the rectangle itself for rects)
	cx, cy, r      float64
	cells          []int // walkable cells whose centres lie inside, in index order
}

func newPlace(s *PlaceSpec, w *World) (place, error) {
	p := place{spec: s}
	switch {
	case len(s.Rect) == 4:
		p.x0, p.y0, p.x1, p.y1 = s.Rect[0], s.Rect[1], s.Rect[2], s.Rect[3]
		p.cx, p.cy = (p.x0+p.x1)/2, (p.y0+p.y1)/2
	case len(s.Circle) == 3:
		p.circle = true
		p.cx, p.cy, p.r = s.Circle[0], s.Circle[1], s.Circle[2]
		p.x0, p.y0, p.x1, p.y1 = p.cx-p.r, p.cy-p.r, p.cx+p.r, p.cy+p.r
	default:
		return p, fmt.Errorf("engine: place %s needs rect [x0 y0 x1 y1] or circle [x y r]", s.ID)
	}
	c0, r0 := int(math.Max(0, math.Floor(p.x0/w.cell))), int(math.Max(0, math.Floor(p.y0/w.cell)))
	c1, r1 := int(math.Min(float64(w.nx-1), math.Floor(p.x1/w.cell))), int(math.Min(float64(w.ny-1), math.Floor(p.y1/w.cell)))
	for r := r0; r <= r1; r++ {
		for c := c0; c <= c1; c++ {
			i := r*w.nx + c
			x, y := float64((float64(c)+0.5)*w.cell), float64((float64(r)+0.5)*w.cell)
			if w.walkable[i] && p.contains(x, y) {
				p.cells = append(p.cells, i)
			}
		}
	}
	if len(p.cells) == 0 {
		// A place may be a building's footprint (not walkable); keep its
		// nearest walkable cell so bots and NPCs can still reach it.
		if i := w.nearestWalkable(p.cx, p.cy); i >= 0 {
			p.cells = append(p.cells, i)
		}
	}
	return p, nil
}

func (p *place) contains(x, y float64) bool {
	if p.circle {
		dx, dy := x-p.cx, y-p.cy
		return float64(dx*dx)+float64(dy*dy) <= float64(p.r*p.r)
	}
	return x >= p.x0 && x <= p.x1 && y >= p.y0 && y <= p.y1
}

// spawnPoint spreads participants over a place on a golden-angle spiral so
// a class of 40 does not stand on one spot; it falls back to the place's
// walkable cells.
func (p *place) spawnPoint(k int, w *World) (float64, float64) {
	const golden = 2.399963229728653
	rad := 1.2 * math.Sqrt(float64(k))
	a := float64(k) * golden
	x := p.cx + float64(rad*dmath.Cos(a))
	y := p.cy + float64(rad*dmath.Sin(a))
	if p.contains(x, y) && w.walkableAt(x, y) {
		return x, y
	}
	i := p.cells[k%len(p.cells)]
	return float64((float64(i%w.nx) + 0.5) * w.cell), float64((float64(i/w.nx) + 0.5) * w.cell)
}

// nearestWalkable finds the walkable cell nearest to (x, y) by expanding
// square rings; ties go to the lower index.
func (w *World) nearestWalkable(x, y float64) int {
	c0, r0 := int(x/w.cell), int(y/w.cell)
	for ring := 0; ring < w.nx+w.ny; ring++ {
		best, bestD := -1, math.Inf(1)
		for r := r0 - ring; r <= r0+ring; r++ {
			for c := c0 - ring; c <= c0+ring; c++ {
				if c < 0 || r < 0 || c >= w.nx || r >= w.ny {
					continue
				}
				if abs(c-c0) != ring && abs(r-r0) != ring {
					continue
				}
				i := r*w.nx + c
				if !w.walkable[i] {
					continue
				}
				dx, dy := float64(c-c0), float64(r-r0)
				if d := float64(dx*dx) + float64(dy*dy); d < bestD {
					best, bestD = i, d
				}
			}
		}
		if best >= 0 {
			return best
		}
	}
	return -1
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// Place looks up a place by ID; ok is false for an unknown ID.
func (w *World) Place(id string) (spec *PlaceSpec, cx, cy float64, ok bool) {
	i, ok := w.placeIdx[id]
	if !ok {
		return nil, 0, 0, false
	}
	p := &w.places[i]
	return p.spec, p.cx, p.cy, true
}

// PlaceIndex returns the index of a place (for Person.InPlace), or -1.
func (w *World) PlaceIndex(id string) int {
	if i, ok := w.placeIdx[id]; ok {
		return i
	}
	return -1
}

// PlaceCells returns the cells (row-major indices) of a place as the engine
// uses them — where navigation toward it aims, where spawns fall back to:
// the walkable cells whose centres lie inside it (a circle's edge
// included), in index order, or, for a place with none (drawn over a
// building), the walkable cell nearest its centre. Nil for an unknown ID.
// The slice is a copy. Tools that reason about places (drill check) use
// this rather than a rule of their own, so they cannot drift from it.
func (w *World) PlaceCells(id string) []int {
	i, ok := w.placeIdx[id]
	if !ok {
		return nil
	}
	return append([]int(nil), w.places[i].cells...)
}

// PlaceAt returns the IDs of the places containing (x, y), in scenario order.
func (w *World) PlaceAt(x, y float64) []string {
	var ids []string
	for i := range w.places {
		if w.places[i].contains(x, y) {
			ids = append(ids, w.places[i].spec.ID)
		}
	}
	return ids
}

func (w *World) inKind(x, y float64, kind string) bool {
	for i := range w.places {
		if w.places[i].spec.Kind == kind && w.places[i].contains(x, y) {
			return true
		}
	}
	return false
}

// object is an ObjectSpec with its state.
type object struct {
	spec *ObjectSpec
	x, y float64
	left int  // remaining count when spec.Count > 0
	used bool // switched off, picked up …
}

// ObjectState reports an object's position and whether it has been used.
func (w *World) ObjectState(id string) (x, y float64, used, ok bool) {
	i, ok := w.objIdx[id]
	if !ok {
		return 0, 0, false, false
	}
	o := &w.objects[i]
	return o.x, o.y, o.used, true
}
