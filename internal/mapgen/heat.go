package main

import (
	"math"

	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

// Heat-school: a nearly flat school sports ground. A 400 m running track
// (standard geometry: 84.39 m straights, 36.5 m inner radius, eight lanes
// of 1.22 m) circles a grass pitch; south of it a covered stand, a plaza,
// the classroom building and a first-aid room; north a row of trees.
const (
	hsTrackCX, hsTrackCY = 100.0, 60.0
	hsStraightHalf       = 42.195
	hsInnerR             = 36.5
	hsLanes              = 8 * 1.22
)

// hsTrackDist is the distance from (x, y) to the track's inner kerb line
// measured from the centre segment, as for a stadium shape.
func hsTrackDist(x, y float64) float64 {
	return segDist(x, y, hsTrackCX-hsStraightHalf, hsTrackCY, hsTrackCX+hsStraightHalf, hsTrackCY)
}

func heatSchool() *builder {
	b := newBuilder("heat-school", "校园运动会高温中暑防护", "School sports ground on a hot day", 100, 80, 2)

	b.each(func(i int, x, y float64) {
		// 0.4 % fall to the south for drainage, centimetre-scale unevenness.
		b.z[i] = 300 + 0.004*(80-y) + 0.02*fbm(x, y, 20, 2, 303)
		b.lu[i] = terrain.Open
		b.soil[i] = terrain.SoilBedrock
		if d := hsTrackDist(x, y); d >= hsInnerR && d <= hsInnerR+hsLanes {
			b.lu[i] = terrain.SportsSurface
		}
	})

	trees := b.place("tree_row", terrain.KindShade, "林荫树带", "Row of shade trees", 16, 4, 184, 12)
	b.setLU(trees.X0, trees.Y0, trees.X1, trees.Y1, terrain.Forest)

	outer := hsInnerR + hsLanes
	b.place("sports_field", terrain.KindSportsField, "运动场（跑道及足球场）", "Sports field (track and pitch)",
		math.Floor(hsTrackCX-hsStraightHalf-outer), math.Floor(hsTrackCY-outer), math.Ceil(hsTrackCX+hsStraightHalf+outer), math.Ceil(hsTrackCY+outer))
	b.place("home_straight", terrain.KindSportsField, "跑道直道（起终点）", "Home straight (start and finish)",
		58, 96, 142, 106)

	// The covered stand: concrete terraces under a roof, open to the north.
	st := b.place("covered_stand", terrain.KindShade, "有顶看台", "Covered stand", 60, 108, 140, 118)
	b.setLU(st.X0, st.Y0, st.X1, st.Y1, terrain.Road)
	b.place("water_station", terrain.KindWaterStation, "饮水补给点", "Water station", 146, 108, 154, 116)
	b.setLU(10, 118, 190, 134, terrain.Road) // plaza
	b.place("assembly_area", terrain.KindAssembly, "集合区", "Assembly area", 76, 120, 130, 132)

	// Classroom building, blocked; its entrance stands for the air-
	// conditioned room inside, where overheated pupils are taken.
	b.setLU(20, 134, 110, 158, terrain.Building)
	b.place("classroom_building", terrain.KindBuilding, "教学楼", "Classroom building", 20, 134, 110, 158)
	b.place("cool_room", terrain.KindCoolRoom, "教学楼入口（室内降温室）", "Classroom entrance (indoor cool room)", 56, 126, 70, 133)
	b.setLU(150, 138, 176, 158, terrain.Building)
	b.place("first_aid_room", terrain.KindFirstAid, "医务室（入口）", "First-aid room (entrance)", 156, 130, 170, 137)

	b.about = `
A school sports ground on nearly flat ground (0.4 % fall to the south for drainage). A standard 400 m
track (eight lanes, synthetic surface, land use 9) circles a grass pitch; the home straight runs along
the south side. South of the track: a **covered stand** (shade), a paved plaza with the **assembly
area**, the **classroom building** (blocked) whose entrance stands for the indoor cool room, a **water
station** beside the stand, and the **first-aid room** (blocked, entrance marked). Along the north edge a
**row of trees** gives shade. Everything else is grass. The surfaces differ for heat: synthetic track and
paving heat up in sun, grass and tree shade less.
`
	return b
}
