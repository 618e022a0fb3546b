package terrain

import (
	"math"
	"strings"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

func smallMap() *Map {
	g := planeGrid(4, 3, 5, 100, 0.1, 0)
	return &Map{
		Elev:    g,
		LandUse: make([]LandUse, 12),
		Soil:    make([]uint8, 12),
		Places:  []Place{{ID: "a", Kind: KindShelter, Rect: &Rect{0, 0, 10, 10}}},
	}
}

func TestMapValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(m *Map)
		want string // "" for valid
	}{
		{"ok", func(m *Map) {}, ""},
		{"nil land use and soil", func(m *Map) { m.LandUse, m.Soil = nil, nil }, ""},
		{"no elevation", func(m *Map) { m.Elev = nil }, "no elevation"},
		{"short elevation", func(m *Map) { m.Elev.V = m.Elev.V[:11] }, "holds 11 values"},
		{"short land use", func(m *Map) { m.LandUse = m.LandUse[:5] }, "land use has 5 cells"},
		{"long soil", func(m *Map) { m.Soil = append(m.Soil, 0) }, "soil has 13 cells"},
		{"bad land use", func(m *Map) { m.LandUse[7] = 200 }, "cell (c=3, r=1) has undefined land use 200"},
		{"NaN elevation", func(m *Map) { m.Elev.V[2] = math.NaN() }, "(c=2, r=0) has elevation NaN"},
		{"duplicate place", func(m *Map) { m.Places = append(m.Places, m.Places[0]) }, "used twice"},
		{"place off grid", func(m *Map) {
			m.Places = append(m.Places, Place{ID: "b", Rect: &Rect{100, 0, 110, 10}})
		}, `place "b" is centred at (105, 5), outside the 20×15 m grid`},
		{"bad place", func(m *Map) { m.Places[0].Rect = nil }, "0 shapes"},
	}
	for _, tt := range tests {
		m := smallMap()
		tt.edit(m)
		err := m.Validate()
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: Validate() = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestNewMap(t *testing.T) {
	t.Parallel()
	elev := planeGrid(4, 3, 5, 100, 0.1, 0)
	lu := NewGrid(4, 3, 5)
	lu.V[5] = float64(Building)
	soil := NewGrid(4, 3, 5)
	soil.V[6] = float64(SoilColluvium)
	m, err := NewMap(elev, lu, soil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Blocked(5) || m.Blocked(4) || m.SoilAt(6) != SoilColluvium || m.LandUseAt(5) != Building {
		t.Fatal("land use or soil not carried into the map")
	}
	if m2, err := NewMap(elev, nil, nil, nil); err != nil || m2.LandUseAt(3) != Open || m2.SoilAt(3) != SoilBedrock {
		t.Fatalf("nil grids: %v", err)
	}

	shifted := lu.Clone()
	shifted.XLL = 5
	wrongSize := NewGrid(3, 4, 5)
	badCode := lu.Clone()
	badCode.V[0] = 0.5
	tests := []struct {
		name     string
		lu, soil *Grid
		want     string
	}{
		{"shifted land use", shifted, nil, "does not match"},
		{"wrong soil size", nil, wrongSize, "soil grid 3×4"},
		{"fractional code", badCode, nil, "c=0, r=0"},
	}
	for _, tt := range tests {
		if _, err := NewMap(elev, tt.lu, tt.soil, nil); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := NewMap(nil, nil, nil, nil); err == nil {
		t.Error("nil elevation accepted")
	}
}

func TestMapHash(t *testing.T) {
	t.Parallel()
	sum := func(m *Map) uint64 {
		h := statehash.New()
		m.HashInto(h)
		return h.Sum()
	}
	ref := sum(smallMap())
	if sum(smallMap()) != ref {
		t.Fatal("equal maps hash differently")
	}
	edits := []struct {
		name string
		edit func(m *Map)
	}{
		{"elevation", func(m *Map) { m.Elev.V[0]++ }},
		{"last land use", func(m *Map) { m.LandUse[11] = Road }},
		{"soil", func(m *Map) { m.Soil[9] = 2 }},
		{"place name", func(m *Map) { m.Places[0].NameEN = "x" }},
		{"place shape", func(m *Map) { m.Places[0].Rect.X1 = 11 }},
		{"no places", func(m *Map) { m.Places = nil }},
	}
	for _, e := range edits {
		m := smallMap()
		e.edit(m)
		if sum(m) == ref {
			t.Errorf("changing %s did not change the hash", e.name)
		}
	}
	if p, ok := smallMap().Place("a"); !ok || p.Kind != KindShelter {
		t.Error("Place(\"a\") not found")
	}
	if _, ok := smallMap().Place("zz"); ok {
		t.Error("Place(\"zz\") found")
	}
}

func TestEdgeSegmentCells(t *testing.T) {
	t.Parallel()
	g := NewGrid(4, 3, 1)
	tests := []struct {
		e    EdgeSegment
		want []int
		err  string
	}{
		{EdgeSegment{ID: "n", Side: North, From: 1, To: 2}, []int{1, 2}, ""},
		{EdgeSegment{ID: "s", Side: South, From: 0, To: 3}, []int{8, 9, 10, 11}, ""},
		{EdgeSegment{ID: "w", Side: West, From: 0, To: 2}, []int{0, 4, 8}, ""},
		{EdgeSegment{ID: "e", Side: East, From: 2, To: 2}, []int{11}, ""},
		{EdgeSegment{ID: "x", Side: East, From: 2, To: 3}, nil, "outside 0..2"},
		{EdgeSegment{ID: "y", Side: North, From: 2, To: 1}, nil, "outside"},
		{EdgeSegment{ID: "z", Side: "up", From: 0, To: 0}, nil, "unknown side"},
	}
	for _, tt := range tests {
		got, err := tt.e.Cells(g)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: got %v, want error %q", tt.e.ID, err, tt.err)
			}
			continue
		}
		if err != nil || len(got) != len(tt.want) {
			t.Errorf("%s: got %v, %v; want %v", tt.e.ID, got, err, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: got %v, want %v", tt.e.ID, got, tt.want)
				break
			}
		}
	}
}
