//go:build !amd64 || purego

package flood

// simdFlux is false where there is no 4-wide kernel (arm64 and every other
// architecture, or the purego build tag): fluxXGo and fluxYGo do all faces.
var simdFlux = false

func (m *Model) fluxXSIMD(r, c0, c1 int, k *fluxConsts) uint64 {
	panic("flood: no SIMD flux kernel on this architecture")
}

func (m *Model) fluxYSIMD(r, c0, c1 int, k *fluxConsts) uint64 {
	panic("flood: no SIMD flux kernel on this architecture")
}

func updateSIMD(h, xw, yn, ys, rain, drained []float64, n int, dtdx, dt, drainDt, hmax float64) float64 {
	panic("flood: no SIMD update kernel on this architecture")
}

func deepCells(h []float64, safe float64) int {
	panic("flood: no SIMD limiter scan on this architecture")
}
