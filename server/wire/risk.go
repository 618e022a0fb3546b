package wire

import (
	"math"

	"github.com/rescuedrill/rescuedrill/engine/landslide"
)

// The landslide risk layer (docs/protocol.md §5.4.1): an optional tile
// layer (Welcome.Layers bit 2, granted to spectators and facilitators who
// set Hello flag bit 3) with each cell's factor of safety FS in buckets of
// 0.01, so the facilitator console draws the real stability of the slope
// instead of guessing from its steepness.
//
// Why FS and not a mix of FS and saturation: FS already is the infinite-
// slope model's verdict on the saturation (FS = fs0 − m·k, m the saturated
// fraction), so a cell's FS falling is exactly its soil wetting on a slope
// steep enough to matter; a saturated flat field has no risk and FS says
// so. A separate saturation channel would double the layer's bytes for a
// colour the teacher cannot act on. Buckets of 0.01 make the value
// readable back as FS (FS = 2 − v/100) and put the resend threshold (2
// units, §5.6) at 0.02 of FS: a tile is resent a few times as a slope
// goes from safe to failing, not at every step of the soil water.

// LayerRisk is the Welcome layer bit of the risk tiles.
const LayerRisk uint8 = 4

// Risk cell values.
const (
	RiskNone   = 0   // not a soil cell, or FS ≥ 2: no colour
	RiskMax    = 200 // FS ≤ 0
	RiskFailed = 255 // the cell has slid away
	riskFSTop  = 2.0 // FS at which the scale starts
)

// RiskIndex is the risk cell value of a cell with factor of safety fs:
// 0 for fs ≥ 2 (and +Inf, NaN), else round((2 − fs) × 100) clamped to
// 1…200, and 255 for a failed cell.
func RiskIndex(fs float64, failed bool) uint16 {
	if failed {
		return RiskFailed
	}
	if !(fs < riskFSTop) {
		return RiskNone
	}
	v := math.Round((riskFSTop - fs) * 100)
	return uint16(max(1, min(RiskMax, v)))
}

// RiskFS turns a risk cell value back into the factor of safety at the
// middle of its bucket (2 for RiskNone, 0 for RiskFailed).
func RiskFS(v uint16) float64 {
	switch {
	case v == RiskNone:
		return riskFSTop
	case v > RiskMax:
		return 0
	}
	return float64(200-int(v)) / 100 // (not 2 − v/100: exact for every bucket)
}

// captureRisk fills cells with the risk index of every cell of m and
// returns the field, sharing unchanged tiles with prev.
func captureRisk(g Grid, m *landslide.Model, cells []uint16, prev *Field) *Field {
	for i := range cells {
		cells[i] = RiskIndex(m.FS(i), m.Failed(i))
	}
	return FieldFrom(g, cells, prev)
}
