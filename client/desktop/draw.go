package main

import (
	"image"
	"image/color"
	"math"
	"strings"
	"unicode"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/rescuedrill/rescuedrill/client/desktop/internal/view"
)

var (
	white   = color.RGBA{0xff, 0xff, 0xff, 0xff}
	black   = color.RGBA{0x10, 0x10, 0x10, 0xff}
	panel   = color.RGBA{0x18, 0x1c, 0x24, 0xe8}
	panelHi = color.RGBA{0x2c, 0x4a, 0x7a, 0xff}
	muted   = color.RGBA{0xb8, 0xc0, 0xcc, 0xff}
	good    = color.RGBA{0x3c, 0xb0, 0x5a, 0xff}
	bad     = color.RGBA{0xd8, 0x3a, 0x3a, 0xff}
	amber   = color.RGBA{0xf0, 0xa0, 0x20, 0xff}
)

// drawText draws s with its top-left at (x, y).
func drawText(dst *ebiten.Image, s string, f *text.GoTextFace, x, y float64, c color.Color) {
	op := &text.DrawOptions{}
	op.GeoM.Translate(x, y)
	op.ColorScale.ScaleWithColor(c)
	op.LineSpacing = f.Size * 1.35
	text.Draw(dst, s, f, op)
}

// drawTextCentered centres s on (x, y).
func drawTextCentered(dst *ebiten.Image, s string, f *text.GoTextFace, x, y float64, c color.Color) {
	op := &text.DrawOptions{}
	op.GeoM.Translate(x, y)
	op.ColorScale.ScaleWithColor(c)
	op.PrimaryAlign, op.SecondaryAlign = text.AlignCenter, text.AlignCenter
	text.Draw(dst, s, f, op)
}

// label draws map text with a dark halo so it reads on any ground.
func label(dst *ebiten.Image, s string, f *text.GoTextFace, x, y float64, c color.Color) {
	for _, d := range [][2]float64{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
		drawTextCentered(dst, s, f, x+d[0], y+d[1], color.RGBA{0, 0, 0, 0xc0})
	}
	drawTextCentered(dst, s, f, x, y, c)
}

// wrap breaks s into lines no wider than w: at spaces in English, at any
// character in Chinese (which has no spaces).
func wrap(s string, f *text.GoTextFace, w float64) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		line, lastBreak := []rune{}, -1
		for _, r := range para {
			line = append(line, r)
			if r == ' ' || unicode.Is(unicode.Han, r) || strings.ContainsRune("，。；、：）", r) {
				lastBreak = len(line)
			}
			// Closing punctuation stays on its line (no line starts with "。").
			if text.Advance(string(line), f) > w && len(line) > 1 && !strings.ContainsRune("，。；、：）！？”", r) {
				cut := len(line) - 1
				if lastBreak > 0 && lastBreak < len(line) {
					cut = lastBreak
				}
				lines = append(lines, strings.TrimRight(string(line[:cut]), " "))
				line = append([]rune{}, line[cut:]...)
				lastBreak = -1
			}
		}
		lines = append(lines, string(line))
	}
	return lines
}

// rect is a screen rectangle for buttons and hit tests.
type rect struct{ x, y, w, h float64 }

func (r rect) has(x, y int) bool {
	fx, fy := float64(x), float64(y)
	return fx >= r.x && fx < r.x+r.w && fy >= r.y && fy < r.y+r.h
}

func fillRect(dst *ebiten.Image, r rect, c color.Color) {
	vector.DrawFilledRect(dst, float32(r.x), float32(r.y), float32(r.w), float32(r.h), c, false)
}

