package landslide

import (
	"math"
	"slices"

	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// gravity is g in m/s², for the front speed.
const gravity = 9.81

// Slide is one failure and its runout. The exported slices are shared with
// the model: read them, do not modify them.
type Slide struct {
	ID     int       // 1, 2, … in order of failure
	Type   SlideType // the Corominas regression used
	Source []int     // failed cells, ascending
	Volume float64   // m³: the soil above the failure plane of the source
	Dir    [2]float64
	// Reach is L, the horizontal distance along Path from the crown
	// (Path[0]) to the tip, where the energy line at H/L from the Corominas
	// regression meets the ground; shorter if the path leaves the grid or
	// ends in a pit, whichever comes first.
	Reach     float64
	HalfWidth float64 // half the width of the runout footprint across Path, m
	Path      []int   // cells from the crown along steepest descent to the tip
	Front     float64 // distance travelled along Path so far, m
	Done      bool    // the front has stopped
	Start     float64 // hazard time of failure, s

	// Geometry of Path as a polyline through cell centres.
	px, py []float64 // node centres
	ps     []float64 // horizontal distance of each node from the crown
	pg     []float64 // energy line above the ground at each node, m

	foot    []footCell // the cells the debris covers, by distance along Path
	reached int        // foot[:reached] have been reached
	depth   float64    // debris depth each footprint cell ends with, m
}

type footCell struct {
	cell  int
	along float64
}

// detectFailures turns every 4-connected cluster of at least MinCells live
// cells with FS < 1 into a slide. Clusters are collected first because
// building a slide labels cells of its own.
func (m *Model) detectFailures(ev []Event) []Event {
	var clusters [][]int
	m.components(func(i int) bool { return m.live(i) && m.fs[i] < 1 }, func(_ uint32, cells []int32) {
		if len(cells) < m.p.MinCells {
			return
		}
		c := make([]int, len(cells))
		for k, v := range cells {
			c[k] = int(v)
		}
		slices.Sort(c)
		clusters = append(clusters, c)
	})
	for _, src := range clusters {
		for _, i := range src {
			m.failed[i] = true
		}
		s := m.newSlide(src)
		x, y := m.centre(s.Path[0])
		ev = append(ev, Event{Kind: SlideStarted, Cell: s.Path[0], X: x, Y: y, Slide: s.ID, T: m.t})
		m.slides = append(m.slides, s)
	}
	return ev
}

// newSlide builds the runout of a failed cluster. The crown is the highest
// source cell (nearest the centroid, then lowest index, on ties), because
// Corominas measures H and L from the crown; the path then follows steepest
// descent through the bed. The bed itself is not changed by the failure.
func (m *Model) newSlide(src []int) Slide {
	s := Slide{ID: m.nextID, Type: m.p.Type, Source: src, Start: m.t}
	m.nextID++
	area := float64(m.dx * m.dx)
	var cx, cy, dxs, dys float64
	for _, i := range src {
		s.Volume += float64(m.soils[m.zone[i]].Depth * area)
		x, y := m.centre(i)
		cx += x
		cy += y
		dxs += m.downX[i]
		dys += m.downY[i]
	}
	cx /= float64(len(src))
	cy /= float64(len(src))
	if l := math.Sqrt(float64(dxs*dxs) + float64(dys*dys)); l > 0 {
		s.Dir = [2]float64{dxs / l, dys / l}
	} else {
		s.Dir = [2]float64{0, 1} // a perfectly symmetric cluster: pick south
	}

	head, bestD := -1, 0.0
	for _, i := range src {
		x, y := m.centre(i)
		d := float64((x-cx)*(x-cx)) + float64((y-cy)*(y-cy))
		if head < 0 || m.bed[i] > m.bed[head] || m.bed[i] == m.bed[head] && d < bestD {
			head, bestD = i, d
		}
	}
	m.trace(&s, head, ReachRatio(m.p.Type, s.Volume, m.p.WorstCase))

	// Width across the travel direction, from the source's extent.
	px, py := -s.Dir[1], s.Dir[0]
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, i := range src {
		x, y := m.centre(i)
		a := float64((x-cx)*px) + float64((y-cy)*py)
		lo, hi = math.Min(lo, a), math.Max(hi, a)
	}
	s.HalfWidth = math.Max(float64(m.p.Spread*(hi-lo+m.dx))/2, m.dx)
	m.footprint(&s)
	return s
}

// trace follows steepest descent from head, extending the energy line
// z_head − (H/L)·s until it meets the ground. On flat or rising ground with
// no lower neighbour the debris keeps its last heading; the energy line
// then stops it. A cell is never entered twice.
func (m *Model) trace(s *Slide, head int, hl float64) {
	m.seq++ // a fresh mark id for the visited set
	if m.seq == 0 || m.seq == math.MaxUint32 {
		clear(m.mark)
		m.seq = 1
	}
	visited := m.seq
	zh := m.bed[head]
	add := func(i int, dist float64) float64 {
		x, y := m.centre(i)
		var sd float64
		if k := len(s.ps); k > 0 {
			sd = s.ps[k-1] + dist
		}
		g := zh - float64(hl*sd) - m.bed[i]
		s.Path = append(s.Path, i)
		s.px, s.py, s.ps, s.pg = append(s.px, x), append(s.py, y), append(s.ps, sd), append(s.pg, g)
		m.mark[i] = visited
		return g
	}
	add(head, 0)
	cur, dr, dc := head, 0, 0
	for {
		next, ok := m.descend(cur, visited)
		if ok {
			dr, dc = next/m.nx-cur/m.nx, next%m.nx-cur%m.nx
		} else {
			r, c := cur/m.nx+dr, cur%m.nx+dc
			if (dr == 0 && dc == 0) || r < 0 || r >= m.ny || c < 0 || c >= m.nx || m.mark[r*m.nx+c] == visited {
				break // edge, pit or loop: the reach is cut short here
			}
			next = r*m.nx + c
		}
		dist := m.dx
		if dr != 0 && dc != 0 {
			dist = float64(m.dx * math.Sqrt2)
		}
		k := len(s.ps) - 1
		if g := add(next, dist); g <= 0 {
			g0 := s.pg[k]
			s.Reach = s.ps[k] + float64(g0/(g0-g)*(s.ps[k+1]-s.ps[k]))
			return
		}
		cur = next
	}
	s.Reach = s.ps[len(s.ps)-1]
}

// descend returns the steepest strictly lower D8 neighbour not yet visited.
func (m *Model) descend(i int, visited uint32) (int, bool) {
	r, c := i/m.nx, i%m.nx
	best, bestG := -1, 0.0
	for _, d := range d8 {
		rr, cc := r+d[0], c+d[1]
		if rr < 0 || rr >= m.ny || cc < 0 || cc >= m.nx {
			continue
		}
		j := rr*m.nx + cc
		if m.mark[j] == visited {
			continue
		}
		dist := m.dx
		if d[0] != 0 && d[1] != 0 {
			dist = float64(m.dx * math.Sqrt2)
		}
		if g := (m.bed[i] - m.bed[j]) / dist; g > bestG {
			best, bestG = j, g
		}
	}
	return best, best >= 0
}

// footprint lists the cells the debris will cover: those outside the
// source within HalfWidth across the path and between the source's toe and
// the reach along it. Debris spreads evenly over them, so the deposit
// conserves the volume exactly. A slide that does not get past its own toe
// slumps in place and covers its source.
func (m *Model) footprint(s *Slide) {
	toe := 0.0
	for _, i := range s.Source {
		x, y := m.centre(i)
		a, _ := s.Lateral(x, y)
		toe = math.Max(toe, a)
	}
	pad := s.HalfWidth + m.dx
	x0, x1 := slices.Min(s.px)-pad, slices.Max(s.px)+pad
	y0, y1 := slices.Min(s.py)-pad, slices.Max(s.py)+pad
	c0, c1 := max(int(math.Floor(x0/m.dx)), 0), min(int(math.Floor(x1/m.dx)), m.nx-1)
	r0, r1 := max(int(math.Floor(y0/m.dx)), 0), min(int(math.Floor(y1/m.dx)), m.ny-1)
	for r := r0; r <= r1; r++ {
		for c := c0; c <= c1; c++ {
			i := r*m.nx + c
			if _, in := slices.BinarySearch(s.Source, i); in {
				continue
			}
			x, y := m.centre(i)
			a, w := s.Lateral(x, y)
			if a > toe && a <= s.Reach && math.Abs(w) <= s.HalfWidth {
				s.foot = append(s.foot, footCell{i, a})
			}
		}
	}
	if len(s.foot) == 0 {
		for _, i := range s.Source {
			x, y := m.centre(i)
			a, _ := s.Lateral(x, y)
			s.foot = append(s.foot, footCell{i, math.Min(math.Max(a, 0), s.Reach)})
		}
	}
	slices.SortStableFunc(s.foot, func(a, b footCell) int {
		switch {
		case a.along < b.along:
			return -1
		case a.along > b.along:
			return 1
		}
		return a.cell - b.cell
	})
	s.depth = s.Volume / (float64(len(s.foot)) * float64(m.dx*m.dx))
}

// moveFronts advances every active front over [t0, t0+h] in steps of at
// most FrontStep. The front moves at the speed of a sliding block under the
// energy line (Heim's sled): the velocity head is the height of the line
// above the ground, v = √(2 g (z_head − (H/L)·s − z(s))), clamped to
// [MinSpeed, MaxSpeed] so the front neither stalls short of its reach nor
// outruns what debris does. It starts slow at the crown and is fastest
// where the slope steepens below it.
func (m *Model) moveFronts(ev []Event, t0, h float64) []Event {
	for k := range m.slides {
		s := &m.slides[k]
		if s.Done {
			continue
		}
		n := math.Ceil(h / m.p.FrontStep)
		dt := h / n
		for j := 1; j <= int(n) && !s.Done; j++ {
			v := math.Sqrt(float64(2 * gravity * math.Max(s.headAt(s.Front), 0)))
			v = math.Min(math.Max(v, m.p.MinSpeed), m.p.MaxSpeed)
			s.Front += float64(v * dt)
			t := t0 + float64(float64(j)*dt)
			if s.Front >= s.Reach {
				s.Front, s.Done = s.Reach, true
			}
			ev = m.reach(ev, s, t)
		}
	}
	return ev
}

// reach deposits debris on the footprint cells the front has passed (all of
// them once it stops) and reports them.
func (m *Model) reach(ev []Event, s *Slide, t float64) []Event {
	for s.reached < len(s.foot) && (s.Done || s.foot[s.reached].along <= s.Front) {
		i := s.foot[s.reached].cell
		m.deposit[i] += s.depth
		s.reached++
		x, y := m.centre(i)
		ev = append(ev, Event{Kind: DebrisReached, Cell: i, X: x, Y: y, Slide: s.ID, Intensity: s.depth, T: t})
	}
	if s.Done {
		tip := s.Path[len(s.Path)-1]
		x, y := m.centre(tip)
		ev = append(ev, Event{Kind: SlideStopped, Cell: tip, X: x, Y: y, Slide: s.ID, T: t})
	}
	return ev
}

// headAt interpolates the energy line's height above the ground at
// distance a along the path.
func (s *Slide) headAt(a float64) float64 {
	k, _ := slices.BinarySearch(s.ps, a)
	switch {
	case k == 0:
		return s.pg[0]
	case k >= len(s.ps):
		return s.pg[len(s.pg)-1]
	}
	f := (a - s.ps[k-1]) / (s.ps[k] - s.ps[k-1])
	return float64(f*(s.pg[k]-s.pg[k-1])) + s.pg[k-1]
}

// snoutLen is how far behind the last reached cell the moving mass spreads,
// in cells.
const snoutLen = 2

// moving returns the depth of moving debris of s on cell i: the mass not
// yet deposited, spread over the source before the front leaves it, then
// over the reached cells within snoutLen cells of the last one.
func (s *Slide) moving(i int, dx float64) float64 {
	if s.Done {
		return 0
	}
	left := s.Volume - float64(float64(s.reached)*s.depth*dx*dx)
	if s.reached == 0 {
		if _, in := slices.BinarySearch(s.Source, i); in {
			return left / (float64(len(s.Source)) * float64(dx*dx))
		}
		return 0
	}
	last := s.foot[s.reached-1].along
	lo := s.reached - 1
	for lo > 0 && s.foot[lo-1].along >= last-snoutLen*dx {
		lo--
	}
	for _, f := range s.foot[lo:s.reached] {
		if f.cell == i {
			return left / (float64(s.reached-lo) * float64(dx*dx))
		}
	}
	return 0
}

// Lateral returns the position of (x, y) relative to the path: along is the
// distance along it from the crown (negative behind the crown, beyond Reach
// past the tip, extrapolating the end segments), across the distance from
// it, positive to the right of the direction of travel. Scoring uses it to
// tell whether a person fled sideways (|across| grew) or ran down the path
// (along grew).
func (s *Slide) Lateral(x, y float64) (along, across float64) {
	if len(s.px) == 1 {
		ox, oy := x-s.px[0], y-s.py[0]
		return float64(ox*s.Dir[0]) + float64(oy*s.Dir[1]), float64(s.Dir[0]*oy) - float64(s.Dir[1]*ox)
	}
	best := math.Inf(1)
	last := len(s.px) - 2
	for k := 0; k <= last; k++ {
		ux, uy := s.px[k+1]-s.px[k], s.py[k+1]-s.py[k]
		l := s.ps[k+1] - s.ps[k]
		ox, oy := x-s.px[k], y-s.py[k]
		t := (float64(ox*ux) + float64(oy*uy)) / float64(l*l)
		if k > 0 {
			t = math.Max(t, 0)
		}
		if k < last {
			t = math.Min(t, 1)
		}
		ex, ey := ox-float64(t*ux), oy-float64(t*uy)
		if d := float64(ex*ex) + float64(ey*ey); d < best {
			best = d
			along = float64(t*l) + s.ps[k]
			across = (float64(ux*oy) - float64(uy*ox)) / l
			if t == 0 || t == 1 {
				// Nearest to a vertex, where the perpendicular is not
				// the distance: use the distance, signed by the side of
				// this segment.
				across = math.Copysign(math.Sqrt(d), across)
			}
		}
	}
	return along, across
}

// InPath reports whether (x, y) lies inside the runout footprint widened by
// margin metres on every side: from margin behind the crown to margin past
// the tip, and within HalfWidth + margin of the path.
func (s *Slide) InPath(x, y, margin float64) bool {
	a, w := s.Lateral(x, y)
	return a >= -margin && a <= s.Reach+margin && math.Abs(w) <= s.HalfWidth+margin
}

func (s *Slide) hashInto(h *statehash.Hasher) {
	h.Int(s.ID)
	h.Int(int(s.Type))
	h.Int(len(s.Source))
	for _, i := range s.Source {
		h.Int(i)
	}
	h.F64(s.Volume)
	h.F64(s.Dir[0])
	h.F64(s.Dir[1])
	h.F64(s.Reach)
	h.F64(s.HalfWidth)
	h.Int(len(s.Path))
	for _, i := range s.Path {
		h.Int(i)
	}
	h.F64(s.Front)
	h.Bool(s.Done)
	h.F64(s.Start)
	h.Int(s.reached)
	h.F64(s.depth)
	h.Int(len(s.foot))
}
