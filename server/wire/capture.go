package wire

import (
	"math"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

// Capturer turns an engine.World into States tick after tick. It keeps the
// previous fields so unchanged tiles are shared (encoders skip them with a
// pointer comparison). One Capturer per drill; its States are shared by
// every client's encoder.
type Capturer struct {
	grid   Grid
	layers uint8
	prev   [3]*Field // water, debris, risk
	riskT  float64   // the landslide model's time of prev[2]

	// Risk makes Capture fill State.Risk (a landslide world): set it once
	// a client asked for the risk layer, so drills nobody watches with it
	// do not pay for the scan.
	Risk  bool
	cells []uint16
	npcs  []Entity // last position each NPC turned at, and its heading
}

// GridOf returns the wire grid of a world's map.
func GridOf(w *engine.World) Grid {
	g := w.Map().Elev
	return Grid{NX: g.NX, NY: g.NY, CellMM: uint32(g.Cell*1000 + 0.5)}
}

// LayersOf returns the tile layers of version 1 a world has. The optional
// LayerRisk (a landslide world has it too: RiskLayerOf) is added only for
// the clients that ask for it.
func LayersOf(w *engine.World) uint8 {
	var l uint8
	if w.Flood() != nil {
		l |= LayerWater
	}
	if w.Landslide() != nil {
		l |= LayerDebris
	}
	return l
}

// RiskLayerOf returns LayerRisk for a world with a landslide, else 0.
func RiskLayerOf(w *engine.World) uint8 {
	if w.Landslide() != nil {
		return LayerRisk
	}
	return 0
}

// NPCTable lists a world's NPCs in snapshot index order (Welcome.NPCs).
func NPCTable(w *engine.World) []NPCInfo {
	ns := w.NPCs()
	out := make([]NPCInfo, len(ns))
	for i, n := range ns {
		k := NPCOther
		switch n.Kind {
		case "crowd":
			k = NPCCrowd
		case "elder":
			k = NPCElder
		case "classmate":
			k = NPCClassmate
		}
		out[i] = NPCInfo{ID: n.ID, Kind: k}
	}
	return out
}

// NewCapturer returns a Capturer for w.
func NewCapturer(w *engine.World) *Capturer {
	return &Capturer{grid: GridOf(w), layers: LayersOf(w)}
}

// Capture quantises the world now. Participants who left are not in it
// (the roster says they left).
func (c *Capturer) Capture(w *engine.World, phase Phase) *State {
	s := &State{Tick: w.Tick(), Globals: Globals{Phase: phase}}
	for _, wn := range w.Warnings() {
		if h := int(wn.Hazard); h >= 1 && h <= 3 {
			s.Globals.Warnings[h-1] = uint8(wn.Level)
		}
	}
	for _, p := range w.People() {
		if p.Status == engine.StatusLeft {
			continue
		}
		var f uint8
		if p.Run {
			f |= FlagRun
		}
		if p.MoveX != 0 || p.MoveY != 0 {
			f |= FlagMoving
		}
		if p.Resting {
			f |= FlagResting
		}
		if p.Policy != "" {
			f |= FlagBot
		}
		var stage uint8
		if p.HasBody {
			stage = uint8(min(int(p.Body.Stage), MaxStage))
			if stage > 0 {
				f |= FlagSymptoms
			}
		}
		s.Participants = append(s.Participants, Entity{ID: uint32(p.ID), X: QuantPos(p.X), Y: QuantPos(p.Y),
			Heading: QuantHeading(p.Heading), Status: uint8(p.Status), Flags: f, Stage: stage})
	}
	for i, n := range w.NPCs() {
		var f uint8
		if n.FirstAid {
			f |= FlagFirstAid
		}
		if n.Leader >= 0 {
			f |= FlagLed
		}
		if n.Symptoms != "" {
			f |= FlagSymptoms
		}
		var stage uint8
		if n.HasBody {
			stage = uint8(min(int(n.Body.Stage), MaxStage))
		}
		e := Entity{ID: uint32(i), X: QuantPos(n.X), Y: QuantPos(n.Y), Status: uint8(n.Status), Flags: f, Stage: stage}
		e.Heading = c.npcHeading(i, &e)
		s.NPCs = append(s.NPCs, e)
	}
	n := c.grid.NX * c.grid.NY
	if cap(c.cells) < n {
		c.cells = make([]uint16, n)
	}
	cells := c.cells[:n]
	if fl := w.Flood(); fl != nil {
		for i, d := range fl.Depths() {
			cells[i] = QuantDepth(d)
		}
		c.prev[0] = FieldFrom(c.grid, cells, c.prev[0])
		s.Water = c.prev[0]
	}
	if ls := w.Landslide(); ls != nil {
		for i := range cells {
			cells[i] = QuantDepth(ls.DebrisDepth(i))
		}
		c.prev[1] = FieldFrom(c.grid, cells, c.prev[1])
		s.Debris = c.prev[1]
		// FS changes only when the landslide model steps (4 Hz, not every
		// tick): rescan the cells only then.
		if c.Risk {
			if c.prev[2] == nil || ls.Time() != c.riskT {
				c.prev[2], c.riskT = captureRisk(c.grid, ls, cells, c.prev[2]), ls.Time()
			}
			s.Risk = c.prev[2]
		}
	}
	return s
}

// npcHeading gives an NPC the heading of its last move (the engine's NPCs
// have none): presentation only, so math.Atan2 is fine here.
func (c *Capturer) npcHeading(i int, e *Entity) uint16 {
	for len(c.npcs) <= i {
		c.npcs = append(c.npcs, Entity{X: -1})
	}
	p := &c.npcs[i]
	h := p.Heading
	if p.X >= 0 && (p.X != e.X || p.Y != e.Y) {
		dx, dy := float64(e.X-p.X), float64(e.Y-p.Y)
		if dx*dx+dy*dy >= PosScale*PosScale/16 { // ignore jitter under 25 cm
			h = uint16(int(math.Round(math.Atan2(dx, -dy)*HeadingSteps/(2*math.Pi))+HeadingSteps) % HeadingSteps)
			p.X, p.Y = e.X, e.Y
		}
	} else if p.X < 0 {
		p.X, p.Y = e.X, e.Y
	}
	p.Heading = h
	return h
}

// TerrainOf builds the Terrain message of a map: elevations in cm above
// the lowest cell (no-data cells NoElev), and land use if the map has it.
func TerrainOf(m *terrain.Map) *Terrain {
	g := m.Elev
	t := &Terrain{Grid: Grid{NX: g.NX, NY: g.NY, CellMM: uint32(g.Cell*1000 + 0.5)}}
	lo := math.Inf(1)
	for _, v := range g.V {
		if !g.IsNoData(v) {
			lo = math.Min(lo, v)
		}
	}
	if math.IsInf(lo, 1) {
		lo = 0
	}
	t.BaseCM = int64(math.Floor(lo * 100))
	t.Elev = make([]uint16, len(g.V))
	for i, v := range g.V {
		if g.IsNoData(v) {
			t.Elev[i] = NoElev
			continue
		}
		t.Elev[i] = uint16(math.Min(NoElev-1, math.Max(0, math.Round(v*100)-float64(t.BaseCM))))
	}
	if m.LandUse != nil {
		t.LandUse = make([]uint8, len(m.LandUse))
		for i, lu := range m.LandUse {
			t.LandUse[i] = uint8(lu)
		}
	}
	return t
}
