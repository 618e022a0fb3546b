package dmath

import (
	"math"
	"testing"
)

var (
	inf     = math.Inf(1)
	nan     = math.NaN()
	negZero = math.Copysign(0, -1)
)

// TestSpecialCases checks every special case documented on the functions,
// bit for bit (signed zeros included; any NaN matches NaN).
func TestSpecialCases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		got, want float64
	}{
		{"Exp(+Inf)", Exp(inf), inf},
		{"Exp(-Inf)", Exp(-inf), 0},
		{"Exp(NaN)", Exp(nan), nan},
		{"Exp(0)", Exp(0), 1},
		{"Exp(-0)", Exp(negZero), 1},
		{"Exp(710)", Exp(710), inf},
		{"Exp(-746)", Exp(-746), 0},
		{"Exp(-745)", Exp(-745), 5e-324}, // the smallest subnormal
		{"Exp(1e-300)", Exp(1e-300), 1},

		{"Log(+Inf)", Log(inf), inf},
		{"Log(0)", Log(0), -inf},
		{"Log(-0)", Log(negZero), -inf},
		{"Log(-1)", Log(-1), nan},
		{"Log(-Inf)", Log(-inf), nan},
		{"Log(NaN)", Log(nan), nan},
		{"Log(1)", Log(1), 0},
		{"Log(2)", Log(2), math.Ln2},

		{"Log10(+Inf)", Log10(inf), inf},
		{"Log10(0)", Log10(0), -inf},
		{"Log10(-1)", Log10(-1), nan},
		{"Log10(NaN)", Log10(nan), nan},
		{"Log10(1)", Log10(1), 0},

		{"Pow(x, +0)", Pow(-3, 0), 1},
		{"Pow(x, -0)", Pow(nan, negZero), 1},
		{"Pow(1, y)", Pow(1, nan), 1},
		{"Pow(x, 1)", Pow(-7.5, 1), -7.5},
		{"Pow(NaN, y)", Pow(nan, 2), nan},
		{"Pow(x, NaN)", Pow(2, nan), nan},
		{"Pow(+0, -3)", Pow(0, -3), inf},
		{"Pow(-0, -3)", Pow(negZero, -3), -inf},
		{"Pow(±0, -Inf)", Pow(negZero, -inf), inf},
		{"Pow(±0, +Inf)", Pow(negZero, inf), 0},
		{"Pow(-0, -2.5)", Pow(negZero, -2.5), inf},
		{"Pow(-0, -2)", Pow(negZero, -2), inf},
		{"Pow(-0, 3)", Pow(negZero, 3), negZero},
		{"Pow(+0, 3)", Pow(0, 3), 0},
		{"Pow(-0, 2.5)", Pow(negZero, 2.5), 0},
		{"Pow(-0, 2)", Pow(negZero, 2), 0},
		{"Pow(-1, +Inf)", Pow(-1, inf), 1},
		{"Pow(-1, -Inf)", Pow(-1, -inf), 1},
		{"Pow(2, +Inf)", Pow(2, inf), inf},
		{"Pow(-2, -Inf)", Pow(-2, -inf), 0},
		{"Pow(0.5, +Inf)", Pow(0.5, inf), 0},
		{"Pow(-0.5, -Inf)", Pow(-0.5, -inf), inf},
		{"Pow(+Inf, 0.1)", Pow(inf, 0.1), inf},
		{"Pow(+Inf, -0.1)", Pow(inf, -0.1), 0},
		{"Pow(-Inf, 3)", Pow(-inf, 3), -inf},
		{"Pow(-Inf, 2)", Pow(-inf, 2), inf},
		{"Pow(-Inf, -3)", Pow(-inf, -3), negZero},
		{"Pow(-2, 0.5)", Pow(-2, 0.5), nan},
		{"Pow(-2, 1.5)", Pow(-2, 1.5), nan},
		{"Pow(-2, 3)", Pow(-2, 3), -8},
		{"Pow(2, -2)", Pow(2, -2), 0.25},
		{"Pow(4, 0.5)", Pow(4, 0.5), 2},
		{"Pow(4, -0.5)", Pow(4, -0.5), 0.5},
		{"Pow(2, 1024)", Pow(2, 1024), inf},
		{"Pow(2, -1075)", Pow(2, -1075), 0},
		{"Pow(-1, 1e300)", Pow(-1, 1e300), 1},
		{"Pow(3, 1e300)", Pow(3, 1e300), inf},
		{"Pow(3, -1e300)", Pow(3, -1e300), 0},
		{"Pow(-2, 2^53+2)", Pow(-2, 1<<53+2), inf},

		{"Cbrt(+0)", Cbrt(0), 0},
		{"Cbrt(-0)", Cbrt(negZero), negZero},
		{"Cbrt(+Inf)", Cbrt(inf), inf},
		{"Cbrt(-Inf)", Cbrt(-inf), -inf},
		{"Cbrt(NaN)", Cbrt(nan), nan},
		{"Cbrt(-27)", Cbrt(-27), -3},
		{"Cbrt(0.125)", Cbrt(0.125), 0.5},
		{"Cbrt(2^-1074)", Cbrt(0x1p-1074), 0x1p-358},
		{"Cbrt(-2^-1022)", Cbrt(-0x1p-1023 * 8), -0x1p-340},
		{"Cbrt(2^1023)", Cbrt(0x1p1023), 0x1p341},

		{"Pow73(+0)", Pow73(0), 0},
		{"Pow73(-0)", Pow73(negZero), 0},
		{"Pow73(+Inf)", Pow73(inf), inf},
		{"Pow73(-Inf)", Pow73(-inf), nan},
		{"Pow73(-1)", Pow73(-1), nan},
		{"Pow73(NaN)", Pow73(nan), nan},
		{"Pow73(1)", Pow73(1), 1},
		{"Pow73(8)", Pow73(8), 128},
		{"Pow73(1e-300)", Pow73(1e-300), 0},
		{"Pow73(1e200)", Pow73(1e200), inf},

		{"Sin(+0)", Sin(0), 0},
		{"Sin(-0)", Sin(negZero), negZero},
		{"Sin(+Inf)", Sin(inf), nan},
		{"Sin(-Inf)", Sin(-inf), nan},
		{"Sin(NaN)", Sin(nan), nan},
		{"Cos(+Inf)", Cos(inf), nan},
		{"Cos(-Inf)", Cos(-inf), nan},
		{"Cos(NaN)", Cos(nan), nan},
		{"Cos(-0)", Cos(negZero), 1},
		{"Tan(+0)", Tan(0), 0},
		{"Tan(-0)", Tan(negZero), negZero},
		{"Tan(+Inf)", Tan(inf), nan},
		{"Tan(NaN)", Tan(nan), nan},

		{"Atan(+0)", Atan(0), 0},
		{"Atan(-0)", Atan(negZero), negZero},
		{"Atan(+Inf)", Atan(inf), math.Pi / 2},
		{"Atan(-Inf)", Atan(-inf), -math.Pi / 2},
		{"Atan(NaN)", Atan(nan), nan},

		{"Atan2(y, NaN)", Atan2(1, nan), nan},
		{"Atan2(NaN, x)", Atan2(nan, 1), nan},
		{"Atan2(+0, x>=0)", Atan2(0, 0), 0},
		{"Atan2(-0, x>=0)", Atan2(negZero, 3), negZero},
		{"Atan2(+0, x<=-0)", Atan2(0, negZero), math.Pi},
		{"Atan2(-0, x<=-0)", Atan2(negZero, -3), -math.Pi},
		{"Atan2(y>0, 0)", Atan2(2, 0), math.Pi / 2},
		{"Atan2(y<0, 0)", Atan2(-2, negZero), -math.Pi / 2},
		{"Atan2(+Inf, +Inf)", Atan2(inf, inf), math.Pi / 4},
		{"Atan2(-Inf, +Inf)", Atan2(-inf, inf), -math.Pi / 4},
		{"Atan2(+Inf, -Inf)", Atan2(inf, -inf), 3 * math.Pi / 4},
		{"Atan2(-Inf, -Inf)", Atan2(-inf, -inf), -3 * math.Pi / 4},
		{"Atan2(y, +Inf)", Atan2(-5, inf), negZero},
		{"Atan2(y>0, -Inf)", Atan2(5, -inf), math.Pi},
		{"Atan2(y<0, -Inf)", Atan2(-5, -inf), -math.Pi},
		{"Atan2(+Inf, x)", Atan2(inf, -5), math.Pi / 2},
		{"Atan2(-Inf, x)", Atan2(-inf, 5), -math.Pi / 2},

		{"Hypot(+Inf, NaN)", Hypot(inf, nan), inf},
		{"Hypot(NaN, -Inf)", Hypot(nan, -inf), inf},
		{"Hypot(NaN, 1)", Hypot(nan, 1), nan},
		{"Hypot(1, NaN)", Hypot(1, nan), nan},
		{"Hypot(-0, 0)", Hypot(negZero, 0), 0},
		{"Hypot(3, -4)", Hypot(3, -4), 5},
		{"Hypot(1e300, 1e300)", Hypot(1e300, 1e300), math.Sqrt2 * 1e300},
		{"Hypot(MaxFloat64, 0)", Hypot(-math.MaxFloat64, 0), math.MaxFloat64},

		{"Erfc(+Inf)", Erfc(inf), 0},
		{"Erfc(-Inf)", Erfc(-inf), 2},
		{"Erfc(NaN)", Erfc(nan), nan},
		{"Erfc(0)", Erfc(0), 1},
		{"Erfc(30)", Erfc(30), 0},
		{"Erfc(-7)", Erfc(-7), 2},
	}
	for _, tt := range tests {
		if !sameFloat(tt.got, tt.want) {
			t.Errorf("%s = %v (%#x), want %v (%#x)", tt.name,
				tt.got, math.Float64bits(tt.got), tt.want, math.Float64bits(tt.want))
		}
	}
}

