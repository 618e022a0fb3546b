package main

import (
	"math"

	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

// Flood-district geometry, in metres. The lower district slopes from the
// foot of an escarpment (y=240) down to the riverside road (y=470–490);
// the main river runs along the south edge and a tributary along the east
// edge, meeting in the south-east corner.
const (
	fdTerraceSouth = 220.0 // escarpment top edge
	fdLowerNorth   = 240.0 // escarpment foot
	fdRoadNorth    = 470.0 // riverside road
	fdRoadSouth    = 490.0
	fdParkSouth    = 520.0 // top of the south river bank
	fdBedSouth     = 545.0 // south river bed begins
	fdEastRoadW    = 695.0 // east riverside road
	fdEastBankW    = 715.0 // top of the east river bank
	fdBedEast      = 735.0 // east river bed begins
)

// fdTerraceZ is the upper terrace, rising gently north from 186 m.
func fdTerraceZ(y float64) float64 { return 186 + 4*(fdTerraceSouth-y)/fdTerraceSouth }

// fdLowerZ is the lower district: 176 m at the escarpment foot falling to
// the 169 m riverside roads, and to the east road as x nears it.
func fdLowerZ(x, y float64) float64 {
	switch {
	case y < fdRoadNorth:
		s := clamp01((fdRoadNorth - y) / (fdRoadNorth - fdLowerNorth))
		t := clamp01((fdEastBankW - x) / 90)
		return 169 + 7*s*t
	case y < fdRoadSouth:
		return 169 - 0.1*(y-fdRoadNorth)/(fdRoadSouth-fdRoadNorth) // crossfall to the river
	default:
		return lerp(168.5, 166.2, clamp01((y-fdRoadSouth)/(fdParkSouth-fdRoadSouth)))
	}
}

// fdRiverZ carves the two channels: banks falling about 6 m in 20–25 m to
// beds near 160 m. It is +Inf away from the rivers.
func fdRiverZ(x, y float64) float64 {
	z := math.Inf(1)
	if y >= fdParkSouth {
		z = 166 - 6*smoothstep(fdParkSouth, fdBedSouth, y) - 0.5*smoothstep(fdBedSouth, 575, y)
	}
	if x >= fdEastBankW {
		z = math.Min(z, 167.5-6.5*smoothstep(fdEastBankW, fdBedEast, x)-0.5*smoothstep(fdBedEast, 765, x)-0.5*y/600)
	}
	return z
}

// Building footprints of the lower district (x ranges), used for both
// block rows; the gaps between are alleys a person or water can pass.
var fdBlockXs = [][2]float64{
	{40, 95},
	{120, 170}, {180, 290}, {300, 375},
	{405, 460}, {470, 530}, {540, 595},
	{620, 690},
}

var fdShopXs = [][2]float64{
	{40, 95}, {120, 160}, {170, 210}, {220, 260}, {270, 310}, {320, 375},
	{405, 445}, {455, 495}, {505, 545}, {555, 595}, {620, 655}, {665, 690},
}

func floodDistrict() *builder {
	b := newBuilder("flood-district", "两江交汇滨江街区", "Riverside district at the confluence", 160, 120, 5)
	b.meta.NormalWater = 165

	// Ground, before features.
	b.each(func(i int, x, y float64) {
		var z float64
		switch {
		case y < fdTerraceSouth:
			z = fdTerraceZ(y)
		case y < fdLowerNorth:
			z = lerp(fdTerraceZ(fdTerraceSouth), fdLowerZ(x, fdLowerNorth), (y-fdTerraceSouth)/(fdLowerNorth-fdTerraceSouth))
		default:
			z = fdLowerZ(x, y)
		}
		z += 0.08 * fbm(x, y, 60, 3, 101) // paving is never quite flat
		b.z[i] = math.Min(z, fdRiverZ(x, y))
		b.lu[i] = terrain.Road
	})

	// Rivers, banks and the park.
	b.each(func(i int, x, y float64) {
		switch {
		case b.z[i] < b.meta.NormalWater && (y >= fdParkSouth || x >= fdEastBankW):
			b.lu[i] = terrain.Water
			b.soil[i] = terrain.SoilAlluvium
		case y >= fdParkSouth || x >= fdEastBankW:
			b.lu[i] = terrain.Open // grassed bank above normal water
			b.soil[i] = terrain.SoilAlluvium
		case y >= fdRoadSouth && x >= 40 && x <= 690:
			b.lu[i] = terrain.Open
			b.soil[i] = terrain.SoilResidual
		}
	})
	for x := 50.0; x < 690; x += 45 {
		b.setLU(x, 495, x+10, 510, terrain.Forest) // tree clumps in the park
	}

	// The escarpment: a retaining wall between terrace and lower district,
	// and along the terrace's east edge above the tributary.
	b.setLU(35, fdTerraceSouth, 700, fdLowerNorth, terrain.Wall)
	b.setLU(700, 0, fdEastBankW, fdLowerNorth, terrain.Wall)

	// Lower district blocks, shops and the riverside road.
	for _, ys := range [][2]float64{{260, 325}, {355, 440}} {
		for _, xs := range fdBlockXs {
			b.setLU(xs[0], ys[0], xs[1], ys[1], terrain.Building)
		}
	}
	for _, xs := range fdShopXs {
		b.setLU(xs[0], 445, xs[1], 465, terrain.Building)
	}
	b.place("riverside_road", terrain.KindRoad, "滨江路", "Riverside road", 0, fdRoadNorth, fdEastBankW, fdRoadSouth)
	b.place("riverside_shops", terrain.KindBuilding, "滨江路沿街商铺", "Riverside shops", 40, 445, 690, 465)
	b.place("riverside_park", terrain.KindPark, "滨江公园", "Riverside park", 40, fdRoadSouth, 690, fdParkSouth)
	b.place("riverbank_walk", terrain.KindRiverbank, "江边亲水步道", "Riverbank walk", 40, fdParkSouth, 690, 525)

	// Underpass: the east–west street at y 335–345 dips 3 m under the
	// cross street, walled along its ramps so it is entered at the ends
	// (and, as water does, from the cross street above it).
	up := b.place("underpass", terrain.KindUnderpass, "下穿通道", "Road underpass", 330, 335, 450, 345)
	b.inRect(up.X0, up.Y0, up.X1, up.Y1, func(i int, x, _ float64) {
		d := 3 * math.Min(clamp01((x-330)/35), clamp01((450-x)/35))
		b.z[i] -= d
	})
	for _, y := range [][2]float64{{330, 335}, {345, 350}} {
		b.setLU(330, y[0], 375, y[1], terrain.Wall)
		b.setLU(405, y[0], 450, y[1], terrain.Wall)
	}
	b.place("cross_street", terrain.KindRoad, "十字街", "Cross street", 380, 255, 400, fdRoadNorth)
	b.place("foot_street", terrain.KindRoad, "崖下街", "Street below the escarpment", 35, fdLowerNorth, fdEastRoadW, 255)
	b.place("east_riverside_road", terrain.KindRoad, "东河滨江路", "East riverside road", fdEastRoadW, fdLowerNorth, fdEastBankW, fdRoadNorth)

	// Basement car park inside the building at x 180–290: a ramp falling
	// 3 m from the street to an entrance hall 3.5 m down, enclosed by the
	// building so water reaches it only down the ramp.
	bp := b.place("basement_carpark", terrain.KindBasement, "地下车库（入口坡道）", "Basement car park (ramp and entrance)", 190, 355, 230, 410)
	b.inRect(200, 355, 210, 385, func(i int, _, y float64) {
		b.z[i] -= 3 * (y - 355) / 30
		b.lu[i] = terrain.Road
	})
	b.inRect(bp.X0, 385, bp.X1, bp.Y1, func(i int, _, _ float64) {
		b.z[i] -= 3.5
		b.lu[i] = terrain.Road
	})

	// Public stairs, 3 cells wide, up through the escarpment wall: 10 m
	// rise over 20 m run (about 27°). The wall band already carries the
	// linear rise, so the stairs only need opening.
	b.place("public_stairs", terrain.KindStairs, "公共梯道", "Public stairs", 300, 215, 315, 245)
	b.setLU(300, fdTerraceSouth, 315, fdLowerNorth, terrain.Road)

	// West ramp road: the long way up, 13 m over 130 m, walled on both
	// sides where it is cut into or built out from the slope.
	b.place("west_ramp_road", terrain.KindRoad, "西侧爬坡道", "West ramp road", 5, 200, 30, 330)
	top, foot := fdTerraceZ(200), fdLowerZ(17.5, 330)
	b.inRect(5, 200, 30, 330, func(i int, _, y float64) {
		b.z[i] = lerp(top, foot, (y-200)/130)
		b.lu[i] = terrain.Road
	})
	b.setLU(0, 205, 5, 325, terrain.Wall)
	b.setLU(30, 205, 35, 325, terrain.Wall)

	// Upper terrace: street, blocks, square, clinic, school with gym.
	b.place("terrace_street", terrain.KindRoad, "上城街", "Terrace street", 35, 200, 700, 215)
	for _, xs := range [][2]float64{{40, 120}, {135, 215}, {230, 310}, {325, 400}, {615, 690}} {
		b.setLU(xs[0], 20, xs[1], 90, terrain.Building)
	}
	b.setLU(40, 105, 120, 185, terrain.Building)
	b.setLU(135, 105, 185, 185, terrain.Building)
	b.setLU(615, 105, 690, 140, terrain.Building)
	sq := b.place("terrace_square", terrain.KindAssembly, "上城广场集合点", "Terrace square assembly point", 200, 105, 300, 185)
	b.setLU(sq.X0, sq.Y0, sq.X1, sq.Y1, terrain.Open)
	b.setLU(320, 105, 380, 150, terrain.Building)
	b.place("clinic", terrain.KindFirstAid, "社区卫生站（入口）", "Community clinic (entrance)", 320, 150, 380, 165)
	sc := b.place("terrace_school", terrain.KindSchool, "上城小学", "Terrace primary school", 420, 40, 600, 180)
	b.setLU(sc.X0, sc.Y0, sc.X1, sc.Y1, terrain.Open)
	b.setLU(440, 60, 520, 105, terrain.Building) // gym
	b.setLU(530, 50, 590, 100, terrain.Building) // classrooms
	b.place("gym_shelter", terrain.KindShelter, "学校体育馆避难点（前院）", "School gym shelter (forecourt)", 440, 110, 520, 150)

	// A high bridge carries the terrace street's spur over the tributary.
	// Its deck is not in the grid (the river must flow under it), so the
	// place marks it; the wall opens where the deck starts.
	br := b.place("east_bridge", terrain.KindBridge, "东河大桥", "East river bridge", 700, 150, 800, 165)
	b.setLU(600, br.Y0, fdEastBankW, br.Y1, terrain.Road)

	b.findEdges(func(side terrain.Side, from, to int) (string, string, string) {
		switch side {
		case terrain.South:
			return "main_river_south", "大江（南侧边界）", "Main river, south edge"
		case terrain.West:
			return "main_river_west", "大江上游来水（西侧边界）", "Main river inflow, west edge"
		case terrain.North:
			return "tributary_north", "支流上游来水（北侧边界）", "Tributary inflow, north edge"
		default:
			return "tributary_east", "支流及汇合口（东侧边界）", "Tributary and confluence, east edge"
		}
	})

	b.about = `
An old riverside district where a main river (south edge, flowing east) meets a tributary (east edge,
flowing south). River beds lie at 159.5–161 m and the normal water level is 165 m; a grassed bank
rises to the riverside park (166–168.5 m), then the riverside road at 169 m with a row of shops
behind it. The lower district climbs gently to 176 m at the foot of a 10 m retaining-wall escarpment;
above it is the upper terrace at 186–190 m with a square, a clinic and a primary school whose gym is the
flood shelter.

Ways up from the lower district: the **public stairs** (3 cells wide, about 27°) through the wall, and the
**west ramp road** (10 %, walled) — the long way round. The **underpass** on the street at y 335–345 is a 3 m
deep dip (floor ≈ 170 m) whose ramps are walled; it fills from both ends and from the cross street over it.
The **basement car park** is a ramp and a 3.5 m deep entrance hall inside a building block, reached only
down the ramp. The **east bridge** is a high deck (≈ 186 m) over the tributary; the grid holds the river
beneath it, so movement on the deck is the scenario's to decide. Across the cross street at the underpass
the grid also holds the dip, not the street deck above it.

Buildings and walls are blocked. Water-level boundaries: the edge segments below (every edge cell below
165 m); the east segment includes the confluence in its southern rows.
`
	return b
}
