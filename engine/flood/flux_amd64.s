//go:build amd64 && !purego

#include "textflag.h"
#include "go_asm.h"

// Four faces at a time of the local-inertial face flux; see flux_amd64.go
// and fluxXGo in step.go for the formula. Every operation below is the Go
// loop's, in the Go loop's order, on four lanes: no FMA (its single
// rounding would change bits; TestNoFMAInAssembly checks this file).
//
// Frame: the constants the loop reads from memory, broadcast to four
// lanes. Registers held for the whole loop: Y15 = ½, Y14 = sign-clear
// mask, Y13 = per-lane max |q| bits, Y12 = MaxFlowDepth, Y11 =
// MinFlowDepth; R12 = the seed table, R13 = byte index counting up to 0.
#define K_THETA 0(SP)
#define K_HALF 32(SP)
#define K_GDT 64(SP)
#define K_GDTDX 96(SP)
#define K_QUARTER 128(SP)
#define K_THIRD 160(SP)
#define K_FOURTHIRDS 192(SP)
#define K_ONE 224(SP)
#define K_SEEDLO 256(SP)
#define K_IDXMASK 288(SP)

// SETUP broadcasts the constants of the simdArgs at R13.
#define SETUP \
	VBROADCASTSD simdArgs_k+0(R13), Y0; VMOVUPD Y0, K_THETA; \
	VBROADCASTSD simdArgs_k+8(R13), Y0; VMOVUPD Y0, K_HALF; \
	VBROADCASTSD simdArgs_k+16(R13), Y0; VMOVUPD Y0, K_GDT; \
	VBROADCASTSD simdArgs_k+24(R13), Y0; VMOVUPD Y0, K_GDTDX; \
	VBROADCASTSD simdArgs_k+32(R13), Y0; VMOVUPD Y0, K_QUARTER; \
	VBROADCASTSD simdArgs_k+40(R13), Y0; VMOVUPD Y0, K_THIRD; \
	VBROADCASTSD simdArgs_k+48(R13), Y0; VMOVUPD Y0, K_FOURTHIRDS; \
	VBROADCASTSD simdArgs_k+56(R13), Y0; VMOVUPD Y0, K_ONE; \
	VPBROADCASTQ simdArgs_ki+8(R13), Y0; VMOVDQU Y0, K_SEEDLO; \
	VPBROADCASTQ simdArgs_ki+16(R13), Y0; VMOVDQU Y0, K_IDXMASK; \
	VBROADCASTSD simdArgs_k+64(R13), Y15; \
	VPBROADCASTQ simdArgs_ki+0(R13), Y14; \
	VMOVDQU simdArgs_qmax(R13), Y13; \
	VBROADCASTSD simdArgs_k+80(R13), Y12; \
	VBROADCASTSD simdArgs_k+72(R13), Y11; \
	LEAQ ·invCbrtSeed(SB), R12

// FACECONSTS loads four faceConst {zmax, n2} from FC: zmax to Y2, n2 to Y4.
#define FACECONSTS(FC) \
	VMOVUPD (FC)(R13*2), Y2; \
	VMOVUPD 32(FC)(R13*2), Y4; \
	VUNPCKHPD Y4, Y2, Y3; \
	VUNPCKLPD Y4, Y2, Y2; \
	VPERMPD $0xd8, Y2, Y2; \
	VPERMPD $0xd8, Y3, Y4

// NEWTON is one step y ← y(4/3 − (h/3)(y·y·y)) on Y6, with h/3 in Y10.
#define NEWTON \
	VMULPD Y6, Y6, Y1; \
	VMULPD Y6, Y1, Y1; \
	VMULPD Y10, Y1, Y1; \
	VMOVUPD K_FOURTHIRDS, Y3; \
	VSUBPD Y1, Y3, Y3; \
	VMULPD Y3, Y6, Y6

