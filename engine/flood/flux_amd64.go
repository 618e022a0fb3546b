//go:build amd64 && !purego

package flood

// The flux loops are four fifths of the solver's time, and Go compiles
// them to scalar code that spills registers: ~95 instructions a face.
// flux_amd64.s computes four faces at once with AVX2 — the same IEEE
// adds, multiplies, square root and division as fluxXGo and fluxYGo, in
// the same order, each rounded (AVX2 has no implicit fusion and the file
// uses no FMA instruction; TestNoFMAInAssembly checks), so it writes the
// same bits as the portable loops, which arm64 runs. Only the faces are
// vectorised; limiter and update stay in Go.

// simdFlux is whether the CPU and OS support AVX2 (checked once with
// CPUID and XGETBV); tests switch it off to compare the two kernels.
var simdFlux = cpuAVX2()

// simdArgs is what a kernel needs; the assembly reads it through the
// offsets in go_asm.h.
type simdArgs struct {
	// p holds the first element of each input and output array; what each
	// is depends on the kernel (see fluxXSIMD and fluxYSIMD).
	p [10]*float64
	n int // faces, a positive multiple of 4
	// k: θ, ½(1−θ), gΔt, gΔt/Δx, ¼, ⅓, 4/3, 1, ½, MinFlowDepth,
	// MaxFlowDepth — every constant of the face formula, each spelt as in
	// the Go loops so both read the same bits.
	k [11]float64
	// ki: the mask that clears the sign, and the seed table's first index
	// and index mask (the shift, 45 = seedShift, is an immediate).
	ki [3]uint64
	// qmax: per lane, the largest |q| written, as bits (sign cleared).
	qmax [4]uint64
}

//go:noescape
func fluxX4(a *simdArgs)

//go:noescape
func fluxY4(a *simdArgs)

func cpuAVX2() bool

func newSIMDArgs(n int, k *fluxConsts) simdArgs {
	return simdArgs{
		n:  n,
		k:  [11]float64{k.theta, k.half, k.gdt, k.gdtdx, 0.25, 1.0 / 3, 4.0 / 3, 1, 0.5, k.minH, k.maxH},
		ki: [3]uint64{1<<63 - 1, seedLo, seedN - 1},
	}
}

// qbits folds the lanes' maxima into fluxXGo's form: |q| bits shifted left.
func (a *simdArgs) qbits() uint64 {
	return max(a.qmax[0], a.qmax[1], a.qmax[2], a.qmax[3]) << 1
}

// fluxXSIMD is fluxXGo for c1−c0 a positive multiple of 4. Face j lies
// between cells w+j and w+j+1 (w = r·nx+c0−1): the kernel reads z and h
// from w, the old x faces from c0−1 (west, own and east face at +0, +1,
// +2), the y faces north and south of the row from w (west and east cell
// at +0, +1) and the face constants, and writes qx from the row's c0.
// Every slice is cut to what the kernel reads, so a bad range panics here
// rather than reading past an array.
func (m *Model) fluxXSIMD(r, c0, c1 int, k *fluxConsts) uint64 {
	nx, n := m.nx, c1-c0
	fo, w := r*(nx+1), r*nx+c0-1
	z, h := m.z[w:w+n+1], m.h[w:w+n+1]
	ox := m.oldX[r&1][c0-1 : c1+1]
	yn, ys := m.qy[w:w+n+1], m.qy[w+nx:w+nx+n+1]
	fc, out := m.fx[fo+c0:fo+c1], m.qx[fo+c0:fo+c1]
	a := newSIMDArgs(n, k)
	a.p = [10]*float64{&z[0], &h[0], &ox[0], &yn[0], &ys[0], &fc[0].zmax, &out[0]}
	fluxX4(&a)
	return a.qbits()
}

// fluxYSIMD is fluxYGo for c1−c0 a positive multiple of 4: the faces
// between cells a+c0+j (row r−1) and b+c0+j (row r), updated in place in
// qy; the north and south neighbours' old faces come from the row ring and
// from qy one row on; the x faces of both rows from the rings (west and
// east face at +0, +1).
func (m *Model) fluxYSIMD(r, c0, c1 int, k *fluxConsts) uint64 {
	nx := m.nx
	a0, b0 := (r-1)*nx+c0, r*nx+c0
	n := c1 - c0
	za, ha := m.z[a0:a0+n], m.h[a0:a0+n]
	zb, hb := m.z[b0:b0+n], m.h[b0:b0+n]
	q := m.qy[b0 : b0+n]
	qu, qd := m.oldY[(r-1)&1][c0:c1], m.qy[b0+nx:b0+nx+n]
	xa, xb := m.oldX[(r-1)&1][c0:c1+1], m.oldX[r&1][c0:c1+1]
	fc := m.fy[b0 : b0+n]
	a := newSIMDArgs(n, k)
	a.p = [10]*float64{&za[0], &ha[0], &zb[0], &hb[0], &q[0], &qu[0], &qd[0], &xa[0], &xb[0], &fc[0].zmax}
	fluxY4(&a)
	return a.qbits()
}
