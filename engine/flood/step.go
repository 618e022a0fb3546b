package flood

import (
	"fmt"
	"math"
)

// StepSize returns the length (s) of the next sub-step:
// Δt = α Δx / √(g h_max), where h_max is the deepest water on the grid or
// brought by a boundary now, capped at Params.MaxStep. It is a function of
// the state alone, so a replay takes the same sub-steps.
func (m *Model) StepSize() float64 {
	hm := max(m.hmax, m.boundaryDepth(m.t))
	if !(hm > 0) {
		return m.p.MaxStep
	}
	return min(m.p.Alpha*m.dx/math.Sqrt(m.p.G*hm), m.p.MaxStep)
}

// Advance runs the model forward by dt hazard seconds in sub-steps of
// StepSize, the last one shortened to land exactly on the target time (a
// sub-step within 0.1% of the remainder takes all of it, rather than
// leaving a sliver). If Params.MaxSubsteps sub-steps do not reach the
// target it stops there, with a valid state at Time(), and returns
// ErrTooManySubsteps.
func (m *Model) Advance(dt float64) error {
	if !(dt >= 0) || math.IsInf(dt, 0) {
		return fmt.Errorf("flood: Advance(%v)", dt)
	}
	m.started = true
	end := m.t + dt
	for n := 0; m.t < end; n++ {
		if m.p.MaxSubsteps > 0 && n >= m.p.MaxSubsteps {
			return ErrTooManySubsteps
		}
		s := m.StepSize()
		rem := end - m.t
		last := rem <= s*1.001
		if last {
			s = rem
		}
		m.step(s)
		if last {
			m.t = end
		} else {
			m.t += s
		}
	}
	return nil
}

// step advances the state by one sub-step of dt from m.t:
//
//  1. the boundary fluxes, from the state at the step start;
//  2. one sweep over the rows that computes every interior face flux from
//     the depths and fluxes at the step start, scales down the outgoing
//     fluxes of any cell that would give more water than it holds (no
//     negative depths, exact mass), and applies continuity, rain and
//     drains;
//  3. point sources and the budget.
func (m *Model) step(dt float64) {
	tm := m.t + float64(0.5*dt)
	m.activeRanges()
	m.boundaryFluxes(dt, tm)
	m.sweep(dt)
	m.accountBoundaries(dt)
	m.applySources(dt, tm)
	if m.rain != nil {
		m.in.add(float64(m.rainSum * dt * m.area))
	}
}

// activeRanges sets this step's work range of every row: the ever-wet
// columns of the row and its two neighbours, widened by one column.
func (m *Model) activeRanges() {
	nx, ny := int32(m.nx), m.ny
	if m.full || m.rain != nil {
		// Rain wets every open cell at once; skipping would only cost.
		for r := range ny {
			m.alo[r], m.ahi[r] = 0, nx
		}
		return
	}
	for r := range ny {
		lo, hi := m.wlo[r], m.whi[r]
		if r > 0 {
			lo, hi = min(lo, m.wlo[r-1]), max(hi, m.whi[r-1])
		}
		if r+1 < ny {
			lo, hi = min(lo, m.wlo[r+1]), max(hi, m.whi[r+1])
		}
		if lo < hi {
			lo, hi = max(lo-1, 0), min(hi+1, nx)
		}
		m.alo[r], m.ahi[r] = lo, hi
	}
}

type fluxConsts struct {
	gdt, gdtdx, theta, half, minH, maxH float64
}

