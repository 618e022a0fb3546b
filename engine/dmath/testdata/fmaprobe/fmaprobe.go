// Package fmaprobe is compiled, never run, by dmath's
// TestNoFusedMultiplyAdd. It lives under testdata so that ./... skips it.
package fmaprobe

import "github.com/rescuedrill/rescuedrill/engine/dmath"

// Sums adds the results of dmath's functions the way a caller would. If a
// function were inlined with a product as its last operation, the compiler
// could fuse that product into these sums; the test checks it did not.
func Sums(x, y float64) float64 {
	s := x + dmath.Log10(x)
	s += dmath.Pow73(x)
	s -= dmath.Hypot(x, y)
	s += dmath.Cbrt(y)
	s -= dmath.Exp(y)
	s += dmath.Pow(x, y)
	s += dmath.Sin(y) + dmath.Cos(y) - dmath.Tan(y)
	s += dmath.Atan2(x, y) - dmath.Atan(y)
	s += dmath.Log(x) - dmath.Erfc(y)
	return s
}

// Fused is the pattern that must fuse where the target has FMA; the test
// checks that it finds it, so that a listing it failed to parse cannot
// pass for a clean one.
func Fused(x, y, z float64) float64 { return x*y + z }
