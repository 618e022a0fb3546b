//go:build amd64 && !purego

package flood

// After the flux kernels (flux_amd64.s), the depth update and the
// limiter's skip test were half the remaining instructions per cell;
// cells_amd64.s does them four cells at a time with the Go loops'
// operations and order, so again no bit changes (TestSIMDMatchesGo).

// cellArgs is update4's input; the assembly reads it through go_asm.h.
type cellArgs struct {
	h, xw, yn, ys, rain *float64   // rain nil: no rain
	drained             *float64   // nil: no drains; else out, per cell
	n                   int        // a positive multiple of 4
	dtdx, dt, drain     float64    // drain: capacity × Δt
	hmax                [4]float64 // in and out: per lane
}

//go:noescape
func update4(a *cellArgs)

//go:noescape
func deepRun(h *float64, n int, safe float64) int

// updateSIMD is the depth update of updateRow for n, a positive multiple
// of 4, cells from the slices' start: h is updated in place, the x faces
// are xw[j] (west) and xw[j+1] (east), rain may be nil. With drainDt > 0
// the depth each cell drains is written to drained[j] (0 where none) for
// the caller to sum in cell order, as the Go loop does. It returns the
// largest new depth, or hmax if none is larger.
func updateSIMD(h, xw, yn, ys, rain, drained []float64, n int, dtdx, dt, drainDt, hmax float64) float64 {
	h, xw, yn, ys = h[:n], xw[:n+1], yn[:n], ys[:n]
	a := cellArgs{h: &h[0], xw: &xw[0], yn: &yn[0], ys: &ys[0], n: n, dtdx: dtdx, dt: dt, drain: drainDt,
		hmax: [4]float64{hmax, hmax, hmax, hmax}}
	if rain != nil {
		a.rain = &rain[:n][0]
	}
	if drainDt > 0 {
		a.drained = &drained[:n][0]
	}
	update4(&a)
	for _, v := range a.hmax {
		if v > hmax {
			hmax = v
		}
	}
	return hmax
}

// deepCells returns how many leading cells of h, in whole groups of four,
// hold at least safe: cells the limiter skips.
func deepCells(h []float64, safe float64) int {
	if n := len(h) &^ 3; n > 0 {
		return deepRun(&h[0], n, safe)
	}
	return 0
}