// sweep is one pass over the rows in which three stages run staggered:
// the fluxes of row r, the limiter of row r−1 (which needs the faces south
// of r−1, i.e. north of r, just computed) and the depth update of row r−2
// (which needs the limiter of the rows on both sides done). Every array is
// streamed through the cache once per step, and the fluxes are updated in
// place: the old values still to be read are kept in two-row rings.
//
// A row's fluxes read depths of its own row and the one north, which the
// update, two rows behind, has not reached yet; so the result is the same
// as computing all fluxes first, then limiting, then updating.
func (m *Model) sweep(dt float64) {
	k := fluxConsts{
		gdt:   m.p.G * dt,
		gdtdx: m.p.G * dt / m.dx,
		theta: m.p.Theta,
		half:  0.5 * (1 - m.p.Theta),
		minH:  m.p.MinFlowDepth,
		maxH:  m.p.MaxFlowDepth,
	}
	dtdx := dt / m.dx
	ny := m.ny
	m.hmax = 0
	var drained kahan
	for r := 0; r <= ny+1; r++ {
		if r < ny {
			m.fluxRow(r, &k)
		}
		if r >= 1 && r <= ny {
			m.limitRow(r-1, dtdx)
		}
		if r >= 2 && m.alo[r-2] < m.ahi[r-2] {
			drained.add(m.updateRow(r-2, dt, dtdx))
		}
	}
	if v := drained.value(); v > 0 {
		m.drained.add(float64(v * m.area))
	}
}

// fluxRow computes the faces of row r: x faces between its cells, the y
// faces on its north side, and the edge faces from edgeQ.
func (m *Model) fluxRow(r int, k *fluxConsts) {
	nx, ny := m.nx, m.ny
	lo, hi := int(m.alo[r]), int(m.ahi[r])
	// Keep the old faces of this row that this row and the next still
	// read: columns of either row's active range, plus one on each side.
	lo2, hi2 := lo, hi
	if r+1 < ny {
		lo2, hi2 = min(lo, int(m.alo[r+1])), max(hi, int(m.ahi[r+1]))
	}
	ox, oy := m.oldX[r&1], m.oldY[r&1]
	if lo2 < hi2 {
		a, b := max(lo2-1, 0), min(hi2+1, nx)
		copy(ox[a:b+1], m.qx[r*(nx+1)+a:r*(nx+1)+b+1])
		copy(oy[lo2:hi2], m.qy[r*nx+lo2:r*nx+hi2])
	}
	fo := r * (nx + 1)
	qw, qe := m.edgeQ[West][r], m.edgeQ[East][r]
	m.qx[fo], m.qx[fo+nx] = qw, qe
	mx, my := max(math.Abs(qw), math.Abs(qe)), 0.0
	if lo < hi {
		// x faces c in [max(lo,1), min(hi,nx-1)]: face c lies between cells
		// c-1 and c.
		if c0, c1 := max(lo, 1), min(hi, nx-1)+1; c0 < c1 {
			mx = max(mx, m.fluxXRow(r, c0, c1, k))
		}
		if r > 0 {
			my = m.fluxYRow(r, lo, hi, k)
		}
	}
	m.qmaxX[r] = mx
	if r == 0 {
		copy(m.qy[:nx], m.edgeQ[North])
		m.qmaxY[0] = maxAbs(m.edgeQ[North])
	} else {
		m.qmaxY[r] = my
	}
	if r == ny-1 {
		copy(m.qy[ny*nx:], m.edgeQ[South])
		m.qmaxY[ny] = maxAbs(m.edgeQ[South])
	}
}

// maxAbs returns the largest |v| in s, 0 for none.
func maxAbs(s []float64) float64 {
	a := 0.0
	for _, v := range s {
		a = max(a, math.Abs(v))
	}
	return a
}

