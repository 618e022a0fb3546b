package explore

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"

	"github.com/rescuedrill/rescuedrill/engine/landslide"
	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

// Layer picks what a map image shows over the terrain.
type Layer int

const (
	// FloodLayer shades water by depth: light at ankle depth, dark blue
	// at 2 m and deeper.
	FloodLayer Layer = iota
	// SlopeLayer colours the factor of safety: red below 1 (failing),
	// orange to 1.15 (cracks), yellow to 1.5, green above.
	SlopeLayer
)

// maxImageWidth keeps a panel about a screen's half wide whatever the grid.
const maxImageWidth = 640

// scale is how many pixels one cell gets.
func (m *Map) scale() int {
	return max(1, maxImageWidth/m.Terrain.Elev.NX)
}

// Image draws one layer of a result, with the places outlined and an
// optional marker at map point mark (metres).
func (m *Map) Image(r *Result, layer Layer, mark *[2]float64) *image.RGBA {
	g := m.Terrain.Elev
	s := m.scale()
	img := image.NewRGBA(image.Rect(0, 0, g.NX*s, g.NY*s))
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, z := range g.V {
		lo, hi = math.Min(lo, z), math.Max(hi, z)
	}
	span := math.Max(hi-lo, 1e-6)
	for row := 0; row < g.NY; row++ {
		for c := 0; c < g.NX; c++ {
			i := g.Index(c, row)
			col := m.ground(i, (g.V[i]-lo)/span)
			switch layer {
			case FloodLayer:
				if d := r.Depth[i]; d >= 0.01 {
					a := math.Min(0.35+d/2*0.6, 0.95)
					col = blend(col, color.RGBA{20, 80, 200, 255}, a)
				}
			case SlopeLayer:
				if f := r.FS[i]; f < landslide.FSMax && m.Terrain.Soil != nil && m.Terrain.Soil[i] != terrain.SoilBedrock {
					col = blend(col, fsColour(f), 0.7)
				}
			}
			for y := row * s; y < (row+1)*s; y++ {
				for x := c * s; x < (c+1)*s; x++ {
					img.SetRGBA(x, y, col)
				}
			}
		}
	}
	px := float64(s) / g.Cell
	for _, p := range m.Places {
		b := p.Bounds()
		outline(img, int(b.X0*px), int(b.Y0*px), int(b.X1*px), int(b.Y1*px), color.RGBA{255, 255, 255, 255})
	}
	if mark != nil {
		x, y := int(mark[0]*px), int(mark[1]*px)
		for d := -6; d <= 6; d++ {
			for _, pt := range [][2]int{{x + d, y}, {x, y + d}} {
				if image.Pt(pt[0], pt[1]).In(img.Rect) {
					img.SetRGBA(pt[0], pt[1], color.RGBA{230, 20, 20, 255})
				}
			}
		}
	}
	return img
}

// ground is the terrain colour: grey by height, lit from the north-west,
// buildings dark, river cells grey-blue.
func (m *Map) ground(i int, t float64) color.RGBA {
	g := m.Terrain.Elev
	dzdx, dzdy := g.Gradient(i)
	light := math.Max(0, math.Min(1, 0.75+(-dzdx-dzdy)*0.8))
	v := uint8(math.Min(255, (90+120*t)*light+30))
	switch lu := m.Terrain.LandUseAt(i); {
	case terrain.Blocked(lu):
		return color.RGBA{70, 60, 60, 255}
	case lu == terrain.Water:
		return color.RGBA{v / 2, v / 2, 150, 255}
	case lu == terrain.Road:
		return color.RGBA{v, v, v - v/8, 255}
	}
	return color.RGBA{v - v/10, v, v - v/5, 255}
}

func fsColour(f float64) color.RGBA {
	switch {
	case f < 1:
		return color.RGBA{220, 20, 30, 255}
	case f < 1.15:
		return color.RGBA{245, 130, 20, 255}
	case f < 1.5:
		return color.RGBA{240, 220, 40, 255}
	}
	return color.RGBA{60, 170, 70, 255}
}

