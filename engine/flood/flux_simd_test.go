package flood

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSIMDMatchesGo: the 4-wide kernels (flux_amd64.s, cells_amd64.s) and
// the portable loops write the same bits. Random states, far from physical
// on purpose, reach every branch: walls (NaN flow depth), dry and barely
// wet faces around MinFlowDepth, flow depths of exactly MinFlowDepth,
// depths clipped at MaxFlowDepth, fluxes of both signs, rows whose active
// range leaves a tail of 1–3 faces or cells for the Go loops, the
// dry-skipping ranges, rain, drains, and cells deep enough for the limiter
// to skip. Each case takes a few sub-steps both ways and compares depths,
// fluxes and the per-row flux bounds the limiter uses.
func TestSIMDMatchesGo(t *testing.T) {
	t.Parallel()
	if !simdFlux {
		t.Skip("no SIMD flux kernel on this CPU or architecture: the portable loops do all faces")
	}
	for i := range 300 {
		nx, ny, full := 1+i%41, 1+i%13, i%2 == 0
		a := randomModel(t, rand.New(rand.NewPCG(uint64(i), 7)), nx, ny)
		b := randomModel(t, rand.New(rand.NewPCG(uint64(i), 7)), nx, ny)
		b.portable = true
		a.full, b.full = full, full
		for _, m := range []*Model{a, b} {
			if i%3 == 1 { // the update's rain loop
				if err := m.SetRain(50e-3 / 3600); err != nil {
					t.Fatal(err)
				}
			}
			if i%5 == 2 { // drains: the drained depths summed in order
				if err := m.SetDrains(1e-6); err != nil {
					t.Fatal(err)
				}
			}
		}
		for s := range 3 {
			dt := a.StepSize()
			a.step(dt)
			b.step(dt)
			if d := diffState(a, b); d != "" {
				t.Fatalf("case %d (%d×%d, full=%v) sub-step %d: SIMD and Go differ: %s", i, nx, ny, full, s, d)
			}
		}
	}
}

// TestSIMDMatchesGoBasin: a whole run of the benchmark's basin both ways.
func TestSIMDMatchesGoBasin(t *testing.T) {
	t.Parallel()
	if !simdFlux {
		t.Skip("no SIMD flux kernel on this CPU or architecture")
	}
	a, b := wetBasin(t, 67), wetBasin(t, 67)
	b.portable = true
	for range 3 {
		if err := a.Advance(20); err != nil {
			t.Fatal(err)
		}
		if err := b.Advance(20); err != nil {
			t.Fatal(err)
		}
		if hashOf(a) != hashOf(b) {
			t.Fatalf("SIMD and Go runs diverge by t = %v s: %s", a.Time(), diffState(a, b))
		}
	}
}

// randomModel is an nx×ny grid with random beds, walls, Manning n, depths
// and face fluxes.
func randomModel(t *testing.T, rng *rand.Rand, nx, ny int) *Model {
	t.Helper()
	n := nx * ny
	bed, man, depth := make([]float64, n), make([]float64, n), make([]float64, n)
	blocked := make([]bool, n)
	for i := range n {
		if rng.IntN(4) > 0 { // else flat at 0, where exact thresholds are hit
			bed[i] = 3 * rng.Float64()
		}
		man[i] = []float64{0, 0.01, 0.035, 0.1}[rng.IntN(4)]
		blocked[i] = rng.IntN(12) == 0
		if blocked[i] {
			continue
		}
		switch rng.IntN(7) {
		case 0: // dry
		case 6: // exactly the threshold: no flux between two such cells
			depth[i] = DefaultParams().MinFlowDepth
		case 1: // around the wet/dry threshold
			depth[i] = 2e-3 * rng.Float64()
		case 2: // deeper than the flow-depth clip
			depth[i] = 10 + 12*rng.Float64()
		default:
			depth[i] = 3 * rng.Float64()
		}
	}
	if rng.IntN(3) == 0 { // a dry band: rows with short active ranges
		r := rng.IntN(ny)
		for c := range nx {
			depth[r*nx+c] = 0
		}
	}
	m := mustNew(t, nx, ny, 1+4*rng.Float64(), bed, man, blocked, DefaultParams())
	if err := m.SetInitial(depth); err != nil {
		t.Fatal(err)
	}
	for i := range m.qx {
		if c := i % (nx + 1); c > 0 && c < nx && rng.IntN(4) > 0 {
			m.qx[i] = 4 * (rng.Float64() - 0.5)
		}
	}
	for i := range m.qy {
		if i >= nx && i < nx*ny && rng.IntN(4) > 0 {
			m.qy[i] = 4 * (rng.Float64() - 0.5)
		}
	}
	return m
}

// diffState names the first array entry in which a and b differ in any
// bit, or returns "".
func diffState(a, b *Model) string {
	for _, f := range []struct {
		name string
		x, y []float64
	}{{"h", a.h, b.h}, {"qx", a.qx, b.qx}, {"qy", a.qy, b.qy}, {"qmaxX", a.qmaxX, b.qmaxX}, {"qmaxY", a.qmaxY, b.qmaxY}} {
		for i := range f.x {
			if math.Float64bits(f.x[i]) != math.Float64bits(f.y[i]) {
				return fmt.Sprintf("%s[%d]: %v vs %v", f.name, i, f.x[i], f.y[i])
			}
		}
	}
	if math.Float64bits(a.hmax) != math.Float64bits(b.hmax) {
		return fmt.Sprintf("hmax: %v vs %v", a.hmax, b.hmax)
	}
	if a.drained != b.drained || a.in != b.in || a.out != b.out {
		return fmt.Sprintf("budget: drained %v vs %v, in %v vs %v, out %v vs %v", a.drained, b.drained, a.in, b.in, a.out, b.out)
	}
	return ""
}

// TestNoFMAInAssembly: the hand-written kernels must not fuse either —
// TestNoFusedMultiplyAddInEngine reads the compiler's output, which does
// not include .s files.
func TestNoFMAInAssembly(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.s")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no assembly files found: the test reads nothing")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for n, line := range strings.Split(string(b), "\n") {
			code, _, _ := strings.Cut(line, "//")
			for _, ins := range []string{"VFMADD", "VFMSUB", "VFNMADD", "VFNMSUB", "FMADD", "FMSUB"} {
				if strings.Contains(strings.ToUpper(code), ins) {
					t.Errorf("%s:%d: fused multiply-add %s: %s", f, n+1, ins, strings.TrimSpace(line))
				}
			}
		}
	}
}
