package main

import (
	"fmt"
	"math"

	"github.com/rescuedrill/rescuedrill/engine/terrain"
	"github.com/rescuedrill/rescuedrill/internal/mapgen/mapmeta"
)

// builder accumulates one map: its three grids, its places and the prose
// the README says about it.
type builder struct {
	meta mapmeta.Meta
	z    []float64
	lu   []terrain.LandUse
	soil []uint8
	// about is the README section's description, in Markdown.
	about string
	// writePNG asks for NAME.elev.png beside the grids.
	writePNG bool
}

func newBuilder(name, titleZH, titleEN string, nx, ny int, cell float64) *builder {
	return &builder{
		meta: mapmeta.Meta{Name: name, TitleZH: titleZH, TitleEN: titleEN, NX: nx, NY: ny, Cell: cell},
		z:    make([]float64, nx*ny),
		lu:   make([]terrain.LandUse, nx*ny),
		soil: make([]uint8, nx*ny),
	}
}

func (b *builder) nx() int         { return b.meta.NX }
func (b *builder) ny() int         { return b.meta.NY }
func (b *builder) cell() float64   { return b.meta.Cell }
func (b *builder) width() float64  { return float64(b.meta.NX) * b.meta.Cell }
func (b *builder) height() float64 { return float64(b.meta.NY) * b.meta.Cell }

// centre returns the world position of cell i's centre.
func (b *builder) centre(i int) (x, y float64) {
	c, r := i%b.nx(), i/b.nx()
	return (float64(c) + 0.5) * b.cell(), (float64(r) + 0.5) * b.cell()
}

// each calls f for every cell with its centre.
func (b *builder) each(f func(i int, x, y float64)) {
	for i := range b.z {
		x, y := b.centre(i)
		f(i, x, y)
	}
}

// inRect calls f for every cell whose centre lies in [x0,x1]×[y0,y1]: the
// same cells terrain.Grid.PlaceCells gives for a rectangle place, so a
// feature stamped with a place's rectangle is exactly that place's cells.
func (b *builder) inRect(x0, y0, x1, y1 float64, f func(i int, x, y float64)) {
	c0 := max(0, int(math.Ceil(x0/b.cell()-0.5)))
	c1 := min(b.nx()-1, int(math.Floor(x1/b.cell()-0.5)))
	r0 := max(0, int(math.Ceil(y0/b.cell()-0.5)))
	r1 := min(b.ny()-1, int(math.Floor(y1/b.cell()-0.5)))
	for r := r0; r <= r1; r++ {
		for c := c0; c <= c1; c++ {
			i := r*b.nx() + c
			x, y := b.centre(i)
			f(i, x, y)
		}
	}
}

// setLU sets the land use of every cell in a rectangle.
func (b *builder) setLU(x0, y0, x1, y1 float64, lu terrain.LandUse) {
	b.inRect(x0, y0, x1, y1, func(i int, _, _ float64) { b.lu[i] = lu })
}

// place adds a rectangle place and returns it for stamping.
func (b *builder) place(id string, kind terrain.PlaceKind, zh, en string, x0, y0, x1, y1 float64) terrain.Rect {
	r := terrain.Rect{X0: x0, Y0: y0, X1: x1, Y1: y1}
	b.meta.Places = append(b.meta.Places, terrain.Place{ID: id, Kind: kind, NameZH: zh, NameEN: en, Rect: &r})
	return r
}

// grid returns the elevation as a terrain grid, rounded to the centimetre
// the .asc file keeps, so that checks here see what a reader will see.
func (b *builder) grid() *terrain.Grid {
	g := terrain.NewGrid(b.nx(), b.ny(), b.cell())
	for i, v := range b.z {
		g.V[i] = math.Round(v*100) / 100
	}
	return g
}

// edgeNamer names a run of water cells found on a side of the grid.
type edgeNamer func(side terrain.Side, from, to int) (id, zh, en string)

