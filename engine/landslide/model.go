package landslide

import (
	"errors"
	"fmt"
	"math"

	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// FSMax is the largest factor of safety FS reports. Flat cells and bedrock
// have an infinite one; a finite cap keeps heat maps and hashes simple.
const FSMax = 10

// maxSubsteps bounds the work of one Advance call; a longer dt takes longer
// sub-steps, which the implicit infiltration update tolerates.
const maxSubsteps = 1 << 20

// zoneSoil is a Soil with the per-zone constants of the water balance.
type zoneSoil struct {
	Soil
	wmax float64 // water the soil above the failure plane holds when saturated, Δθ·z (m)
	pf   float64 // ψf·Δθ, the Green–Ampt suction-storage term (m)
}

// Model is the landslide state of one grid. It is not safe for concurrent
// use; the engine drives it from one goroutine.
type Model struct {
	nx, ny int
	dx     float64
	p      Params
	bed    []float64
	zone   []uint8
	soils  []zoneSoil

	// Static per-cell geometry from the bed.
	tanB   []float64 // tangent of the slope angle β
	downX  []float64 // unit downslope vector (0, 0 on flat ground)
	downY  []float64
	fs0    []float64 // FS = fs0 − m·fsK (see fsTerms)
	fsK    []float64
	active []bool // zone != 0: a soil that takes water and may fail

	// State.
	t       float64
	rain    float64   // m/s
	cumInf  []float64 // Green–Ampt cumulative infiltration F, m
	water   []float64 // water stored above the failure plane, m (m = water/wmax)
	fs      []float64 // factor of safety, derived from water, kept for reads and cues
	failed  []bool
	cueLvl  []uint8   // per cell × cue: 0 none, 1..5 = appeared, then intensity quarters
	deposit []float64 // debris left behind the fronts, m
	runoff  []float64 // m/s over the last Advance
	slides  []Slide
	nextID  int

	// Scratch for component labelling; not state.
	warnFS float64 // the highest cue threshold
	weak   []int32 // live cells with FS <= warnFS, ascending
	in     []bool  // weak cells that pass the current search's test
	mark   []uint32
	seq    uint32
	queue  []int32
}

// New builds a model on an nx×ny grid of square dx-metre cells. bed is the
// ground elevation (m) and zone the soil index of every cell (row 0 north,
// i = r*nx + c). soils[zone] gives each zone's soil; zone 0 is bedrock or
// pavement, never fails and sheds all rain, so soils[0] is ignored.
//
// The slope tanβ of each cell is the magnitude of the bed gradient by
// central differences, (z[c+1]−z[c−1])/2dx and likewise by rows, one-sided
// on the grid edges. Inputs are copied.
func New(nx, ny int, dx float64, bed []float64, zone []uint8, soils []Soil, p Params) (*Model, error) {
	if nx < 1 || ny < 1 || nx > 1<<15 || ny > 1<<15 {
		return nil, fmt.Errorf("grid %dx%d out of range", nx, ny)
	}
	if !(dx > 0) || math.IsInf(dx, 0) {
		return nil, errors.New("dx must be finite and > 0")
	}
	n := nx * ny
	if len(bed) != n || len(zone) != n {
		return nil, fmt.Errorf("bed has %d and zone %d cells, want %d", len(bed), len(zone), n)
	}
	if err := p.validate(n); err != nil {
		return nil, err
	}
	if len(soils) < 1 {
		return nil, errors.New("soils must hold at least the placeholder for zone 0")
	}
	zs := make([]zoneSoil, len(soils))
	for k, s := range soils {
		if k == 0 {
			continue
		}
		if err := s.validate(p.GammaW); err != nil {
			return nil, fmt.Errorf("soil %d: %w", k, err)
		}
		zs[k] = zoneSoil{Soil: s, wmax: float64(s.Porosity * s.Depth), pf: float64(s.SuctionHead * s.Porosity)}
	}
	for i, z := range zone {
		if int(z) >= len(soils) {
			return nil, fmt.Errorf("zone[%d] = %d has no soil", i, z)
		}
		if math.IsNaN(bed[i]) || math.IsInf(bed[i], 0) {
			return nil, fmt.Errorf("bed[%d] is not finite", i)
		}
	}
	m := &Model{
		nx: nx, ny: ny, dx: dx, p: p,
		bed:   append([]float64(nil), bed...),
		zone:  append([]uint8(nil), zone...),
		soils: zs,
		tanB:  make([]float64, n), downX: make([]float64, n), downY: make([]float64, n),
		fs0: make([]float64, n), fsK: make([]float64, n), active: make([]bool, n),
		cumInf: make([]float64, n), water: make([]float64, n), fs: make([]float64, n),
		failed: make([]bool, n), cueLvl: make([]uint8, n*int(NumCues)),
		deposit: make([]float64, n), runoff: make([]float64, n),
		mark: make([]uint32, n), in: make([]bool, n), nextID: 1,
	}
	m.p.M0 = nil // copied into water below; do not keep the caller's slice
	m.warnFS = max(p.CrackFS, p.BulgeFS, p.TiltFS, p.RockfallFS, p.RumbleFS)
	m.slopes()
	for i := 0; i < n; i++ {
		if m.zone[i] == 0 {
			m.fs0[i] = math.Inf(1)
			continue
		}
		m.active[i] = true
		s := &m.soils[m.zone[i]]
		m.fs0[i], m.fsK[i] = fsTerms(s.Soil, m.tanB[i], p.GammaW)
		if p.M0 != nil {
			// Antecedent water is water that infiltrated earlier, so it
			// also counts towards Green–Ampt's F.
			m.water[i] = float64(p.M0[i] * s.wmax)
			m.cumInf[i] = m.water[i]
		}
	}
	m.updateFS()
	return m, nil
}

// slopes fills tanB and the downslope unit vector from the bed.
func (m *Model) slopes() {
	nx, ny, dx := m.nx, m.ny, m.dx
	for r := 0; r < ny; r++ {
		for c := 0; c < nx; c++ {
			i := r*nx + c
			gx := m.diff(i, c, 1, nx, dx)
			gy := m.diff(i, r, nx, ny, dx) // y grows south, as rows do
			t := math.Sqrt(float64(gx*gx) + float64(gy*gy))
			m.tanB[i] = t
			if t > 0 {
				m.downX[i], m.downY[i] = -gx/t, -gy/t
			}
		}
	}
}

// diff is the bed derivative along one axis at cell i, whose coordinate on
// that axis is k of n, with neighbours stride cells apart.
func (m *Model) diff(i, k, stride, n int, dx float64) float64 {
	switch {
	case n == 1:
		return 0
	case k == 0:
		return (m.bed[i+stride] - m.bed[i]) / dx
	case k == n-1:
		return (m.bed[i] - m.bed[i-stride]) / dx
	}
	return (m.bed[i+stride] - m.bed[i-stride]) / (2 * dx)
}

// SetRain sets the rain rate (m/s) from now on. Negative or NaN means none.
func (m *Model) SetRain(rate float64) {
	if !(rate > 0) || math.IsInf(rate, 0) {
		rate = 0
	}
	m.rain = rate
}

// Advance moves the model dt hazard seconds on and returns what happened,
// in order. dt is split into ceil(dt/MaxStep) equal sub-steps; in each the
// moving fronts advance, then water infiltrates, then cues and failures are
// detected at the sub-step's end. A dt that is not positive does nothing.
func (m *Model) Advance(dt float64) []Event {
	clear(m.runoff)
	if !(dt > 0) || math.IsInf(dt, 0) {
		return nil
	}
	n := math.Ceil(dt / m.p.MaxStep)
	if n > maxSubsteps {
		n = maxSubsteps
	}
	h := dt / n
	var ev []Event
	for k := 0; k < int(n); k++ {
		t0 := m.t
		ev = m.moveFronts(ev, t0, h)
		m.stepWater(h)
		m.t = t0 + h
		m.updateFS()
		ev = m.detectCues(ev)
		ev = m.detectFailures(ev)
	}
	for i, v := range m.runoff {
		m.runoff[i] = v / dt // runoff held depth (m) during the sub-steps
	}
	return ev
}

// stepWater runs the water balance of every cell over h seconds. Drainage
// leaves first (it acts on the water already there), then rain infiltrates
// up to the smallest of: the rain, the Green–Ampt capacity, and the room
// left in the soil. The rest runs off, either as infiltration excess or as
// saturation excess once the soil is full to the surface.
func (m *Model) stepWater(h float64) {
	in := float64(m.rain * h)
	for i := range m.water {
		if !m.active[i] || m.failed[i] {
			// Bedrock, pavement and the bare scar of a slide shed all rain.
			m.runoff[i] += in
			continue
		}
		s := &m.soils[m.zone[i]]
		w := m.water[i]
		if m.p.Drainage > 0 && w > 0 {
			sat := min(w/s.wmax, 1)
			w = max(w-float64(m.p.Drainage*s.Ks*sat*h), 0)
		}
		inf := min(in, greenAmptCapacity(m.cumInf[i], s.Ks, s.pf, h), max(s.wmax-w, 0))
		m.water[i] = w + inf
		m.cumInf[i] += inf
		m.runoff[i] += in - inf
	}
}

// greenAmptCapacity is the most water (m) the soil can take in h seconds
// when ponded, from dF/dt = Ks(1 + P/F) with P = ψf·Δθ and F the cumulative
// infiltration so far. The trapezoidal rule in F,
//
//	F1 = F0 + h·Ks·[1 + (P/2)(1/F0 + 1/F1)],
//
// is a quadratic in F1 whose positive root needs only a square root, so the
// step is second-order accurate, stable for any h and bit-identical on every
// platform. From a dry start (F0 ≈ 0, where 1/F0 blows up) it falls back to
// the implicit Euler form F1 = F0 + h·Ks(1 + P/F1), also a quadratic.
func greenAmptCapacity(f0, ks, pf, h float64) float64 {
	kh := float64(ks * h)
	if f0 < 1e-6 {
		b := f0 + kh
		return float64(0.5*(b+math.Sqrt(float64(b*b)+float64(4*kh*pf)))) - f0
	}
	b := f0 + kh + float64(kh*pf)/(2*f0)
	return float64(0.5*(b+math.Sqrt(float64(b*b)+float64(2*kh*pf)))) - f0
}

// updateFS recomputes the factor of safety of every soil cell. A failed
// cell keeps the value it failed at because its water no longer changes.
// It also lists, in ascending order, the live cells weak enough for some
// cue (and so for failure), which seed the cluster searches: on a slope far
// from failure the list is empty and the searches cost nothing.
func (m *Model) updateFS() {
	m.weak = m.weak[:0]
	for i := range m.fs {
		if !m.active[i] {
			m.fs[i] = FSMax
			continue
		}
		fs := min(m.fs0[i]-float64(m.saturation(i)*m.fsK[i]), FSMax)
		m.fs[i] = fs
		if fs <= m.warnFS && !m.failed[i] {
			m.weak = append(m.weak, int32(i))
		}
	}
}

func (m *Model) saturation(i int) float64 {
	if !m.active[i] {
		return 0
	}
	return min(m.water[i]/m.soils[m.zone[i]].wmax, 1)
}

// FS returns the factor of safety of cell i, capped at FSMax. A failed
// cell keeps the value at which it failed.
func (m *Model) FS(i int) float64 { return m.fs[i] }

// Saturation returns m, the saturated fraction of the soil depth of cell i
// (0 for bedrock).
func (m *Model) Saturation(i int) float64 { return m.saturation(i) }

// Failed reports whether cell i has slid away.
func (m *Model) Failed(i int) bool { return m.failed[i] }

// Runoff returns the rain that did not infiltrate in each cell, averaged
// over the last Advance (m/s), for the flood model. The slice is the model's
// own: read it before the next Advance and do not modify it.
func (m *Model) Runoff() []float64 { return m.runoff }

// Time returns the hazard seconds advanced since New.
func (m *Model) Time() float64 { return m.t }

// Slides returns every slide so far, active and finished, oldest first. The
// Slide values are copies, but their slices are shared: do not modify them.
func (m *Model) Slides() []Slide { return append([]Slide(nil), m.slides...) }

// DebrisDepth returns the debris depth (m) on cell i: what the fronts have
// deposited plus the moving mass of active slides, which sits in the source
// until the front leaves it and then in the snout behind the front.
func (m *Model) DebrisDepth(i int) float64 {
	d := m.deposit[i]
	for k := range m.slides {
		d += m.slides[k].moving(i, m.dx)
	}
	return d
}

// DebrisAt returns DebrisDepth of the cell that holds point (x, y), in
// metres east and south of the north-west corner; 0 outside the grid.
func (m *Model) DebrisAt(x, y float64) float64 {
	i, ok := m.cellAt(x, y)
	if !ok {
		return 0
	}
	return m.DebrisDepth(i)
}

func (m *Model) cellAt(x, y float64) (int, bool) {
	if !(x >= 0 && y >= 0) {
		return 0, false
	}
	c, r := int(math.Floor(x/m.dx)), int(math.Floor(y/m.dx))
	if c >= m.nx || r >= m.ny {
		return 0, false
	}
	return r*m.nx + c, true
}

func (m *Model) centre(i int) (x, y float64) {
	return float64((float64(i%m.nx) + 0.5) * m.dx), float64((float64(i/m.nx) + 0.5) * m.dx)
}

// HashInto folds the model's state in a fixed order: time and rain, then
// per cell the infiltration, water, failure and cue state, deposit and
// runoff, then every slide.
func (m *Model) HashInto(h *statehash.Hasher) {
	h.String("landslide")
	h.Int(m.nx)
	h.Int(m.ny)
	h.F64(m.t)
	h.F64(m.rain)
	h.F64s(m.cumInf)
	h.F64s(m.water)
	h.F64s(m.deposit)
	h.F64s(m.runoff)
	for i, f := range m.failed {
		// One word per cell: the failure bit and six 3-bit cue levels.
		var w uint64
		if f {
			w = 1
		}
		for k := 0; k < int(NumCues); k++ {
			w |= uint64(m.cueLvl[i*int(NumCues)+k]) << (1 + 3*k)
		}
		h.U64(w)
	}
	h.Int(m.nextID)
	h.Int(len(m.slides))
	for k := range m.slides {
		m.slides[k].hashInto(h)
	}
}
