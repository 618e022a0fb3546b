package flood

import (
	"fmt"
	"math"
	"sort"

	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// Edge names a side of the grid. Row 0 is the north edge.
type Edge uint8

const (
	North Edge = iota
	South
	East
	West
)

func (e Edge) String() string {
	switch e {
	case North:
		return "north"
	case South:
		return "south"
	case East:
		return "east"
	case West:
		return "west"
	}
	return fmt.Sprintf("Edge(%d)", uint8(e))
}

// Kind is the type of an edge boundary.
type Kind uint8

const (
	// WaterLevel holds the water surface on the edge at the series value
	// (m a.s.l.): a river stage or tide. Water flows in or out by the same
	// momentum equation as inside, over the half cell between the edge and
	// the edge cell's centre, on the edge cell's bed.
	WaterLevel Kind = iota + 1
	// Discharge injects the series value (m³/s, total over the segment's
	// open faces, shared equally) into the domain; negative draws water out
	// as far as there is water to draw.
	Discharge
	// FreeOutflow lets water leave and never enter. With Slope > 0 the face
	// flux follows the momentum equation driven by that energy slope and
	// friction (normal depth in steady state), capped at the critical flux
	// h√(gh); with Slope = 0 it is critical-depth outflow over a free
	// overfall, q = √(g (2h/3)³).
	FreeOutflow
)

func (k Kind) String() string {
	switch k {
	case WaterLevel:
		return "water-level"
	case Discharge:
		return "discharge"
	case FreeOutflow:
		return "free-outflow"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Point is one sample of a time series: value V at hazard time T (s).
type Point struct{ T, V float64 }

// Boundary is a boundary condition on a run of edge faces.
type Boundary struct {
	Edge Edge
	// From and To select cells along the edge, half-open [From, To) like a
	// Go slice: columns for North and South, rows for East and West.
	From, To int
	Kind     Kind
	// Series is the stage or discharge over time, linearly interpolated
	// and held flat before the first and after the last point. Times must
	// increase strictly. Unused by FreeOutflow.
	Series []Point
	// Slope is FreeOutflow's energy slope (dimensionless, ≥ 0).
	Slope float64
}

type boundary struct {
	Boundary
	faces []int // face index into qx (East, West) or qy (North, South)
	cells []int // the interior cell behind each face
	pos   []int // each face's position along the edge
	y     bool  // faces are in qy
	sign  float64
}

type source struct {
	cell   int
	series []Point
}

func (m *Model) edgeLen(e Edge) int {
	if e == North || e == South {
		return m.nx
	}
	return m.ny
}

// edgeFace returns the face and cell at position k along edge e and the
// sign that turns an inflow into a face flux (faces are positive east and
// south).
func (m *Model) edgeFace(e Edge, k int) (face, cell int, y bool, sign float64) {
	nx, ny := m.nx, m.ny
	switch e {
	case North:
		return k, k, true, 1
	case South:
		return ny*nx + k, (ny-1)*nx + k, true, -1
	case West:
		return k * (nx + 1), k * nx, false, 1
	default: // East
		return k*(nx+1) + nx, k*nx + nx - 1, false, -1
	}
}

func checkSeries(s []Point, what string) error {
	if len(s) == 0 {
		return fmt.Errorf("flood: %s needs a series", what)
	}
	for i, p := range s {
		if math.IsNaN(p.T) || math.IsInf(p.T, 0) || math.IsNaN(p.V) || math.IsInf(p.V, 0) {
			return fmt.Errorf("flood: %s series[%d] = %v", what, i, p)
		}
		if i > 0 && !(p.T > s[i-1].T) {
			return fmt.Errorf("flood: %s series times must increase (at %d)", what, i)
		}
	}
	return nil
}

// seriesAt interpolates s at t, flat past its ends.
func seriesAt(s []Point, t float64) float64 {
	n := len(s)
	if t <= s[0].T {
		return s[0].V
	}
	if t >= s[n-1].T {
		return s[n-1].V
	}
	j := sort.Search(n, func(j int) bool { return s[j].T > t })
	a, b := s[j-1], s[j]
	w := (t - a.T) / (b.T - a.T)
	return a.V + float64(w*(b.V-a.V))
}

// AddBoundary puts a boundary condition on a run of edge faces. Edges are
// closed walls where no boundary is set. Faces of blocked cells stay walls;
// segments may not overlap. Boundaries are part of the configuration and
// cannot be removed.
func (m *Model) AddBoundary(b Boundary) error {
	if b.Edge > West {
		return fmt.Errorf("flood: bad edge %d", b.Edge)
	}
	n := m.edgeLen(b.Edge)
	if b.From < 0 || b.To > n || b.From >= b.To {
		return fmt.Errorf("flood: %s boundary [%d, %d) outside 0..%d", b.Edge, b.From, b.To, n)
	}
	switch b.Kind {
	case WaterLevel, Discharge:
		if err := checkSeries(b.Series, b.Kind.String()); err != nil {
			return err
		}
	case FreeOutflow:
		if !(b.Slope >= 0) || math.IsInf(b.Slope, 0) {
			return fmt.Errorf("flood: free-outflow slope %v", b.Slope)
		}
	default:
		return fmt.Errorf("flood: bad boundary kind %d", b.Kind)
	}
	own := m.edgeOwn[b.Edge]
	for k := b.From; k < b.To; k++ {
		if own[k] {
			return fmt.Errorf("flood: %s boundary overlaps another at %d", b.Edge, k)
		}
	}
	bd := &boundary{Boundary: b}
	bd.Series = append([]Point(nil), b.Series...)
	for k := b.From; k < b.To; k++ {
		f, c, y, s := m.edgeFace(b.Edge, k)
		bd.y, bd.sign = y, s
		if !m.blocked[c] {
			bd.faces = append(bd.faces, f)
			bd.cells = append(bd.cells, c)
			bd.pos = append(bd.pos, k)
		}
	}
	if len(bd.faces) == 0 {
		return fmt.Errorf("flood: %s boundary [%d, %d) has only blocked cells", b.Edge, b.From, b.To)
	}
	for k := b.From; k < b.To; k++ {
		own[k] = true
	}
	for _, c := range bd.cells {
		m.markCell(c/m.nx, c%m.nx)
	}
	m.bounds = append(m.bounds, bd)
	m.foldConfig(func(h *statehash.Hasher) {
		h.String("boundary")
		h.Int(int(b.Edge))
		h.Int(b.From)
		h.Int(b.To)
		h.Int(int(b.Kind))
		h.F64(b.Slope)
		hashSeries(h, b.Series)
	})
	return nil
}

func hashSeries(h *statehash.Hasher, s []Point) {
	h.Int(len(s))
	for _, p := range s {
		h.F64(p.T)
		h.F64(p.V)
	}
}

// AddPointSource adds a discharge series (m³/s) into one cell, e.g. a
// surcharging drain or a culvert outlet; negative values draw water out as
// far as the cell holds any.
func (m *Model) AddPointSource(cell int, series []Point) error {
	if cell < 0 || cell >= len(m.h) {
		return fmt.Errorf("flood: source cell %d outside the grid", cell)
	}
	if m.blocked[cell] {
		return fmt.Errorf("flood: source cell %d is blocked", cell)
	}
	if err := checkSeries(series, "source"); err != nil {
		return err
	}
	m.sources = append(m.sources, source{cell: cell, series: append([]Point(nil), series...)})
	m.markCell(cell/m.nx, cell%m.nx)
	m.foldConfig(func(h *statehash.Hasher) {
		h.String("source")
		h.Int(cell)
		hashSeries(h, series)
	})
	return nil
}

// boundaryDepth is the largest water depth the boundaries may bring at time
// t: the ghost-cell depth of stages, the critical depth of inflows. It
// enters the time step, so a boundary flooding a dry domain starts with
// steps sized for the water it brings.
func (m *Model) boundaryDepth(t float64) float64 {
	d := 0.0
	for _, b := range m.bounds {
		switch b.Kind {
		case WaterLevel:
			stage := seriesAt(b.Series, t)
			for _, c := range b.cells {
				d = max(d, stage-m.z[c])
			}
		case Discharge:
			q := math.Abs(seriesAt(b.Series, t)) / (float64(len(b.faces)) * m.dx)
			d = max(d, criticalDepth(q, m.p.G))
		}
	}
	for _, s := range m.sources {
		q := math.Abs(seriesAt(s.series, t)) / m.dx
		d = max(d, criticalDepth(q, m.p.G))
	}
	return d
}

// criticalDepth is (q²/g)^(1/3), the depth at which a unit discharge q
// flows at Froude number 1, as x·(x^(−1/3))² with x = q²/g; only a guide
// for the step size, but it sets the step, so it is computed in the same
// bit-reproducible way as the solver.
func criticalDepth(q, g float64) float64 {
	x := float64(q*q) / g
	if !(x > 0x1p-1000) { // zero, or too small to matter (and to seed)
		return 0
	}
	y := invCbrt(x)
	return x * y * y
}

// boundaryFluxes computes the edge-face fluxes of a step of dt centred on
// tm from the depths and fluxes at the step start, into edgeQ, from where
// the sweep moves them into qx and qy once it has read the old ones.
func (m *Model) boundaryFluxes(dt, tm float64) {
	g, minH, maxH := m.p.G, m.p.MinFlowDepth, m.p.MaxFlowDepth
	gdt := float64(g * dt) // rounded: 2*gdt below is gdt+gdt, which would fuse with this product
	// A stage is the water level on the edge line itself, half a cell from
	// the edge cell's centre, so its surface slope is taken over Δx/2. A
	// ghost cell a full Δx out would halve the slope near a gently sloping
	// inflow and starve it: the Hunter front then runs ~7% short of water.
	gdt2dx := 2 * gdt / m.dx
	for _, b := range m.bounds {
		qo, qn := m.qx, m.edgeQ[b.Edge]
		if b.y {
			qo = m.qy
		}
		switch b.Kind {
		case WaterLevel:
			stage := seriesAt(b.Series, tm)
			for k, f := range b.faces {
				i, p := b.cells[k], b.pos[k]
				zi := m.z[i]
				ei := zi + m.h[i]
				eg := max(stage, zi) // the ghost cell has the edge cell's bed
				hf := max(eg, ei) - zi
				if !(hf > minH) {
					qn[p] = 0
					continue
				}
				hf = min(hf, maxH)
				q0 := float64(b.sign * qo[f]) // inflow positive
				num := q0 + float64(float64(gdt2dx*hf)*(eg-ei))
				n2 := m.nCell[i] * m.nCell[i]
				qn[p] = b.sign * num / (1 + float64(gdt*n2*math.Abs(q0)*pow73inv(hf)))
			}
		case Discharge:
			q := seriesAt(b.Series, tm) / (float64(len(b.faces)) * m.dx)
			for _, p := range b.pos {
				qn[p] = b.sign * q
			}
		case FreeOutflow:
			for k, f := range b.faces {
				i, p := b.cells[k], b.pos[k]
				hc := min(m.h[i], maxH)
				if !(hc > minH) {
					qn[p] = 0
					continue
				}
				var q float64
				if b.Slope > 0 {
					q0 := max(-b.sign*qo[f], 0) // outflow positive
					num := q0 + float64(float64(gdt*hc)*b.Slope)
					n2 := m.nCell[i] * m.nCell[i]
					q = num / (1 + float64(gdt*n2*q0*pow73inv(hc)))
					q = min(q, hc*math.Sqrt(g*hc))
				} else {
					e := hc * (2.0 / 3.0)
					q = math.Sqrt(g * e * e * e)
				}
				qn[p] = -b.sign * q
			}
		}
	}
}

// accountBoundaries books the (limited) edge fluxes of the step just taken.
func (m *Model) accountBoundaries(dt float64) {
	k := dt * m.dx
	for _, b := range m.bounds {
		q := m.qx
		if b.y {
			q = m.qy
		}
		for _, f := range b.faces {
			v := float64(b.sign * q[f] * k)
			if v > 0 {
				m.in.add(v)
			} else if v < 0 {
				m.out.add(-v)
			}
		}
	}
}

// applySources adds the point sources of a step of dt centred on tm.
func (m *Model) applySources(dt, tm float64) {
	for _, s := range m.sources {
		v := float64(seriesAt(s.series, tm) * dt)
		i := s.cell
		if v >= 0 {
			m.in.add(v)
		} else {
			v = max(v, float64(-m.h[i]*m.area))
			m.out.add(-v)
		}
		m.h[i] = max(m.h[i]+v/m.area, 0)
		m.hmax = max(m.hmax, m.h[i])
	}
}

// SetRain sets a uniform rain rate (m/s; 50 mm/h = 50/3.6e6) on every
// non-blocked cell. Zero stops the rain.
func (m *Model) SetRain(rate float64) error {
	if !(rate >= 0) || math.IsInf(rate, 0) {
		return fmt.Errorf("flood: rain rate %v", rate)
	}
	if rate == 0 {
		return m.SetRainField(nil)
	}
	f := make([]float64, len(m.h))
	for i := range f {
		if !m.blocked[i] {
			f[i] = rate
		}
	}
	return m.SetRainField(f)
}

// SetRainField sets a rain or runoff rate per cell (m/s), e.g. a rain
// cell's footprint or another model's infiltration excess; nil stops it.
// Rates on blocked cells are ignored: roofs drain to the street through the
// drain network, which the drills model with SetDrains and point sources.
func (m *Model) SetRainField(rates []float64) error {
	if rates == nil {
		m.rain, m.rainSum = nil, 0
		m.foldConfig(func(h *statehash.Hasher) { h.String("rain-off") })
		return nil
	}
	if len(rates) != len(m.h) {
		return fmt.Errorf("flood: rain field wants %d cells, got %d", len(m.h), len(rates))
	}
	f := make([]float64, len(rates))
	var sum kahan
	for i, r := range rates {
		if !(r >= 0) || math.IsInf(r, 0) {
			return fmt.Errorf("flood: rain[%d] = %v", i, r)
		}
		if !m.blocked[i] {
			f[i] = r
			sum.add(r)
		}
	}
	m.rain, m.rainSum = f, sum.value()
	m.markWet(f)
	m.foldConfig(func(h *statehash.Hasher) {
		h.String("rain")
		h.F64s(f)
	})
	return nil
}

// AddRunoff adds a depth of water (m) to each cell at once, e.g. a
// landslide model's infiltration excess over one of its steps. Blocked
// cells must get zero. The volume counts as inflow.
func (m *Model) AddRunoff(depth []float64) error {
	if len(depth) != len(m.h) {
		return fmt.Errorf("flood: runoff wants %d cells, got %d", len(m.h), len(depth))
	}
	for i, d := range depth {
		if !(d >= 0) || math.IsInf(d, 0) || (d > 0 && m.blocked[i]) {
			return fmt.Errorf("flood: runoff[%d] = %v", i, d)
		}
	}
	var sum kahan
	for i, d := range depth {
		if d > 0 {
			m.h[i] += d
			sum.add(d)
			m.hmax = max(m.hmax, m.h[i])
		}
	}
	m.in.add(float64(sum.value() * m.area))
	m.markWet(depth)
	return nil
}

// SetDrains sets an urban drain capacity (m/s of depth) taken from every
// wet cell each step, as far as the cell holds water; the water leaves the
// model and is booked as Balance.Drained.
func (m *Model) SetDrains(rate float64) error {
	if !(rate >= 0) || math.IsInf(rate, 0) {
		return fmt.Errorf("flood: drain rate %v", rate)
	}
	m.drain = rate
	m.foldConfig(func(h *statehash.Hasher) {
		h.String("drains")
		h.F64(rate)
	})
	return nil
}