// TestSpecialArgumentsMatchMath feeds ±0, ±Inf and NaN to every function
// and checks that the result is the one package math gives.
func TestSpecialArgumentsMatchMath(t *testing.T) {
	t.Parallel()
	specials := []float64{0, negZero, inf, -inf, nan}
	for _, tc := range unary {
		if tc.name == "Pow73" {
			continue // its reference is a formula, not a math function
		}
		for _, x := range specials {
			if got, want := tc.f(x), tc.ref(x); !sameFloat(got, want) {
				t.Errorf("%s(%v) = %v, math gives %v", tc.name, x, got, want)
			}
		}
	}
	// For Pow the grid adds bases and exponents whose powers are computed
	// exactly or by math.Sqrt, so that every special-case branch meets
	// every other.
	grid := []float64{0, negZero, inf, -inf, nan, 1, -1, 0.5, -0.5, 2, -2, 3, -3, 1e300, -1e300}
	for _, tc := range binary {
		for _, x := range grid {
			for _, y := range grid {
				if tc.name != "Pow" && !isSpecial(x) && !isSpecial(y) {
					continue // inexact results, covered by the accuracy tests
				}
				if got, want := tc.f(x, y), tc.ref(x, y); !sameFloat(got, want) {
					t.Errorf("%s(%v, %v) = %v, math gives %v", tc.name, x, y, got, want)
				}
			}
		}
	}
}

func isSpecial(x float64) bool { return x == 0 || math.IsInf(x, 0) || math.IsNaN(x) }

// TestCbrtExactCubes checks that perfect cubes have exact cube roots, which
// follows from Cbrt's error bound of just over half an ulp.
func TestCbrtExactCubes(t *testing.T) {
	t.Parallel()
	for k := 1.0; k < 1<<17; k++ {
		for _, s := range []float64{1, 0x1p-300, 0x1p300} {
			x := k * s
			if got := Cbrt(x * x * x); got != x {
				t.Fatalf("Cbrt(%v³) = %v", x, got)
			}
		}
	}
}