// fluxXGo updates the x faces [c0, c1) of row r (1 ≤ c0, c1 ≤ nx) by the
// q-centred local-inertial momentum equation (Bates 2010, de Almeida 2012):
//
//	q = [θ q + ½(1−θ)(q_w + q_e) + g Δt h_f (η_a − η_b)/Δx]
//	    / [1 + g Δt n² |q⃗| h_f^(−7/3)]
//
// with h_f = max(η_a, η_b) − max(z_a, z_b) clipped to MaxFlowDepth, n the
// mean of the two cells', |q⃗| built from this face and the mean of the
// four y faces around it, and no flux where h_f ≤ MinFlowDepth. All q on
// the right are from the step start. max(z_a, z_b) and n² are the face's
// constants from faceConsts.
//
// The loop is the solver's hot spot. It indexes few base slices (a face
// and the cell east of it share an index j, the cell west is j−1 … of a
// slice one longer), so the loop keeps its pointers in registers; every
// slice is cut to the loop's length, so the compiler drops the bounds
// checks; η of the east cell is carried to the next face; and h_f^(−7/3)
// comes from flowInvCbrt, so a face costs one division and one square
// root. It returns the largest |q| written, as its bits shifted left by
// one (out of the sign), so that maxima combine with integer max.
//
// This is the portable kernel; fluxXRow runs most faces through the
// 4-wide one of flux_amd64.s where the CPU has it, which does the same
// operations in the same order and so writes the same bits.
func (m *Model) fluxXGo(r, c0, c1 int, k *fluxConsts) uint64 {
	nx := m.nx
	fo := r * (nx + 1)
	n := c1 - c0
	qn := m.qx[fo+c0 : fo+c1][:n]
	fc := m.fx[fo+c0 : fo+c1][:n]
	// Face j lies between cells c0−1+j and c0+j. Only what is new east of
	// it is loaded (every slice has the loop's length, so no bounds
	// checks); the west values are carried from the face before.
	ze, he := m.z[r*nx+c0 : r*nx+c1][:n], m.h[r*nx+c0 : r*nx+c1][:n] // east cell
	ox := m.oldX[r&1]
	qee := ox[c0+1 : c1+1][:n]                             // old face east of face j
	yne := m.qy[r*nx+c0 : r*nx+c1][:n]                     // north faces of row r, still old
	yse := m.qy[(r+1)*nx+c0 : (r+1)*nx+c1][:n]             // south faces of row r, still old
	w := r*nx + c0 - 1                                     // the west cell of face 0
	ea, q0 := m.z[w]+m.h[w], ox[c0]                        // west cell η, old face
	qww := ox[c0-1 : c1-1][:n]                             // old face west of face j
	ynw, ysw := m.qy[w : w+n][:n], m.qy[w+nx : w+nx+n][:n] // y faces of the west cell
	gdt, gdtdx, theta, half, minH, maxH := k.gdt, k.gdtdx, k.theta, k.half, k.minH, k.maxH
	var qb uint64 // the largest |q| so far, as its bits shifted out of the sign
	for j := 0; j < n; j++ {
		eb := ze[j] + he[j]
		qe, yn, ys := qee[j], yne[j], yse[j]
		hf := max2(ea, eb) - fc[j].zmax
		if hf > maxH {
			hf = maxH
		}
		q := 0.0
		if hf > minH { // false for NaN: walls
			qc := float64(theta*q0) + float64(half*(qww[j]+qe))
			qt := 0.25 * ((ynw[j] + yn) + (ysw[j] + ys))
			qm := math.Sqrt(float64(q0*q0) + float64(qt*qt))
			num := qc + float64(float64(gdtdx*hf)*(ea-eb))
			y := flowInvCbrt(hf) // h_f^(−7/3) = y⁷, spelt out so it inlines
			y2 := y * y
			q = num / (1 + float64(gdt*fc[j].n2*qm*(y2*y2*y2*y)))
		}
		qn[j] = q
		if b := math.Float64bits(q) << 1; b > qb {
			qb = b
		}
		ea, q0 = eb, qe
	}
	return qb
}

