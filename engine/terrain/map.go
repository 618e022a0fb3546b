package terrain

import (
	"fmt"
	"math"

	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// Map is the whole static ground of a drill. LandUse and Soil are indexed
// like Elev.V. A nil LandUse means all Open and a nil Soil all bedrock, so
// a test can build a Map from an elevation grid alone; use LandUseAt and
// SoilAt rather than indexing the slices directly.
type Map struct {
	Elev    *Grid
	LandUse []LandUse
	Soil    []uint8
	Places  []Place
}

// NewMap assembles a Map from the three grids of a map directory (land use
// and soil may be nil) and checks it. The grids must have the same shape
// and georeference, since they were cut from one survey.
func NewMap(elev, landUse, soil *Grid, places []Place) (*Map, error) {
	if elev == nil {
		return nil, fmt.Errorf("map: no elevation grid")
	}
	m := &Map{Elev: elev, Places: places}
	same := func(g *Grid) bool { return g.SameShape(elev) && g.XLL == elev.XLL && g.YLL == elev.YLL }
	if landUse != nil {
		if !same(landUse) {
			return nil, fmt.Errorf("map: land use grid %d×%d@%v does not match elevation %d×%d@%v",
				landUse.NX, landUse.NY, landUse.Cell, elev.NX, elev.NY, elev.Cell)
		}
		lu, err := LandUseFromGrid(landUse)
		if err != nil {
			return nil, fmt.Errorf("map: %w", err)
		}
		m.LandUse = lu
	}
	if soil != nil {
		if !same(soil) {
			return nil, fmt.Errorf("map: soil grid %d×%d@%v does not match elevation %d×%d@%v",
				soil.NX, soil.NY, soil.Cell, elev.NX, elev.NY, elev.Cell)
		}
		s, err := SoilFromGrid(soil)
		if err != nil {
			return nil, fmt.Errorf("map: %w", err)
		}
		m.Soil = s
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// Validate checks that the grids agree in size, that land-use codes are
// defined, that elevations are finite, and that places are well formed,
// uniquely named and centred on the grid. The engine calls it once at load
// so models may index without checks afterwards.
func (m *Map) Validate() error {
	g := m.Elev
	if g == nil {
		return fmt.Errorf("map: no elevation grid")
	}
	if g.NX < 1 || g.NY < 1 || !(g.Cell > 0) {
		return fmt.Errorf("map: elevation grid %d×%d with cell %v", g.NX, g.NY, g.Cell)
	}
	n := g.NX * g.NY
	if len(g.V) != n {
		return fmt.Errorf("map: elevation grid is %d×%d but holds %d values", g.NX, g.NY, len(g.V))
	}
	if m.LandUse != nil && len(m.LandUse) != n {
		return fmt.Errorf("map: land use has %d cells, elevation %d", len(m.LandUse), n)
	}
	if m.Soil != nil && len(m.Soil) != n {
		return fmt.Errorf("map: soil has %d cells, elevation %d", len(m.Soil), n)
	}
	for i, v := range g.V {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("map: cell (c=%d, r=%d) has elevation %v", i%g.NX, i/g.NX, v)
		}
	}
	for i, lu := range m.LandUse {
		if !lu.Valid() {
			return fmt.Errorf("map: cell (c=%d, r=%d) has undefined land use %d", i%g.NX, i/g.NX, lu)
		}
	}
	seen := make(map[string]bool, len(m.Places))
	for _, p := range m.Places {
		if err := p.Check(); err != nil {
			return fmt.Errorf("map: %w", err)
		}
		if seen[p.ID] {
			return fmt.Errorf("map: place id %q used twice", p.ID)
		}
		seen[p.ID] = true
		if _, _, ok := g.CellOf(p.Centre()); !ok {
			x, y := p.Centre()
			return fmt.Errorf("map: place %q is centred at (%g, %g), outside the %g×%g m grid", p.ID, x, y, g.Width(), g.Height())
		}
	}
	return nil
}

// LandUseAt returns the land use of cell i (Open when the map has none).
func (m *Map) LandUseAt(i int) LandUse {
	if m.LandUse == nil {
		return Open
	}
	return m.LandUse[i]
}

// SoilAt returns the soil zone of cell i (bedrock when the map has none).
func (m *Map) SoilAt(i int) uint8 {
	if m.Soil == nil {
		return SoilBedrock
	}
	return m.Soil[i]
}

// Blocked reports whether cell i is closed to people and water.
func (m *Map) Blocked(i int) bool { return Blocked(m.LandUseAt(i)) }

// Place returns the place with the given id.
func (m *Map) Place(id string) (Place, bool) {
	for _, p := range m.Places {
		if p.ID == id {
			return p, true
		}
	}
	return Place{}, false
}

// HashInto folds the elevation grid, land use, soil and places, in that
// order. Land use and soil are packed eight codes to a word: a map's hash is
// taken at every tick's checkpoint and these are the largest arrays.
func (m *Map) HashInto(h *statehash.Hasher) {
	m.Elev.HashInto(h)
	h.Int(len(m.LandUse))
	hashBytes(h, len(m.LandUse), func(i int) uint8 { return uint8(m.LandUse[i]) })
	h.Int(len(m.Soil))
	hashBytes(h, len(m.Soil), func(i int) uint8 { return m.Soil[i] })
	h.Int(len(m.Places))
	for _, p := range m.Places {
		p.HashInto(h)
	}
}

func hashBytes(h *statehash.Hasher, n int, at func(int) uint8) {
	for i := 0; i < n; i += 8 {
		var w uint64
		for j := 0; j < 8 && i+j < n; j++ {
			w |= uint64(at(i+j)) << (8 * j)
		}
		h.U64(w)
	}
}

// Side is an edge of the grid.
type Side string

const (
	North Side = "north"
	South Side = "south"
	East  Side = "east"
	West  Side = "west"
)

// EdgeSegment is a run of cells along one edge of the grid, such as where a
// river crosses it and a water-level boundary applies. From and To are
// inclusive: column numbers on the north and south edges, row numbers on
// the east and west edges.
type EdgeSegment struct {
	ID     string `json:"id"`
	Side   Side   `json:"side"`
	From   int    `json:"from"`
	To     int    `json:"to"`
	NameZH string `json:"name_zh,omitempty"`
	NameEN string `json:"name_en,omitempty"`
}

// Cells returns the segment's cell indices in g, from From to To, or an
// error if the side is unknown or the range leaves the edge.
func (e EdgeSegment) Cells(g *Grid) ([]int, error) {
	var length int
	switch e.Side {
	case North, South:
		length = g.NX
	case East, West:
		length = g.NY
	default:
		return nil, fmt.Errorf("edge %q: unknown side %q", e.ID, e.Side)
	}
	if e.From < 0 || e.To < e.From || e.To >= length {
		return nil, fmt.Errorf("edge %q: cells %d..%d outside 0..%d of the %s edge", e.ID, e.From, e.To, length-1, e.Side)
	}
	out := make([]int, 0, e.To-e.From+1)
	for k := e.From; k <= e.To; k++ {
		switch e.Side {
		case North:
			out = append(out, g.Index(k, 0))
		case South:
			out = append(out, g.Index(k, g.NY-1))
		case West:
			out = append(out, g.Index(0, k))
		case East:
			out = append(out, g.Index(g.NX-1, k))
		}
	}
	return out, nil
}
