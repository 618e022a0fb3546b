package wire

import (
	"math"
	"sync/atomic"
)

// PosScale is the position quantum: 1/64 m (15.6 mm). At 20 snapshots/s a
// participant walking (1.4 m/s) moves 4.5 units per tick and one running
// (3 m/s) 9.4, so a delta against a baseline up to ~3 ticks old fits a
// one-byte svarint (|d| ≤ 63); 1/32 m would save nothing in bytes, and
// 1.6 cm is below what a headset user notices when a figure steps.
const PosScale = 64

// MaxCoord bounds quantised coordinates: 0 ≤ X, Y < MaxCoord (262 km).
const MaxCoord = 1 << 24

// HeadingSteps is the heading quantum: 1024 steps per turn (0.35°).
const HeadingSteps = 1024

// Limits on entity fields.
const (
	MaxStatus = 7
	MaxStage  = 15
)

// Entity flag bits (Entity.Flags).
const (
	FlagRun      uint8 = 1  // participant: running
	FlagMoving   uint8 = 2  // moving this tick (participants: intent; NPCs: velocity)
	FlagResting  uint8 = 4  // participant: resting
	FlagBot      uint8 = 8  // participant played by a bot policy
	FlagFirstAid uint8 = 16 // NPC: receiving first aid
	FlagLed      uint8 = 32 // NPC: following a participant
	FlagSymptoms uint8 = 64 // NPC or participant shows heat-illness symptoms
)

// Entity is a participant or an NPC as snapshots carry it.
type Entity struct {
	ID      uint32 // participant slot, or NPC index in Welcome.NPCs
	X, Y    int32  // metres × PosScale from the map's north-west corner (x east, y south)
	Heading uint16 // 0…HeadingSteps−1, clockwise from north
	Status  uint8  // engine.Status: 0 active, 1 swept, 2 buried, 3 collapsed, 4 left
	Flags   uint8
	Stage   uint8 // heat.Stage of the body model, 0 when none
}

// Globals are the drill-wide values a snapshot carries.
type Globals struct {
	Phase    Phase
	Warnings [3]uint8 // level in force per hazard: rainstorm, high_temp, geological
}

// State is the world as the wire sees it at one tick. Participants and
// NPCs are sorted by ID with no duplicates. Once a State has been given to
// an encoder its fields and tiles must not be changed (tiles are shared).
type State struct {
	Tick         uint64
	Globals      Globals
	Participants []Entity
	NPCs         []Entity
	Water        *Field // flood depth in cm; nil when the drill has no flood
	Debris       *Field // debris depth in cm; nil when the drill has no landslide
	// Optional features (Hello flags bits 3 and 4): the landslide risk
	// layer (RiskIndex per cell; nil without a landslide) and the head and
	// hand poses of participants with headsets, sorted by ID (xr.go).
	Risk *Field
	XR   []XREntity
}

// TileSize is the side of a tile in cells.
const TileSize = 16

// Tile is 16 × 16 cells, row-major; cells outside the grid are 0.
// A *Tile in a Field is immutable.
type Tile [TileSize * TileSize]uint16

var zeroTile Tile

// Field is a grid of uint16 values (depths in cm) held as tiles. Tile t
// covers columns 16·(t mod TilesX) … and rows 16·(t div TilesX) …; a nil
// entry is all zeros.
type Field struct {
	Grid  Grid
	Tiles []*Tile

	// changes memoises tileChange per tile for the encoders of every
	// session, which read the same Field on their own goroutines and
	// mostly compare it with the same reference tile: without it each of
	// a class's 40 sessions rescanned every tile that rain had nudged, a
	// third of a loaded server's CPU. Nil in fields not made by NewField.
	changes []atomic.Pointer[tileChangeMemo]
	// spatial and temporal memoise the encoded size of each tile (spatial:
	// size+1, 0 unknown; temporal: against one base tile), which every
	// session measures to fill its budget; the size does not depend on the
	// session, only on the tile (and the base).
	spatial  []atomic.Int32
	temporal []atomic.Pointer[tileCostMemo]
}

// tileCostMemo is the size of tile cur's residuals against base.
type tileCostMemo struct {
	cur, base *Tile
	n         int
}

// spatialCost is len(appendTile) of tile i in spatial mode.
func (f *Field) spatialCost(i int, g Grid, buf *[]byte) int {
	measure := func() int {
		*buf = appendTile((*buf)[:0], g, 0, &tileUpdate{index: i, mode: tileSpatial, tile: f.Tiles[i]})
		return len(*buf)
	}
	if f.spatial == nil {
		return measure()
	}
	if n := f.spatial[i].Load(); n > 0 {
		return int(n) - 1
	}
	n := measure()
	f.spatial[i].Store(int32(n) + 1)
	return n
}

