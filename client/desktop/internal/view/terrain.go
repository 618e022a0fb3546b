package view

import (
	"hash/fnv"
	"image"
	"image/color"
	"math"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/terrain"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// Elev is an elevation grid in metres, row 0 north, with missing cells
// filled by their nearest valid neighbour in the row (or 0) so shading
// never sees a NaN.
type Elev struct {
	NX, NY int
	Cell   float64 // metres
	Z      []float64
	Min    float64
	Max    float64
}

// ElevOf reads the terrain of a drill.
func ElevOf(t client.Terrain) Elev {
	g := t.Grid
	e := Elev{NX: g.NX, NY: g.NY, Cell: t.CellSize(), Z: make([]float64, g.NX*g.NY), Min: math.Inf(1), Max: math.Inf(-1)}
	for r := 0; r < g.NY; r++ {
		last := 0.0
		for c := 0; c < g.NX; c++ {
			z, ok := t.Elevation(c, r)
			if !ok {
				z = last
			}
			last = z
			e.Z[r*g.NX+c] = z
			e.Min, e.Max = math.Min(e.Min, z), math.Max(e.Max, z)
		}
	}
	return e
}

// At returns the elevation at a fractional cell position (cell centres at
// integer + 0.5), bilinear between the four nearest centres.
func (e Elev) At(cx, cy float64) float64 {
	x, y := cx-0.5, cy-0.5
	c0, r0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(c0), y-float64(r0)
	z := func(c, r int) float64 {
		c, r = min(max(c, 0), e.NX-1), min(max(r, 0), e.NY-1)
		return e.Z[r*e.NX+c]
	}
	a := z(c0, r0)*(1-fx) + z(c0+1, r0)*fx
	b := z(c0, r0+1)*(1-fx) + z(c0+1, r0+1)*fx
	return a*(1-fy) + b*fy
}

// Exaggeration steepens slopes for the hillshade only: city terrain at
// 5 m cells is too gentle to read at 1:1.
const Exaggeration = 2.5

// shadowPx is the length of a building's shadow in image pixels.
const shadowPx = 3

// TerrainImage draws the map at px pixels per cell: land-use colours lit by
// a hillshade of the bilinear elevation, with contour lines (every fifth
// one darker) so slopes read as slopes.
func TerrainImage(t client.Terrain, px int) *image.NRGBA {
	e := ElevOf(t)
	w, h := e.NX*px, e.NY*px
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	step := ContourInterval(e.Max - e.Min)
	k := 1 / float64(px)
	// One elevation sample per pixel centre, kept for the contour test.
	zs := make([]float64, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			zs[y*w+x] = e.At((float64(x)+0.5)*k, (float64(y)+0.5)*k)
		}
	}
	band := func(z float64) int { return int(math.Floor(z / step)) }
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := y*w + x
			xl, xr := max(x-1, 0), min(x+1, w-1)
			yu, yd := max(y-1, 0), min(y+1, h-1)
			dx := (zs[y*w+xr] - zs[y*w+xl]) / (float64(xr-xl) * k * e.Cell)
			dy := (zs[yd*w+x] - zs[yu*w+x]) / (float64(yd-yu) * k * e.Cell)
			s := Hillshade(dx*Exaggeration, dy*Exaggeration)
			lu := t.LandUse(x/px, y/px)
			base := LandColour(lu)
			f := 0.45 + 0.8*s // flat ground ≈ 1.02: the base colour
			// Buildings and walls cast a short shadow to the south-east
			// (the light is from the north-west), so they stand up from
			// the ground instead of lying on it as coloured patches.
			if !terrain.Blocked(lu) && x >= shadowPx && y >= shadowPx && terrain.Blocked(t.LandUse((x-shadowPx)/px, (y-shadowPx)/px)) {
				f *= 0.7
			}
			if b := band(zs[i]); b != band(zs[y*w+xr]) || b != band(zs[yd*w+x]) {
				hi := max(b, band(zs[y*w+xr]), band(zs[yd*w+x]))
				if hi%5 == 0 {
					f *= 0.6
				} else {
					f *= 0.8
				}
			}
			img.SetNRGBA(x, y, scale(base, f))
		}
	}
	return img
}

func scale(c color.NRGBA, f float64) color.NRGBA {
	m := func(v uint8) uint8 { return uint8(math.Min(255, math.Round(float64(v)*f))) }
	return color.NRGBA{m(c.R), m(c.G), m(c.B), c.A}
}

// FieldImage paints a depth field (cm) one pixel per cell with a colour
// ramp of metres into dst (allocated when nil or the wrong size).
func FieldImage(f *wire.Field, colour func(float64) color.NRGBA, dst *image.NRGBA) *image.NRGBA {
	g := f.Grid
	if dst == nil || dst.Rect.Dx() != g.NX || dst.Rect.Dy() != g.NY {
		dst = image.NewNRGBA(image.Rect(0, 0, g.NX, g.NY))
	}
	for r := 0; r < g.NY; r++ {
		for c := 0; c < g.NX; c++ {
			dst.SetNRGBA(c, r, colour(float64(f.At(c, r))/100))
		}
	}
	return dst
}

// Arrow is a flow-direction mark: at (X, Y) metres, unit direction
// (DX, DY) east/south, Strength 0…1 from the water-surface slope.
type Arrow struct {
	X, Y, DX, DY, Strength float64
}

