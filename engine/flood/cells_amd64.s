//go:build amd64 && !purego

#include "textflag.h"
#include "go_asm.h"

// Four cells at a time of the depth update and of the limiter's skip test;
// see cells_amd64.go. Same operations in the same order as the Go loops
// of updateRow and limitRow, no FMA.

// FLUXSUM computes v into Y0 for the four cells at R8: h + Δt/Δx·((xw −
// xe) + (yn − ys)), RAIN adds rain·Δt.
#define FLUXSUM \
	VMOVUPD (BX)(R8*1), Y0; \
	VSUBPD 8(BX)(R8*1), Y0, Y0; \
	VMOVUPD (CX)(R8*1), Y1; \
	VSUBPD (DX)(R8*1), Y1, Y1; \
	VADDPD Y1, Y0, Y0; \
	VMULPD Y15, Y0, Y0; \
	VADDPD (AX)(R8*1), Y0, Y0
#define RAIN \
	VMULPD (SI)(R8*1), Y14, Y1; \
	VADDPD Y1, Y0, Y0

// CLAMP: v < 0 → +0 (compare and and-not: a −0 stays −0, as in Go).
#define CLAMP \
	VCMPPD $0x11, Y13, Y0, Y2; \
	VANDNPD Y0, Y2, Y0

// DRAIN: d = v > 0 ? min(drain·Δt, v) : +0, stored at R9 for the Go
// caller to sum in order; v −= d (v − (+0) = v, NaN included).
#define DRAIN \
	VCMPPD $0x1e, Y13, Y0, Y3; \
	VMINPD Y0, Y11, Y4; \
	VANDPD Y3, Y4, Y4; \
	VMOVUPD Y4, (R9)(R8*1); \
	VSUBPD Y4, Y0, Y0

// STORE writes v and folds it into the per-lane h_max (VMAXPD: v > hmax ?
// v : hmax, so NaN keeps hmax as 'if v > hmax' does), then steps on.
#define STORE \
	VMOVUPD Y0, (AX)(R8*1); \
	VMAXPD Y12, Y0, Y12; \
	ADDQ $32, R8

// func update4(a *cellArgs)
// The depth update of updateRow for four cells at a time, with or without
// rain and drains: four loops, so none tests a flag per cell.
TEXT ·update4(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), DI
	MOVQ cellArgs_h(DI), AX
	MOVQ cellArgs_xw(DI), BX
	MOVQ cellArgs_yn(DI), CX
	MOVQ cellArgs_ys(DI), DX
	MOVQ cellArgs_rain(DI), SI
	MOVQ cellArgs_drained(DI), R9
	MOVQ cellArgs_n(DI), R8
	VBROADCASTSD cellArgs_dtdx(DI), Y15
	VBROADCASTSD cellArgs_dt(DI), Y14
	VBROADCASTSD cellArgs_drain(DI), Y11
	VXORPD Y13, Y13, Y13
	VMOVUPD cellArgs_hmax(DI), Y12
	SHLQ $3, R8
	ADDQ R8, AX
	ADDQ R8, BX
	ADDQ R8, CX
	ADDQ R8, DX
	TESTQ R9, R9
	JZ nodrain
	ADDQ R8, R9 // only a given pointer: nil stays nil, tested below

nodrain:
	NEGQ R8
	TESTQ SI, SI
	JNZ withrain
	TESTQ R9, R9
	JNZ drainonly

plain:
	FLUXSUM
	CLAMP
	STORE
	JNZ plain
	JMP done

drainonly:
	FLUXSUM
	CLAMP
	DRAIN
	STORE
	JNZ drainonly
	JMP done

withrain:
	SUBQ R8, SI
	TESTQ R9, R9
	JNZ raindrain

rainloop:
	FLUXSUM
	RAIN
	CLAMP
	STORE
	JNZ rainloop
	JMP done

raindrain:
	FLUXSUM
	RAIN
	CLAMP
	DRAIN
	STORE
	JNZ raindrain

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