// temporalCost is len(appendTile) of tile i in temporal mode against base
// (version baseID) in snapshot id.
func (f *Field) temporalCost(i int, g Grid, base *Tile, id, baseID uint32, buf *[]byte) int {
	head := 1 + uvarintLen(uint64(id-baseID)) // mode, version gap
	measure := func() int {
		*buf = appendTile((*buf)[:0], g, baseID, &tileUpdate{index: i, mode: tileTemporal, tile: f.Tiles[i], base: base, baseID: baseID})
		return len(*buf) - 2 // the residuals: less the mode and a zero gap
	}
	if f.temporal == nil {
		return head + measure()
	}
	cur := f.Tiles[i]
	if m := f.temporal[i].Load(); m != nil && m.cur == cur && m.base == base {
		return head + m.n
	}
	n := measure()
	f.temporal[i].Store(&tileCostMemo{cur: cur, base: base, n: n})
	return head + n
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// tileChangeMemo is one tileChange result: cur compared with ref at thr.
type tileChangeMemo struct {
	cur, ref *Tile
	thr, pri int
}

// change is tileChange(f.Tiles[i], ref, thr), computed once for all the
// sessions that compare tile i with the same reference tile.
func (f *Field) change(i int, ref *Tile, thr int) int {
	cur := f.Tiles[i]
	if f.changes == nil {
		return tileChange(cur, ref, thr)
	}
	if m := f.changes[i].Load(); m != nil && m.cur == cur && m.ref == ref && m.thr == thr {
		return m.pri
	}
	pri := tileChange(cur, ref, thr)
	f.changes[i].Store(&tileChangeMemo{cur: cur, ref: ref, thr: thr, pri: pri})
	return pri
}

// TilesX, TilesY and NumTiles give the tiling of a grid.
func (g Grid) TilesX() int   { return (g.NX + TileSize - 1) / TileSize }
func (g Grid) TilesY() int   { return (g.NY + TileSize - 1) / TileSize }
func (g Grid) NumTiles() int { return g.TilesX() * g.TilesY() }

// tileRect returns the cells of tile t inside the grid: origin and size.
func (g Grid) tileRect(t int) (c0, r0, w, h int) {
	tx := g.TilesX()
	c0, r0 = (t%tx)*TileSize, (t/tx)*TileSize
	return c0, r0, min(TileSize, g.NX-c0), min(TileSize, g.NY-r0)
}

// NewField returns an all-zero field.
func NewField(g Grid) *Field {
	n := g.NumTiles()
	return &Field{Grid: g, Tiles: make([]*Tile, n), changes: make([]atomic.Pointer[tileChangeMemo], n),
		spatial: make([]atomic.Int32, n), temporal: make([]atomic.Pointer[tileCostMemo], n)}
}

// At returns the value of cell (c, r).
func (f *Field) At(c, r int) uint16 {
	t := f.Tiles[(r/TileSize)*f.Grid.TilesX()+c/TileSize]
	if t == nil {
		return 0
	}
	return t[(r%TileSize)*TileSize+c%TileSize]
}

// FieldFrom builds a field from row-major cell values (len NX·NY). Tiles
// equal to prev's are shared with prev, so an encoder skips them with a
// pointer comparison; all-zero tiles are nil.
func FieldFrom(g Grid, cells []uint16, prev *Field) *Field {
	f := NewField(g)
	var t Tile
	for i := range f.Tiles {
		t = zeroTile
		c0, r0, w, h := g.tileRect(i)
		nz := false
		for r := 0; r < h; r++ {
			row := cells[(r0+r)*g.NX+c0 : (r0+r)*g.NX+c0+w]
			for c, v := range row {
				t[r*TileSize+c] = v
				nz = nz || v != 0
			}
		}
		switch {
		case !nz:
		case prev != nil && prev.Grid == g && prev.Tiles[i] != nil && *prev.Tiles[i] == t:
			f.Tiles[i] = prev.Tiles[i]
		default:
			nt := t
			f.Tiles[i] = &nt
		}
	}
	return f
}

// Cells returns the field as row-major values.
func (f *Field) Cells() []uint16 {
	g := f.Grid
	out := make([]uint16, g.NX*g.NY)
	for i, t := range f.Tiles {
		if t == nil {
			continue
		}
		c0, r0, w, h := g.tileRect(i)
		for r := 0; r < h; r++ {
			copy(out[(r0+r)*g.NX+c0:(r0+r)*g.NX+c0+w], t[r*TileSize:r*TileSize+w])
		}
	}
	return out
}

// Quantisation.

// QuantPos turns metres into position units, clamped to 0…MaxCoord−1.
func QuantPos(m float64) int32 {
	v := math.Round(m * PosScale)
	if !(v >= 0) {
		return 0
	}
	if v >= MaxCoord {
		return MaxCoord - 1
	}
	return int32(v)
}

// Metres turns position units back into metres.
func Metres(q int32) float64 { return float64(q) / PosScale }

// QuantHeading turns hundredths of a degree (engine.Person.Heading) into
// 0…1023.
func QuantHeading(centiDeg int32) uint16 {
	v := int64(math.Round(float64(centiDeg) * HeadingSteps / 36000))
	return uint16(((v % HeadingSteps) + HeadingSteps) % HeadingSteps)
}

// CentiDegrees turns a quantised heading back into hundredths of a degree.
func CentiDegrees(h uint16) int32 {
	return int32(math.Round(float64(h%HeadingSteps) * 36000 / HeadingSteps))
}

// QuantDepth turns metres into centimetres, clamped to 0…65535 (a depth
// under 5 mm is 0: dry).
func QuantDepth(m float64) uint16 {
	v := math.Round(m * 100)
	if !(v > 0) {
		return 0
	}
	if v > math.MaxUint16 {
		return math.MaxUint16
	}
	return uint16(v)
}
