package terrain

import (
	"fmt"
	"math"
	"strings"

	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// PlaceKind says what a named place is, which is what scenarios and the
// warning guides reason about ("leave the underpass", "go to the shelter").
// Values are stable; scenario files use the keys, not the numbers. The
// constants carry a Kind prefix because Road and Building are also land-use
// classes.
type PlaceKind uint8

const (
	KindSchool PlaceKind = iota
	KindUnderpass
	KindBasement
	KindBridge
	KindStairs
	KindShelter
	KindHilltop
	KindRiverbank
	KindRoad
	KindSportsField
	KindShade
	KindWaterStation
	KindFirstAid
	KindBuilding
	KindAssembly
	KindPark
	KindSpring
	KindCoolRoom
	KindOther
	numPlaceKind
)

type placeKindInfo struct{ key, en, zh string }

var placeKinds = [numPlaceKind]placeKindInfo{
	KindSchool:       {"school", "School", "学校"},
	KindUnderpass:    {"underpass", "Underpass", "下穿通道"},
	KindBasement:     {"basement", "Basement / underground car park", "地下室/地下车库"},
	KindBridge:       {"bridge", "Bridge", "桥梁"},
	KindStairs:       {"stairs", "Stairs", "梯道"},
	KindShelter:      {"shelter", "Emergency shelter", "应急避难场所"},
	KindHilltop:      {"hilltop", "Hilltop", "山顶"},
	KindRiverbank:    {"riverbank", "Riverbank", "河岸"},
	KindRoad:         {"road", "Road", "道路"},
	KindSportsField:  {"sports_field", "Sports field", "运动场"},
	KindShade:        {"shade", "Shade", "遮阴处"},
	KindWaterStation: {"water_station", "Water station", "饮水点"},
	KindFirstAid:     {"first_aid", "First aid", "医务室/急救点"},
	KindBuilding:     {"building", "Building", "建筑物"},
	KindAssembly:     {"assembly", "Assembly point", "应急集合点"},
	KindPark:         {"park", "Park", "公园"},
	KindSpring:       {"spring", "Spring / seepage", "泉眼/渗水点"},
	KindCoolRoom:     {"cool_room", "Indoor cool room", "室内降温点"},
	KindOther:        {"other", "Other", "其他"},
}

// Key is the stable lower_snake name used in scenario and map files.
func (k PlaceKind) Key() string {
	if k >= numPlaceKind {
		return fmt.Sprintf("kind%d", uint8(k))
	}
	return placeKinds[k].key
}

func (k PlaceKind) String() string { return k.Key() }

// NameEN and NameZH are display names.
func (k PlaceKind) NameEN() string {
	if k >= numPlaceKind {
		return k.Key()
	}
	return placeKinds[k].en
}

func (k PlaceKind) NameZH() string {
	if k >= numPlaceKind {
		return k.Key()
	}
	return placeKinds[k].zh
}

// ParsePlaceKind accepts a key ("sports_field"), the same with any case and
// with '-' or ' ' for '_' ("Sports Field", "sports-field"), the run-together
// form ("sportsfield"), or the Chinese name ("运动场").
func ParsePlaceKind(s string) (PlaceKind, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.NewReplacer("-", "_", " ", "_").Replace(t)
	flat := strings.ReplaceAll(t, "_", "")
	for k := PlaceKind(0); k < numPlaceKind; k++ {
		info := placeKinds[k]
		if t == info.key || flat == strings.ReplaceAll(info.key, "_", "") || strings.TrimSpace(s) == info.zh {
			return k, nil
		}
	}
	return KindOther, fmt.Errorf("unknown place kind %q", s)
}

// MarshalText and UnmarshalText let YAML and JSON carry kinds as keys.
func (k PlaceKind) MarshalText() ([]byte, error) {
	if k >= numPlaceKind {
		return nil, fmt.Errorf("invalid place kind %d", uint8(k))
	}
	return []byte(k.Key()), nil
}

func (k *PlaceKind) UnmarshalText(b []byte) error {
	v, err := ParsePlaceKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Point is a world position in metres (x east, y south).
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// Rect is an axis-aligned rectangle; the corners may be given in any order.
type Rect struct {
	X0 float64 `json:"x0"`
	Y0 float64 `json:"y0"`
	X1 float64 `json:"x1"`
	Y1 float64 `json:"y1"`
}

// Circle is a disc of radius R around (X, Y).
type Circle struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	R float64 `json:"r"`
}

// Place is a named area. Exactly one of Rect, Circle and Polygon is set.
type Place struct {
	ID      string    `json:"id"`
	Kind    PlaceKind `json:"kind"`
	NameZH  string    `json:"name_zh"`
	NameEN  string    `json:"name_en"`
	Rect    *Rect     `json:"rect,omitempty"`
	Circle  *Circle   `json:"circle,omitempty"`
	Polygon []Point   `json:"polygon,omitempty"`
}

// Check reports a place with no ID, not exactly one shape, or a degenerate
// or non-finite shape.
func (p Place) Check() error {
	if p.ID == "" {
		return fmt.Errorf("place with no id (%q)", p.NameEN)
	}
	if p.Kind >= numPlaceKind {
		return fmt.Errorf("place %q: invalid kind %d", p.ID, p.Kind)
	}
	n := 0
	if p.Rect != nil {
		n++
	}
	if p.Circle != nil {
		n++
	}
	if p.Polygon != nil {
		n++
	}
	if n != 1 {
		return fmt.Errorf("place %q: has %d shapes, want exactly one of rect, circle, polygon", p.ID, n)
	}
	finite := func(vs ...float64) bool {
		for _, v := range vs {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
		return true
	}
	switch {
	case p.Rect != nil:
		r := p.Rect
		if !finite(r.X0, r.Y0, r.X1, r.Y1) || r.X0 == r.X1 || r.Y0 == r.Y1 {
			return fmt.Errorf("place %q: rect %v is empty or not finite", p.ID, *r)
		}
	case p.Circle != nil:
		c := p.Circle
		if !finite(c.X, c.Y, c.R) || !(c.R > 0) {
			return fmt.Errorf("place %q: circle %v needs a finite centre and a positive radius", p.ID, *c)
		}
	default:
		if len(p.Polygon) < 3 {
			return fmt.Errorf("place %q: polygon has %d points, want at least 3", p.ID, len(p.Polygon))
		}
		for _, q := range p.Polygon {
			if !finite(q.X, q.Y) {
				return fmt.Errorf("place %q: polygon point %v is not finite", p.ID, q)
			}
		}
	}
	return nil
}

// Contains reports whether world point (x, y) is in the place. Rectangles
// and circles include their boundary. Polygons use the even-odd rule and
// may be concave; a point exactly on a polygon edge may fall either way, so
// do not put a person or a cell centre on one on purpose.
func (p Place) Contains(x, y float64) bool {
	switch {
	case p.Rect != nil:
		r := p.Rect
		return x >= math.Min(r.X0, r.X1) && x <= math.Max(r.X0, r.X1) &&
			y >= math.Min(r.Y0, r.Y1) && y <= math.Max(r.Y0, r.Y1)
	case p.Circle != nil:
		dx, dy := x-p.Circle.X, y-p.Circle.Y
		return float64(dx*dx)+float64(dy*dy) <= float64(p.Circle.R*p.Circle.R)
	case len(p.Polygon) >= 3:
		in := false
		pts := p.Polygon
		j := len(pts) - 1
		for i := range pts {
			a, b := pts[i], pts[j]
			// Does the edge a–b cross the horizontal ray going east from (x, y)?
			if (a.Y > y) != (b.Y > y) {
				xCross := a.X + float64((y-a.Y)*(b.X-a.X))/(b.Y-a.Y)
				if x < xCross {
					in = !in
				}
			}
			j = i
		}
		return in
	}
	return false
}

// Bounds returns the place's bounding box with X0<=X1 and Y0<=Y1.
func (p Place) Bounds() Rect {
	switch {
	case p.Rect != nil:
		r := p.Rect
		return Rect{math.Min(r.X0, r.X1), math.Min(r.Y0, r.Y1), math.Max(r.X0, r.X1), math.Max(r.Y0, r.Y1)}
	case p.Circle != nil:
		c := p.Circle
		return Rect{c.X - c.R, c.Y - c.R, c.X + c.R, c.Y + c.R}
	case len(p.Polygon) > 0:
		b := Rect{p.Polygon[0].X, p.Polygon[0].Y, p.Polygon[0].X, p.Polygon[0].Y}
		for _, q := range p.Polygon[1:] {
			b.X0, b.Y0 = math.Min(b.X0, q.X), math.Min(b.Y0, q.Y)
			b.X1, b.Y1 = math.Max(b.X1, q.X), math.Max(b.Y1, q.Y)
		}
		return b
	}
	return Rect{}
}

// Centre returns the place's centre: the middle of a rectangle, the centre
// of a circle, the area centroid of a polygon (the vertex mean if its area
// is zero). A concave polygon's centroid may lie outside it; scenarios that
// send people to a place should use a cell inside it (Grid.PlaceCells).
func (p Place) Centre() (x, y float64) {
	switch {
	case p.Rect != nil:
		return (p.Rect.X0 + p.Rect.X1) / 2, (p.Rect.Y0 + p.Rect.Y1) / 2
	case p.Circle != nil:
		return p.Circle.X, p.Circle.Y
	case len(p.Polygon) > 0:
		pts := p.Polygon
		// Shoelace terms relative to the first vertex keep the sums small.
		o := pts[0]
		var a2, cx, cy float64
		for i := 1; i+1 < len(pts); i++ {
			x1, y1 := pts[i].X-o.X, pts[i].Y-o.Y
			x2, y2 := pts[i+1].X-o.X, pts[i+1].Y-o.Y
			cross := float64(x1*y2) - float64(x2*y1)
			a2 += cross
			cx += float64(cross * (x1 + x2))
			cy += float64(cross * (y1 + y2))
		}
		if a2 == 0 {
			var sx, sy float64
			for _, q := range pts {
				sx += q.X
				sy += q.Y
			}
			n := float64(len(pts))
			return sx / n, sy / n
		}
		return o.X + cx/(3*a2), o.Y + cy/(3*a2)
	}
	return 0, 0
}

// PlaceCells returns, in index order, the cells of g whose centres lie in p.
// A place smaller than a cell that catches no centre gets the cell holding
// its centre, if that is on the grid, so every on-grid place has a cell.
func (g *Grid) PlaceCells(p Place) []int {
	b := p.Bounds()
	// Clamp in float64 before converting: int() of a huge float is undefined.
	c0 := int(clamp(math.Floor(b.X0/g.Cell-0.5), 0, float64(g.NX-1)))
	r0 := int(clamp(math.Floor(b.Y0/g.Cell-0.5), 0, float64(g.NY-1)))
	c1 := int(clamp(math.Ceil(b.X1/g.Cell-0.5), 0, float64(g.NX-1)))
	r1 := int(clamp(math.Ceil(b.Y1/g.Cell-0.5), 0, float64(g.NY-1)))
	var out []int
	for r := r0; r <= r1; r++ {
		for c := c0; c <= c1; c++ {
			if x, y := g.Centre(c, r); p.Contains(x, y) {
				out = append(out, r*g.NX+c)
			}
		}
	}
	if len(out) == 0 {
		if c, r, ok := g.CellOf(p.Centre()); ok {
			out = append(out, r*g.NX+c)
		}
	}
	return out
}

// HashInto folds the place's identity and shape.
func (p Place) HashInto(h *statehash.Hasher) {
	h.String(p.ID)
	h.Int(int(p.Kind))
	h.String(p.NameZH)
	h.String(p.NameEN)
	switch {
	case p.Rect != nil:
		h.Int(1)
		h.F64(p.Rect.X0)
		h.F64(p.Rect.Y0)
		h.F64(p.Rect.X1)
		h.F64(p.Rect.Y1)
	case p.Circle != nil:
		h.Int(2)
		h.F64(p.Circle.X)
		h.F64(p.Circle.Y)
		h.F64(p.Circle.R)
	default:
		h.Int(3)
		h.Int(len(p.Polygon))
		for _, q := range p.Polygon {
			h.F64(q.X)
			h.F64(q.Y)
		}
	}
}
