package report

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"math"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

// The map is drawn one pixel per grid cell and scaled by the SVG, so a
// 160 × 120 map costs a few kilobytes of PNG whatever the page size.

func dataURI(img image.Image) string {
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, img); err != nil {
		return ""
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())
}

func mapView(w *engine.World) MapView {
	m := w.Map()
	g := m.Elev
	mv := MapView{Width: float64(g.NX) * g.Cell, Height: float64(g.NY) * g.Cell, Base: dataURI(relief(g, m))}
	sc := w.Scenario()
	mv.Title = sc.Title
	for _, p := range sc.Places {
		mv.Places = append(mv.Places, Place{ID: p.ID, Name: p.Name, Kind: p.Kind, Safe: p.Safe, Danger: p.Danger,
			Rect: p.Rect, Circle: p.Circle})
	}
	return mv
}

// relief shades the terrain from the north-west (the cartographic
// convention) and tints it by elevation; blocked land (buildings) is darker.
func relief(g *terrain.Grid, m *terrain.Map) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, g.NX, g.NY))
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range g.V {
		if v != g.NoData {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	span := math.Max(hi-lo, 1)
	at := func(c, r int) float64 {
		c = min(max(c, 0), g.NX-1)
		r = min(max(r, 0), g.NY-1)
		return g.V[r*g.NX+c]
	}
	// Light from azimuth 315°, altitude 45°.
	lx, ly, lz := -math.Sqrt(0.5)*math.Cos(math.Pi/4), -math.Sqrt(0.5)*math.Cos(math.Pi/4), math.Sin(math.Pi/4)
	for r := 0; r < g.NY; r++ {
		for c := 0; c < g.NX; c++ {
			dzdx := (at(c+1, r) - at(c-1, r)) / (2 * g.Cell)
			dzdy := (at(c, r+1) - at(c, r-1)) / (2 * g.Cell) // y grows south
			nx, ny, nz := -dzdx, -dzdy, 1.0
			n := math.Sqrt(nx*nx + ny*ny + nz*nz)
			shade := math.Max(0, (nx*lx+ny*ly+nz*lz)/n)
			t := (at(c, r) - lo) / span
			base := 0.55 + 0.45*shade
			rr := (0.78 + 0.12*t) * base
			gg := (0.82 + 0.05*t) * base
			bb := (0.70 - 0.10*t) * base
			i := r*g.NX + c
			if i < len(m.LandUse) && m.LandUse[i] == terrain.Water {
				rr, gg, bb = 0.62*base, 0.74*base, 0.86*base
			}
			if i < len(m.LandUse) && terrain.Blocked(m.LandUse[i]) {
				rr, gg, bb = rr*0.72, gg*0.72, bb*0.75
			}
			img.SetNRGBA(c, r, color.NRGBA{R: u8(rr), G: u8(gg), B: u8(bb), A: 255})
		}
	}
	return img
}

func u8(f float64) uint8 { return uint8(math.Round(255 * math.Min(math.Max(f, 0), 1))) }

// hazardOverlay draws flood water (blue, deeper is darker and more opaque)
// and landslide debris (brown) as a transparent image over the relief;
// empty for a hazard with nothing to draw (heat).
func hazardOverlay(w *engine.World) string {
	g := w.Map().Elev
	fm, sm := w.Flood(), w.Landslide()
	if fm == nil && sm == nil {
		return ""
	}
	img := image.NewNRGBA(image.Rect(0, 0, g.NX, g.NY))
	any := false
	for r := 0; r < g.NY; r++ {
		for c := 0; c < g.NX; c++ {
			i := r*g.NX + c
			if fm != nil {
				if d := fm.Depth(i); d > 0.03 {
					t := math.Min(d/1.5, 1)
					img.SetNRGBA(c, r, color.NRGBA{R: u8(0.35 - 0.3*t), G: u8(0.6 - 0.35*t), B: u8(0.95 - 0.25*t), A: u8(0.45 + 0.45*t)})
					any = true
				}
			}
			if sm != nil {
				if d := sm.DebrisDepth(i); d > 0.05 {
					t := math.Min(d/2, 1)
					img.SetNRGBA(c, r, color.NRGBA{R: u8(0.55 - 0.2*t), G: u8(0.35 - 0.15*t), B: u8(0.15), A: u8(0.55 + 0.4*t)})
					any = true
				}
			}
		}
	}
	if !any {
		return ""
	}
	return dataURI(img)
}
