package dmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

// benchInputs returns 1024 arguments drawn by gen, so that branch
// prediction sees realistic variety rather than one repeated value.
func benchInputs(gen func(r *rand.Rand) float64) []float64 {
	r := rand.New(rand.NewPCG(6, 7))
	xs := make([]float64, 1024)
	for i := range xs {
		xs[i] = gen(r)
	}
	return xs
}

// bench1 runs f over the inputs. The results are summed so that the calls
// cannot be dropped; successive calls stay independent, so this measures
// throughput, which is what a solver looping over cells sees.
func bench1(b *testing.B, f func(float64) float64, xs []float64) {
	var sum float64
	for i := 0; b.Loop(); i++ {
		sum += f(xs[i&1023])
	}
	sinkFloat = sum
}

var sinkFloat float64

// depths are flood depths in metres: mostly shallow, a few deep.
func depths(r *rand.Rand) float64 { return math.Exp(uniform(r, -9, 3)) }

func BenchmarkCbrt(b *testing.B) {
	xs := benchInputs(depths)
	b.Run("dmath", func(b *testing.B) { bench1(b, Cbrt, xs) })
	b.Run("math", func(b *testing.B) { bench1(b, math.Cbrt, xs) })
}

func BenchmarkPow73(b *testing.B) {
	xs := benchInputs(depths)
	b.Run("dmath", func(b *testing.B) { bench1(b, Pow73, xs) })
	b.Run("math.Pow", func(b *testing.B) {
		bench1(b, func(h float64) float64 { return math.Pow(h, 7.0/3) }, xs)
	})
	b.Run("math.Cbrt", func(b *testing.B) {
		bench1(b, func(h float64) float64 { return h * h * math.Cbrt(h) }, xs)
	})
}

func BenchmarkExp(b *testing.B) {
	xs := benchInputs(func(r *rand.Rand) float64 { return uniform(r, -20, 20) })
	b.Run("dmath", func(b *testing.B) { bench1(b, Exp, xs) })
	b.Run("math", func(b *testing.B) { bench1(b, math.Exp, xs) })
}

func BenchmarkSin(b *testing.B) {
	xs := benchInputs(func(r *rand.Rand) float64 { return uniform(r, -10, 10) })
	b.Run("dmath", func(b *testing.B) { bench1(b, Sin, xs) })
	b.Run("math", func(b *testing.B) { bench1(b, math.Sin, xs) })
}

func BenchmarkLog(b *testing.B) {
	xs := benchInputs(func(r *rand.Rand) float64 { return logUniform(r, -20, 20) })
	b.Run("dmath", func(b *testing.B) { bench1(b, Log, xs) })
	b.Run("math", func(b *testing.B) { bench1(b, math.Log, xs) })
}

func BenchmarkPow(b *testing.B) {
	xs := benchInputs(func(r *rand.Rand) float64 { return uniform(r, 0, 50) })
	b.Run("dmath", func(b *testing.B) { bench1(b, func(x float64) float64 { return Pow(x, 0.16) }, xs) })
	b.Run("math", func(b *testing.B) { bench1(b, func(x float64) float64 { return math.Pow(x, 0.16) }, xs) })
}
