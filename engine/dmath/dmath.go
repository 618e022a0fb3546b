// Package dmath holds deterministic replacements for the transcendental
// functions of package math. PLACEHOLDER: delegates to math until the
// deterministic implementations land.
package dmath

import "math"

func Exp(x float64) float64      { return math.Exp(x) }
func Log(x float64) float64      { return math.Log(x) }
func Log10(x float64) float64    { return math.Log10(x) }
func Pow(x, y float64) float64   { return math.Pow(x, y) }
func Cbrt(x float64) float64     { return math.Cbrt(x) }
func Sin(x float64) float64      { return math.Sin(x) }
func Cos(x float64) float64      { return math.Cos(x) }
func Tan(x float64) float64      { return math.Tan(x) }
func Atan(x float64) float64     { return math.Atan(x) }
func Atan2(y, x float64) float64 { return math.Atan2(y, x) }
func Hypot(x, y float64) float64 { return math.Sqrt(x*x + y*y) }
func Erfc(x float64) float64     { return math.Erfc(x) }
