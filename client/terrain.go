package client

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"

	"github.com/rescuedrill/rescuedrill/engine/terrain"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// Terrain is the decoded map of the drill: elevation and land use per cell,
// row-major, row 0 north (docs/protocol.md §4.2.1).
type Terrain struct{ *wire.Terrain }

// Elevation returns the elevation of cell (c, r) in metres above datum;
// ok is false outside the grid and for cells without data.
func (t Terrain) Elevation(c, r int) (m float64, ok bool) {
	g := t.Grid
	if c < 0 || r < 0 || c >= g.NX || r >= g.NY {
		return math.NaN(), false
	}
	v := t.Elev[r*g.NX+c]
	if v == wire.NoElev {
		return math.NaN(), false
	}
	return float64(t.BaseCM+int64(v)) / 100, true
}

// LandUse returns the land-use class of cell (c, r) (terrain.Open when the
// map has none or the cell is outside the grid).
func (t Terrain) LandUse(c, r int) terrain.LandUse {
	g := t.Grid
	if t.Terrain.LandUse == nil || c < 0 || r < 0 || c >= g.NX || r >= g.NY {
		return terrain.Open
	}
	return terrain.LandUse(t.Terrain.LandUse[r*g.NX+c])
}

// CellSize is the side of a cell in metres.
func (t Terrain) CellSize() float64 { return float64(t.Grid.CellMM) / 1000 }

// TerrainCache keeps a Terrain between connections so a rejoin or the next
// drill on the same map skips the 2–40 kB Terrain message. The Hello can
// offer one terrain hash, so a cache offers one terrain: Load returns it
// (nil for none) and Store replaces it. Implementations must be safe for
// concurrent use.
type TerrainCache interface {
	Load() *wire.Terrain
	Store(*wire.Terrain)
}

// MemoryCache is a TerrainCache in memory.
type MemoryCache struct {
	mu sync.Mutex
	t  *wire.Terrain
}

func (m *MemoryCache) Load() *wire.Terrain {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.t
}

func (m *MemoryCache) Store(t *wire.Terrain) {
	m.mu.Lock()
	m.t = t
	m.mu.Unlock()
}

// FileCache is a TerrainCache in one file (the Terrain message's bytes,
// which carry their own FNV-1a hash: a damaged file is ignored).
type FileCache struct{ Path string }

func (f FileCache) Load() *wire.Terrain {
	b, err := os.ReadFile(f.Path)
	if err != nil {
		return nil
	}
	m, err := wire.DecodeMessage(b)
	if err != nil {
		return nil
	}
	t, _ := m.(*wire.Terrain)
	return t
}

func (f FileCache) Store(t *wire.Terrain) {
	_ = writeFileAtomic(f.Path, wire.Marshal(nil, t))
}

func writeFileAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".terrain-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("client: terrain cache: %w", err)
	}
	return nil
}