// findEdges records every run of Water cells along the four edges, so the
// boundary list in the README is read off the grid rather than typed.
func (b *builder) findEdges(name edgeNamer) {
	sides := []struct {
		side terrain.Side
		n    int
		at   func(k int) int
	}{
		{terrain.North, b.nx(), func(k int) int { return k }},
		{terrain.East, b.ny(), func(k int) int { return k*b.nx() + b.nx() - 1 }},
		{terrain.South, b.nx(), func(k int) int { return (b.ny()-1)*b.nx() + k }},
		{terrain.West, b.ny(), func(k int) int { return k * b.nx() }},
	}
	for _, s := range sides {
		for k := 0; k < s.n; {
			if b.lu[s.at(k)] != terrain.Water {
				k++
				continue
			}
			from := k
			for k < s.n && b.lu[s.at(k)] == terrain.Water {
				k++
			}
			id, zh, en := name(s.side, from, k-1)
			b.meta.Edges = append(b.meta.Edges, terrain.EdgeSegment{ID: id, Side: s.side, From: from, To: k - 1, NameZH: zh, NameEN: en})
		}
	}
}

// check fails if a place's rectangle holds no cell centre, so every place
// in the README is a real area of the grid.
func (b *builder) check() error {
	for _, p := range b.meta.Places {
		n := 0
		b.inRect(p.Rect.X0, p.Rect.Y0, p.Rect.X1, p.Rect.Y1, func(int, float64, float64) { n++ })
		if n == 0 {
			return fmt.Errorf("%s: place %s covers no cell centre", b.meta.Name, p.ID)
		}
	}
	return nil
}

// Shaping helpers. mapgen's output is committed, so it may use package
// math freely; the engine never runs this code.

func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }

// smoothstep rises from 0 at e0 to 1 at e1 with zero slope at both ends;
// e0 > e1 gives the falling version.
func smoothstep(e0, e1, v float64) float64 {
	t := clamp01((v - e0) / (e1 - e0))
	return t * t * (3 - 2*t)
}

func lerp(a, b, t float64) float64 { return a + (b-a)*t }

// segDist is the distance from p to the segment a–b.
func segDist(px, py, ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := clamp01(((px-ax)*dx + (py-ay)*dy) / (dx*dx + dy*dy))
	return math.Hypot(px-(ax+t*dx), py-(ay+t*dy))
}

// polyDist is the distance from p to a polyline.
func polyDist(px, py float64, pts [][2]float64) float64 {
	d := math.Inf(1)
	for k := 0; k+1 < len(pts); k++ {
		d = math.Min(d, segDist(px, py, pts[k][0], pts[k][1], pts[k+1][0], pts[k+1][1]))
	}
	return d
}

// Noise: value noise on an integer lattice hashed with SplitMix64, so the
// maps depend on nothing but this file.

func hash2(ix, iy int64, seed uint64) float64 {
	z := uint64(ix)*0x9e3779b97f4a7c15 ^ uint64(iy)*0xc2b2ae3d27d4eb4f ^ seed*0x165667b19e3779f9
	z ^= z >> 30
	z *= 0xbf58476d1ce4e5b9
	z ^= z >> 27
	z *= 0x94d049bb133111eb
	z ^= z >> 31
	return float64(z>>11) / (1 << 53)
}

// valueNoise is smooth noise in [-1, 1] with features about one unit apart.
func valueNoise(x, y float64, seed uint64) float64 {
	fx, fy := math.Floor(x), math.Floor(y)
	ix, iy := int64(fx), int64(fy)
	tx, ty := x-fx, y-fy
	tx, ty = tx*tx*(3-2*tx), ty*ty*(3-2*ty)
	v00, v10 := hash2(ix, iy, seed), hash2(ix+1, iy, seed)
	v01, v11 := hash2(ix, iy+1, seed), hash2(ix+1, iy+1, seed)
	return 2*lerp(lerp(v00, v10, tx), lerp(v01, v11, tx), ty) - 1
}

// fbm sums octaves of value noise at wavelength scale metres and halves
// the amplitude per octave; the result stays within [-1, 1].
func fbm(x, y, scale float64, octaves int, seed uint64) float64 {
	sum, amp, norm := 0.0, 1.0, 0.0
	for o := 0; o < octaves; o++ {
		sum += amp * valueNoise(x/scale, y/scale, seed+uint64(o)*7919)
		norm += amp
		amp /= 2
		scale /= 2
	}
	return sum / norm
}
