package report

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// The map is inline SVG built here rather than in the template: it is
// mostly numbers, and every piece of text in it goes through
// html.EscapeString. Images are data URIs, so the file needs nothing else.

// trackColour gives each participant a distinct hue; good and naive bots
// are not told apart by colour, the legend names everyone.
func trackColour(i, n int) string {
	if n < 1 {
		n = 1
	}
	h := (i * 360 / n * 7) % 360 // spread neighbours apart
	return fmt.Sprintf("hsl(%d,75%%,38%%)", h)
}

// maxTrackPoints bounds a polyline: a 15-minute drill sampled each second
// has 900 points, more than the eye needs at report size.
const maxTrackPoints = 240

func thin(pts []Point) []Point {
	if len(pts) <= maxTrackPoints {
		return pts
	}
	out := make([]Point, 0, maxTrackPoints+1)
	step := float64(len(pts)-1) / float64(maxTrackPoints-1)
	for k := 0; k < maxTrackPoints; k++ {
		out = append(out, pts[int(float64(k)*step)])
	}
	out[len(out)-1] = pts[len(pts)-1]
	return out
}

func (r *renderer) svgOpen(b *strings.Builder, m MapView, width int, label string) {
	h := int(float64(width) * m.Height / m.Width)
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="map" role="img" aria-label="%s" viewBox="0 0 %g %g" width="%d" height="%d">`,
		html.EscapeString(label), m.Width, m.Height, width, h)
	if m.Base != "" {
		fmt.Fprintf(b, `<image href="%s" x="0" y="0" width="%g" height="%g" preserveAspectRatio="none" style="image-rendering:pixelated"/>`, m.Base, m.Width, m.Height)
	}
}

func (r *renderer) places(b *strings.Builder, m MapView, labels bool) {
	for _, p := range m.Places {
		cls := "place"
		switch {
		case p.Safe:
			cls = "place safe"
		case p.Danger:
			cls = "place danger"
		}
		name := html.EscapeString(r.txt(p.Name))
		var lx, ly float64
		switch {
		case len(p.Rect) == 4:
			x0, y0, x1, y1 := p.Rect[0], p.Rect[1], p.Rect[2], p.Rect[3]
			fmt.Fprintf(b, `<rect class="%s" x="%g" y="%g" width="%g" height="%g"><title>%s</title></rect>`, cls, x0, y0, x1-x0, y1-y0, name)
			lx, ly = x0+2, y0-2
			if ly < 8 {
				ly = y1 + 8
			}
		case len(p.Circle) == 3:
			fmt.Fprintf(b, `<circle class="%s" cx="%g" cy="%g" r="%g"><title>%s</title></circle>`, cls, p.Circle[0], p.Circle[1], p.Circle[2], name)
			lx, ly = p.Circle[0]-p.Circle[2], p.Circle[1]-p.Circle[2]-2
		default:
			continue
		}
		if labels && (p.Safe || p.Danger) {
			fmt.Fprintf(b, `<text class="label" x="%g" y="%g" font-size="%g">%s</text>`, lx, ly, m.Width/60, name)
		}
	}
}

// trackMap is the map with everyone's track: start as a ring, end as a dot
// (a cross for someone who came to harm).
func (r *renderer) trackMap() template.HTML {
	d := r.d
	m := d.Map
	if m.Width == 0 {
		return ""
	}
	var b strings.Builder
	r.svgOpen(&b, m, 900, r.txt(Text{ZH: "参与者轨迹图", EN: "Map of participants' tracks"}))
	// The hazard at the end, faintly, so tracks read against it.
	if n := len(d.Moments); n > 0 && d.Moments[n-1].Overlay != "" {
		fmt.Fprintf(&b, `<image href="%s" x="0" y="0" width="%g" height="%g" opacity="0.6" preserveAspectRatio="none" style="image-rendering:pixelated"/>`,
			d.Moments[n-1].Overlay, m.Width, m.Height)
	}
	r.places(&b, m, true)
	sw := m.Width / 400
	for i, p := range d.Participants {
		pts := thin(p.Track)
		if len(pts) == 0 {
			continue
		}
		col := trackColour(i, len(d.Participants))
		fmt.Fprintf(&b, `<g class="track" data-pid="%d"><title>%s</title><polyline fill="none" stroke="%s" stroke-width="%g" stroke-opacity="0.8" points="`,
			p.ID, html.EscapeString(p.Name), col, sw)
		for k, q := range pts {
			if k > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%.1f,%.1f", q.X, q.Y)
		}
		b.WriteString(`"/>`)
		s, e := pts[0], pts[len(pts)-1]
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="%g" fill="none" stroke="%s" stroke-width="%g"/>`, s.X, s.Y, sw*3, col, sw)
		if p.Harmed {
			k := sw * 5
			fmt.Fprintf(&b, `<path d="M%.1f %.1fl%g %gm0 %gl%g %g" stroke="#b00" stroke-width="%g"/>`, e.X-k/2, e.Y-k/2, k, k, -k, -k, k, sw*2)
		} else {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="%g" fill="%s"/>`, e.X, e.Y, sw*3, col)
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// momentMap is the hazard at one moment with everyone's position.
func (r *renderer) momentMap(mo Moment) template.HTML {
	m := r.d.Map
	if m.Width == 0 {
		return ""
	}
	var b strings.Builder
	r.svgOpen(&b, m, 430, r.txt(mo.Caption))
	if mo.Overlay != "" {
		fmt.Fprintf(&b, `<image href="%s" x="0" y="0" width="%g" height="%g" preserveAspectRatio="none" style="image-rendering:pixelated"/>`, mo.Overlay, m.Width, m.Height)
	}
	r.places(&b, m, false)
	rad := m.Width / 160
	for i, q := range mo.People {
		fill := "#1565c0"
		if i < len(mo.Harmed) && mo.Harmed[i] {
			fill = "#c62828"
		}
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="%g" fill="%s" stroke="#fff" stroke-width="%g"/>`, q.X, q.Y, rad, fill, rad/3)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