// button draws a large button: a key badge on the left, the label after.
func button(dst *ebiten.Image, g *game, r rect, key, lbl string, hot bool) {
	bg := color.RGBA{0x24, 0x2c, 0x3a, 0xf0}
	if hot {
		bg = panelHi
	}
	fillRect(dst, r, bg)
	vector.StrokeRect(dst, float32(r.x), float32(r.y), float32(r.w), float32(r.h), 2, muted, false)
	bx := r.x + 8
	if key != "" {
		kw := math.Max(30, text.Advance(key, g.face(18))+14)
		fillRect(dst, rect{bx, r.y + (r.h-30)/2, kw, 30}, white)
		drawTextCentered(dst, key, g.face(18), bx+kw/2, r.y+r.h/2, black)
		bx += kw + 10
	}
	f := g.face(18)
	lines := wrap(lbl, f, r.x+r.w-bx-8)
	if len(lines) > 2 {
		lines = lines[:2]
	}
	ty := r.y + r.h/2 - float64(len(lines))*f.Size*1.35/2
	drawText(dst, strings.Join(lines, "\n"), f, bx, ty, white)
}

// fillPolygon fills a convex or simple polygon.
func fillPolygon(dst *ebiten.Image, pts [][2]float64, c color.Color) {
	var p vector.Path
	for i, q := range pts {
		if i == 0 {
			p.MoveTo(float32(q[0]), float32(q[1]))
		} else {
			p.LineTo(float32(q[0]), float32(q[1]))
		}
	}
	p.Close()
	vs, is := p.AppendVerticesAndIndicesForFilling(nil, nil)
	r, gg, b, a := c.RGBA()
	for i := range vs {
		vs[i].SrcX, vs[i].SrcY = 1, 1
		vs[i].ColorR, vs[i].ColorG, vs[i].ColorB, vs[i].ColorA = float32(r)/0xffff, float32(gg)/0xffff, float32(b)/0xffff, float32(a)/0xffff
	}
	dst.DrawTriangles(vs, is, whitePixel, &ebiten.DrawTrianglesOptions{AntiAlias: true})
}

var whitePixel = func() *ebiten.Image {
	img := ebiten.NewImage(3, 3)
	img.Fill(color.White)
	return img.SubImage(image.Rect(1, 1, 2, 2)).(*ebiten.Image)
}()

// regular returns an n-gon of radius r around (cx, cy), rotated by rot.
func regular(n int, cx, cy, r, rot float64) [][2]float64 {
	pts := make([][2]float64, n)
	for i := range pts {
		a := rot + 2*math.Pi*float64(i)/float64(n)
		pts[i] = [2]float64{cx + r*math.Sin(a), cy - r*math.Cos(a)}
	}
	return pts
}

// drawIcon draws a warning level's shape with its glyph, in fg on the
// banner's colour: circle "i", triangle "!", diamond "!!", octagon "→".
func drawIcon(dst *ebiten.Image, g *game, icon view.Icon, cx, cy, r float64, fg color.Color) {
	var shape [][2]float64
	glyph := ""
	switch icon {
	case view.IconCircle:
		vector.StrokeCircle(dst, float32(cx), float32(cy), float32(r), 4, fg, true)
		glyph = "i"
	case view.IconTriangle:
		shape, glyph = regular(3, cx, cy+r*0.15, r*1.1, 0), "!"
	case view.IconDiamond:
		shape, glyph = regular(4, cx, cy, r*1.05, 0), "!!"
	case view.IconOctagon:
		shape, glyph = regular(8, cx, cy, r, math.Pi/8), "→"
	}
	if shape != nil {
		fillPolygon(dst, shape, fg)
		// The glyph is cut out in the banner colour: draw it in black or
		// white, whichever the fg is not.
		inv := color.Color(white)
		if rr, _, _, _ := fg.RGBA(); rr > 0x8000 {
			inv = black
		}
		drawTextCentered(dst, glyph, g.face(r), cx, cy+r*0.1, inv)
		return
	}
	drawTextCentered(dst, glyph, g.face(r*1.1), cx, cy, fg)
}

// textAdvance is the width of s at a size.
func textAdvance(s string, g *game, size float64) float64 { return text.Advance(s, g.face(size)) }
