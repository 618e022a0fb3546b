package terrain

import (
	"math"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// planeGrid returns a grid sampling z = z0 + a·x + b·y at cell centres.
func planeGrid(nx, ny int, cell, z0, a, b float64) *Grid {
	g := NewGrid(nx, ny, cell)
	for r := 0; r < ny; r++ {
		for c := 0; c < nx; c++ {
			x, y := g.Centre(c, r)
			g.V[g.Index(c, r)] = z0 + a*x + b*y
		}
	}
	return g
}

func TestIndexAndCellOf(t *testing.T) {
	t.Parallel()
	g := NewGrid(4, 3, 10)
	tests := []struct {
		x, y   float64
		c, r   int
		ok     bool
		reason string
	}{
		{0, 0, 0, 0, true, "north-west corner"},
		{5, 5, 0, 0, true, "first centre"},
		{10, 0, 1, 0, true, "shared edge goes east"},
		{39.999, 29.999, 3, 2, true, "just inside south-east"},
		{40, 5, 0, 0, false, "east edge is outside"},
		{5, 30, 0, 0, false, "south edge is outside"},
		{-0.001, 5, 0, 0, false, "west of grid"},
		{5, -1, 0, 0, false, "north of grid"},
		{math.NaN(), 5, 0, 0, false, "NaN"},
		{math.Inf(1), 5, 0, 0, false, "Inf"},
		{1e300, 1e300, 0, 0, false, "huge"},
	}
	for _, tt := range tests {
		c, r, ok := g.CellOf(tt.x, tt.y)
		if ok != tt.ok || (ok && (c != tt.c || r != tt.r)) {
			t.Errorf("%s: CellOf(%v, %v) = (%d, %d, %v), want (%d, %d, %v)", tt.reason, tt.x, tt.y, c, r, ok, tt.c, tt.r, tt.ok)
		}
	}
	if got := g.Index(3, 2); got != 11 {
		t.Errorf("Index(3, 2) = %d, want 11", got)
	}
	if x, y := g.Centre(1, 2); x != 15 || y != 25 {
		t.Errorf("Centre(1, 2) = (%v, %v), want (15, 25)", x, y)
	}
	if !g.In(3, 2) || g.In(4, 0) || g.In(0, -1) {
		t.Error("In disagrees with the grid's extent")
	}
}

func TestSampleBilinear(t *testing.T) {
	t.Parallel()
	// On a plane bilinear interpolation is exact between centres, and the
	// edge value is held outside them.
	g := planeGrid(5, 4, 2, 100, 0.5, -0.25)
	plane := func(x, y float64) float64 { return 100 + 0.5*x - 0.25*y }
	tests := []struct {
		name       string
		x, y, want float64
	}{
		{"cell centre", 3, 5, plane(3, 5)},
		{"between centres", 4, 4, plane(4, 4)},
		{"arbitrary inside", 6.3, 2.7, plane(6.3, 2.7)},
		{"last centre", 9, 7, plane(9, 7)},
		{"west of first centre holds", 0, 5, plane(1, 5)},
		{"outside grid clamps", -50, 100, plane(1, 7)},
	}
	for _, tt := range tests {
		if got := g.Sample(tt.x, tt.y); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: Sample(%v, %v) = %v, want %v", tt.name, tt.x, tt.y, got, tt.want)
		}
	}

	// A 2×2 grid with a saddle: the centre is the mean of the four.
	s := NewGrid(2, 2, 1)
	copy(s.V, []float64{0, 10, 20, 50})
	if got := s.Sample(1, 1); got != 20 {
		t.Errorf("saddle centre = %v, want 20", got)
	}
	if got := s.Sample(0.75, 0.5); got != 2.5 {
		t.Errorf("quarter along top = %v, want 2.5", got)
	}
}

func TestSampleNoData(t *testing.T) {
	t.Parallel()
	g := NewGrid(2, 2, 1)
	copy(g.V, []float64{1, g.NoData, 3, 4})
	tests := []struct {
		x, y, want float64
	}{
		{0.6, 0.6, 1},        // nearest is the (0,0) cell
		{1.4, 0.6, g.NoData}, // nearest is the NODATA cell itself
		{0.6, 1.4, 3},        // nearest is (0,1)
		{math.NaN(), 1, g.NoData},
	}
	for _, tt := range tests {
		if got := g.Sample(tt.x, tt.y); got != tt.want {
			t.Errorf("Sample(%v, %v) = %v, want %v", tt.x, tt.y, got, tt.want)
		}
	}
}

func TestSlopeOnPlane(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		a, b   float64 // dz/dx, dz/dy
		degree float64
	}{
		{"flat", 0, 0, 0},
		{"30° rising east", math.Tan(30 * math.Pi / 180), 0, 30},
		{"35° falling south", 0, -math.Tan(35 * math.Pi / 180), 35},
		{"45° diagonal", math.Sqrt(0.5), math.Sqrt(0.5), 45},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := planeGrid(6, 5, 4, 200, tt.a, tt.b)
			for i := range g.V {
				// Interior, edge and corner cells alike: one-sided differences
				// are exact on a plane too.
				dx, dy := g.Gradient(i)
				if math.Abs(dx-tt.a) > 1e-9 || math.Abs(dy-tt.b) > 1e-9 {
					t.Fatalf("cell %d: gradient (%v, %v), want (%v, %v)", i, dx, dy, tt.a, tt.b)
				}
				if got, want := g.Slope(i), math.Hypot(tt.a, tt.b); math.Abs(got-want) > 1e-9 {
					t.Fatalf("cell %d: tanβ %v, want %v", i, got, want)
				}
				if got := g.SlopeDegrees(i); math.Abs(got-tt.degree) > 1e-6 {
					t.Fatalf("cell %d: %v°, want %v°", i, got, tt.degree)
				}
			}
		})
	}
}

func TestGradientNoData(t *testing.T) {
	t.Parallel()
	g := NewGrid(3, 1, 1)
	copy(g.V, []float64{g.NoData, 5, 7})
	if dx, dy := g.Gradient(1); dx != 2 || dy != 0 {
		t.Errorf("beside NODATA: (%v, %v), want one-sided (2, 0)", dx, dy)
	}
	if dx, dy := g.Gradient(0); dx != 0 || dy != 0 {
		t.Errorf("NODATA cell: (%v, %v), want (0, 0)", dx, dy)
	}
	one := NewGrid(1, 1, 1)
	if s := one.Slope(0); s != 0 {
		t.Errorf("single cell slope %v, want 0", s)
	}
}

func TestGridHashCoversValuesAndShape(t *testing.T) {
	t.Parallel()
	base := planeGrid(3, 2, 1, 0, 1, 1)
	sum := func(g *Grid) uint64 {
		h := statehash.New()
		g.HashInto(h)
		return h.Sum()
	}
	ref := sum(base)
	if sum(base.Clone()) != ref {
		t.Fatal("clone hashes differently")
	}
	edits := []struct {
		name string
		edit func(g *Grid)
	}{
		{"value", func(g *Grid) { g.V[4] += 1e-12 }},
		{"cell", func(g *Grid) { g.Cell = 2 }},
		{"xll", func(g *Grid) { g.XLL = 1 }},
		{"nodata", func(g *Grid) { g.NoData = -1 }},
		{"shape", func(g *Grid) { g.NX, g.NY = 2, 3 }},
	}
	for _, e := range edits {
		g := base.Clone()
		e.edit(g)
		if sum(g) == ref {
			t.Errorf("changing %s did not change the hash", e.name)
		}
	}
}