func blend(a, b color.RGBA, t float64) color.RGBA {
	mix := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
}

func outline(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	set := func(x, y int) {
		if image.Pt(x, y).In(img.Rect) {
			img.SetRGBA(x, y, c)
		}
	}
	for x := x0; x <= x1; x++ {
		set(x, y0)
		set(x, y1)
	}
	for y := y0; y <= y1; y++ {
		set(x0, y)
		set(x1, y)
	}
}

// WritePNG writes both layers side by side: flood left, slopes right.
func (m *Map) WritePNG(w io.Writer, r *Result, mark *[2]float64) error {
	a, b := m.Image(r, FloodLayer, mark), m.Image(r, SlopeLayer, mark)
	gap := 8
	img := image.NewRGBA(image.Rect(0, 0, a.Rect.Dx()*2+gap, a.Rect.Dy()))
	for y := 0; y < a.Rect.Dy(); y++ {
		for x := 0; x < a.Rect.Dx(); x++ {
			img.SetRGBA(x, y, a.RGBAAt(x, y))
			img.SetRGBA(x+a.Rect.Dx()+gap, y, b.RGBAAt(x, y))
		}
		for x := a.Rect.Dx(); x < a.Rect.Dx()+gap; x++ {
			img.SetRGBA(x, y, color.RGBA{255, 255, 255, 255})
		}
	}
	return png.Encode(w, img)
}

// WriteSVG writes both layers as embedded images with the places drawn
// and named over them as vectors, and a bilingual caption.
func (m *Map) WriteSVG(w io.Writer, r *Result, mark *[2]float64) error {
	g := m.Terrain.Elev
	pw, ph := float64(g.NX)*g.Cell, float64(g.NY)*g.Cell
	gap := pw / 40
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" font-family="sans-serif">`+"\n",
		2*pw+gap, ph+pw/10)
	for k, layer := range []Layer{FloodLayer, SlopeLayer} {
		var b bytes.Buffer
		if err := png.Encode(&b, m.Image(r, layer, mark)); err != nil {
			return err
		}
		x0 := float64(k) * (pw + gap)
		fmt.Fprintf(&buf, `<image x="%g" y="0" width="%g" height="%g" preserveAspectRatio="none" href="data:image/png;base64,%s"/>`+"\n",
			x0, pw, ph, base64.StdEncoding.EncodeToString(b.Bytes()))
		for _, p := range m.Places {
			bd := p.Bounds()
			fmt.Fprintf(&buf, `<rect x="%g" y="%g" width="%g" height="%g" fill="none" stroke="white" stroke-width="%g"/>`+"\n",
				x0+bd.X0, bd.Y0, bd.X1-bd.X0, bd.Y1-bd.Y0, pw/400)
			fmt.Fprintf(&buf, `<text x="%g" y="%g" font-size="%g" fill="white" stroke="black" stroke-width="%g" paint-order="stroke">%s</text>`+"\n",
				x0+bd.X0, bd.Y0-pw/200, pw/60, pw/800, html.EscapeString(p.ID))
		}
	}
	fmt.Fprintf(&buf, `<text x="0" y="%g" font-size="%g">%s</text>`+"\n", ph+pw/25, pw/45,
		html.EscapeString(fmt.Sprintf("Flood · 洪水: river %.2f m, rain %g mm/h, %g h; %.0f m² under ≥ 10 cm", r.Level, r.Rain, r.Hours, r.FloodedArea)))
	fmt.Fprintf(&buf, `<text x="%g" y="%g" font-size="%g">%s</text>`+"\n", pw+gap, ph+pw/25, pw/45,
		html.EscapeString("Slope factor of safety · 边坡安全系数: red < 1 failing 失稳, orange < 1.15 cracks 裂缝, yellow < 1.5, green stable 稳定"))
	buf.WriteString("</svg>\n")
	_, err := w.Write(buf.Bytes())
	return err
}

func encodePNG(w io.Writer, img image.Image) error { return png.Encode(w, img) }
