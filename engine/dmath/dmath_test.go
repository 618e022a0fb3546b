package dmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

// fn1 and fn2 describe a function under test together with its package math
// counterpart and a generator of representative arguments. The accuracy,
// golden and benchmark tests share these tables, so a function added here is
// covered by all of them.
type fn1 struct {
	name string
	f    func(float64) float64
	ref  func(float64) float64
	gen  func(r *rand.Rand) float64
	ulps uint64 // bound on |f − ref| in ulps, on amd64 and arm64

	// mathWrong reports arguments where ref is known to be wrong on some
	// architecture; TestAccuracyUnary skips them and TestExact covers them.
	mathWrong func(x float64) bool
}

// amd64's assembly math.Exp returns +Inf for x above 709.436 (it overflows
// when the reduction's k reaches 1024), though e^x is finite up to 709.782.
func mathExpOverflows(x float64) bool { return x > 709 }

// amd64's assembly math.Log does not normalise subnormal arguments and is
// off by up to 36 in the result (Go issue 56600); arm64 is right.
func mathLogSubnormal(x float64) bool { return x < 0x1p-1022 }

type fn2 struct {
	name string
	f    func(x, y float64) float64
	ref  func(x, y float64) float64
	gen  func(r *rand.Rand) (float64, float64)
	ulps uint64
}

func uniform(r *rand.Rand, lo, hi float64) float64 {
	return lo + float64(r.Float64()*(hi-lo))
}

// logUniform draws |x| uniformly in exponent between 2^lo and 2^hi.
func logUniform(r *rand.Rand, lo, hi int) float64 {
	m := 1 + r.Float64()
	return math.Ldexp(m, lo+r.IntN(hi-lo))
}

// anyFinite draws a float64 with uniformly random bits, so every exponent,
// subnormals included, is equally likely.
func anyFinite(r *rand.Rand) float64 {
	for {
		x := math.Float64frombits(r.Uint64())
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			return x
		}
	}
}

func withSign(r *rand.Rand, x float64) float64 {
	if r.IntN(2) == 0 {
		return -x
	}
	return x
}

// pick mixes several generators so one table entry covers a wide range and
// the ranges where the engine actually calls the function.
func pick(gens ...func(r *rand.Rand) float64) func(r *rand.Rand) float64 {
	return func(r *rand.Rand) float64 { return gens[r.IntN(len(gens))](r) }
}

var unary = []fn1{
	{"Exp", Exp, math.Exp, pick(
		func(r *rand.Rand) float64 { return uniform(r, -745.2, 709.8) },
		func(r *rand.Rand) float64 { return uniform(r, -20, 20) },
		func(r *rand.Rand) float64 { return withSign(r, logUniform(r, -40, 0)) },
	), 2, mathExpOverflows}, // each < 1 ulp from exact, on either side
	{"Log", Log, math.Log, pick(
		func(r *rand.Rand) float64 { return math.Abs(anyFinite(r)) },
		func(r *rand.Rand) float64 { return logUniform(r, -30, 30) },
		func(r *rand.Rand) float64 { return 1 + uniform(r, -1e-3, 1e-3) },
	), 1, mathLogSubnormal},
	{"Log10", Log10, math.Log10, pick(
		func(r *rand.Rand) float64 { return math.Abs(anyFinite(r)) },
		func(r *rand.Rand) float64 { return logUniform(r, -30, 30) },
	), 2, mathLogSubnormal}, // arm64's fused math.Log is 1 ulp off, then ×1/ln10
	{"Cbrt", Cbrt, math.Cbrt, pick(
		anyFinite,
		func(r *rand.Rand) float64 { return uniform(r, 0, 100) },
	), 1, nil},
	// Not math.Pow(h, 7.0/3): 7.0/3 is not 7/3, and h^fl(7/3) is hundreds of
	// ulps away from h^(7/3) for large or small h (TestExact).
	{"Pow73", Pow73, func(h float64) float64 { return h * h * math.Cbrt(h) }, pick(
		func(r *rand.Rand) float64 { return uniform(r, 0, 10) },
		func(r *rand.Rand) float64 { return logUniform(r, -30, 20) },
	), 2, nil},
	{"Sin", Sin, math.Sin, pick(
		func(r *rand.Rand) float64 { return uniform(r, -7, 7) },
		func(r *rand.Rand) float64 { return uniform(r, -1e6, 1e6) },
		func(r *rand.Rand) float64 { return withSign(r, logUniform(r, -30, 1000)) },
	), 1, nil},
	{"Cos", Cos, math.Cos, pick(
		func(r *rand.Rand) float64 { return uniform(r, -7, 7) },
		func(r *rand.Rand) float64 { return uniform(r, -1e6, 1e6) },
		func(r *rand.Rand) float64 { return withSign(r, logUniform(r, -30, 1000)) },
	), 1, nil},
	{"Tan", Tan, math.Tan, pick(
		func(r *rand.Rand) float64 { return uniform(r, -7, 7) },
		func(r *rand.Rand) float64 { return uniform(r, -1e6, 1e6) },
		func(r *rand.Rand) float64 { return withSign(r, logUniform(r, -30, 1000)) },
	), 2, nil},
	{"Atan", Atan, math.Atan, pick(
		func(r *rand.Rand) float64 { return uniform(r, -10, 10) },
		anyFinite,
	), 1, nil},
	{"Erfc", Erfc, math.Erfc, pick(
		func(r *rand.Rand) float64 { return uniform(r, -6, 28) },
		func(r *rand.Rand) float64 { return uniform(r, -1.5, 3) },
		func(r *rand.Rand) float64 { return withSign(r, logUniform(r, -60, 0)) },
	), 4, nil}, // Erfc multiplies two Exps, and math's Exp is amd64 assembly
}

