package terrain

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// lShape is a concave polygon: a 20×20 square missing its north-east quarter.
var lShape = []Point{{0, 0}, {10, 0}, {10, 10}, {20, 10}, {20, 20}, {0, 20}}

func TestContains(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    Place
		x, y float64
		want bool
	}{
		{"rect inside", Place{Rect: &Rect{10, 20, 30, 40}}, 15, 25, true},
		{"rect on edge", Place{Rect: &Rect{10, 20, 30, 40}}, 30, 40, true},
		{"rect outside", Place{Rect: &Rect{10, 20, 30, 40}}, 31, 25, false},
		{"rect corners reversed", Place{Rect: &Rect{30, 40, 10, 20}}, 15, 25, true},
		{"circle inside", Place{Circle: &Circle{100, 100, 5}}, 103, 104, true},
		{"circle on rim", Place{Circle: &Circle{100, 100, 5}}, 105, 100, true},
		{"circle outside", Place{Circle: &Circle{100, 100, 5}}, 104, 104, false},
		{"polygon inside arm", Place{Polygon: lShape}, 5, 5, true},
		{"polygon inside base", Place{Polygon: lShape}, 15, 15, true},
		{"polygon notch is outside", Place{Polygon: lShape}, 15, 5, false},
		{"polygon beyond", Place{Polygon: lShape}, 25, 15, false},
		{"polygon level with a vertex", Place{Polygon: lShape}, 5, 10, true},
		{"no shape", Place{}, 0, 0, false},
	}
	for _, tt := range tests {
		if got := tt.p.Contains(tt.x, tt.y); got != tt.want {
			t.Errorf("%s: Contains(%v, %v) = %v, want %v", tt.name, tt.x, tt.y, got, tt.want)
		}
	}
}

func TestCentreAndBounds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		p      Place
		cx, cy float64
		bounds Rect
	}{
		{"rect", Place{Rect: &Rect{30, 40, 10, 20}}, 20, 30, Rect{10, 20, 30, 40}},
		{"circle", Place{Circle: &Circle{5, 6, 2}}, 5, 6, Rect{3, 4, 7, 8}},
		{"triangle", Place{Polygon: []Point{{0, 0}, {6, 0}, {0, 3}}}, 2, 1, Rect{0, 0, 6, 3}},
		// L-shape: west half 200 m² centred (5, 10) plus south-east quarter
		// 100 m² centred (15, 15).
		{"concave", Place{Polygon: lShape}, 25.0 / 3, 35.0 / 3, Rect{0, 0, 20, 20}},
		{"degenerate polygon", Place{Polygon: []Point{{0, 0}, {2, 2}, {4, 4}}}, 2, 2, Rect{0, 0, 4, 4}},
	}
	for _, tt := range tests {
		x, y := tt.p.Centre()
		if math.Abs(x-tt.cx) > 1e-12 || math.Abs(y-tt.cy) > 1e-12 {
			t.Errorf("%s: Centre = (%v, %v), want (%v, %v)", tt.name, x, y, tt.cx, tt.cy)
		}
		if b := tt.p.Bounds(); b != tt.bounds {
			t.Errorf("%s: Bounds = %v, want %v", tt.name, b, tt.bounds)
		}
	}
}

func TestPlaceCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    Place
		want string // "" for valid
	}{
		{"rect", Place{ID: "a", Rect: &Rect{0, 0, 1, 1}}, ""},
		{"no id", Place{Rect: &Rect{0, 0, 1, 1}}, "no id"},
		{"no shape", Place{ID: "a"}, "has 0 shapes"},
		{"two shapes", Place{ID: "a", Rect: &Rect{0, 0, 1, 1}, Circle: &Circle{0, 0, 1}}, "has 2 shapes"},
		{"empty rect", Place{ID: "a", Rect: &Rect{0, 0, 0, 1}}, "empty"},
		{"NaN rect", Place{ID: "a", Rect: &Rect{0, 0, math.NaN(), 1}}, "not finite"},
		{"zero radius", Place{ID: "a", Circle: &Circle{0, 0, 0}}, "positive radius"},
		{"two-point polygon", Place{ID: "a", Polygon: []Point{{0, 0}, {1, 1}}}, "2 points"},
		{"infinite polygon", Place{ID: "a", Polygon: []Point{{0, 0}, {1, 1}, {math.Inf(1), 0}}}, "not finite"},
		{"bad kind", Place{ID: "a", Kind: numPlaceKind, Rect: &Rect{0, 0, 1, 1}}, "invalid kind"},
	}
	for _, tt := range tests {
		err := tt.p.Check()
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: Check() = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestParsePlaceKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want PlaceKind
		ok   bool
	}{
		{"school", KindSchool, true},
		{"Sports Field", KindSportsField, true},
		{"sports-field", KindSportsField, true},
		{"SportsField", KindSportsField, true},
		{" water_station ", KindWaterStation, true},
		{"firstaid", KindFirstAid, true},
		{"应急避难场所", KindShelter, true},
		{"下穿通道", KindUnderpass, true},
		{"cool_room", KindCoolRoom, true},
		{"volcano", KindOther, false},
		{"", KindOther, false},
	}
	for _, tt := range tests {
		got, err := ParsePlaceKind(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParsePlaceKind(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	// Every kind's key and Chinese name parse back to it, and keys are unique.
	keys := map[string]bool{}
	for k := PlaceKind(0); k < numPlaceKind; k++ {
		if keys[k.Key()] {
			t.Errorf("duplicate key %q", k.Key())
		}
		keys[k.Key()] = true
		for _, s := range []string{k.Key(), k.NameZH()} {
			if got, err := ParsePlaceKind(s); err != nil || got != k {
				t.Errorf("ParsePlaceKind(%q) = %v, %v; want %v", s, got, err, k)
			}
		}
		if k.NameEN() == "" {
			t.Errorf("kind %d has no English name", k)
		}
	}
}

func TestPlaceJSONRoundTrip(t *testing.T) {
	t.Parallel()
	in := []Place{
		{ID: "gym", Kind: KindShelter, NameZH: "体育馆", NameEN: "Gym", Rect: &Rect{1, 2, 3, 4}},
		{ID: "well", Kind: KindWaterStation, Circle: &Circle{5, 6, 1}},
		{ID: "yard", Kind: KindAssembly, Polygon: lShape},
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"kind":"shelter"`) {
		t.Fatalf("kinds should be written as keys: %s", b)
	}
	var out []Place
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	hash := func(ps []Place) uint64 {
		h := statehash.New()
		for _, p := range ps {
			p.HashInto(h)
		}
		return h.Sum()
	}
	if hash(out) != hash(in) {
		t.Fatalf("round trip changed places: %s", b)
	}
	var k PlaceKind
	if err := json.Unmarshal([]byte(`"volcano"`), &k); err == nil {
		t.Error("unknown kind decoded without error")
	}
}

func TestPlaceCells(t *testing.T) {
	t.Parallel()
	g := NewGrid(10, 10, 10)
	tests := []struct {
		name string
		p    Place
		want []int
	}{
		// Centres x=15 and 25 lie in x∈[10,30]; y∈[0,10] holds row 0's centres only.
		{"rect", Place{Rect: &Rect{10, 0, 30, 10}}, []int{1, 2}},
		// The four centres around (50, 50) are 7.07 m from it.
		{"circle", Place{Circle: &Circle{50, 50, 7.1}}, []int{44, 45, 54, 55}},
		{"circle between centres gets its cell", Place{Circle: &Circle{50, 50, 7}}, []int{55}},
		{"tiny rect gets its cell", Place{Rect: &Rect{71, 71, 72, 72}}, []int{77}},
		{"off grid", Place{Rect: &Rect{-50, -50, -40, -40}}, nil},
		{"clamped", Place{Rect: &Rect{-1e300, 91, 1e300, 1e300}}, []int{90, 91, 92, 93, 94, 95, 96, 97, 98, 99}},
	}
	for _, tt := range tests {
		got := g.PlaceCells(tt.p)
		if len(got) != len(tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
				break
			}
		}
	}
}
