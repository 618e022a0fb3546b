package flood

import "math"

// The friction term needs h^(−7/3) at every wet face of every sub-step,
// twice per cell, and it is the costliest part of the flux loops. Through
// dmath.Cbrt it is a call (which spills the loop's registers on amd64) and
// two more divisions per face, and the divider already bounds these loops.
// invCbrt below computes x^(−1/3) with multiplies only and inlines. It uses
// nothing but IEEE +, −, ×, integer shifts, bit casts and a table built
// the same way, with every product that is added wrapped in float64(), so
// it gives the same bits on every architecture, as dmath does.

const (
	// invCbrtMagic seeds x^(−1/3) from the bits of x alone: the bits of a
	// float are roughly its logarithm, so bits(y) ≈ K − bits(x)/3 (Moroz
	// et al. 2021's constant for double precision; within 3.5%).
	invCbrtMagic = 0x553ef0ff289dd796

	// The seed table holds x^(−1/3) at the centre of every 1/128 of a
	// binade over [2^−11, 2^5) — flow depths of 0.5 mm to 32 m — good to
	// 1.3e-3, so two Newton steps give ~2e-11 (3.4e-6 after the first).
	seedBits  = 7
	seedShift = 52 - seedBits
	seedLo    = (1023 - 11) << seedBits
	seedN     = 16 << seedBits
)

var invCbrtSeed = func() (t [seedN]float64) {
	for i := range t {
		mid := math.Float64frombits(uint64(seedLo+i)<<seedShift | 1<<(seedShift-1))
		y := math.Float64frombits(invCbrtMagic - math.Float64bits(mid)/3)
		t[i] = newtonInvCbrt(mid, y, 5)
	}
	return t
}()

// newtonInvCbrt refines y ≈ x^(−1/3) by n Newton steps y ← y(4 − x y³)/3,
// each of which squares the relative error (e → 2e²).
func newtonInvCbrt(x, y float64, n int) float64 {
	x3 := x * (1.0 / 3)
	for range n {
		y = y * (4.0/3 - float64(x3*(y*y*y)))
	}
	return y
}

// invCbrt returns x^(−1/3) for positive normal x to a relative error of
// 1e-10 or better (TestInvCbrt measures it against dmath.Cbrt): two Newton
// steps from the table inside its range, five from the bit seed outside.
func invCbrt(x float64) float64 {
	b := math.Float64bits(x)
	n := 2
	var y float64
	if i := b>>seedShift - seedLo; i < seedN {
		y = invCbrtSeed[i]
	} else {
		y, n = math.Float64frombits(invCbrtMagic-b/3), 5
	}
	x3 := x * (1.0 / 3)
	for range n {
		y = y * (4.0/3 - float64(x3*(y*y*y)))
	}
	return y
}

// flowInvCbrt is invCbrt for a face flow depth, which Params.validate
// keeps inside the seed table's range: no fallback, and the masked index
// needs no bounds check, so the flux loops stay branch- and call-free.
func flowInvCbrt(h float64) float64 {
	y := invCbrtSeed[(math.Float64bits(h)>>seedShift-seedLo)&(seedN-1)]
	h3 := h * (1.0 / 3)
	y = y * (4.0/3 - float64(h3*(y*y*y)))
	return y * (4.0/3 - float64(h3*(y*y*y)))
}

// Flow depths the seed table covers: [2^−11, 2^5) m.
const (
	minTableDepth = 1.0 / (1 << 11)
	maxTableDepth = 1 << 5
)

// pow73inv returns h^(−7/3), the depth factor of Manning friction in the
// local-inertial momentum equation, for h > 0.
func pow73inv(h float64) float64 {
	y := invCbrt(h)
	y2 := y * y
	return y2 * y2 * y2 * y
}