// CORE computes four faces from Y0 = η_a, Y1 = η_b, Y2 = zmax, Y4 = n²,
// Y7 = q0, Y9 = the two along-flow neighbours' sum, Y10 = the four
// cross faces' sum ((w+e) + (w+e)); it leaves q in Y8 and folds |q| into
// Y13. Go (step.go)                          here
//   hf = max2(ea, eb) − zmax                 d, sum, |d|, ½(sum+|d|), −zmax
//   if hf > maxH { hf = maxH }               min(maxH, hf): hf when NaN
//   wet: hf > minH                           Y5 = minH < hf (ordered)
//   num = θq0 + ½(1−θ)(p) + (gΔt/Δx hf)·d
//   qm = √(q0² + (¼ Σ)²)
//   y = seed[(bits(hf)>>45 − lo) & mask]     gathered, then two NEWTON
//   q = num / (1 + ((gΔt n²) qm) y⁷)         zeroed where dry
#define CORE \
	VSUBPD Y1, Y0, Y3; \
	VADDPD Y1, Y0, Y0; \
	VANDPD Y14, Y3, Y1; \
	VADDPD Y1, Y0, Y0; \
	VMULPD Y15, Y0, Y0; \
	VSUBPD Y2, Y0, Y0; \
	VMINPD Y0, Y12, Y0; \
	VCMPPD $0x11, Y0, Y11, Y5; \
	VMULPD K_GDTDX, Y0, Y6; \
	VMULPD Y3, Y6, Y6; \
	VMULPD K_THETA, Y7, Y8; \
	VMULPD K_HALF, Y9, Y9; \
	VADDPD Y9, Y8, Y8; \
	VADDPD Y6, Y8, Y8; \
	VMULPD K_QUARTER, Y10, Y10; \
	VMULPD Y7, Y7, Y7; \
	VMULPD Y10, Y10, Y10; \
	VADDPD Y10, Y7, Y7; \
	VSQRTPD Y7, Y7; \
	VPSRLQ $45, Y0, Y1; \
	VPSUBQ K_SEEDLO, Y1, Y1; \
	VPAND K_IDXMASK, Y1, Y1; \
	VPCMPEQQ Y3, Y3, Y3; \
	VGATHERQPD Y3, (R12)(Y1*8), Y6; \
	VMULPD K_THIRD, Y0, Y10; \
	NEWTON; \
	NEWTON; \
	VMULPD Y6, Y6, Y1; \
	VMULPD Y1, Y1, Y3; \
	VMULPD Y1, Y3, Y3; \
	VMULPD Y6, Y3, Y3; \
	VMULPD K_GDT, Y4, Y4; \
	VMULPD Y7, Y4, Y4; \
	VMULPD Y3, Y4, Y4; \
	VADDPD K_ONE, Y4, Y4; \
	VDIVPD Y4, Y8, Y8; \
	VANDPD Y5, Y8, Y8; \
	VANDPD Y14, Y8, Y1; \
	VPCMPGTQ Y13, Y1, Y2; \
	VBLENDVPD Y2, Y1, Y13, Y13

// func fluxX4(a *simdArgs)
// p: z, h from the west cell of face 0; old x faces from the face west of
// face 0; y faces north and south of the row from the west cell; face
// constants; output faces.
TEXT ·fluxX4(SB), 0, $320-8
	MOVQ a+0(FP), R13
	SETUP
	MOVQ simdArgs_p+0(R13), AX
	MOVQ simdArgs_p+8(R13), BX
	MOVQ simdArgs_p+16(R13), CX
	MOVQ simdArgs_p+24(R13), DX
	MOVQ simdArgs_p+32(R13), SI
	MOVQ simdArgs_p+40(R13), DI
	MOVQ simdArgs_p+48(R13), R8
	MOVQ simdArgs_n(R13), R9
	SHLQ $3, R9
	ADDQ R9, AX
	ADDQ R9, BX
	ADDQ R9, CX
	ADDQ R9, DX
	ADDQ R9, SI
	ADDQ R9, DI
	ADDQ R9, DI
	ADDQ R9, R8
	MOVQ R9, R13
	NEGQ R13

