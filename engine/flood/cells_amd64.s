//go:build amd64 && !purego

#include "textflag.h"
#include "go_asm.h"

// Four cells at a time of the depth update and of the limiter's skip test;
// see cells_amd64.go. Same operations in the same order as the Go loops
// of updateRow and limitRow, no FMA.

// func update4(a *cellArgs)
// v = h + Δt/Δx·((xw − xe) + (yn − ys)) [+ rain·Δt]; v < 0 → +0; h = v;
// per lane hmax = v > hmax ? v : hmax (VMAXPD's rule, NaN keeps hmax).
TEXT ·update4(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), DI
	MOVQ cellArgs_h(DI), AX
	MOVQ cellArgs_xw(DI), BX
	MOVQ cellArgs_yn(DI), CX
	MOVQ cellArgs_ys(DI), DX
	MOVQ cellArgs_rain(DI), SI
	MOVQ cellArgs_n(DI), R8
	VBROADCASTSD cellArgs_dtdx(DI), Y15
	VBROADCASTSD cellArgs_dt(DI), Y14
	VXORPD Y13, Y13, Y13
	VMOVUPD cellArgs_hmax(DI), Y12
	SHLQ $3, R8
	ADDQ R8, AX
	ADDQ R8, BX
	ADDQ R8, CX
	ADDQ R8, DX
	NEGQ R8
	TESTQ SI, SI
	JNZ rain

dry:
	VMOVUPD (BX)(R8*1), Y0
	VSUBPD 8(BX)(R8*1), Y0, Y0
	VMOVUPD (CX)(R8*1), Y1
	VSUBPD (DX)(R8*1), Y1, Y1
	VADDPD Y1, Y0, Y0
	VMULPD Y15, Y0, Y0
	VADDPD (AX)(R8*1), Y0, Y0
	VCMPPD $0x11, Y13, Y0, Y2
	VANDNPD Y0, Y2, Y0
	VMOVUPD Y0, (AX)(R8*1)
	VMAXPD Y12, Y0, Y12
	ADDQ $32, R8
	JNZ dry
	JMP done

rain:
	SUBQ R8, SI

rainloop:
	VMOVUPD (BX)(R8*1), Y0
	VSUBPD 8(BX)(R8*1), Y0, Y0
	VMOVUPD (CX)(R8*1), Y1
	VSUBPD (DX)(R8*1), Y1, Y1
	VADDPD Y1, Y0, Y0
	VMULPD Y15, Y0, Y0
	VADDPD (AX)(R8*1), Y0, Y0
	VMULPD (SI)(R8*1), Y14, Y1
	VADDPD Y1, Y0, Y0
	VCMPPD $0x11, Y13, Y0, Y2
	VANDNPD Y0, Y2, Y0
	VMOVUPD Y0, (AX)(R8*1)
	VMAXPD Y12, Y0, Y12
	ADDQ $32, R8
	JNZ rainloop

done:
	VMOVUPD Y12, cellArgs_hmax(DI)
	VZEROUPPER
	RET

// func deepRun(h *float64, n int, safe float64) int
// The number of leading cells, in whole groups of four, with h ≥ safe
// (ordered: NaN is not deep); n is a multiple of 4.
TEXT ·deepRun(SB), NOSPLIT, $0-32
	MOVQ h+0(FP), AX
	MOVQ n+8(FP), CX
	VBROADCASTSD safe+16(FP), Y15
	XORQ DX, DX

deeploop:
	CMPQ DX, CX
	JGE deepdone
	VMOVUPD (AX)(DX*8), Y0
	VCMPPD $0x1d, Y15, Y0, Y1
	VMOVMSKPD Y1, BX
	CMPQ BX, $15
	JNE deepdone
	ADDQ $4, DX
	JMP deeploop

deepdone:
	MOVQ DX, ret+24(FP)
	VZEROUPPER
	RET
