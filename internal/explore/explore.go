// Package explore is the flood explorer: "enter an address and see the
// flood at different water levels". It runs the engine's flood model
// (engine/flood) on a map with the river held at a chosen level and a
// chosen rain for some hours, and reports the inundated area and the
// depth at a place; on the same map it runs the landslide model
// (engine/landslide) under that rain and maps the factor of safety. It
// serves `drill explore` on the command line and, through Handler, as a
// web page with a map, a place picker and sliders.
package explore

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rescuedrill/rescuedrill/assets"
	"github.com/rescuedrill/rescuedrill/engine/flood"
	"github.com/rescuedrill/rescuedrill/engine/landslide"
	"github.com/rescuedrill/rescuedrill/engine/terrain"
	"github.com/rescuedrill/rescuedrill/scenarios"
)

// Map is a map ready to explore: terrain, named places, the edge runs
// where the river stands, and the soils for the slope model.
type Map struct {
	Name    string
	Terrain *terrain.Map
	Places  []terrain.Place
	// Edges are where the river level applies (water-level boundaries).
	Edges []terrain.EdgeSegment
	// NormalLevel is the river's usual level (m), the explorer's default.
	NormalLevel float64
	// Soils describes each soil zone (index = zone; zone 0 is bedrock).
	Soils []landslide.Soil
	// InitialSat is each zone's saturation before the rain (0–1).
	InitialSat []float64
}

// Open reads a built-in map by name (flood-district), a scenario file
// (its map, places, river boundaries and soils), or an ESRI ASCII
// elevation grid (NAME.asc, with NAME.landuse.asc and NAME.soil.asc
// beside it used when present; for NAME.elev.asc the siblings are
// NAME.landuse.asc and NAME.soil.asc).
func Open(arg string) (*Map, error) {
	switch {
	case slices.Contains(assets.Names(), arg):
		tm, meta, err := assets.Load(arg)
		if err != nil {
			return nil, err
		}
		m := &Map{Name: arg, Terrain: tm, Places: meta.Places, Edges: meta.Edges, NormalLevel: meta.NormalWater}
		return m.finish(), nil
	case strings.HasSuffix(arg, ".yaml") || strings.HasSuffix(arg, ".yml"):
		return openScenario(arg)
	case strings.HasSuffix(arg, ".asc"):
		return openGrid(arg)
	}
	return nil, fmt.Errorf("%q is not a built-in map (%s), a scenario (.yaml) or an elevation grid (.asc)",
		arg, strings.Join(assets.Names(), ", "))
}

func openScenario(file string) (*Map, error) {
	ld, err := scenarios.LoadFile(file)
	if err != nil {
		return nil, err
	}
	sc := ld.Scenario
	m := &Map{Name: filepath.Base(file), Terrain: ld.Map, Places: ld.Map.Places}
	if f := sc.Flood; f != nil {
		m.NormalLevel = f.InitialLevel
		for _, b := range f.Boundaries {
			if b.Kind == "level" {
				m.Edges = append(m.Edges, terrain.EdgeSegment{ID: b.Edge, Side: terrain.Side(b.Edge), From: b.From, To: b.To})
				if m.NormalLevel == 0 && len(b.Series) > 0 {
					m.NormalLevel = b.Series[0].Value
				}
			}
		}
	}
	if l := sc.Landslide; l != nil {
		for _, s := range l.Soils {
			m.setSoil(s.Zone, landslide.Soil{Cohesion: s.CohesionKPa, FrictionDeg: s.FrictionDeg, UnitWeight: s.UnitWeight,
				Depth: s.DepthM, Ks: s.KsMMPerH / 3.6e6, Porosity: 0.25, SuctionHead: 0.1}, s.InitialSatPct/100)
		}
	}
	return m.finish(), nil
}

