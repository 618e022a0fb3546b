package flood

import (
	"testing"

	"github.com/rescuedrill/rescuedrill/engine/dmath"
)

// wetBasin builds an n×n closed basin of gently rolling terrain under 0.5 to
// 2 m of water that has been sloshing for a few steps, so every face of the
// benchmark carries flux and friction: the solver's worst case, with no dry
// cell to skip.
func wetBasin(tb testing.TB, n int) *Model {
	tb.Helper()
	bed := make([]float64, n*n)
	man := make([]float64, n*n)
	depth := make([]float64, n*n)
	for r := range n {
		for c := range n {
			i := r*n + c
			x, y := float64(c)/float64(n), float64(r)/float64(n)
			bed[i] = 0.5*dmath.Sin(6.3*x)*dmath.Cos(4.1*y) + 0.3*x
			man[i] = 0.03 + 0.02*float64((r+c)%3)/2
			depth[i] = 1.5 - bed[i]
		}
	}
	m, err := New(n, n, 5, bed, man, nil, DefaultParams())
	if err != nil {
		tb.Fatal(err)
	}
	if err := m.SetInitial(depth); err != nil {
		tb.Fatal(err)
	}
	for range 5 {
		m.step(m.StepSize())
	}
	return m
}

func benchStep(b *testing.B, n int, portable bool) {
	m := wetBasin(b, n)
	m.portable = portable
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		m.step(m.StepSize())
	}
	cells := float64(n*n) * float64(b.N) / 1e6
	b.ReportMetric(cells/b.Elapsed().Seconds(), "Mcells/s")
	// Per second of CPU time used (all threads, GC included: the loop
	// allocates nothing): the rate on a core of its own, even when the
	// machine is busy with other builds.
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(cells/cpu.Seconds(), "Mcells/cpu-s")
	}
}

func BenchmarkStep512(b *testing.B)  { benchStep(b, 512, false) }
func BenchmarkStep1024(b *testing.B) { benchStep(b, 1024, false) }

// The portable Go loops on the same machine, for comparison in one run;
// arm64 and CPUs without AVX2 run these.
func BenchmarkStepGo512(b *testing.B)  { benchStep(b, 512, true) }
func BenchmarkStepGo1024(b *testing.B) { benchStep(b, 1024, true) }
