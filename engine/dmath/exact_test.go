package dmath

import (
	"math"
	"math/big"
	"math/rand/v2"
	"sync"
	"testing"
)

// This file measures errors against the exact result, computed with
// math/big, rather than against package math. It settles the cases where
// the two disagree because math itself is off: amd64's assembly Exp and Log
// (see skipMathBug), and math.Pow's error growth. Bounds are in ulps of the
// exact result, as floats, so 0.5 means correctly rounded.

const exactPrec = 192 // bits; the references are good to far below 2^-53

func bf() *big.Float { return new(big.Float).SetPrec(exactPrec) }

var bigLn2 = sync.OnceValue(func() *big.Float {
	// ln 2 = Σ 1/(k·2^k), k ≥ 1.
	sum, term := bf(), bf()
	for k := 1; k < exactPrec+16; k++ {
		term.SetMantExp(bf().SetInt64(1), -k)
		sum.Add(sum, term.Quo(term, bf().SetInt64(int64(k))))
	}
	return sum
})

var bigSqrtPi = sync.OnceValue(func() *big.Float {
	// π = 16·atan(1/5) − 4·atan(1/239) (Machin).
	atanInv := func(n int64) *big.Float {
		x := bf().Quo(bf().SetInt64(1), bf().SetInt64(n))
		x2 := bf().Mul(x, x)
		sum, pow := bf(), bf().Set(x)
		for k := int64(0); pow.MantExp(nil) > -exactPrec-8; k++ {
			t := bf().Quo(pow, bf().SetInt64(2*k+1))
			if k%2 == 0 {
				sum.Add(sum, t)
			} else {
				sum.Sub(sum, t)
			}
			pow.Mul(pow, x2)
		}
		return sum
	}
	pi := bf().Sub(bf().Mul(bf().SetInt64(16), atanInv(5)), bf().Mul(bf().SetInt64(4), atanInv(239)))
	return pi.Sqrt(pi)
})

// bigRecip returns 1/n for 1 ≤ n < 1024; big.Float division is slow enough
// to dominate the series below.
var bigRecips = sync.OnceValue(func() []*big.Float {
	r := make([]*big.Float, 1024)
	for n := 1; n < len(r); n++ {
		r[n] = bf().Quo(bf().SetInt64(1), bf().SetInt64(int64(n)))
	}
	return r
})

func bigRecip(n int64) *big.Float { return bigRecips()[n] }

// bigExp returns e^x for |x| < 1100: x = k·ln2 + r, then e^r as
// (e^(r/2^10))^(2^10), whose Taylor series needs few terms. The squarings
// cost 10 of the exactPrec bits.
func bigExp(x *big.Float) *big.Float {
	const halvings = 10
	xf, _ := x.Float64()
	k := math.Round(xf / math.Ln2)
	r := bf().Sub(x, bf().Mul(bf().SetFloat64(k), bigLn2()))
	r.SetMantExp(r, -halvings)
	sum, term := bf().SetInt64(1), bf().SetInt64(1)
	for n := int64(1); term.Sign() != 0 && term.MantExp(nil) > -exactPrec-8; n++ {
		term.Mul(term, r)
		term.Mul(term, bigRecip(n))
		sum.Add(sum, term)
	}
	for range halvings {
		sum.Mul(sum, sum)
	}
	return sum.SetMantExp(sum, int(k))
}

// bigLog returns ln x for finite x > 0, subnormals included.
func bigLog(x float64) *big.Float {
	m, e := math.Frexp(x) // exact, and normalises subnormals
	if m < math.Sqrt2/2 {
		m, e = m*2, e-1
	}
	// ln m = 2·atanh(s), s = (m−1)/(m+1), |s| < 0.18.
	bm := bf().SetFloat64(m)
	s := bf().Quo(bf().Sub(bm, bf().SetInt64(1)), bf().Add(bm, bf().SetInt64(1)))
	s2 := bf().Mul(s, s)
	sum, pow := bf(), bf().Set(s)
	for k := int64(0); pow.Sign() != 0 && pow.MantExp(nil) > -exactPrec-8; k++ {
		sum.Add(sum, bf().Mul(pow, bigRecip(2*k+1)))
		pow.Mul(pow, s2)
	}
	sum.Mul(sum, bf().SetInt64(2))
	return sum.Add(sum, bf().Mul(bf().SetInt64(int64(e)), bigLn2()))
}