func openGrid(file string) (*Map, error) {
	read := func(p string, required bool) (*terrain.Grid, error) {
		f, err := os.Open(p)
		if err != nil {
			if !required && errors.Is(err, os.ErrNotExist) {
				return nil, nil
			}
			return nil, err
		}
		defer f.Close()
		g, err := terrain.ReadASC(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		return g, nil
	}
	elev, err := read(file, true)
	if err != nil {
		return nil, err
	}
	stem := strings.TrimSuffix(strings.TrimSuffix(file, ".asc"), ".elev")
	lu, err := read(stem+".landuse.asc", false)
	if err != nil {
		return nil, err
	}
	soil, err := read(stem+".soil.asc", false)
	if err != nil {
		return nil, err
	}
	tm, err := terrain.NewMap(elev, lu, soil, nil)
	if err != nil {
		return nil, err
	}
	return (&Map{Name: filepath.Base(file), Terrain: tm}).finish(), nil
}

// defaultSoils are the soils assumed for zones a scenario does not
// describe: the built-in landslide drill's colluvium and residual soil,
// and typical fill and alluvium. They make a heat map possible on any map
// with a soil grid; a scenario's own soils replace them.
var defaultSoils = map[int]landslide.Soil{
	1: {Cohesion: 12, FrictionDeg: 31, UnitWeight: 19, Depth: 2.5, Ks: 36 / 3.6e6, Porosity: 0.25, SuctionHead: 0.1},
	2: {Cohesion: 12, FrictionDeg: 35, UnitWeight: 19, Depth: 1.5, Ks: 10 / 3.6e6, Porosity: 0.25, SuctionHead: 0.1},
	3: {Cohesion: 5, FrictionDeg: 28, UnitWeight: 18, Depth: 2, Ks: 20 / 3.6e6, Porosity: 0.25, SuctionHead: 0.1},
	4: {Cohesion: 2, FrictionDeg: 30, UnitWeight: 19, Depth: 2, Ks: 50 / 3.6e6, Porosity: 0.25, SuctionHead: 0.1},
}

func (m *Map) setSoil(zone int, s landslide.Soil, sat float64) {
	for len(m.Soils) <= zone {
		m.Soils = append(m.Soils, landslide.Soil{})
		m.InitialSat = append(m.InitialSat, 0)
	}
	m.Soils[zone], m.InitialSat[zone] = s, sat
}

// finish fills in what the source did not give: soils for every zone the
// soil grid uses, the river edges (the runs of water cells on the map's
// edge, or the run around the lowest edge cell) and a normal level.
func (m *Map) finish() *Map {
	tm := m.Terrain
	if tm.Soil != nil {
		for _, z := range tm.Soil {
			if z == terrain.SoilBedrock || (int(z) < len(m.Soils) && m.Soils[z].UnitWeight > 0) {
				continue
			}
			s, ok := defaultSoils[int(z)]
			if !ok {
				s = defaultSoils[1]
			}
			m.setSoil(int(z), s, 0.3)
		}
	}
	if len(m.Edges) == 0 {
		m.Edges = waterEdges(tm)
	}
	if m.NormalLevel == 0 {
		lo := math.Inf(1)
		for _, e := range m.Edges {
			cells, _ := e.Cells(tm.Elev)
			for _, i := range cells {
				lo = math.Min(lo, tm.Elev.V[i])
			}
		}
		m.NormalLevel = math.Round(lo*10)/10 + 0.5
	}
	return m
}

// waterEdges finds the runs of water cells (land use 2) on each edge; on a
// map without any, the run of cells within a metre of the lowest edge
// cell, on its edge.
func waterEdges(tm *terrain.Map) []terrain.EdgeSegment {
	g := tm.Elev
	sides := []struct {
		s  terrain.Side
		n  int
		at func(k int) int
	}{
		{terrain.North, g.NX, func(k int) int { return g.Index(k, 0) }},
		{terrain.South, g.NX, func(k int) int { return g.Index(k, g.NY-1) }},
		{terrain.West, g.NY, func(k int) int { return g.Index(0, k) }},
		{terrain.East, g.NY, func(k int) int { return g.Index(g.NX-1, k) }},
	}
	runs := func(ok func(i int) bool) []terrain.EdgeSegment {
		var out []terrain.EdgeSegment
		for _, sd := range sides {
			for k := 0; k < sd.n; {
				if !ok(sd.at(k)) {
					k++
					continue
				}
				from := k
				for k < sd.n && ok(sd.at(k)) {
					k++
				}
				out = append(out, terrain.EdgeSegment{ID: fmt.Sprintf("%s-%d", sd.s, from), Side: sd.s, From: from, To: k - 1})
			}
		}
		return out
	}
	if tm.LandUse != nil {
		if out := runs(func(i int) bool { return tm.LandUse[i] == terrain.Water }); len(out) > 0 {
			return out
		}
	}
	lo := math.Inf(1)
	for _, sd := range sides {
		for k := 0; k < sd.n; k++ {
			if i := sd.at(k); !tm.Blocked(i) {
				lo = math.Min(lo, g.V[i])
			}
		}
	}
	return runs(func(i int) bool { return !tm.Blocked(i) && g.V[i] <= lo+1 })
}

// Params choose one flood: the river held at Level (m, the map's datum)
// on its edges, Rain (mm/h) on every open cell, for Hours.
type Params struct {
	Level float64
	Rain  float64
	Hours float64
}

// Result is one explored flood and the slope stability under its rain.
type Result struct {
	Params
	Depth []float64 // m per cell after Hours
	FS    []float64 // factor of safety per cell (landslide.FSMax where nothing can slide)
	Cell  float64
	// FloodedArea is the area under at least 10 cm of water, outside the
	// cells that were river already at the normal level (m²).
	FloodedArea float64
}

// WetDepth is the depth from which a cell counts as flooded: ankle deep.
const WetDepth = 0.10

// MaxHours bounds a run (the web page's slider stops there too).
const MaxHours = 24

// Run floods the map and rains on its slopes.
func (m *Map) Run(p Params) (*Result, error) {
	if !(p.Hours > 0) || p.Hours > MaxHours {
		return nil, fmt.Errorf("hours must be more than 0 and at most %d", MaxHours)
	}
	if !(p.Rain >= 0) || p.Rain > 500 {
		return nil, errors.New("rain must be 0–500 mm/h")
	}
	if math.IsNaN(p.Level) || math.IsInf(p.Level, 0) {
		return nil, errors.New("the river level must be a number")
	}
	depth, err := m.flood(p)
	if err != nil {
		return nil, err
	}
	r := &Result{Params: p, Depth: depth, FS: m.slopes(p), Cell: m.Terrain.Elev.Cell}
	tm := m.Terrain
	area := r.Cell * r.Cell
	for i, d := range depth {
		river := tm.LandUse != nil && tm.LandUse[i] == terrain.Water && tm.Elev.V[i] < m.NormalLevel
		if d >= WetDepth && !river {
			r.FloodedArea += area
		}
	}
	return r, nil
}

func (m *Map) flood(p Params) ([]float64, error) {
	tm := m.Terrain
	g := tm.Elev
	n := g.NX * g.NY
	manning := make([]float64, n)
	blocked := make([]bool, n)
	for i := range n {
		lu := tm.LandUseAt(i)
		manning[i], blocked[i] = terrain.Manning(lu), terrain.Blocked(lu)
	}
	fm, err := flood.New(g.NX, g.NY, g.Cell, g.V, manning, blocked, flood.DefaultParams())
	if err != nil {
		return nil, err
	}
	// The river channel starts full to the chosen level, as the engine
	// fills water cells to a scenario's initial_level.
	if tm.LandUse != nil {
		init := make([]float64, n)
		for i := range n {
			if !blocked[i] && tm.LandUse[i] == terrain.Water && p.Level > g.V[i] {
				init[i] = p.Level - g.V[i]
			}
		}
		if err := fm.SetInitial(init); err != nil {
			return nil, err
		}
	}
	sideOf := map[terrain.Side]flood.Edge{terrain.North: flood.North, terrain.South: flood.South,
		terrain.East: flood.East, terrain.West: flood.West}
	used := map[terrain.Side][]bool{}
	for _, e := range m.Edges {
		edge, ok := sideOf[e.Side]
		if !ok {
			continue
		}
		length := g.NX
		if e.Side == terrain.East || e.Side == terrain.West {
			length = g.NY
		}
		if used[e.Side] == nil {
			used[e.Side] = make([]bool, length)
		}
		// Segments may share a corner cell; the flood model wants them
		// apart, so each cell goes to the first segment that names it.
		for k := max(e.From, 0); k <= min(e.To, length-1); {
			for k <= min(e.To, length-1) && used[e.Side][k] {
				k++
			}
			from := k
			for k <= min(e.To, length-1) && !used[e.Side][k] {
				used[e.Side][k] = true
				k++
			}
			if k > from {
				b := flood.Boundary{Edge: edge, From: from, To: k, Kind: flood.WaterLevel,
					Series: []flood.Point{{T: 0, V: p.Level}}}
				if err := fm.AddBoundary(b); err != nil {
					return nil, err
				}
			}
		}
	}
	if err := fm.SetRain(p.Rain / 3.6e6); err != nil {
		return nil, err
	}
	// In slices of ten minutes, so no single Advance meets the solver's
	// sub-step bound.
	for left := p.Hours * 3600; left > 0; left -= 600 {
		if err := fm.Advance(math.Min(left, 600)); err != nil {
			return nil, err
		}
	}
	return append([]float64(nil), fm.Depths()...), nil
}

// slopes rains on the soils for the same hours and returns the factor of
// safety of every cell; FSMax everywhere on a map without a soil grid.
func (m *Map) slopes(p Params) []float64 {
	tm := m.Terrain
	g := tm.Elev
	n := g.NX * g.NY
	fs := make([]float64, n)
	for i := range fs {
		fs[i] = landslide.FSMax
	}
	if tm.Soil == nil || len(m.Soils) < 2 {
		return fs
	}
	soils := slices.Clone(m.Soils)
	for z := range soils {
		if soils[z].UnitWeight == 0 {
			soils[z] = defaultSoils[1] // unused zone: a valid placeholder
		}
	}
	zone := make([]uint8, n)
	sat := make([]float64, n)
	for i := range n {
		z := tm.Soil[i]
		if int(z) < len(soils) && !tm.Blocked(i) {
			zone[i], sat[i] = z, m.InitialSat[z]
		}
	}
	lp := landslide.DefaultParams()
	lp.M0 = sat
	lm, err := landslide.New(g.NX, g.NY, g.Cell, g.V, zone, soils, lp)
	if err != nil {
		return fs
	}
	lm.SetRain(p.Rain / 3.6e6)
	lm.Advance(p.Hours * 3600)
	for i := range fs {
		fs[i] = lm.FS(i)
	}
	return fs
}

// At is what the result says about one spot or place.
type At struct {
	MaxDepth, MeanDepth float64 // m, over the place's cells
	WetShare            float64 // share of its cells at least WetDepth deep
	MinFS               float64
}

// PlaceCells are the cells whose centres lie in the place, or the cell
// nearest its centre for a place smaller than a cell.
func (m *Map) PlaceCells(p terrain.Place) []int {
	g := m.Terrain.Elev
	var out []int
	for r := 0; r < g.NY; r++ {
		for c := 0; c < g.NX; c++ {
			x, y := g.Centre(c, r)
			if p.Contains(x, y) {
				out = append(out, g.Index(c, r))
			}
		}
	}
	if len(out) == 0 {
		cx, cy := p.Centre()
		if c, r, ok := g.CellOf(cx, cy); ok {
			out = append(out, g.Index(c, r))
		}
	}
	return out
}

// Place looks a place up by id.
func (m *Map) Place(id string) (terrain.Place, bool) {
	for _, p := range m.Places {
		if p.ID == id {
			return p, true
		}
	}
	return terrain.Place{}, false
}

// AtCells sums up the result over some cells.
func (r *Result) AtCells(cells []int) At {
	a := At{MinFS: landslide.FSMax}
	if len(cells) == 0 {
		return a
	}
	wet := 0
	for _, i := range cells {
		d := r.Depth[i]
		a.MaxDepth = math.Max(a.MaxDepth, d)
		a.MeanDepth += d
		if d >= WetDepth {
			wet++
		}
		a.MinFS = math.Min(a.MinFS, r.FS[i])
	}
	a.MeanDepth /= float64(len(cells))
	a.WetShare = float64(wet) / float64(len(cells))
	return a
}

// CellAt is the cell holding map point (x, y) in metres.
func (m *Map) CellAt(x, y float64) (int, bool) {
	c, r, ok := m.Terrain.Elev.CellOf(x, y)
	if !ok {
		return 0, false
	}
	return m.Terrain.Elev.Index(c, r), true
}
