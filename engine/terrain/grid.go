// Package terrain holds the static ground of a drill: an elevation grid, land
// use and soil zones on the same grid, and named places.
//
// Grids follow the engine convention (docs/architecture.md): row-major,
// i = r*NX + c, row 0 is the north edge, world x grows east from the west
// edge and world y grows south from the north edge, both in metres, and the
// centre of cell (c, r) is ((c+0.5)·Cell, (r+0.5)·Cell). XLL and YLL are the
// file's georeference and are kept only so that a grid can be written back;
// no engine computation uses them.
//
// The package opens no files: readers take an io.Reader and writers an
// io.Writer, so that the engine stays free of I/O and tests can feed bytes.
package terrain

import (
	"math"

	"github.com/rescuedrill/rescuedrill/engine/dmath"
	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// DefaultNoData is the ESRI default NODATA value, used when a file names none.
const DefaultNoData = -9999.0

// MaxCells bounds the size of a grid a reader accepts. Drills run on grids
// of at most a few hundred thousand cells; the bound keeps a corrupt header
// from asking for gigabytes.
const MaxCells = 1 << 24

// Grid is a square-celled raster. V holds NX*NY values, row 0 north.
type Grid struct {
	NX, NY int
	// Cell is the cell size in metres.
	Cell float64
	// XLL, YLL are the lower-left (south-west) corner of the grid in the
	// file's coordinate system; informational only.
	XLL, YLL float64
	// NoData marks cells without a value.
	NoData float64
	V      []float64
}

// NewGrid returns an nx×ny grid of zeros with the default NODATA value.
func NewGrid(nx, ny int, cell float64) *Grid {
	return &Grid{NX: nx, NY: ny, Cell: cell, NoData: DefaultNoData, V: make([]float64, nx*ny)}
}

// Clone returns a deep copy.
func (g *Grid) Clone() *Grid {
	c := *g
	c.V = append([]float64(nil), g.V...)
	return &c
}

// SameShape reports whether h has g's size and cell size, so that the two
// can be read cell by cell together.
func (g *Grid) SameShape(h *Grid) bool {
	return g.NX == h.NX && g.NY == h.NY && g.Cell == h.Cell
}

// Index returns the flat index of cell (c, r). It does not check bounds:
// callers that may step off the grid use In first.
func (g *Grid) Index(c, r int) int { return r*g.NX + c }

// In reports whether (c, r) is a cell of the grid.
func (g *Grid) In(c, r int) bool { return c >= 0 && c < g.NX && r >= 0 && r < g.NY }

// At returns the value of cell (c, r).
func (g *Grid) At(c, r int) float64 { return g.V[r*g.NX+c] }

// IsNoData reports whether v is the grid's NODATA value.
func (g *Grid) IsNoData(v float64) bool { return v == g.NoData }

// Width and Height are the grid's extent in metres.
func (g *Grid) Width() float64  { return float64(g.NX) * g.Cell }
func (g *Grid) Height() float64 { return float64(g.NY) * g.Cell }

// Centre returns the world coordinates of the centre of cell (c, r).
func (g *Grid) Centre(c, r int) (x, y float64) {
	return (float64(c) + 0.5) * g.Cell, (float64(r) + 0.5) * g.Cell
}

// CellOf returns the cell holding world point (x, y). A point on a shared
// edge belongs to the cell east or south of it; the east and south edges of
// the grid itself are outside, so every inside point has exactly one cell.
func (g *Grid) CellOf(x, y float64) (c, r int, ok bool) {
	fx, fy := x/g.Cell, y/g.Cell
	// The comparisons are false for NaN, so NaN is outside too; checking
	// before the int conversion also avoids its undefined overflow.
	if !(fx >= 0 && fx < float64(g.NX) && fy >= 0 && fy < float64(g.NY)) {
		return 0, 0, false
	}
	c, r = int(fx), int(fy)
	// x/Cell can round up to NX for x just below the east edge.
	if c >= g.NX || r >= g.NY {
		return 0, 0, false
	}
	return c, r, true
}

// Sample interpolates the grid bilinearly between cell centres at world
// point (x, y). Outside the ring of cell centres the edge values are held
// (no extrapolation). If any of the four cells is NODATA the nearest cell's
// value is returned instead, so NODATA never bleeds into a blend; a NaN
// coordinate gives NoData.
//
// The arithmetic is fixed to float64 products (no FMA) so the result has the
// same bits on every architecture.
func (g *Grid) Sample(x, y float64) float64 {
	if math.IsNaN(x) || math.IsNaN(y) || len(g.V) == 0 {
		return g.NoData
	}
	fx := clamp(x/g.Cell-0.5, 0, float64(g.NX-1))
	fy := clamp(y/g.Cell-0.5, 0, float64(g.NY-1))
	c0, r0 := int(fx), int(fy)
	c1, r1 := min(c0+1, g.NX-1), min(r0+1, g.NY-1)
	tx, ty := fx-float64(c0), fy-float64(r0)
	v00, v10 := g.At(c0, r0), g.At(c1, r0)
	v01, v11 := g.At(c0, r1), g.At(c1, r1)
	if v00 == g.NoData || v10 == g.NoData || v01 == g.NoData || v11 == g.NoData {
		c, r := c0, r0
		if tx >= 0.5 {
			c = c1
		}
		if ty >= 0.5 {
			r = r1
		}
		return g.At(c, r)
	}
	top := v00 + float64(tx*(v10-v00))
	bot := v01 + float64(tx*(v11-v01))
	return top + float64(ty*(bot-top))
}

func clamp(v, lo, hi float64) float64 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// Gradient returns the surface gradient at cell i by central differences
// (one-sided at the grid edge or beside a NODATA cell). dzdx is the rise per
// metre eastward; dzdy is the rise per metre in +y, which is SOUTHWARD, so a
// slope falling to the south has dzdy < 0. A NODATA cell, or one with no
// valid neighbour on an axis, has zero gradient on that axis.
func (g *Grid) Gradient(i int) (dzdx, dzdy float64) {
	c, r := i%g.NX, i/g.NX
	z := g.V[i]
	if z == g.NoData {
		return 0, 0
	}
	dzdx = g.diff(z, c, r, 1, 0)
	dzdy = g.diff(z, c, r, 0, 1)
	return dzdx, dzdy
}

// diff is the derivative along (dc, dr) at (c, r), whose value is z.
func (g *Grid) diff(z float64, c, r, dc, dr int) float64 {
	lo, hi := z, z
	span := 0.0
	if c-dc >= 0 && r-dr >= 0 {
		if v := g.At(c-dc, r-dr); v != g.NoData {
			lo = v
			span += g.Cell
		}
	}
	if c+dc < g.NX && r+dr < g.NY {
		if v := g.At(c+dc, r+dr); v != g.NoData {
			hi = v
			span += g.Cell
		}
	}
	if span == 0 {
		return 0
	}
	return (hi - lo) / span
}

// Slope returns the steepest-descent slope at cell i as tanβ (rise over run,
// dimensionless), not an angle. tanβ is what the infinite-slope and
// friction-slope formulas want, and sinβ = tanβ/√(1+tan²β) and
// cosβ = 1/√(1+tan²β) follow from it with exact square roots alone, so no
// transcendental enters the state. Use SlopeDegrees for display.
func (g *Grid) Slope(i int) float64 {
	dx, dy := g.Gradient(i)
	return math.Sqrt(float64(dx*dx) + float64(dy*dy))
}

// SlopeDegrees returns the slope at cell i in degrees, for reports and tests.
func (g *Grid) SlopeDegrees(i int) float64 {
	return dmath.Atan(g.Slope(i)) * (180 / math.Pi)
}

// HashInto folds the grid's shape, georeference and values.
func (g *Grid) HashInto(h *statehash.Hasher) {
	h.Int(g.NX)
	h.Int(g.NY)
	h.F64(g.Cell)
	h.F64(g.XLL)
	h.F64(g.YLL)
	h.F64(g.NoData)
	h.F64s(g.V)
}
