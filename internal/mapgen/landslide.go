package main

import (
	"math"

	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

// Landslide-school geometry. The hill face falls south (+y) at about 35°
// from a hilltop plateau to a terrace holding the school, then more gently
// to a village. Two bedrock spurs run down the face either side of a
// shallow colluvium-filled hollow above the school.
const (
	lsToe        = 260.0 // foot of the steep face, top of the terrace
	lsTerraceEnd = 345.0 // south edge of the terrace
	lsHollowX    = 256.0 // hollow axis (the fall line through the school)
	lsWestSpurX  = 90.0
	lsEastSpurX  = 422.0
)

// lsProfile is the elevation along the fall line, piecewise linear through
// these points and smoothed over ±8 m so no kink is sharper than a cell.
var lsProfile = [][2]float64{{0, 296}, {60, 292}, {95, 276}, {lsToe, 160}, {lsTerraceEnd, 158.5}, {512, 124}}

func lsProfileAt(y float64) float64 {
	at := func(y float64) float64 {
		p := lsProfile
		if y <= p[0][0] {
			return p[0][1]
		}
		for k := 1; k < len(p); k++ {
			if y <= p[k][0] {
				return lerp(p[k-1][1], p[k][1], (y-p[k-1][0])/(p[k][0]-p[k-1][0]))
			}
		}
		// Beyond the last point, keep the last gradient.
		n := len(p) - 1
		return p[n][1] + (y-p[n][0])*(p[n][1]-p[n-1][1])/(p[n][0]-p[n-1][0])
	}
	sum := 0.0
	for k := -4; k <= 4; k++ {
		sum += at(y + 2*float64(k))
	}
	return sum / 9
}

// lsSpur is the height of the bedrock spurs above the face at x: 14 m
// crests, about 90 m wide.
func lsSpur(x float64) float64 {
	g := func(c float64) float64 { d := (x - c) / 45; return math.Exp(-d * d) }
	return 14 * (g(lsWestSpurX) + g(lsEastSpurX))
}

// lsHollow is the depth of the colluvial hollow: 3 m on its axis, fading
// out on the shoulder above and just above the toe, so the terrace is flat.
func lsHollow(x, y float64) float64 {
	d := (x - lsHollowX) / 60
	return 3 * math.Exp(-d*d) * smoothstep(75, 105, y) * smoothstep(lsToe-2, 225, y)
}

// lsColluvium reports whether (x, y) is in the colluvium deposit.
func lsColluvium(x, y float64) bool {
	return x >= 176 && x <= 336 && y >= 95 && y < lsToe-2
}

func landslideSchool() *builder {
	b := newBuilder("landslide-school", "山坡学校滑坡避险", "Hillside school below a colluvium slope", 128, 128, 4)

	b.each(func(i int, x, y float64) {
		spur := lsSpur(x) * smoothstep(40, 90, y)
		face := y >= 60 && y < lsToe
		noise := 0.2 * fbm(x, y, 40, 3, 202)
		if face || y >= lsTerraceEnd {
			noise = 1.0 * fbm(x, y, 60, 3, 202)
		}
		b.z[i] = lsProfileAt(y) + spur - lsHollow(x, y) + noise

		spurCrest := lsSpur(x) > 7
		switch {
		case y < 60:
			b.lu[i] = terrain.Open
			if fbm(x, y, 50, 2, 203) > 0.15 {
				b.lu[i] = terrain.Forest
			}
			b.soil[i] = terrain.SoilResidual
		case face && lsColluvium(x, y):
			b.lu[i] = terrain.SoilSlope
			b.soil[i] = terrain.SoilColluvium
		case face && spurCrest:
			b.lu[i] = terrain.Shrub
			b.soil[i] = terrain.SoilBedrock
		case face:
			b.lu[i] = terrain.Forest
			b.soil[i] = terrain.SoilResidual
		case y < lsTerraceEnd:
			b.lu[i] = terrain.Open
			b.soil[i] = terrain.SoilBedrock // the terrace is cut into rock
		case spurCrest:
			b.lu[i] = terrain.Shrub
			b.soil[i] = terrain.SoilBedrock
		default:
			b.lu[i] = terrain.Farmland
			if fbm(x, y, 40, 2, 204) > 0.25 {
				b.lu[i] = terrain.Forest
			}
			b.soil[i] = terrain.SoilResidual
		}
	})

	sc := b.place("school", terrain.KindSchool, "山坡小学", "Hillside primary school", 180, 266, 340, lsTerraceEnd)
	b.setLU(sc.X0, sc.Y0, sc.X1, sc.Y1, terrain.Road)
	b.place("classroom_building", terrain.KindBuilding, "教学楼", "Classroom building", 196, 276, 316, 300)
	b.setLU(196, 276, 316, 300, terrain.Building)
	pg := b.place("playground", terrain.KindSportsField, "操场", "Playground", 196, 308, 316, 340)
	b.setLU(pg.X0, pg.Y0, pg.X1, pg.Y1, terrain.SportsSurface)
	b.setLU(pg.X0+12, pg.Y0+8, pg.X1-12, pg.Y1-8, terrain.Open)

	b.place("colluvium_slope", terrain.KindOther, "松散堆积体斜坡（滑坡隐患区）", "Colluvium slope (landslide hazard)", 176, 100, 336, 250)

	// The spring: groundwater seeping out where the colluvium meets the
	// rock at the toe; a small pool.
	b.place("slope_toe_spring", terrain.KindSpring, "坡脚泉眼", "Spring at the slope toe", 244, 248, 268, 264)
	b.inRect(248, 254, 260, 262, func(i int, _, _ float64) {
		b.z[i] -= 0.4
		b.lu[i] = terrain.Water
	})

	// The road runs straight down the fall line from the school gate: the
	// way a runout will go.
	b.place("downhill_road", terrain.KindRoad, "下山公路（滑坡冲出路径上）", "Downhill road (in the runout path)", 248, lsTerraceEnd, 260, 512)
	b.inRect(248, lsTerraceEnd, 260, 512, func(i int, _, _ float64) {
		b.z[i] -= 0.3
		b.lu[i] = terrain.Road
		b.soil[i] = terrain.SoilBedrock
	})
	b.place("terrace_lane", terrain.KindRoad, "坡下村道", "Terrace lane", 40, lsTerraceEnd, 470, 353)
	b.setLU(40, lsTerraceEnd, 470, 353, terrain.Road)

	// Assembly points on the spur crests, off the runout path to either
	// side, each with a path up from the lane.
	for _, a := range []struct {
		id, zh, en string
		x          float64
	}{
		{"west_ridge_assembly", "西侧山脊集合点", "West ridge assembly point", lsWestSpurX},
		{"east_ridge_assembly", "东侧山脊集合点", "East ridge assembly point", lsEastSpurX},
	} {
		r := b.place(a.id, terrain.KindAssembly, a.zh, a.en, a.x-24, 280, a.x+24, 320)
		b.setLU(r.X0, r.Y0, r.X1, r.Y1, terrain.Open)
		b.setLU(a.x-4, 320, a.x+4, lsTerraceEnd, terrain.Road)
	}

	b.place("hilltop_park", terrain.KindHilltop, "山顶公园", "Hilltop park", 200, 8, 312, 56)
	v := b.place("lower_village", terrain.KindOther, "山脚村庄", "Village at the foot of the hill", 200, 470, 312, 508)
	for x := v.X0; x < v.X1; x += 28 {
		if x+20 < 246 || x > 262 {
			b.setLU(x, 478, x+20, 500, terrain.Building)
		}
	}

	b.about = `
A primary school on a terrace (≈ 160 m) cut into a hillside. Above it the hill face rises at about 35°
(30–38°) for 165 m to a hilltop plateau at ≈ 292–296 m. Straight above the school lies a shallow hollow
filled with **colluvium** (soil zone 1; take its depth as 2–3 m, thickest on the hollow axis) on a
bedrock base: after days of rain it can fail and run out down the fall line, across the terrace and the
school, and on down the **downhill road**, which runs straight down the fall line from the school gate —
the wrong way to flee. A **spring** seeps at the slope toe just above the school (a cue that the slope is
saturated).

Two **bedrock spurs** (soil zone 0) run down the face either side of the hollow, crests ≈ 14 m above the
terrace; the **assembly points** on them are 70–80 m beyond the school's side fences (≈ 170 m from its centre) along
the terrace lane and a short path: the right way to go. The **hilltop park** is 130 m higher up the failing slope or a long way
round: not reachable quickly. The rest of the hill face is forest on residual soil (zone 2).
`
	return b
}
