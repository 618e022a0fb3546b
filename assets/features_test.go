package assets

import (
	"math"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

// These tests hold each map to what its README promises, so a generator
// change that moves a stair or fills an underpass fails here rather than
// in a drill.

type mapUnderTest struct {
	t    *testing.T
	m    *terrain.Map
	meta *Meta
	g    *terrain.Grid
}

func loadMap(t *testing.T, name string) *mapUnderTest {
	t.Helper()
	m, meta, err := Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return &mapUnderTest{t, m, meta, m.Elev}
}

// cells returns a place's cells, and walk only its walkable ones.
func (u *mapUnderTest) cells(id string) []int {
	u.t.Helper()
	p, ok := u.m.Place(id)
	if !ok {
		u.t.Fatalf("no place %q", id)
	}
	return u.g.PlaceCells(p)
}

func (u *mapUnderTest) walk(id string) []int {
	var out []int
	for _, i := range u.cells(id) {
		if !u.m.Blocked(i) {
			out = append(out, i)
		}
	}
	return out
}

func (u *mapUnderTest) zRange(cells []int) (lo, hi, mean float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, i := range cells {
		z := u.g.V[i]
		lo, hi, mean = math.Min(lo, z), math.Max(hi, z), mean+z
	}
	return lo, hi, mean / float64(len(cells))
}

// reach floods out from the start cells through walkable 4-neighbours whose
// height differs by at most maxStep metres, skipping cells in avoid.
func (u *mapUnderTest) reach(start []int, maxStep float64, avoid map[int]bool) []bool {
	seen := make([]bool, len(u.g.V))
	queue := []int{}
	for _, i := range start {
		if !u.m.Blocked(i) && !avoid[i] {
			seen[i] = true
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		c, r := i%u.g.NX, i/u.g.NX
		for _, d := range [][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
			nc, nr := c+d[0], r+d[1]
			if !u.g.In(nc, nr) {
				continue
			}
			j := u.g.Index(nc, nr)
			if seen[j] || u.m.Blocked(j) || avoid[j] || math.Abs(u.g.V[j]-u.g.V[i]) > maxStep {
				continue
			}
			seen[j] = true
			queue = append(queue, j)
		}
	}
	return seen
}

func anyOf(seen []bool, cells []int) bool {
	for _, i := range cells {
		if seen[i] {
			return true
		}
	}
	return false
}

func set(cells ...[]int) map[int]bool {
	s := map[int]bool{}
	for _, cs := range cells {
		for _, i := range cs {
			s[i] = true
		}
	}
	return s
}

func TestFloodDistrictFeatures(t *testing.T) {
	t.Parallel()
	u := loadMap(t, "flood-district")
	g := u.g
	if u.meta.NormalWater != 165 {
		t.Errorf("normal water %v, want 165", u.meta.NormalWater)
	}

	// River beds near 160 m; the whole south and east edges are river.
	bed := math.Inf(1)
	for i, lu := range u.m.LandUse {
		if lu == terrain.Water {
			bed = math.Min(bed, g.V[i])
		}
	}
	if bed < 159 || bed > 161 {
		t.Errorf("deepest river bed %.2f m, want about 160", bed)
	}
	edges := map[terrain.Side]terrain.EdgeSegment{}
	for _, e := range u.meta.Edges {
		edges[e.Side] = e
	}
	if e := edges[terrain.South]; e.From != 0 || e.To != g.NX-1 {
		t.Errorf("south river edge %d..%d, want the whole edge", e.From, e.To)
	}
	if e := edges[terrain.East]; e.From != 0 || e.To != g.NY-1 {
		t.Errorf("east river edge %d..%d, want the whole edge", e.From, e.To)
	}

	bands := []struct {
		id     string
		lo, hi float64
	}{
		{"riverside_road", 168, 170},
		{"riverside_shops", 168, 170.5},
		{"riverside_park", 165.5, 169},
		{"terrace_street", 185, 190},
		{"gym_shelter", 185, 190},
		{"terrace_square", 185, 190},
	}
	for _, b := range bands {
		if lo, hi, _ := u.zRange(u.cells(b.id)); lo < b.lo || hi > b.hi {
			t.Errorf("%s spans %.2f–%.2f m, want within %.1f–%.1f", b.id, lo, hi, b.lo, b.hi)
		}
	}

	// Underpass: about 3 m below the street at either end.
	floor, _, _ := u.zRange(u.cells("underpass"))
	r := 67 // y 335–340
	ends := (g.At(65, r) + g.At(90, r)) / 2
	if d := ends - floor; d < 2.5 || d > 3.5 {
		t.Errorf("underpass is %.2f m below its ends, want about 3", d)
	}

	// Basement: 3 m or more below the street at the ramp's top, and its
	// only way in is from the north, down the ramp.
	pit, _, _ := u.zRange(u.walk("basement_carpark"))
	if street := g.At(40, 70); street-pit < 3 {
		t.Errorf("basement floor %.2f m is only %.2f m below the street", pit, street-pit)
	}
	inside := set(u.walk("basement_carpark"))
	for i := range inside {
		c, r := i%g.NX, i/g.NX
		for _, d := range [][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
			j := g.Index(c+d[0], r+d[1])
			if !inside[j] && !u.m.Blocked(j) && d != [2]int{0, -1} {
				t.Errorf("basement cell (%d,%d) opens to (%d,%d) other than up the ramp", c, r, c+d[0], r+d[1])
			}
		}
	}

	// Stairs: three cells wide, climbing at least 9 m at 20–35°.
	stairs := u.cells("public_stairs")
	cols := map[int]bool{}
	for _, i := range stairs {
		cols[i%g.NX] = true
	}
	if len(cols) != 3 {
		t.Errorf("stairs are %d cells wide, want 3", len(cols))
	}
	lo, hi, _ := u.zRange(stairs)
	if hi-lo < 9 {
		t.Errorf("stairs climb %.2f m, want at least 9", hi-lo)
	}
	steepest := 0.0
	for _, i := range stairs {
		if deg := math.Atan(g.Slope(i)) * 180 / math.Pi; deg > steepest {
			steepest = deg
		}
	}
	if steepest < 20 || steepest > 35 {
		t.Errorf("steepest stair cell %.1f°, want 20–35°", steepest)
	}

	// The escarpment can be climbed only by the stairs or the ramp road:
	// from the underpass, walking on steps of at most 3 m per 5 m cell, the
	// shelter is reachable; with both closed it is not.
	from, shelter := u.cells("underpass"), u.cells("gym_shelter")
	if !anyOf(u.reach(from, 3, nil), shelter) {
		t.Error("shelter unreachable from the underpass")
	}
	if anyOf(u.reach(from, 3, set(stairs, u.cells("west_ramp_road"))), shelter) {
		t.Error("shelter reachable with the stairs and ramp closed: the escarpment leaks")
	}
	if !anyOf(u.reach(from, 3, set(u.cells("west_ramp_road"))), shelter) {
		t.Error("the stairs alone do not lead up")
	}

	// The bridge spans the tributary.
	water := 0
	for _, i := range u.cells("east_bridge") {
		if u.m.LandUse[i] == terrain.Water {
			water++
		}
	}
	if water < 10 {
		t.Errorf("east bridge covers %d water cells", water)
	}
}

func TestLandslideSchoolFeatures(t *testing.T) {
	t.Parallel()
	u := loadMap(t, "landslide-school")
	g := u.g

	// The colluvium slope is 30–38° on average, nearly all of it 28–40°.
	var n, inBand int
	var sum float64
	for i, s := range u.m.Soil {
		if s != terrain.SoilColluvium {
			continue
		}
		deg := math.Atan(g.Slope(i)) * 180 / math.Pi
		n++
		sum += deg
		if deg >= 28 && deg <= 40 {
			inBand++
		}
	}
	if n < 1000 {
		t.Fatalf("only %d colluvium cells", n)
	}
	if mean := sum / float64(n); mean < 30 || mean > 38 {
		t.Errorf("colluvium mean slope %.1f°, want 30–38°", mean)
	}
	if frac := float64(inBand) / float64(n); frac < 0.9 {
		t.Errorf("only %.0f%% of colluvium cells are 28–40°", 100*frac)
	}
	coll := 0
	for _, i := range u.cells("colluvium_slope") {
		if u.m.Soil[i] == terrain.SoilColluvium {
			coll++
		}
	}
	if coll < len(u.cells("colluvium_slope"))*9/10 {
		t.Errorf("colluvium_slope place is only %d/%d colluvium", coll, len(u.cells("colluvium_slope")))
	}

	// The school sits on a flat terrace right below the slope.
	_, _, school := u.zRange(u.walk("school"))
	if lo, hi, _ := u.zRange(u.walk("school")); hi-lo > 3 {
		t.Errorf("school terrace spans %.2f m", hi-lo)
	}

	// Assembly points: bedrock, above the terrace, off the fall line.
	slopeP, _ := u.m.Place("colluvium_slope")
	sb := slopeP.Bounds()
	for _, id := range []string{"west_ridge_assembly", "east_ridge_assembly"} {
		p, _ := u.m.Place(id)
		x, _ := p.Centre()
		if x > sb.X0-40 && x < sb.X1+40 {
			t.Errorf("%s at x=%.0f is within 40 m of the colluvium (x %.0f–%.0f)", id, x, sb.X0, sb.X1)
		}
		lo, _, _ := u.zRange(u.cells(id))
		if lo < school+8 {
			t.Errorf("%s lowest cell %.2f m, want 8 m above the school's %.2f m", id, lo, school)
		}
		for _, i := range u.cells(id) {
			if u.m.Soil[i] != terrain.SoilBedrock {
				t.Errorf("%s: cell %d on soil zone %d, want bedrock", id, i, u.m.Soil[i])
				break
			}
		}
		// Reachable from the school on foot without crossing the slope.
		if !anyOf(u.reach(u.walk("school"), 1.6, set(u.cells("colluvium_slope"))), u.cells(id)) {
			t.Errorf("%s is not reachable from the school", id)
		}
	}

	// The downhill road runs down the fall line below the hollow.
	road, _ := u.m.Place("downhill_road")
	rb := road.Bounds()
	if mid := (sb.X0 + sb.X1) / 2; mid < rb.X0-10 || mid > rb.X1+10 {
		t.Errorf("downhill road x %.0f–%.0f is not on the slope's fall line x=%.0f", rb.X0, rb.X1, mid)
	}
	prev := math.Inf(1)
	c := int((rb.X0+rb.X1)/2/g.Cell - 0.5)
	for r := int(rb.Y0/g.Cell + 0.5); r < g.NY; r++ {
		if z := g.At(c, r); z >= prev {
			t.Errorf("downhill road rises at row %d (%.2f after %.2f)", r, z, prev)
			break
		} else {
			prev = z
		}
	}

	// A spring at the toe, and the hilltop far above.
	hasWater := false
	for _, i := range u.cells("slope_toe_spring") {
		hasWater = hasWater || u.m.LandUse[i] == terrain.Water
	}
	if !hasWater {
		t.Error("spring has no water cell")
	}
	if lo, _, _ := u.zRange(u.cells("hilltop_park")); lo < school+120 {
		t.Errorf("hilltop park %.2f m is not far above the school's %.2f m", lo, school)
	}
}

func TestHeatSchoolFeatures(t *testing.T) {
	t.Parallel()
	u := loadMap(t, "heat-school")
	g := u.g
	lo, hi, _ := u.zRange(u.cells("sports_field"))
	if hi-lo > 1 {
		t.Errorf("sports field spans %.2f m, want nearly flat", hi-lo)
	}
	track := 0
	for i, lu := range u.m.LandUse {
		if lu == terrain.SportsSurface {
			track++
		}
		if deg := math.Atan(g.Slope(i)) * 180 / math.Pi; deg > 1 {
			t.Fatalf("cell %d slopes %.2f°, want under 1°", i, deg)
		}
	}
	// A 400 m track of eight 1.22 m lanes is about 4000 m², 1000 cells.
	if track < 850 || track > 1150 {
		t.Errorf("track has %d cells, want about 1000", track)
	}
	for _, id := range []string{"tree_row", "covered_stand"} {
		if p, _ := u.m.Place(id); p.Kind != terrain.KindShade {
			t.Errorf("%s is %v, want shade", id, p.Kind)
		}
	}
	// Entrances are walkable and next to their (blocked) building.
	for _, id := range []string{"cool_room", "first_aid_room"} {
		next := false
		for _, i := range u.walk(id) {
			c, r := i%g.NX, i/g.NX
			if g.In(c, r+1) && u.m.LandUse[g.Index(c, r+1)] == terrain.Building {
				next = true
			}
		}
		if !next {
			t.Errorf("%s has no walkable cell beside a building", id)
		}
	}
}

func TestChongqingFeatures(t *testing.T) {
	t.Parallel()
	u := loadMap(t, "chongqing")
	g := u.g
	water := u.meta.NormalWater

	// Ridges 150–300 m above the water; steep banks.
	top := math.Inf(-1)
	steep, land := 0, 0
	for i, lu := range u.m.LandUse {
		if lu == terrain.Water {
			continue
		}
		land++
		top = math.Max(top, g.V[i])
		if math.Atan(g.Slope(i))*180/math.Pi > 20 {
			steep++
		}
	}
	if rel := top - water; rel < 150 || rel > 300 {
		t.Errorf("highest ground %.0f m above the water, want 150–300", rel)
	}
	if _, _, z := u.zRange(u.cells("ridge_park")); z-water < 150 {
		t.Errorf("peninsula summit only %.0f m above the water", z-water)
	}
	if frac := float64(steep) / float64(land); frac < 0.05 {
		t.Errorf("only %.1f%% of land steeper than 20°", 100*frac)
	}

	// The rivers meet: water entering at the west and south edges is
	// connected through water to the east edge.
	edges := map[terrain.Side][]int{}
	for _, e := range u.meta.Edges {
		cells, _ := e.Cells(g)
		edges[e.Side] = cells
	}
	for _, side := range []terrain.Side{terrain.West, terrain.South} {
		seen := waterReach(u, edges[side])
		if !anyOf(seen, edges[terrain.East]) {
			t.Errorf("water from the %s edge does not reach the east edge", side)
		}
	}
	for _, id := range []string{"south_riverside_road", "north_riverside_road"} {
		if lo, hi, _ := u.zRange(u.cells(id)); lo < water+8 || hi > water+14 {
			t.Errorf("%s at %.1f–%.1f m, want on the riverside bench", id, lo, hi)
		}
	}
}

// waterReach floods through water cells only.
func waterReach(u *mapUnderTest, start []int) []bool {
	g := u.g
	seen := make([]bool, len(g.V))
	queue := append([]int(nil), start...)
	for _, i := range start {
		seen[i] = true
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		c, r := i%g.NX, i/g.NX
		for _, d := range [][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
			if !g.In(c+d[0], r+d[1]) {
				continue
			}
			j := g.Index(c+d[0], r+d[1])
			if !seen[j] && u.m.LandUse[j] == terrain.Water {
				seen[j] = true
				queue = append(queue, j)
			}
		}
	}
	return seen
}
