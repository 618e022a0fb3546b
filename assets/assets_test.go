package assets

import (
	"math"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

// wantMaps pins each map's size so a generator change that resizes a map
// (and so changes every drill's speed) is a deliberate one.
var wantMaps = []struct {
	name   string
	nx, ny int
	cell   float64
}{
	{"chongqing", 256, 256, 20},
	{"flood-district", 160, 120, 5},
	{"heat-school", 100, 80, 2},
	{"landslide-school", 128, 128, 4},
}

func TestNames(t *testing.T) {
	t.Parallel()
	got := Names()
	if len(got) != len(wantMaps) {
		t.Fatalf("Names() = %v, want %d maps", got, len(wantMaps))
	}
	for i, w := range wantMaps {
		if got[i] != w.name {
			t.Errorf("Names()[%d] = %q, want %q", i, got[i], w.name)
		}
	}
	if _, _, err := Load("atlantis"); err == nil {
		t.Error("Load of a missing map succeeded")
	}
}

// TestEveryMapLoads checks, for every map, what a scenario relies on: the
// grids load and agree, every place lies wholly inside the grid and has
// cells a person can stand on (bar buildings), and every river edge
// segment is a maximal run of water cells.
func TestEveryMapLoads(t *testing.T) {
	t.Parallel()
	for _, w := range wantMaps {
		t.Run(w.name, func(t *testing.T) {
			t.Parallel()
			m, meta, err := Load(w.name)
			if err != nil {
				t.Fatal(err)
			}
			g := m.Elev
			if g.NX != w.nx || g.NY != w.ny || g.Cell != w.cell || meta.NX != w.nx || meta.NY != w.ny || meta.Cell != w.cell {
				t.Fatalf("grid %d×%d@%g, meta %d×%d@%g; want %d×%d@%g", g.NX, g.NY, g.Cell, meta.NX, meta.NY, meta.Cell, w.nx, w.ny, w.cell)
			}
			if len(m.LandUse) != g.NX*g.NY || len(m.Soil) != g.NX*g.NY {
				t.Fatalf("land use %d, soil %d cells, want %d", len(m.LandUse), len(m.Soil), g.NX*g.NY)
			}
			if meta.Name != w.name || meta.TitleZH == "" || meta.TitleEN == "" || len(meta.Places) < 5 {
				t.Errorf("meta: name %q, titles %q/%q, %d places", meta.Name, meta.TitleZH, meta.TitleEN, len(meta.Places))
			}
			for _, p := range m.Places {
				b := p.Bounds()
				if b.X0 < 0 || b.Y0 < 0 || b.X1 > g.Width() || b.Y1 > g.Height() {
					t.Errorf("place %s: %v leaves the %g×%g m grid", p.ID, b, g.Width(), g.Height())
				}
				if p.NameZH == "" || p.NameEN == "" {
					t.Errorf("place %s: missing a name", p.ID)
				}
				cells := g.PlaceCells(p)
				walk := 0
				for _, i := range cells {
					if !m.Blocked(i) {
						walk++
					}
				}
				if p.Kind != terrain.KindBuilding && walk == 0 {
					t.Errorf("place %s (%s): no walkable cell among %d", p.ID, p.Kind, len(cells))
				}
			}
			for _, e := range meta.Edges {
				cells, err := e.Cells(g)
				if err != nil {
					t.Fatal(err)
				}
				for _, i := range cells {
					if m.LandUse[i] != terrain.Water || g.V[i] >= meta.NormalWater {
						t.Errorf("edge %s: cell %d is %v at %.2f m, want water below %.1f m", e.ID, i, m.LandUse[i], g.V[i], meta.NormalWater)
					}
				}
				// Maximal: the cells just beyond each end are not water.
				all, _ := terrain.EdgeSegment{Side: e.Side, From: 0, To: edgeLen(g, e.Side) - 1}.Cells(g)
				if e.From > 0 && m.LandUse[all[e.From-1]] == terrain.Water {
					t.Errorf("edge %s: water continues before cell %d", e.ID, e.From)
				}
				if e.To < len(all)-1 && m.LandUse[all[e.To+1]] == terrain.Water {
					t.Errorf("edge %s: water continues after cell %d", e.ID, e.To)
				}
			}
		})
	}
}

func edgeLen(g *terrain.Grid, s terrain.Side) int {
	if s == terrain.North || s == terrain.South {
		return g.NX
	}
	return g.NY
}

// TestChongqingPNGMatchesASC checks the PNG heightmap against the .asc:
// both hold the same centimetre heights.
func TestChongqingPNGMatchesASC(t *testing.T) {
	t.Parallel()
	m, meta, err := Load("chongqing")
	if err != nil {
		t.Fatal(err)
	}
	if meta.PNG == nil {
		t.Fatal("chongqing has no PNG in its meta")
	}
	f, err := Maps.Open("maps/" + meta.PNG.File)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := terrain.ReadPNG16(f, meta.Cell, meta.PNG.ZMin, meta.PNG.ZMax)
	if err != nil {
		t.Fatal(err)
	}
	if !g.SameShape(m.Elev) {
		t.Fatalf("PNG grid %d×%d@%g, asc %d×%d@%g", g.NX, g.NY, g.Cell, m.Elev.NX, m.Elev.NY, m.Elev.Cell)
	}
	for i, v := range m.Elev.V {
		if math.Abs(g.V[i]-v) > 1e-6 {
			t.Fatalf("cell %d: PNG %.4f, asc %.2f", i, g.V[i], v)
		}
	}
}
