// Package dmath provides transcendental functions that return the same bits
// on every architecture, so that state derived from them hashes identically
// on amd64 and arm64.
//
// Package math cannot give that guarantee: on amd64 Exp, Log and Hypot are
// assembly, on arm64 Exp is assembly and everything else is pure Go that the
// compiler is allowed to contract into fused multiply-adds (FMA), and with
// GOAMD64=v3 the same contraction happens on amd64. Each of those choices
// moves results by an ulp or so, and an ulp is enough to fork a replay.
//
// Every function except Cbrt is a pure-Go port of the code in package math
// (itself derived from FreeBSD msun and Cephes; the original notices are kept
// with each port), with one mechanical change: every product whose result
// feeds an addition or subtraction is written float64(a*b) ± c. The Go
// specification makes an explicit conversion round to float64, which forbids
// the compiler from fusing the multiply into the add. A product stored in a
// variable that is later added, or returned from a function that may be
// inlined into a caller's sum, is rounded the same way, because fusion works
// across statements. Cbrt (and Pow73 built on it) is new: see cbrt.go.
//
// Only IEEE + − × ÷, math.Sqrt and bit-level helpers (Float64bits, Frexp,
// Ldexp, Modf, Abs, Copysign, IsNaN, IsInf, ...) are used from package math;
// those are exactly rounded or exact everywhere.
//
// Three tests hold this together. TestNoFusedMultiplyAdd reads the
// compiler's listing for arm64 and amd64/v3 and fails on any FMA in the
// package. TestGolden compares results bit for bit with testdata/golden.txt,
// generated on amd64; run it for arm64 with
//
//	GOARCH=arm64 go test -exec qemu-aarch64 ./engine/dmath/
//
// and with GOAMD64=v3. TestExact and TestAccuracy* bound the errors.
//
// # Accuracy
//
// Measured over 10^5 random arguments per function (tests assert slightly
// looser bounds), in ulps of the exact result computed with math/big:
//
//	Exp 0.87, Log 0.71, Log10 1.57, Cbrt 0.50, Pow73 1.37, Hypot 1.77,
//	Erfc 3.8 (|x| ≤ 6), Pow 4.8 (x in [2^-10, 2^10], |y| ≤ 4),
//	Pow 23 (x in [2^-30, 2^30], |y| ≤ 30).
//
// Package math does no better: Erfc and Pow have the same algorithms and
// errors there. Against package math on amd64 and arm64 every function is
// within 2 ulp, except Erfc (4), Pow (5; 24 in the wide range) and, on
// amd64, the ranges where math is wrong: math.Exp overflows to +Inf above
// 709.436 (e^x is finite up to 709.782) and math.Log mishandles subnormal
// arguments (Go issue 56600). On amd64, Sin, Cos, Tan, Atan and Atan2 agree
// with math exactly, being the same unfused pure Go, and so, as measured, do
// Log (normal arguments) and Hypot. Special cases (NaN, ±Inf, ±0, negative
// arguments) follow package math exactly.
package dmath

// IEEE 754 binary64 layout, for the bit-level code.
const (
	signMask = 1 << 63
	fracBits = 52
	expBias  = 1023
	expMask  = 0x7ff
)
