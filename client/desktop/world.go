package main

import (
	"image"
	"image/color"
	"math"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/client/desktop/internal/view"
	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// terrainPx is how many pixels per cell the terrain image has: enough for
// smooth contours, few enough for a 256² city map (1 024² pixels).
const terrainPx = 4

// world is the drawn map: the terrain image made once, the water and
// debris images remade when their fields change, flow arrows with them.
type world struct {
	sc        *engine.Scenario
	npcs      []wire.NPCInfo
	elev      view.Elev
	cell      float64
	ground    *ebiten.Image
	water     *ebiten.Image
	debris    *ebiten.Image
	arrows    []view.Arrow
	fieldVer  uint64
	scratch   *image.NRGBA
	hasDebris bool
}

func newWorld(s *session) *world {
	t := s.c.Terrain()
	w := &world{sc: s.info.Scenario, npcs: s.info.NPCs, elev: view.ElevOf(t), cell: t.CellSize(), fieldVer: math.MaxUint64}
	w.ground = ebiten.NewImageFromImage(view.TerrainImage(t, terrainPx))
	return w
}

// refresh re-uploads the depth fields when the client has newer ones.
func (w *world) refresh(c *client.Client) {
	water, debris, ver := c.Fields()
	if ver == w.fieldVer {
		return
	}
	w.fieldVer = ver
	if water != nil {
		w.scratch = view.FieldImage(water, view.WaterColour, w.scratch)
		w.water = upload(w.water, w.scratch)
		// Arrows every ~20 m so they read at the default zoom.
		w.arrows = view.FlowArrows(w.elev, water, max(2, int(20/w.cell)))
	}
	if debris != nil {
		w.scratch = view.FieldImage(debris, view.DebrisColour, w.scratch)
		w.debris = upload(w.debris, w.scratch)
		w.hasDebris = false
		for _, t := range debris.Tiles {
			if t != nil {
				w.hasDebris = true
				break
			}
		}
	}
}

func upload(dst *ebiten.Image, src *image.NRGBA) *ebiten.Image {
	b := src.Bounds()
	if dst == nil || dst.Bounds() != b {
		dst = ebiten.NewImage(b.Dx(), b.Dy())
	}
	// WritePixels takes premultiplied RGBA.
	px := make([]byte, len(src.Pix))
	for i := 0; i < len(px); i += 4 {
		a := uint32(src.Pix[i+3])
		px[i], px[i+1], px[i+2], px[i+3] = byte(uint32(src.Pix[i])*a/255), byte(uint32(src.Pix[i+1])*a/255), byte(uint32(src.Pix[i+2])*a/255), byte(a)
	}
	dst.WritePixels(px)
	return dst
}

// drawLayer draws a grid image (px pixels per cell) under the camera.
func drawLayer(dst, img *ebiten.Image, cam view.Camera, cell float64, px int) {
	if img == nil {
		return
	}
	op := &ebiten.DrawImageOptions{Filter: ebiten.FilterLinear}
	s := cell / float64(px) * cam.Scale
	op.GeoM.Scale(s, s)
	x, y := cam.ToScreen(0, 0)
	op.GeoM.Translate(x, y)
	dst.DrawImage(img, op)
}

// draw paints the map, the hazards, places, objects and people.
func (w *world) draw(g *game, dst *ebiten.Image, cam view.Camera, v client.View, m *view.Model, self int32, lang view.Lang) {
	drawLayer(dst, w.ground, cam, w.cell, terrainPx)
	w.drawPlaces(g, dst, cam, m, lang)
	drawLayer(dst, w.water, cam, w.cell, 1)
	w.drawArrows(dst, cam)
	drawLayer(dst, w.debris, cam, w.cell, 1)
	w.drawCracks(dst, cam, m)
	w.drawObjects(g, dst, cam, lang)
	w.drawPeople(g, dst, cam, v, self, lang)
	if t, ok := view.AirTemp(w.sc, v.Tick); ok {
		if c := view.HeatTint(t); c.A > 0 {
			vector.DrawFilledRect(dst, 0, 0, float32(g.w), float32(g.h), premul(c), false)
		}
	}
}

func premul(c color.NRGBA) color.RGBA {
	a := uint32(c.A)
	return color.RGBA{uint8(uint32(c.R) * a / 255), uint8(uint32(c.G) * a / 255), uint8(uint32(c.B) * a / 255), c.A}
}

// drawPlaces outlines the named places: safe ones green, dangerous ones
// red with hatching, shade zones as cool shadow; labels on top.
func (w *world) drawPlaces(g *game, dst *ebiten.Image, cam view.Camera, m *view.Model, lang view.Lang) {
	if w.sc == nil {
		return
	}
	for _, p := range w.sc.Places {
		x0, y0, x1, y1 := view.PlaceBounds(p)
		sx0, sy0 := cam.ToScreen(x0, y0)
		sx1, sy1 := cam.ToScreen(x1, y1)
		r := rect{sx0, sy0, sx1 - sx0, sy1 - sy0}
		edge := color.RGBA{0xf8, 0xf8, 0xf8, 0xc0}
		switch {
		case p.Kind == "shade" || p.Kind == "cool_room":
			fillShape(dst, p, cam, color.RGBA{0x10, 0x28, 0x48, 0x70})
			edge = color.RGBA{0x60, 0xa0, 0xe0, 0xe0}
		case p.Safe:
			fillShape(dst, p, cam, color.RGBA{0x10, 0x60, 0x20, 0x40})
			edge = color.RGBA{0x30, 0xd0, 0x50, 0xff}
		case p.Danger:
			fillShape(dst, p, cam, color.RGBA{0x70, 0x10, 0x10, 0x30})
			edge = color.RGBA{0xf0, 0x40, 0x30, 0xff}
			hatch(dst, r, color.RGBA{0xf0, 0x40, 0x30, 0x60})
		case p.Kind == "stairs":
			for y := r.y; y < r.y+r.h; y += math.Max(4, 1.2*cam.Scale) {
				vector.StrokeLine(dst, float32(r.x), float32(y), float32(r.x+r.w), float32(y), 1, color.RGBA{0x40, 0x40, 0x40, 0xc0}, false)
			}
		}
		if len(p.Circle) == 3 {
			cx, cy := cam.ToScreen(p.Circle[0], p.Circle[1])
			vector.StrokeCircle(dst, float32(cx), float32(cy), float32(p.Circle[2]*cam.Scale), 2, edge, true)
		} else {
			vector.StrokeRect(dst, float32(r.x), float32(r.y), float32(r.w), float32(r.h), 2, edge, false)
		}
	}
	// Labels after all outlines so none is painted over.
	for _, p := range w.sc.Places {
		if p.Kind == "road" && !p.Danger {
			continue // roads read from the map; their names clutter it
		}
		cx, cy := view.PlaceCentre(p)
		sx, sy := cam.ToScreen(cx, cy)
		mark := ""
		switch {
		case p.Safe:
			mark = "◎ "
		case p.Danger:
			mark = "⚠ "
		}
		label(dst, mark+lang.Two(p.Name.ZH, p.Name.EN), g.face(15), sx, sy, white)
	}
}

func fillShape(dst *ebiten.Image, p engine.PlaceSpec, cam view.Camera, c color.RGBA) {
	if len(p.Circle) == 3 {
		cx, cy := cam.ToScreen(p.Circle[0], p.Circle[1])
		vector.DrawFilledCircle(dst, float32(cx), float32(cy), float32(p.Circle[2]*cam.Scale), c, true)
		return
	}
	x0, y0, x1, y1 := view.PlaceBounds(p)
	sx0, sy0 := cam.ToScreen(x0, y0)
	sx1, sy1 := cam.ToScreen(x1, y1)
	fillRect(dst, rect{sx0, sy0, sx1 - sx0, sy1 - sy0}, c)
}

// hatch draws diagonal lines across r (danger zones), clipped to it.
func hatch(dst *ebiten.Image, r rect, c color.RGBA) {
	for d := 0.0; d < r.w+r.h; d += 14 {
		x0, y0 := r.x+d, r.y
		x1, y1 := r.x+d-r.h, r.y+r.h
		if x0 > r.x+r.w {
			y0 += x0 - (r.x + r.w)
			x0 = r.x + r.w
		}
		if x1 < r.x {
			y1 -= r.x - x1
			x1 = r.x
		}
		vector.StrokeLine(dst, float32(x0), float32(y0), float32(x1), float32(y1), 1.5, c, true)
	}
}

// drawArrows marks the flow direction with chevrons that drift along it,
// faster where the water surface is steeper.
func (w *world) drawArrows(dst *ebiten.Image, cam view.Camera) {
	if len(w.arrows) == 0 {
		return
	}
	phase := float64(time.Now().UnixMilli()%1500) / 1500
	size := math.Max(5, math.Min(14, 6*cam.Scale))
	for _, a := range w.arrows {
		off := (phase - 0.5) * size * 1.2 * (0.4 + a.Strength)
		x, y := cam.ToScreen(a.X, a.Y)
		x, y = x+a.DX*off, y+a.DY*off
		if x < -20 || y < -20 || x > cam.W+20 || y > cam.H+20 {
			continue
		}
		c := color.RGBA{0xe8, 0xf6, 0xff, uint8(120 + 120*a.Strength)}
		hx, hy := x+a.DX*size, y+a.DY*size
		px, py := -a.DY*size*0.5, a.DX*size*0.5
		vector.StrokeLine(dst, float32(x-a.DX*size*0.4), float32(y-a.DY*size*0.4), float32(hx), float32(hy), 2, c, true)
		vector.StrokeLine(dst, float32(hx), float32(hy), float32(hx-a.DX*size*0.6+px), float32(hy-a.DY*size*0.6+py), 2, c, true)
		vector.StrokeLine(dst, float32(hx), float32(hy), float32(hx-a.DX*size*0.6-px), float32(hy-a.DY*size*0.6-py), 2, c, true)
	}
}

// drawCracks shows ground cracks in a landslide drill's danger zones once
// the geological warning is yellow or debris has moved: more with each
// level (the precursors the drill asks pupils to notice and report).
func (w *world) drawCracks(dst *ebiten.Image, cam view.Camera, m *view.Model) {
	if w.sc == nil || w.sc.Landslide == nil {
		return
	}
	n := int(m.Levels[2])
	if w.hasDebris {
		n = max(n, 4)
	}
	if n < 2 {
		return
	}
	for _, p := range w.sc.Places {
		if !p.Danger || p.Kind == "road" {
			continue
		}
		for _, line := range view.Cracks(p, 2*n) {
			for i := 1; i < len(line); i++ {
				x0, y0 := cam.ToScreen(line[i-1][0], line[i-1][1])
				x1, y1 := cam.ToScreen(line[i][0], line[i][1])
				vector.StrokeLine(dst, float32(x0), float32(y0), float32(x1), float32(y1), 2.5, color.RGBA{0x30, 0x1c, 0x10, 0xe0}, true)
			}
		}
	}
}

// objectColour tells object kinds apart (with their names beside them).
var objectColour = map[string]color.RGBA{
	"power_switch": {0xff, 0xd0, 0x20, 0xff}, "water": {0x40, 0xb0, 0xff, 0xff}, "phone": {0xe0, 0xe0, 0xe0, 0xff},
	"belongings": {0xc0, 0x80, 0x40, 0xff}, "first_aid_kit": {0xff, 0xff, 0xff, 0xff}, "alarm": {0xff, 0x40, 0x40, 0xff},
}

func (w *world) drawObjects(g *game, dst *ebiten.Image, cam view.Camera, lang view.Lang) {
	if w.sc == nil {
		return
	}
	for _, o := range w.sc.Objects {
		if len(o.At) < 2 {
			continue
		}
		x, y := cam.ToScreen(o.At[0], o.At[1])
		c, ok := objectColour[o.Kind]
		if !ok {
			c = white
		}
		s := math.Max(7, 1.2*cam.Scale)
		fillPolygon(dst, regular(4, x, y, s, 0), black)
		fillPolygon(dst, regular(4, x, y, s-2, 0), c)
		label(dst, lang.Two(o.Name.ZH, o.Name.EN), g.face(14), x, y-s-10, color.RGBA{0xff, 0xf0, 0xa0, 0xff})
	}
}

// npcColour by kind: crowds grey, the elderly purple, classmates teal.
var npcColour = [4]color.RGBA{{0xb0, 0xb0, 0xb0, 0xff}, {0x90, 0x90, 0x90, 0xff}, {0xa0, 0x60, 0xd0, 0xff}, {0x20, 0xb0, 0xa0, 0xff}}

// drawPeople draws NPCs and participants (interpolated positions) with a
// heading tick and names; the pupil's own figure is larger and ringed.
func (w *world) drawPeople(g *game, dst *ebiten.Image, cam view.Camera, v client.View, self int32, lang view.Lang) {
	r := math.Max(4, 0.6*cam.Scale)
	for _, n := range v.NPCs {
		x, y := cam.ToScreen(n.X, n.Y)
		c := npcColour[0]
		kind := wire.NPCOther
		if int(n.ID) < len(w.npcs) {
			kind = w.npcs[n.ID].Kind
			if int(kind) < len(npcColour) {
				c = npcColour[kind]
			}
		}
		person(dst, x, y, r, n.Heading, c, n.Status, n.Flags&wire.FlagSymptoms != 0)
		if kind == wire.NPCElder || kind == wire.NPCClassmate {
			id := ""
			if int(n.ID) < len(w.npcs) {
				id = w.npcs[n.ID].ID
			}
			label(dst, view.NPCName(w.sc, id, lang), g.face(14), x, y-r-12, color.RGBA{0xe8, 0xd8, 0xff, 0xff})
		}
	}
	names := map[uint32]string{}
	for _, e := range g.sess.c.Roster() {
		names[e.Slot] = e.Name
	}
	for _, p := range v.Participants {
		x, y := cam.ToScreen(p.X, p.Y)
		c := color.RGBA{0xff, 0x90, 0x30, 0xff}
		rr := r
		if int32(p.ID) == self {
			c, rr = color.RGBA{0xff, 0xff, 0x40, 0xff}, r*1.5
			vector.StrokeCircle(dst, float32(x), float32(y), float32(rr+4), 2.5, white, true)
		}
		person(dst, x, y, rr, p.Heading, c, p.Status, p.Flags&wire.FlagSymptoms != 0)
		name := names[p.ID]
		if int32(p.ID) == self {
			name = lang.T("you")
		}
		if name != "" {
			label(dst, name, g.face(14), x, y-rr-12, white)
		}
	}
}

// person is a disc with a line toward the heading; harmed people get an X,
// people showing heat symptoms a red ring.
func person(dst *ebiten.Image, x, y, r, heading float64, c color.RGBA, status uint8, symptoms bool) {
	vector.DrawFilledCircle(dst, float32(x), float32(y), float32(r+1.5), black, true)
	vector.DrawFilledCircle(dst, float32(x), float32(y), float32(r), c, true)
	a := heading * math.Pi / 180
	vector.StrokeLine(dst, float32(x), float32(y), float32(x+math.Sin(a)*r*2), float32(y-math.Cos(a)*r*2), 2, black, true)
	if symptoms {
		vector.StrokeCircle(dst, float32(x), float32(y), float32(r+4), 2, bad, true)
	}
	if status != 0 {
		vector.StrokeLine(dst, float32(x-r), float32(y-r), float32(x+r), float32(y+r), 3, bad, true)
		vector.StrokeLine(dst, float32(x-r), float32(y+r), float32(x+r), float32(y-r), 3, bad, true)
	}
}