xloop:
	VMOVUPD (AX)(R13*1), Y0
	VADDPD (BX)(R13*1), Y0, Y0
	VMOVUPD 8(AX)(R13*1), Y1
	VADDPD 8(BX)(R13*1), Y1, Y1
	VMOVUPD 8(CX)(R13*1), Y7
	VMOVUPD (CX)(R13*1), Y9
	VADDPD 16(CX)(R13*1), Y9, Y9
	VMOVUPD (DX)(R13*1), Y10
	VADDPD 8(DX)(R13*1), Y10, Y10
	VMOVUPD (SI)(R13*1), Y3
	VADDPD 8(SI)(R13*1), Y3, Y3
	VADDPD Y3, Y10, Y10
	FACECONSTS(DI)
	CORE
	VMOVUPD Y8, (R8)(R13*1)
	ADDQ $32, R13
	JNZ xloop

	MOVQ a+0(FP), R13
	VMOVDQU Y13, simdArgs_qmax(R13)
	VZEROUPPER
	RET

// func fluxY4(a *simdArgs)
// p: z and h of row r−1, z and h of row r, the faces (read and written in
// place), the old faces north (ring) and south (qy, next row), the old x
// faces of rows r−1 and r from the west face, face constants.
TEXT ·fluxY4(SB), 0, $320-8
	MOVQ a+0(FP), R13
	SETUP
	MOVQ simdArgs_p+0(R13), AX
	MOVQ simdArgs_p+8(R13), BX
	MOVQ simdArgs_p+16(R13), CX
	MOVQ simdArgs_p+24(R13), DX
	MOVQ simdArgs_p+32(R13), SI
	MOVQ simdArgs_p+40(R13), DI
	MOVQ simdArgs_p+48(R13), R8
	MOVQ simdArgs_p+56(R13), R9
	MOVQ simdArgs_p+64(R13), R10
	MOVQ simdArgs_p+72(R13), R11
	MOVQ simdArgs_n(R13), R13
	SHLQ $3, R13
	ADDQ R13, AX
	ADDQ R13, BX
	ADDQ R13, CX
	ADDQ R13, DX
	ADDQ R13, SI
	ADDQ R13, DI
	ADDQ R13, R8
	ADDQ R13, R9
	ADDQ R13, R10
	ADDQ R13, R11
	ADDQ R13, R11
	NEGQ R13

yloop:
	VMOVUPD (AX)(R13*1), Y0
	VADDPD (BX)(R13*1), Y0, Y0
	VMOVUPD (CX)(R13*1), Y1
	VADDPD (DX)(R13*1), Y1, Y1
	VMOVUPD (SI)(R13*1), Y7
	VMOVUPD (DI)(R13*1), Y9
	VADDPD (R8)(R13*1), Y9, Y9
	VMOVUPD (R9)(R13*1), Y10
	VADDPD 8(R9)(R13*1), Y10, Y10
	VMOVUPD (R10)(R13*1), Y3
	VADDPD 8(R10)(R13*1), Y3, Y3
	VADDPD Y3, Y10, Y10
	FACECONSTS(R11)
	CORE
	VMOVUPD Y8, (SI)(R13*1)
	ADDQ $32, R13
	JNZ yloop

	MOVQ a+0(FP), R13
	VMOVDQU Y13, simdArgs_qmax(R13)
	VZEROUPPER
	RET

// func cpuAVX2() bool: CPUID says AVX2 (leaf 7) and AVX with OSXSAVE
// (leaf 1), and XGETBV says the OS saves the YMM state.
TEXT ·cpuAVX2(SB), NOSPLIT, $0-1
	XORL CX, CX
	MOVL $0, AX
	CPUID
	CMPL AX, $7
	JLT no
	MOVL $1, AX
	XORL CX, CX
	CPUID
	ANDL $0x18000000, CX
	CMPL CX, $0x18000000
	JNE no
	XORL CX, CX
	XGETBV
	ANDL $6, AX
	CMPL AX, $6
	JNE no
	MOVL $7, AX
	XORL CX, CX
	CPUID
	BTL $5, BX
	JCC no
	MOVB $1, ret+0(FP)
	RET
no:
	MOVB $0, ret+0(FP)
	RET
