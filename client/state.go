package client

import (
	"math"
	"time"

	"github.com/rescuedrill/rescuedrill/server/wire"
)

// Latest returns the newest decoded snapshot (read-only: it shares memory
// with the decoder), never nil after Dial.
func (c *Client) Latest() *wire.State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.latest
}

// RenderTick is the tick to draw at local time now: the server tick the
// client estimates from snapshot arrivals minus the interpolation delay
// (Options.InterpDelay, by default DefaultDelaySnapshots snapshot
// intervals), never past the newest snapshot.
func (c *Client) RenderTick(now time.Time) float64 { return c.buffer().RenderTick(now) }

// Sample returns the world at render tick t (see Buffer.Sample): entity
// positions interpolated between the two snapshots around t.
func (c *Client) Sample(t float64) View { return c.buffer().Sample(t) }

// SampleNow is Sample(RenderTick(time.Now())): what a renderer calls every
// frame.
func (c *Client) SampleNow() View {
	b := c.buffer()
	return b.Sample(b.RenderTick(time.Now()))
}

func (c *Client) buffer() *Buffer {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf
}

// Fields returns the newest water and debris depth fields (cm per cell;
// nil when the drill has no flood or no landslide) and a version that
// grows whenever any tile changed, so a renderer re-uploads its textures
// only then (and only the tiles whose pointers changed: tiles are
// immutable). Tiles can arrive before the entity snapshot a renderer is
// interpolating; the protocol sends each change once, so draw them as
// they come.
func (c *Client) Fields() (water, debris *wire.Field, version uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fields[0], c.fields[1], c.fieldVer
}

// Depth returns the value of cell (col, row) of a depth field in metres (0
// outside the grid or for a nil field).
func Depth(f *wire.Field, col, row int) float64 {
	if f == nil || col < 0 || row < 0 || col >= f.Grid.NX || row >= f.Grid.NY {
		return 0
	}
	return float64(f.At(col, row)) / 100
}

// DepthAt returns the depth of a field in metres at a position in metres
// from the map's north-west corner (x east, y south): the value of the
// cell the point is in.
func DepthAt(f *wire.Field, x, y float64) float64 {
	if f == nil {
		return 0
	}
	col, row := CellOf(f.Grid, x, y)
	return Depth(f, col, row)
}

// CellOf returns the cell holding the point (x, y) in metres.
func CellOf(g wire.Grid, x, y float64) (col, row int) {
	s := float64(g.CellMM) / 1000
	return int(math.Floor(x / s)), int(math.Floor(y / s))
}

// WaterDepth and DebrisDepth are Depth of the client's newest fields.
func (c *Client) WaterDepth(col, row int) float64 {
	w, _, _ := c.Fields()
	return Depth(w, col, row)
}

func (c *Client) DebrisDepth(col, row int) float64 {
	_, d, _ := c.Fields()
	return Depth(d, col, row)
}