// bigErfc returns erfc(x) for |x| ≤ 6 from the Maclaurin series of erf,
// whose terms peak near e^(x²) ≈ 2^52 before cancelling: exactPrec leaves
// enough bits for erfc(6) ≈ 2^-55 to come out right to 2^-80.
func bigErfc(x float64) *big.Float {
	bx := bf().SetFloat64(x)
	x2 := bf().Mul(bx, bx)
	sum, pow := bf(), bf().Set(bx) // pow = x^(2n+1)/n!
	for n := int64(0); pow.Sign() != 0 && pow.MantExp(nil) > -exactPrec-8 || n < 4*int64(x*x)+4; n++ {
		t := bf().Mul(pow, bigRecip(2*n+1))
		if n%2 == 0 {
			sum.Add(sum, t)
		} else {
			sum.Sub(sum, t)
		}
		pow.Mul(pow, x2)
		pow.Mul(pow, bigRecip(n+1))
	}
	sum.Mul(sum, bf().SetInt64(2))
	sum.Quo(sum, bigSqrtPi())
	return sum.Sub(bf().SetInt64(1), sum)
}

// bigCbrt returns the cube root of x by Newton's method from math.Cbrt.
func bigCbrt(x float64) *big.Float {
	a, t := bf().SetFloat64(x), bf().SetFloat64(math.Cbrt(x))
	three := bf().SetInt64(3)
	for range 3 { // each step doubles the 52 correct bits
		t2 := bf().Mul(t, t)
		num := bf().Sub(bf().Mul(t2, t), a)
		t.Sub(t, num.Quo(num, bf().Mul(t2, three)))
	}
	return t
}

// ulpErr returns |got − exact| in ulps of exact (the spacing of float64s
// at |exact|, 2^-1074 at the least). A result that over- or underflows
// where the exact value rounds to ±Inf or 0 has no error.
func ulpErr(got float64, exact *big.Float) float64 {
	if want, _ := exact.Float64(); math.IsInf(want, 0) || want == 0 {
		if got == want {
			return 0
		}
		return math.Inf(1)
	}
	if math.IsInf(got, 0) || math.IsNaN(got) {
		return math.Inf(1)
	}
	exp := exact.MantExp(nil) - 53 // exact = m·2^e, m in [½,1): ulp 2^(e−53)
	exp = max(exp, -1074)
	d := bf().Sub(bf().SetFloat64(got), exact)
	d.Abs(d)
	d.SetMantExp(d, -exp)
	f, _ := d.Float64()
	return f
}

func exactSamples() int {
	if testing.Short() {
		return 500
	}
	return 5_000
}

type exactCase struct {
	name  string
	gen   func(r *rand.Rand) (x, y float64)
	got   func(x, y float64) float64
	math  func(x, y float64) float64
	exact func(x, y float64) *big.Float
	bound float64 // ulps of the exact value
}

