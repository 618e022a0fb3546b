package flood

import "math"

// fluxXRow updates the x faces [c0, c1) of row r (1 ≤ c0, c1 ≤ nx) and
// returns the largest |q| written. Where the 4-wide kernel is available
// (simdFlux) it takes the faces in groups of four and fluxXGo the rest;
// both compute every face with the same IEEE operations in the same order,
// none fused, so the split changes no bit (TestSIMDMatchesGo).
func (m *Model) fluxXRow(r, c0, c1 int, k *fluxConsts) float64 {
	var qb uint64
	if n4 := (c1 - c0) &^ 3; simdFlux && !m.portable && n4 > 0 {
		qb = m.fluxXSIMD(r, c0, c0+n4, k)
		c0 += n4
	}
	if c0 < c1 {
		qb = max(qb, m.fluxXGo(r, c0, c1, k))
	}
	return math.Float64frombits(qb >> 1)
}

// fluxYRow is the y twin of fluxXRow: the faces [c0, c1) between rows r−1
// and r (r ≥ 1).
func (m *Model) fluxYRow(r, c0, c1 int, k *fluxConsts) float64 {
	var qb uint64
	if n4 := (c1 - c0) &^ 3; simdFlux && !m.portable && n4 > 0 {
		qb = m.fluxYSIMD(r, c0, c0+n4, k)
		c0 += n4
	}
	if c0 < c1 {
		qb = max(qb, m.fluxYGo(r, c0, c1, k))
	}
	return math.Float64frombits(qb >> 1)
}