var binary = []fn2{
	// Pow's error against the exact value grows with |y·ln x| and with the
	// integer part of y, in math.Pow as here; the two fall on different
	// sides of the exact value (TestExact). On amd64 math.Pow calls the
	// assembly Exp and Log; on arm64 its products fuse.
	{"Pow", Pow, math.Pow, func(r *rand.Rand) (float64, float64) {
		switch r.IntN(3) {
		case 0: // the engine's range: positive bases, modest exponents
			return logUniform(r, -10, 10), uniform(r, -4, 4)
		case 1: // integer exponents, either sign of base
			return withSign(r, logUniform(r, -10, 10)), float64(r.IntN(41) - 20)
		default:
			return uniform(r, 0, 100), uniform(r, 0, 3)
		}
	}, 5},
	{"PowWide", Pow, math.Pow, func(r *rand.Rand) (float64, float64) {
		return logUniform(r, -30, 30), uniform(r, -30, 30) // results across the float64 range
	}, 24}, // both are up to 23 ulp from exact here; measured 16 apart on arm64
	{"Atan2", Atan2, math.Atan2, func(r *rand.Rand) (float64, float64) {
		if r.IntN(2) == 0 {
			return uniform(r, -10, 10), uniform(r, -10, 10)
		}
		return anyFinite(r), anyFinite(r)
	}, 1},
	// On arm64 math.Hypot is the same formula with q*q+1 fused.
	{"Hypot", Hypot, math.Hypot, func(r *rand.Rand) (float64, float64) {
		if r.IntN(2) == 0 {
			return uniform(r, -100, 100), uniform(r, -100, 100)
		}
		return anyFinite(r), anyFinite(r)
	}, 2},
}

// ulpDist returns the number of float64 values between a and b, counting
// +0 and -0 as one value. NaN is only close to NaN.
func ulpDist(a, b float64) uint64 {
	if math.IsNaN(a) || math.IsNaN(b) {
		if math.IsNaN(a) && math.IsNaN(b) {
			return 0
		}
		return math.MaxUint64
	}
	ia, ib := ordered(a), ordered(b)
	if ia > ib {
		return uint64(ia - ib)
	}
	return uint64(ib - ia)
}

// ordered maps float64 bits to integers that sort like the floats.
func ordered(x float64) int64 {
	b := int64(math.Float64bits(x))
	if b < 0 {
		return math.MinInt64 - b
	}
	return b
}

// sameFloat reports whether a and b are the same value, distinguishing -0
// from +0 and treating every NaN as the same value.
func sameFloat(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

func accuracySamples() int {
	if testing.Short() {
		return 20_000
	}
	return 200_000
}

func TestAccuracyUnary(t *testing.T) {
	t.Parallel()
	n := accuracySamples()
	for _, tc := range unary {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(1, uint64(len(tc.name))))
			var worst uint64
			var worstX float64
			for range n {
				x := tc.gen(r)
				if tc.mathWrong != nil && tc.mathWrong(x) {
					continue
				}
				got, want := tc.f(x), tc.ref(x)
				if d := ulpDist(got, want); d > worst {
					worst, worstX = d, x
				}
			}
			t.Logf("%s: max %d ulp from math at %v over %d samples", tc.name, worst, worstX, n)
			if worst > tc.ulps {
				t.Errorf("%s(%v) = %v, math gives %v: %d ulp apart, want ≤ %d",
					tc.name, worstX, tc.f(worstX), tc.ref(worstX), worst, tc.ulps)
			}
		})
	}
}

func TestAccuracyBinary(t *testing.T) {
	t.Parallel()
	n := accuracySamples()
	for _, tc := range binary {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(2, uint64(len(tc.name))))
			var worst uint64
			var worstX, worstY float64
			for range n {
				x, y := tc.gen(r)
				got, want := tc.f(x, y), tc.ref(x, y)
				if d := ulpDist(got, want); d > worst {
					worst, worstX, worstY = d, x, y
				}
			}
			t.Logf("%s: max %d ulp from math at (%v, %v) over %d samples", tc.name, worst, worstX, worstY, n)
			if worst > tc.ulps {
				t.Errorf("%s(%v, %v) = %v, math gives %v: %d ulp apart, want ≤ %d",
					tc.name, worstX, worstY, tc.f(worstX, worstY), tc.ref(worstX, worstY), worst, tc.ulps)
			}
		})
	}
}