// fluxYGo updates the y faces [c0, c1) between rows r-1 and r (r ≥ 1);
// the y twin of fluxXGo, positive southward.
func (m *Model) fluxYGo(r, c0, c1 int, k *fluxConsts) uint64 {
	nx := m.nx
	a, b := (r-1)*nx, r*nx // first cells of rows r-1 and r
	n := c1 - c0
	qo := m.qy[b+c0 : b+c1][:n] // old until written, in place
	fc := m.fy[b+c0 : b+c1][:n]
	za, ha := m.z[a+c0 : a+c1][:n], m.h[a+c0 : a+c1][:n]
	zb, hb := m.z[b+c0 : b+c1][:n], m.h[b+c0 : b+c1][:n]
	qu := m.oldY[(r-1)&1][c0:c1][:n]       // faces one row north, old
	qd := m.qy[b+nx+c0 : b+nx+c1][:n]      // faces one row south, not reached yet
	xa, xb := m.oldX[(r-1)&1], m.oldX[r&1] // old x faces of rows r-1 and r
	xae, xbe := xa[c0+1 : c1+1][:n], xb[c0+1 : c1+1][:n]
	xaw, xbw := xa[c0], xb[c0] // carried: the west face of cell j
	gdt, gdtdx, theta, half, minH, maxH := k.gdt, k.gdtdx, k.theta, k.half, k.minH, k.maxH
	var qb uint64 // the largest |q| so far, as its bits shifted out of the sign
	for j := 0; j < n; j++ {
		ea, eb := za[j]+ha[j], zb[j]+hb[j]
		hf := max2(ea, eb) - fc[j].zmax
		if hf > maxH {
			hf = maxH
		}
		q := 0.0
		if hf > minH {
			q0 := qo[j]
			qc := float64(theta*q0) + float64(half*(qu[j]+qd[j]))
			qt := 0.25 * ((xaw + xae[j]) + (xbw + xbe[j]))
			qm := math.Sqrt(float64(q0*q0) + float64(qt*qt))
			num := qc + float64(float64(gdtdx*hf)*(ea-eb))
			y := flowInvCbrt(hf)
			y2 := y * y
			q = num / (1 + float64(gdt*fc[j].n2*qm*(y2*y2*y2*y)))
		}
		qo[j] = q
		if b := math.Float64bits(q) << 1; b > qb {
			qb = b
		}
		xaw, xbw = xae[j], xbe[j]
	}
	return qb
}

// limitRow scales down the outgoing fluxes of every cell of row r that
// would otherwise lose more water in this step than it holds. Each face is
// outgoing from one cell only and scaling keeps its sign, so the result
// does not depend on the order cells are visited.
func (m *Model) limitRow(r int, dtdx float64) {
	lo, hi := int(m.alo[r]), int(m.ahi[r])
	if lo >= hi {
		return
	}
	nx := m.nx
	h := m.h[r*nx+lo : r*nx+hi]
	n := len(h)
	fo := r*(nx+1) + lo
	xw, xe := m.qx[fo : fo+n][:n], m.qx[fo+1 : fo+n+1][:n]
	yn := m.qy[r*nx+lo : r*nx+hi][:n]
	ys := m.qy[(r+1)*nx+lo : (r+1)*nx+hi][:n]
	// No face of the row carries more than qm, so no cell gives more than
	// 4 qm: the test below passes wherever h ≥ 4 qm Δt/Δx (rounding is
	// monotonic, and the outgoing sum is exact up to its last roundings,
	// each ≤ the bound's), and those cells are skipped.
	qm := max(m.qmaxX[r], m.qmaxY[r], m.qmaxY[r+1])
	safe := float64(4*qm) * dtdx
	simd := simdFlux && !m.portable
	for j := 0; j < n; j++ {
		if simd && j&3 == 0 && h[j] >= safe {
			// Skip whole groups of four deep cells at once (deep water;
			// dry land, the usual case elsewhere, fails the test above).
			if j += deepCells(h[j:], safe); j >= n {
				break
			}
		}
		if h[j] >= safe {
			continue
		}
		qw, qe, qn, qs := xw[j], xe[j], yn[j], ys[j]
		// The outgoing parts, east and south positive, west and north
		// negative, as ½(|q| ± q): no branches in the common case.
		out := 0.5 * (((math.Abs(qe) + qe) + (math.Abs(qw) - qw)) + ((math.Abs(qs) + qs) + (math.Abs(qn) - qn)))
		if float64(out*dtdx) <= h[j] {
			continue
		}
		f := h[j] / float64(out*dtdx)
		if qe > 0 {
			xe[j] = qe * f
		}
		if qw < 0 {
			xw[j] = qw * f
		}
		if qs > 0 {
			ys[j] = qs * f
		}
		if qn < 0 {
			yn[j] = qn * f
		}
	}
}

