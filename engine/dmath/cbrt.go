// Cube root and the h^(7/3) power used by Manning friction in the flood
// solver's inner loop.
//
// Cbrt is not a port of math.Cbrt. fdlibm's s_cbrt.c (which math.Cbrt
// follows) chains five dependent divisions; the solver calls Cbrt once per
// cell face per step, so this version uses one division, off the critical
// path, and otherwise only multiplies and adds:
//
//  1. t ≈ cbrt(a) to about 5 bits by dividing the bit pattern of a by three
//     (the fdlibm trick: the exponent field is divided by three and the
//     constant B1 corrects the bias and the mantissa on average), so that
//     u = t³/a − 1 satisfies |u| < 0.1.
//  2. t ·= (1+u)^(−1/3), by its Taylor polynomial of degree 4, whose
//     truncation error is about 0.125·0.1⁵/0.9 ≈ 2^−19.5.
//  3. t is rounded to 17 significant bits. Then t³ has at most 51 bits and
//     is computed exactly, and since t³ is within a factor of two of a,
//     t³ − a is exact too (Sterbenz). So e = (t³ − a)/a = t³/a − 1 carries
//     only the rounding of one multiply by 1/a: a relative error of 2^−52
//     on a number < 2^−15.
//  4. cbrt(a) = t·(1+e)^(−1/3) = t − t·e·(1/3 − 2e/9 + 14e²/81) + O(e⁴).
//     The correction is < 2^−16 of t, so its rounding errors and the
//     neglected 35e⁴/243 (< 2^−64) are far below an ulp of the result, and
//     the final subtraction rounds once: the result is within 0.5 ulp plus
//     a tiny fraction of an ulp of the exact cube root (TestExact/Cbrt).
//
// The trick in step 1 comes from fdlibm's s_cbrt.c:
//
// ====================================================
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunSoft, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================

package dmath

import "math"

const (
	// cbrtB1 is fdlibm's (682-0.03306235651)*2**20: added to the high word of
	// bits(a)/3 it restores the exponent bias and centres the error.
	cbrtB1 = 715094163

	// Arguments with cbrtLo ≤ |x| < cbrtHi take the fast path: there 1/|x|
	// cannot overflow, and t³ (within 10% of |x|) is a normal float64 that
	// neither overflows nor loses bits as a subnormal would.
	cbrtLo = 0x0030000000000000 // bits of 2^-1020
	cbrtHi = 0x7fb0000000000000 // bits of 2^1020
)

// Taylor coefficients of (1+u)^(-1/3): 1, -1/3, 2/9, -14/81, 35/243.
const (
	cbrtU0 = 1.0
	cbrtU1 = -1.0 / 3
	cbrtU2 = 2.0 / 9
	cbrtU3 = -14.0 / 81
	cbrtU4 = 35.0 / 243
)

// The same polynomial in powers of r = 1+u. Go evaluates these untyped
// constant expressions exactly and rounds each result once.
const (
	cbrtR0 = cbrtU0 - cbrtU1 + cbrtU2 - cbrtU3 + cbrtU4
	cbrtR1 = cbrtU1 - 2*cbrtU2 + 3*cbrtU3 - 4*cbrtU4
	cbrtR2 = cbrtU2 - 3*cbrtU3 + 6*cbrtU4
	cbrtR3 = cbrtU3 - 4*cbrtU4
	cbrtR4 = cbrtU4
)