var exactCases = []exactCase{
	{"Exp", func(r *rand.Rand) (float64, float64) {
		if r.IntN(4) == 0 { // near overflow and into the subnormal results
			return withSign(r, uniform(r, 700, 745)), 0
		}
		return uniform(r, -745, 709.7), 0
	}, func(x, _ float64) float64 { return Exp(x) }, func(x, _ float64) float64 { return math.Exp(x) },
		func(x, _ float64) *big.Float { return bigExp(bf().SetFloat64(x)) }, 1},
	{"Log", func(r *rand.Rand) (float64, float64) {
		if r.IntN(4) == 0 {
			return math.Float64frombits(r.Uint64N(1 << 52)), 0 // subnormals
		}
		return math.Abs(anyFinite(r)), 0
	}, func(x, _ float64) float64 { return Log(x) }, func(x, _ float64) float64 { return math.Log(x) },
		func(x, _ float64) *big.Float { return bigLog(x) }, 1},
	{"Log10", func(r *rand.Rand) (float64, float64) { return math.Abs(anyFinite(r)), 0 },
		func(x, _ float64) float64 { return Log10(x) }, func(x, _ float64) float64 { return math.Log10(x) },
		func(x, _ float64) *big.Float {
			return bf().Quo(bigLog(x), bigLog(10))
		}, 2},
	{"Cbrt", func(r *rand.Rand) (float64, float64) { return anyFinite(r), 0 },
		func(x, _ float64) float64 { return Cbrt(x) }, func(x, _ float64) float64 { return math.Cbrt(x) },
		func(x, _ float64) *big.Float { return bigCbrt(x) }, 0.501},
	{"Pow73", func(r *rand.Rand) (float64, float64) {
		if r.IntN(2) == 0 {
			return uniform(r, 0, 20), 0
		}
		return logUniform(r, -400, 400), 0
	}, func(x, _ float64) float64 { return Pow73(x) }, func(x, _ float64) float64 { return math.Pow(x, 7.0/3) },
		func(x, _ float64) *big.Float {
			c := bigCbrt(x)
			return c.Mul(c, bf().SetFloat64(x*x)) // x*x exact in the range drawn
		}, 1.5},
	{"Pow", func(r *rand.Rand) (float64, float64) {
		return logUniform(r, -10, 10), uniform(r, -4, 4) // the engine's range
	}, Pow, math.Pow, func(x, y float64) *big.Float {
		return bigExp(bf().Mul(bf().SetFloat64(y), bigLog(x)))
	}, 5}, // Go's algorithm: 4.83 ulp at worst over 10^5 samples; math.Pow 5.14
	{"PowWide", func(r *rand.Rand) (float64, float64) {
		return logUniform(r, -30, 30), uniform(r, -30, 30)
	}, Pow, math.Pow, func(x, y float64) *big.Float {
		return bigExp(bf().Mul(bf().SetFloat64(y), bigLog(x)))
	}, 32}, // the error grows with |y·ln x| and with the integer part of y
	{"Erfc", func(r *rand.Rand) (float64, float64) { return uniform(r, -6, 6), 0 },
		func(x, _ float64) float64 { return Erfc(x) }, func(x, _ float64) float64 { return math.Erfc(x) },
		func(x, _ float64) *big.Float { return bigErfc(x) }, 4},
	{"Hypot", func(r *rand.Rand) (float64, float64) { return anyFinite(r), anyFinite(r) },
		Hypot, math.Hypot, func(x, y float64) *big.Float {
			bx, by := bf().SetFloat64(x), bf().SetFloat64(y)
			s := bf().Add(bx.Mul(bx, bx), by.Mul(by, by))
			return s.Sqrt(s)
		}, 2},
}

// TestExact checks each function against the exact value and logs how
// package math fares on the same inputs, for the record.
func TestExact(t *testing.T) {
	t.Parallel()
	n := exactSamples()
	for _, tc := range exactCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewPCG(3, uint64(len(tc.name))))
			var worst, worstMath float64
			var wx, wy float64
			for range n {
				x, y := tc.gen(r)
				ex := tc.exact(x, y)
				if e := ulpErr(tc.got(x, y), ex); e > worst {
					worst, wx, wy = e, x, y
				}
				worstMath = max(worstMath, ulpErr(tc.math(x, y), ex))
			}
			t.Logf("%s: max %.3f ulp from exact at (%v, %v); package math: max %.3g ulp", tc.name, worst, wx, wy, worstMath)
			if worst > tc.bound {
				want, _ := tc.exact(wx, wy).Float64()
				t.Errorf("%s at (%v, %v) = %v, exact %v: %.3f ulp, want ≤ %v",
					tc.name, wx, wy, tc.got(wx, wy), want, worst, tc.bound)
			}
		})
	}
}