// updateRow applies continuity, rain and drains to the active cells of row
// r, tracks h_max and grows the row's ever-wet range. It returns the depth
// drained from the row (m, summed over cells).
func (m *Model) updateRow(r int, dt, dtdx float64) float64 {
	lo, hi := int(m.alo[r]), int(m.ahi[r])
	nx := m.nx
	h := m.h[r*nx+lo : r*nx+hi]
	n := len(h)
	fo := r*(nx+1) + lo
	xw, xe := m.qx[fo : fo+n][:n], m.qx[fo+1 : fo+n+1][:n]
	yn := m.qy[r*nx+lo : r*nx+hi][:n]
	ys := m.qy[(r+1)*nx+lo : (r+1)*nx+hi][:n]
	hmax := m.hmax
	drainDt := m.drain * dt
	drained := 0.0
	j0 := 0
	if n4 := n &^ 3; n4 > 0 && simdFlux && !m.portable {
		// Four cells at a time (cells_amd64.s); the rest below. The
		// drained depths are summed here, in cell order, as below.
		var rain []float64
		if m.rain != nil {
			rain = m.rain[r*nx+lo : r*nx+hi]
		}
		hmax = updateSIMD(h, m.qx[fo:fo+n+1], yn, ys, rain, m.drainedRow, n4, dtdx, dt, drainDt, hmax)
		if drainDt > 0 {
			for _, d := range m.drainedRow[:n4] {
				drained += d
			}
		}
		j0 = n4
	}
	if m.rain == nil && drainDt == 0 {
		for j := j0; j < n; j++ {
			v := h[j] + float64(dtdx*((xw[j]-xe[j])+(yn[j]-ys[j])))
			if v < 0 {
				v = 0 // a last-bit rounding after the limiter
			}
			h[j] = v
			if v > hmax {
				hmax = v
			}
		}
	} else {
		var rain []float64
		if m.rain != nil {
			rain = m.rain[r*nx+lo : r*nx+hi][:n]
		}
		for j := j0; j < n; j++ {
			v := h[j] + float64(dtdx*((xw[j]-xe[j])+(yn[j]-ys[j])))
			if rain != nil {
				v += float64(rain[j] * dt)
			}
			if v < 0 {
				v = 0
			}
			if drainDt > 0 && v > 0 {
				d := min(drainDt, v)
				v -= d
				drained += d
			}
			h[j] = v
			if v > hmax {
				hmax = v
			}
		}
	}
	m.hmax = hmax
	// Grow the ever-wet range; new water can only appear inside [lo, hi).
	h = m.h[r*nx : r*nx+nx]
	if wl := int(m.wlo[r]); lo < wl {
		for c := lo; c < min(wl, hi); c++ {
			if h[c] > 0 {
				m.wlo[r] = int32(c)
				break
			}
		}
	}
	if wh := int(m.whi[r]); hi > wh {
		for c := hi - 1; c >= max(wh, lo); c-- {
			if h[c] > 0 {
				m.whi[r] = int32(c + 1)
				break
			}
		}
	}
	return drained
}

// max2 is max(a, b) in four flops, with no branch and none of the NaN and
// signed-zero care of the builtin, which costs the flux loops a dozen
// instructions a face. It may differ from the exact maximum in the last
// bit, the same way everywhere; on two equal pairs (a dry face, where
// η = z) both sides round alike, so h_f is exactly 0, and an infinite
// bed (a wall) still gives Inf − Inf = NaN.
func max2(a, b float64) float64 {
	return float64(0.5 * ((a + b) + math.Abs(a-b)))
}