// Cbrt returns the cube root of x, within one ulp of math.Cbrt (and within
// 0.51 ulp of the exact value).
//
// Special cases are:
//
//	Cbrt(±0) = ±0
//	Cbrt(±Inf) = ±Inf
//	Cbrt(NaN) = NaN
func Cbrt(x float64) float64 {
	b := math.Float64bits(x)
	ab := b &^ signMask
	// One unsigned compare sends zeros, subnormals, huge values, Inf and
	// NaN to the slow path: they all lie outside [cbrtLo, cbrtHi).
	if ab-cbrtLo >= cbrtHi-cbrtLo {
		return cbrtSlow(x)
	}
	// The method is in the file comment. It works on a = |x| and is
	// written out here rather than in a helper to save a call per cell face.
	a := math.Float64frombits(ab)
	inv := 1 / a // the only division; independent of the chain below

	// 1. Rough cube root to about 5 bits.
	t := math.Float64frombits(ab/3 + cbrtB1<<32)

	// 2. t·r^(-1/3) with r = t³/a, |r-1| < 0.1: about 19.5 bits. The
	// polynomial is the degree-4 Taylor polynomial of (1+u)^(-1/3) in
	// u = r-1, re-expanded in powers of r (cbrtR0..cbrtR4) so that no
	// subtraction of 1 lengthens the dependency chain, and evaluated in
	// Estrin's scheme for the same reason. The re-expansion costs a few of
	// the 53 bits, of which this step needs only 20.
	r := float64(t*t*t) * inv
	r2 := r * r
	lo := float64(cbrtR1*r) + cbrtR0
	hi := (float64(cbrtR3*r) + cbrtR2) + float64(cbrtR4*r2)
	t *= lo + float64(hi*r2)

	// 3. Round to nearest with 17 significant bits (clear the low 36 of the
	// 52 fraction bits); a carry into the exponent is harmless.
	t = math.Float64frombits((math.Float64bits(t) + 1<<35) &^ (1<<36 - 1))

	// 4. One exact residual and a third-order correction.
	// c = 1/3 - 2e/9 + 14e²/81, split so that e² and e·2/9 run in parallel.
	e := float64(float64(t*t*t)-a) * inv
	c := (1.0/3 - float64(e*(2.0/9))) + float64(e*e*(14.0/81))
	t -= float64(t * e * c)

	return math.Float64frombits(math.Float64bits(t) | b&signMask)
}

// cbrtSlow handles what Cbrt's fast path does not: ±0, ±Inf, NaN, and
// magnitudes below 2^-1020 or at least 2^1020, which are scaled by 2^±54
// into the fast range and back. The scalings by powers of two are exact, so
// these results are as accurate as the fast path's.
func cbrtSlow(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	a := math.Abs(x)
	var r float64
	if a < 0x1p-1020 {
		r = float64(Cbrt(a*0x1p54) * 0x1p-18)
	} else {
		r = float64(Cbrt(a*0x1p-54) * 0x1p18)
	}
	return math.Copysign(r, x)
}

// Pow73 returns h^(7/3), the depth power in Manning's friction term of the
// local-inertial flood equations (Bates et al. 2010), as h·h·Cbrt(h). It is
// within 1.5 ulp of the exact value (two roundings after a 0.5-ulp cube
// root). It is not a drop-in for math.Pow(h, 7.0/3): the constant 7.0/3 is
// 7/3 rounded, and h^fl(7/3) differs from h^(7/3) by |ln h|·1.5e-16, several
// ulps for depths far from 1 m.
//
// Special cases are:
//
//	Pow73(±0) = +0
//	Pow73(+Inf) = +Inf
//	Pow73(h < 0) = NaN, like math.Pow with a non-integer exponent
//	Pow73(NaN) = NaN
func Pow73(h float64) float64 {
	// Same range test as Cbrt; negative h has the sign bit set and so
	// also lands on the slow path, which keeps the hot path to one branch.
	if math.Float64bits(h)-cbrtLo >= cbrtHi-cbrtLo {
		return pow73Slow(h)
	}
	// Rounded explicitly so that, should Pow73 ever be inlined, the
	// caller's q + Pow73(h) cannot fuse with this product.
	return float64(h * h * Cbrt(h))
}

func pow73Slow(h float64) float64 {
	switch {
	case h == 0:
		return 0
	case h > 0: // tiny (result 0), huge (result +Inf) or +Inf
		return float64(h * h * Cbrt(h))
	}
	return math.NaN() // h < 0 or NaN
}
