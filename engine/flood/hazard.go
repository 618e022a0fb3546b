package flood

import "fmt"

// Flood hazard to people (Defra/Environment Agency FD2321, 2006):
//
//	HR = d (v + 0.5) + DF
//
// with d the depth (m), v the speed (m/s) and DF a debris factor. The
// rating falls into four classes at 0.75, 1.25 and 2.0.

// HazardRating returns the FD2321 hazard rating d (v + 0.5) + df. Depths
// and speeds below zero count as zero.
func HazardRating(d, v, df float64) float64 {
	d, v = max(d, 0), max(v, 0)
	return float64(d*(v+0.5)) + df
}

// LandUse selects the FD2321 debris-factor column.
type LandUse uint8

const (
	// Urban: streets carry cars, bins and rubble; the drills' default.
	Urban LandUse = iota
	Woodland
	Pasture // pasture and arable land
	// Conservative ignores the land: DF = 1 once the water is over
	// 0.25 m deep or faster than 2 m/s, as FD2321 suggests when in doubt.
	Conservative
)

// DebrisFactor returns FD2321's debris factor (Table 3.1). The rule, one
// and the same for every land use but Conservative:
//
//	d ≤ 0.25 m                       → 0 (too shallow to carry debris)
//	0.25 < d ≤ 0.75 and v ≤ 2 m/s    → pasture 0, woodland 0.5, urban 1
//	d > 0.75 or v > 2 m/s (d > 0.25) → pasture 0.5, woodland 1, urban 1
//
// Conservative is 1 when d > 0.25 or v > 2, else 0, so it never rates
// lower than any land use.
func DebrisFactor(d, v float64, lu LandUse) float64 {
	if lu == Conservative {
		if d > 0.25 || v > 2 {
			return 1
		}
		return 0
	}
	if d <= 0.25 {
		return 0
	}
	high := d > 0.75 || v > 2
	switch lu {
	case Pasture:
		if high {
			return 0.5
		}
		return 0
	case Woodland:
		if high {
			return 1
		}
		return 0.5
	}
	return 1 // Urban
}

// Rate is HazardRating with DebrisFactor for the land use.
func Rate(d, v float64, lu LandUse) float64 {
	return HazardRating(d, v, DebrisFactor(d, v, lu))
}

// HazardClass is an FD2321 hazard class.
type HazardClass uint8

const (
	Low           HazardClass = iota // HR < 0.75: caution
	DangerForSome                    // 0.75 ≤ HR < 1.25: children, the elderly, the infirm
	DangerForMost                    // 1.25 ≤ HR ≤ 2.0: the general public
	DangerForAll                     // HR > 2.0: emergency services too
)

// ClassOf returns the class of a hazard rating. FD2321 gives the bands as
// < 0.75, 0.75–1.25, 1.25–2.0 and > 2.0; a rating exactly on 0.75 or 1.25
// takes the more dangerous class, exactly 2.0 the less ("> 2.0").
func ClassOf(hr float64) HazardClass {
	switch {
	case hr < 0.75:
		return Low
	case hr < 1.25:
		return DangerForSome
	case hr <= 2.0:
		return DangerForMost
	}
	return DangerForAll
}

func (c HazardClass) String() string {
	switch c {
	case Low:
		return "Low"
	case DangerForSome:
		return "DangerForSome"
	case DangerForMost:
		return "DangerForMost"
	case DangerForAll:
		return "DangerForAll"
	}
	return fmt.Sprintf("HazardClass(%d)", uint8(c))
}

var labelsEN = [4]string{
	"Low hazard: caution",
	"Danger for some: children, the elderly and the infirm",
	"Danger for most: includes the general public",
	"Danger for all: includes the emergency services",
}

var labelsZH = [4]string{
	"低危险：注意安全",
	"部分人员危险：儿童、老人和体弱者",
	"多数人员危险：包括普通公众",
	"所有人员危险：包括救援人员",
}

// Label returns the class's label in lang, "en" or "zh-CN"; any other
// language gets English.
func (c HazardClass) Label(lang string) string {
	if c > DangerForAll {
		return c.String()
	}
	if lang == "zh-CN" {
		return labelsZH[c]
	}
	return labelsEN[c]
}

// AIDRClass returns the Australian flood hazard class H1–H6 (AIDR
// Guideline 7-3) as 1–6: the first class whose limits on depth × speed
// (m²/s), depth (m) and speed (m/s) all hold.
//
//	H1 ≤ 0.3 / 0.3 / 2.0  generally safe
//	H2 ≤ 0.6 / 0.5 / 2.0  unsafe for small vehicles
//	H3 ≤ 0.6 / 1.2 / 2.0  unsafe for vehicles, children and the elderly
//	H4 ≤ 1.0 / 2.0 / 2.0  unsafe for vehicles and people
//	H5 ≤ 4.0 / 4.0 / 4.0  unsafe for all; buildings need engineering
//	H6 beyond             unsafe for all; all buildings vulnerable
func AIDRClass(d, v float64) int {
	d, v = max(d, 0), max(v, 0)
	dv := d * v
	for i, lim := range aidrLimits {
		if dv <= lim[0] && d <= lim[1] && v <= lim[2] {
			return i + 1
		}
	}
	return 6
}

var aidrLimits = [5][3]float64{
	{0.3, 0.3, 2.0},
	{0.6, 0.5, 2.0},
	{0.6, 1.2, 2.0},
	{1.0, 2.0, 2.0},
	{4.0, 4.0, 4.0},
}
