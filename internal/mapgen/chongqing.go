package main

import (
	"github.com/rescuedrill/rescuedrill/internal/mapgen/mapmeta"
	"math"

	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

// cqRiver is a river centreline with its half-width at normal water and
// its depth below normal water on the centreline.
type cqRiver struct {
	pts         [][2]float64
	half, depth float64
}

// The rivers of the Chongqing-like map (metres; y south). The big river
// comes up from the south-west, the smaller one in from the west-north-west,
// and they meet at the peninsula's eastern tip and flow east.
var (
	cqConfluence = [2]float64{3700, 2600}
	cqSmall      = cqRiver{[][2]float64{{-200, 1250}, {500, 1450}, {1200, 1300}, {1900, 1450}, {2500, 1800}, {3050, 2150}, {3500, 2420}, cqConfluence}, 170, 9}
	cqBigUp      = cqRiver{[][2]float64{{700, 5400}, {950, 4600}, {1400, 3900}, {2100, 3450}, {2800, 3220}, {3350, 2960}, cqConfluence}, 280, 13}
	cqBigDown    = cqRiver{[][2]float64{cqConfluence, {4100, 2730}, {4400, 2750}, {5400, 2750}}, 340, 14}
	cqRivers     = []cqRiver{cqSmall, cqBigUp, cqBigDown}
)

const cqWater = 165.0 // normal water level

// cqBank is the rise above normal water at distance s from the water's
// edge: a beach, a flood embankment, then a bench for the riverside road.
func cqBank(s float64) float64 {
	switch {
	case s < 25:
		return 5 * s / 25
	case s < 45:
		return 5 + 6*(s-25)/20
	default:
		return 11 + 2*clamp01((s-45)/85)
	}
}

// cqRelief is how high the hills would rise far from water: the peninsula
// ridge, the high ridge of the south bank, lower ground on the north bank.
func cqRelief(x, y float64) float64 {
	h := 150 + 55*fbm(x, y, 1600, 4, 401)
	dr := polyDist(x, y, [][2]float64{{200, 2950}, {1800, 2700}, {3300, 2560}})
	h += 70 * math.Exp(-(dr/450)*(dr/450))
	dn := polyDist(x, y, [][2]float64{{3000, 5200}, {4300, 4300}, {5300, 3700}})
	h += 135 * math.Exp(-(dn/650)*(dn/650))
	h -= 40 * smoothstep(1400, 700, y)
	return math.Max(h, 50)
}

func chongqing() *builder {
	b := newBuilder("chongqing", "山城两江交汇（渝中半岛式）", "Mountain city at a river confluence", 256, 256, 20)
	b.meta.NormalWater = cqWater
	b.writePNG = true
	b.meta.PNG = &mapmeta.PNG{File: "chongqing.elev.png"}

	// Smooth ground first: river channels, banks, and hills rising steeply
	// from the bench (about 40° at the foot where the relief is 200 m).
	dist := make([]float64, len(b.z)) // distance from the water's edge; < 0 in a channel
	b.each(func(i int, x, y float64) {
		s := math.Inf(1)
		bed := math.Inf(1)
		for _, rv := range cqRivers {
			d := polyDist(x, y, rv.pts)
			s = math.Min(s, d-rv.half)
			if d < rv.half {
				u := d / rv.half
				bed = math.Min(bed, cqWater-rv.depth*(1-u*u))
			}
		}
		dist[i] = s
		if s < 0 {
			b.z[i] = bed + 0.3*fbm(x, y, 200, 2, 402)
			return
		}
		rise := 1 - math.Exp(-math.Max(s-130, 0)/230)
		b.z[i] = cqWater + cqBank(s) + cqRelief(x, y)*rise + 4*fbm(x, y, 300, 3, 403)*clamp01((s-130)/100)
	})

	// Terrace the gentle uplands into the stepped districts of a mountain
	// city: flat shelves with short steep risers every 10 m.
	slope := b.slopes()
	b.each(func(i int, x, y float64) {
		if dist[i] < 150 {
			return
		}
		w := smoothstep(0.30, 0.12, slope[i])
		k := (b.z[i] - 175) / 10
		fl := math.Floor(k)
		stepped := 175 + 10*(fl+smoothstep(0.65, 1, k-fl))
		b.z[i] = lerp(b.z[i], stepped, w)
	})
	slope = b.slopes()

	b.each(func(i int, x, y float64) {
		s := dist[i]
		c, r := i%b.nx(), i/b.nx()
		switch {
		case s < 0 && b.z[i] < cqWater:
			b.lu[i], b.soil[i] = terrain.Water, terrain.SoilAlluvium
		case s < 45:
			b.lu[i], b.soil[i] = terrain.Open, terrain.SoilAlluvium
		case s < 130:
			b.lu[i], b.soil[i] = terrain.Open, terrain.SoilAlluvium
			if s >= 70 && s < 100 {
				b.lu[i] = terrain.Road
			}
		case b.z[i] > 400 || slope[i] > 0.5:
			b.lu[i], b.soil[i] = terrain.Forest, terrain.SoilResidual
			if slope[i] > 0.58 {
				b.soil[i] = terrain.SoilColluvium
			}
		case slope[i] > 0.3:
			b.lu[i], b.soil[i] = terrain.Shrub, terrain.SoilResidual
		default:
			// Urban blocks of 3×3 cells (60 m) between 20 m streets.
			b.lu[i], b.soil[i] = terrain.Road, terrain.SoilBedrock
			if c%4 != 0 && r%4 != 0 {
				b.lu[i] = terrain.Building
			}
		}
	})

	// Named places. Platforms are levelled to the mean ground of their
	// rectangle, as Chongqing builds on cut-and-fill platforms.
	flat := func(r terrain.Rect) float64 {
		sum, n := 0.0, 0
		b.inRect(r.X0, r.Y0, r.X1, r.Y1, func(i int, _, _ float64) { sum += b.z[i]; n++ })
		z := math.Round(sum/float64(n)*10) / 10
		b.inRect(r.X0, r.Y0, r.X1, r.Y1, func(i int, _, _ float64) { b.z[i], b.soil[i] = z, terrain.SoilBedrock })
		return z
	}
	sq := b.place("confluence_square", terrain.KindRiverbank, "两江汇合广场（半岛尖端）", "Confluence square (peninsula tip)", 3200, 2500, 3280, 2580)
	flat(sq)
	b.inRect(sq.X0, sq.Y0, sq.X1, sq.Y1, func(i int, _, _ float64) { b.z[i], b.lu[i] = cqWater+9, terrain.Road })
	b.place("north_riverside_road", terrain.KindRoad, "北滨路（汇合口北岸）", "North riverside road (opposite the tip)", 3480, 2140, 3760, 2180)
	b.setLU(3480, 2140, 3760, 2180, terrain.Road)
	b.place("south_riverside_road", terrain.KindRoad, "南滨路", "South riverside road", 4400, 3160, 5120, 3180)
	b.setLU(4400, 3160, 5120, 3180, terrain.Road)
	b.place("small_river_bridge", terrain.KindBridge, "小江大桥", "Smaller river bridge", 3180, 1940, 3220, 2540)
	b.place("big_river_bridge", terrain.KindBridge, "大江大桥", "Big river bridge", 2980, 2720, 3020, 3530)
	st := b.place("cliff_stairs", terrain.KindStairs, "临江梯道", "Riverside cliff stairs", 2600, 2140, 2620, 2480)
	b.setLU(st.X0, st.Y0, st.X1, st.Y1, terrain.Road)

	park := b.place("ridge_park", terrain.KindHilltop, "半岛山脊公园（最高点）", "Ridge park (peninsula summit)", 980, 2640, 1160, 2820)
	b.setLU(park.X0, park.Y0, park.X1, park.Y1, terrain.Open)
	sh := b.place("district_shelter", terrain.KindShelter, "区应急避难场所（中心广场）", "District emergency shelter (central square)", 1620, 2560, 1780, 2680)
	flat(sh)
	b.setLU(sh.X0, sh.Y0, sh.X1, sh.Y1, terrain.Open)
	sd := b.place("stadium", terrain.KindSportsField, "山城体育场", "Hillside stadium", 1220, 2320, 1420, 2440)
	flat(sd)
	b.setLU(sd.X0, sd.Y0, sd.X1, sd.Y1, terrain.SportsSurface)
	b.setLU(sd.X0+40, sd.Y0+30, sd.X1-40, sd.Y1-30, terrain.Open)
	sc := b.place("peninsula_school", terrain.KindSchool, "半岛中学", "Peninsula secondary school", 1400, 2780, 1560, 2900)
	flat(sc)
	b.setLU(sc.X0, sc.Y0, sc.X1, sc.Y1, terrain.Open)
	b.setLU(sc.X0, sc.Y0, sc.X1, sc.Y0+30, terrain.Building)
	hosp := terrain.Rect{X0: 2240, Y0: 2560, X1: 2360, Y1: 2680}
	flat(hosp)
	b.setLU(hosp.X0, hosp.Y0, hosp.X1, hosp.Y1, terrain.Building)
	b.place("hospital", terrain.KindFirstAid, "中心医院（急诊入口）", "Central hospital (emergency entrance)", 2240, 2660, 2360, 2680)
	b.setLU(2240, 2660, 2360, 2680, terrain.Road)
	b.place("south_ridge_lookout", terrain.KindHilltop, "南山观景台", "South ridge lookout", 4220, 4180, 4400, 4360)
	b.setLU(4220, 4180, 4400, 4360, terrain.Open)

	b.about = `
A mountain city where two rivers meet, modelled on a peninsula like Yuzhong. The **big river** enters from
the south edge and flows north-east; the **smaller river** enters from the west edge; they join at the
peninsula's eastern tip and leave across the east edge. Normal water is 165 m over beds at 150–156 m.
Each bank rises from a beach to a flood embankment and a riverside bench at 176–178 m carrying the
riverside roads, then climbs at 20–30° (steep bands are forest) to uplands 100–210 m above the water on the
peninsula and north bank, and to a forested south ridge nearly 300 m above it.

Gentle uplands are terraced into 10 m steps with urban blocks (3×3-cell buildings between 20 m streets).
Bridges are places only: their decks are not in the grid, which holds the river beneath. The riverside
bench, the confluence square (≈ 174 m) and the riverside roads flood first; the ridge park, the shelter and
the stadium are far above any flood.
`

	b.findEdges(func(side terrain.Side, from, to int) (string, string, string) {
		switch side {
		case terrain.West:
			return "small_river_west", "小江上游来水（西侧边界）", "Smaller river inflow, west edge"
		case terrain.South:
			return "big_river_south", "大江上游来水（南侧边界）", "Big river inflow, south edge"
		case terrain.East:
			return "river_east", "两江汇合后出流（东侧边界）", "Joined river outflow, east edge"
		default:
			return "north", "北侧边界", "North edge"
		}
	})
	return b
}

// slopes returns tanβ of the current elevation at every cell.
func (b *builder) slopes() []float64 {
	g := terrain.NewGrid(b.nx(), b.ny(), b.cell())
	copy(g.V, b.z)
	out := make([]float64, len(b.z))
	for i := range out {
		out[i] = g.Slope(i)
	}
	return out
}
