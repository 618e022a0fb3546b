package flood

import (
	"fmt"
	"math"

	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// Model is a 2-D local-inertial shallow-water model on a square-cell grid.
// It holds the water depth per cell and the unit discharge per cell face.
//
// Faces: qx has (nx+1)·ny entries, qx[r*(nx+1)+c] being the west face of
// cell (c, r), positive eastward; qy has nx·(ny+1) entries, qy[r*nx+c]
// being the north face of cell (c, r), positive southward (+y). The first
// and last face of each line lie on the domain edge and carry only
// boundary fluxes.
type Model struct {
	p      Params
	nx, ny int
	dx     float64
	area   float64 // dx², m²

	// z is the bed elevation (m a.s.l.), +Inf on blocked cells. A face's
	// flow depth is max(η) − max(z) of its two cells, which for a wall is
	// Inf − Inf = NaN, and NaN fails the solver's "deep enough" test: walls
	// close themselves with no extra load or branch in the inner loop.
	z       []float64
	blocked []bool    // walls (buildings); never hold water
	nCell   []float64 // Manning n per cell; a face takes the mean of its two

	// fx and fy hold each interior face's constants, indexed like qx and
	// qy (faceConsts); the edge faces' entries are unused.
	fx, fy []faceConst

	h  []float64 // water depth, m
	qx []float64 // x-face unit discharge, m²/s
	qy []float64 // y-face unit discharge, m²/s

	// The sweep updates qx and qy in place, row by row; the old values of
	// the rows it still has to read are kept in these two-row rings.
	oldX [2][]float64
	oldY [2][]float64
	// edgeQ holds each edge's new boundary fluxes (one per cell along the
	// edge, zero where it is a wall) until the sweep reaches its row.
	edgeQ [4][]float64

	rain    []float64 // rain rate per cell, m/s; nil when it is dry
	rainSum float64   // Σ rain over cells (m/s), for the balance
	drain   float64   // drain capacity, m/s, removed wherever there is water

	bounds  []*boundary
	sources []source
	edgeOwn [4][]bool // edge faces already claimed by a boundary

	t    float64
	hmax float64 // max depth after the last update; sets the next step

	// Dry skipping. A row r only ever needs work in the columns within one
	// cell of a cell that has held water, so the solver keeps, per row, the
	// half-open column range [wlo, whi) of cells that have ever been wet
	// (or are fed by a boundary, source or rain). It only grows, so every
	// face outside it is zero in both flux buffers, and skipping gives the
	// same bits as a full sweep (TestSkippingMatchesFullSweep).
	wlo, whi []int32
	alo, ahi []int32 // this step's active range per row (scratch)

	// qmaxX[r] bounds |q| on the x faces of row r, qmaxY[r] on the y faces
	// north of row r, for this sweep (scratch, set by fluxRow): the
	// limiter skips every cell too deep to be emptied by them.
	qmaxX, qmaxY []float64
	drainedRow   []float64 // scratch: depth drained per cell of a row (cells_amd64.s)
	full         bool      // test hook: sweep the whole grid
	portable     bool      // test hook: no SIMD flux kernel (flux.go)

	initial          float64
	in, out, drained kahan
	started          bool
	cfg              uint64 // digest of the configuration calls so far
	hasFriction      bool   // some cell has n > 0
}

// Balance is the water budget of a model, all in m³.
type Balance struct {
	Volume  float64 // water on the grid now
	Initial float64 // water on the grid at the start (SetInitial)
	In      float64 // inflow through boundaries, rain, sources, runoff
	Out     float64 // outflow through boundaries, source extraction
	Drained float64 // removed by urban drains (SetDrains)
	// Error = Volume − (Initial + In − Out − Drained): rounding only.
	Error float64
}

// New builds a model of nx×ny cells of side dx metres. bed (m a.s.l.) and
// manning (Manning's n, s/m^⅓) hold one value per cell in row-major order,
// row 0 north. blocked may be nil; a blocked cell (a building) is a wall:
// no flux crosses its faces and it never holds water. All water starts at
// rest and dry; use SetInitial for standing water.
func New(nx, ny int, dx float64, bed, manning []float64, blocked []bool, p Params) (*Model, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if nx < 1 || ny < 1 || nx > 1<<20 || ny > 1<<20 {
		return nil, fmt.Errorf("flood: bad grid size %d×%d", nx, ny)
	}
	if !(dx > 0) || math.IsInf(dx, 0) {
		return nil, fmt.Errorf("flood: dx must be > 0, got %v", dx)
	}
	n := nx * ny
	if len(bed) != n || len(manning) != n || (blocked != nil && len(blocked) != n) {
		return nil, fmt.Errorf("flood: want %d cells, got bed %d, manning %d, blocked %d",
			n, len(bed), len(manning), len(blocked))
	}
	for i := range n {
		if math.IsNaN(bed[i]) || math.IsInf(bed[i], 0) {
			return nil, fmt.Errorf("flood: bed[%d] = %v", i, bed[i])
		}
		if !(manning[i] >= 0) || math.IsInf(manning[i], 0) {
			return nil, fmt.Errorf("flood: manning[%d] = %v", i, manning[i])
		}
	}
	m := &Model{
		p: p, nx: nx, ny: ny, dx: dx, area: dx * dx,
		z:       append([]float64(nil), bed...),
		blocked: make([]bool, n),
		nCell:   append([]float64(nil), manning...),
		h:       make([]float64, n),
		qx:      make([]float64, (nx+1)*ny),
		qy:      make([]float64, nx*(ny+1)),
		oldX:    [2][]float64{make([]float64, nx+1), make([]float64, nx+1)},
		oldY:    [2][]float64{make([]float64, nx), make([]float64, nx)},
		wlo:     make([]int32, ny),
		whi:     make([]int32, ny),
		alo:     make([]int32, ny),
		ahi:     make([]int32, ny),
		qmaxX:   make([]float64, ny),
		qmaxY:   make([]float64, ny+1),

		drainedRow: make([]float64, nx),
	}
	if blocked != nil {
		copy(m.blocked, blocked)
	}
	for r := range ny {
		m.wlo[r], m.whi[r] = int32(nx), 0
	}
	for i, b := range m.blocked {
		if b {
			m.z[i] = math.Inf(1)
		}
	}
	m.faceConsts()
	for e := range m.edgeOwn {
		m.edgeOwn[e] = make([]bool, m.edgeLen(Edge(e)))
		m.edgeQ[e] = make([]float64, m.edgeLen(Edge(e)))
	}

	h := statehash.New()
	h.String("flood/v1")
	h.Int(nx)
	h.Int(ny)
	h.F64(dx)
	h.F64s(bed)
	h.F64s(manning)
	for _, b := range m.blocked {
		h.Bool(b)
	}
	h.F64(p.G)
	h.F64(p.Alpha)
	h.F64(p.Theta)
	h.F64(p.MinFlowDepth)
	h.F64(p.MaxFlowDepth)
	h.F64(p.MaxStep)
	h.Int(p.MaxSubsteps)
	m.cfg = h.Sum()
	return m, nil
}

// faceConst is what the flux loops need of a face's two cells that never
// changes: the higher bed, max2(z_a, z_b) (+Inf or NaN at a wall, so the
// flow depth is NaN there), and n², n being the mean of the two cells'
// Manning n. Both are computed exactly as the loops did inline, so reading
// them gives the same bits.
type faceConst struct{ zmax, n2 float64 }

func faceOf(za, zb, na, nb float64) faceConst {
	nf := 0.5 * (na + nb)
	return faceConst{zmax: max2(za, zb), n2: nf * nf}
}

// faceConsts fills fx and fy from the bed and Manning n.
func (m *Model) faceConsts() {
	nx, ny := m.nx, m.ny
	z, n := m.z, m.nCell
	m.fx = make([]faceConst, (nx+1)*ny)
	m.fy = make([]faceConst, nx*(ny+1))
	for r := range ny {
		for c := 1; c < nx; c++ {
			a, b := r*nx+c-1, r*nx+c
			m.fx[r*(nx+1)+c] = faceOf(z[a], z[b], n[a], n[b])
		}
	}
	for r := 1; r < ny; r++ {
		for c := range nx {
			a, b := (r-1)*nx+c, r*nx+c
			m.fy[r*nx+c] = faceOf(z[a], z[b], n[a], n[b])
		}
	}
}

// foldConfig chains a configuration change into the config digest, so two
// models that were set up differently never hash alike.
func (m *Model) foldConfig(fold func(h *statehash.Hasher)) {
	h := statehash.New()
	h.U64(m.cfg)
	fold(h)
	m.cfg = h.Sum()
}

// SetInitial sets the standing water depth (m) of every cell. It is only
// allowed before the first Advance and resets the budget: the volume set
// here is Balance.Initial. Blocked cells must be dry.
func (m *Model) SetInitial(depth []float64) error {
	if m.started {
		return fmt.Errorf("flood: SetInitial after Advance")
	}
	if len(depth) != len(m.h) {
		return fmt.Errorf("flood: SetInitial wants %d cells, got %d", len(m.h), len(depth))
	}
	for i, d := range depth {
		if !(d >= 0) || math.IsInf(d, 0) {
			return fmt.Errorf("flood: depth[%d] = %v", i, d)
		}
		if d > 0 && m.blocked[i] {
			return fmt.Errorf("flood: depth[%d] = %v on a blocked cell", i, d)
		}
	}
	copy(m.h, depth)
	clear(m.qx)
	clear(m.qy)
	m.markWet(nil)
	m.recomputeHmax()
	m.initial = m.volume()
	m.in, m.out, m.drained = kahan{}, kahan{}, kahan{}
	return nil
}

// markWet grows the per-row wet ranges to every cell with water, or with a
// positive entry in force when force is not nil.
func (m *Model) markWet(force []float64) {
	v := m.h
	if force != nil {
		v = force
	}
	for r := range m.ny {
		row := v[r*m.nx : (r+1)*m.nx]
		for c, x := range row {
			if x > 0 {
				m.markCell(r, c)
			}
		}
	}
}

func (m *Model) markCell(r, c int) {
	m.wlo[r] = min(m.wlo[r], int32(c))
	m.whi[r] = max(m.whi[r], int32(c+1))
}

func (m *Model) recomputeHmax() {
	hm := 0.0
	for _, v := range m.h {
		hm = max(hm, v)
	}
	m.hmax = hm
}

func (m *Model) volume() float64 {
	var k kahan
	for _, v := range m.h {
		k.add(v)
	}
	return float64(k.value() * m.area)
}

// Time returns the hazard time in seconds since the start.
func (m *Model) Time() float64 { return m.t }

// Size returns the grid's columns, rows and cell side (m).
func (m *Model) Size() (nx, ny int, dx float64) { return m.nx, m.ny, m.dx }

// Depth returns the water depth (m) of cell i = r*nx + c.
func (m *Model) Depth(i int) float64 { return m.h[i] }

// Depths returns the depth of every cell, row-major. It is the model's own
// storage, valid until the next Advance: read it, never write it.
func (m *Model) Depths() []float64 { return m.h }

// cellAt maps world metres (x east, y south from the north-west corner) to
// a cell index, or -1 outside the grid.
func (m *Model) cellAt(x, y float64) int {
	if !(x >= 0) || !(y >= 0) {
		return -1
	}
	c, r := math.Floor(x/m.dx), math.Floor(y/m.dx)
	if c >= float64(m.nx) || r >= float64(m.ny) {
		return -1
	}
	return int(r)*m.nx + int(c)
}

// DepthAt returns the depth (m) of the cell that contains world point
// (x, y), or 0 outside the grid. It is the cell value, not an
// interpolation: the finite-volume depth is a cell average, and blending
// across a wall would put water inside buildings.
func (m *Model) DepthAt(x, y float64) float64 {
	if i := m.cellAt(x, y); i >= 0 {
		return m.h[i]
	}
	return 0
}

// VelocityDepth (m) is the depth below which velocities read as zero: the
// ratio of a face flux to a film of water is noise, not a current.
const VelocityDepth = 0.01

// Velocity returns the depth-averaged velocity (m/s) of cell i, x east and
// y south: the mean of the two opposite face fluxes divided by the depth,
// or zero where the cell is shallower than VelocityDepth.
func (m *Model) Velocity(i int) (vx, vy float64) {
	d := m.h[i]
	if d < VelocityDepth {
		return 0, 0
	}
	r, c := i/m.nx, i%m.nx
	fx := r*(m.nx+1) + c
	vx = 0.5 * (m.qx[fx] + m.qx[fx+1]) / d
	vy = 0.5 * (m.qy[i] + m.qy[i+m.nx]) / d
	return vx, vy
}

// VelocityAt is Velocity of the cell holding world point (x, y); zero
// outside the grid.
func (m *Model) VelocityAt(x, y float64) (vx, vy float64) {
	if i := m.cellAt(x, y); i >= 0 {
		return m.Velocity(i)
	}
	return 0, 0
}

// Speed returns |v| (m/s) of cell i.
func (m *Model) Speed(i int) float64 {
	vx, vy := m.Velocity(i)
	return math.Sqrt(float64(vx*vx) + float64(vy*vy))
}

// MassBalance returns the water budget. Volume is summed afresh with a
// compensated sum; the flows were accumulated the same way, so Error is
// rounding of the depth updates themselves (≈1e-12 of the volume moved).
func (m *Model) MassBalance() Balance {
	b := Balance{
		Volume:  m.volume(),
		Initial: m.initial,
		In:      m.in.value(),
		Out:     m.out.value(),
		Drained: m.drained.value(),
	}
	b.Error = b.Volume - (((b.Initial + b.In) - b.Out) - b.Drained)
	return b
}

// HashInto folds the model into h: the configuration digest, the time,
// every depth and face flux, and the budget accumulators. The sweep's row
// rings, edgeQ and the dry-skipping ranges are not state: each is rebuilt
// or overwritten before it is read, and none changes a result.
func (m *Model) HashInto(h *statehash.Hasher) {
	h.U64(m.cfg)
	h.F64(m.t)
	h.F64s(m.h)
	h.F64s(m.qx)
	h.F64s(m.qy)
	h.F64(m.initial)
	for _, k := range []kahan{m.in, m.out, m.drained} {
		h.F64(k.sum)
		h.F64(k.c)
	}
}

// kahan is a Neumaier compensated sum: the budget adds millions of tiny
// volumes to a large total, where a plain sum would drift by far more than
// the 1e-6 the budget is held to.
type kahan struct{ sum, c float64 }

func (k *kahan) add(v float64) {
	t := k.sum + v
	if math.Abs(k.sum) >= math.Abs(v) {
		k.c += (k.sum - t) + v
	} else {
		k.c += (v - t) + k.sum
	}
	k.sum = t
}

func (k kahan) value() float64 { return k.sum + k.c }