// FlowArrows marks the direction water moves: down the gradient of the
// water surface (ground + depth), on every step-th cell that holds at
// least 5 cm. The protocol carries depths, not velocities, and in the
// local-inertial model flow follows the surface slope, so this is the
// direction the server's water is going.
func FlowArrows(e Elev, f *wire.Field, step int) []Arrow {
	if f == nil || step < 1 {
		return nil
	}
	g := f.Grid
	surf := func(c, r int) (float64, bool) {
		if c < 0 || r < 0 || c >= g.NX || r >= g.NY {
			return 0, false
		}
		d := float64(f.At(c, r)) / 100
		return e.Z[r*e.NX+c] + d, d > 0
	}
	var out []Arrow
	for r := step / 2; r < g.NY; r += step {
		for c := step / 2; c < g.NX; c += step {
			if float64(f.At(c, r))/100 < 0.05 {
				continue
			}
			s0, _ := surf(c, r)
			// Only wet neighbours, or dry ones lower than the surface
			// (where water spills), count: a dry bank above it does not
			// pull water uphill.
			grad := func(dc, dr int) float64 {
				s, wet := surf(c+dc, r+dr)
				if !wet && s > s0 || (c+dc < 0 || r+dr < 0 || c+dc >= g.NX || r+dr >= g.NY) {
					return 0
				}
				return s - s0
			}
			gx := (grad(1, 0) - grad(-1, 0)) / (2 * e.Cell)
			gy := (grad(0, 1) - grad(0, -1)) / (2 * e.Cell)
			n := math.Hypot(gx, gy)
			if n < 1e-4 {
				continue
			}
			out = append(out, Arrow{X: (float64(c) + 0.5) * e.Cell, Y: (float64(r) + 0.5) * e.Cell,
				DX: -gx / n, DY: -gy / n, Strength: math.Min(1, n/0.02)})
		}
	}
	return out
}

// Cracks returns crack polylines (world metres) inside a danger place of a
// landslide drill: n jagged lines across the slope, the same for a place
// every time (seeded by its ID), so cracks do not flicker between frames.
func Cracks(p engine.PlaceSpec, n int) [][][2]float64 {
	x0, y0, x1, y1 := bounds(p)
	if x1 <= x0 || y1 <= y0 || n <= 0 {
		return nil
	}
	h := fnv.New64a()
	h.Write([]byte(p.ID))
	s := h.Sum64()
	rnd := func() float64 { // xorshift: a stable pattern, not simulation
		s ^= s << 13
		s ^= s >> 7
		s ^= s << 17
		return float64(s%10000) / 10000
	}
	var out [][][2]float64
	for i := 0; i < n; i++ {
		y := y0 + (y1-y0)*(0.2+0.6*rnd())
		x := x0 + (x1-x0)*0.1*rnd()
		var line [][2]float64
		for x < x1 {
			line = append(line, [2]float64{x, y})
			x += (x1 - x0) * (0.04 + 0.06*rnd())
			y += (rnd() - 0.5) * (y1 - y0) * 0.06
			y = math.Min(y1, math.Max(y0, y))
		}
		out = append(out, line)
	}
	return out
}

func bounds(p engine.PlaceSpec) (x0, y0, x1, y1 float64) {
	switch {
	case len(p.Rect) == 4:
		return math.Min(p.Rect[0], p.Rect[2]), math.Min(p.Rect[1], p.Rect[3]), math.Max(p.Rect[0], p.Rect[2]), math.Max(p.Rect[1], p.Rect[3])
	case len(p.Circle) == 3:
		return p.Circle[0] - p.Circle[2], p.Circle[1] - p.Circle[2], p.Circle[0] + p.Circle[2], p.Circle[1] + p.Circle[2]
	}
	return 0, 0, 0, 0
}

// PlaceCentre is where a place's label goes.
func PlaceCentre(p engine.PlaceSpec) (x, y float64) {
	x0, y0, x1, y1 := bounds(p)
	return (x0 + x1) / 2, (y0 + y1) / 2
}

// PlaceBounds is a place's bounding box in metres.
func PlaceBounds(p engine.PlaceSpec) (x0, y0, x1, y1 float64) { return bounds(p) }

// AirTemp is the scenario's air temperature (°C) at a drill tick: its
// series in hazard time (tick / tick_hz × time_scale), linear between
// points. ok is false for drills without heat.
func AirTemp(sc *engine.Scenario, tick float64) (float64, bool) {
	if sc == nil || sc.Heat == nil || len(sc.Heat.AirTempC) == 0 {
		return 0, false
	}
	hz, ts := float64(sc.Hz()), sc.TimeScale
	if ts <= 0 {
		ts = 1
	}
	t := tick / hz * ts
	pts := sc.Heat.AirTempC
	if t <= float64(pts[0].At) {
		return pts[0].Value, true
	}
	for i := 1; i < len(pts); i++ {
		if a, b := float64(pts[i-1].At), float64(pts[i].At); t <= b {
			if b == a {
				return pts[i].Value, true
			}
			return pts[i-1].Value + (pts[i].Value-pts[i-1].Value)*(t-a)/(b-a), true
		}
	}
	return pts[len(pts)-1].Value, true
}
