package terrain

import (
	"strings"
	"testing"
)

func TestLandUseTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lu      LandUse
		manning float64
		blocked bool
		en, zh  string
	}{
		{Open, 0.035, false, "Open ground / grass", "空地/草地"},
		{Road, 0.015, false, "Road / paved", "道路/铺装地面"},
		{Water, 0.030, false, "Water / river", "水体/河道"},
		{Forest, 0.100, false, "Forest", "林地"},
		{Building, 0.300, true, "Building", "建筑物"},
		{Wall, 0.300, true, "Wall / obstacle", "墙体/障碍物"},
		{SoilSlope, 0.030, false, "Soil slope", "土质边坡"},
		{Farmland, 0.035, false, "Farmland", "农田"},
		{Shrub, 0.050, false, "Shrub / brush", "灌丛"},
		{SportsSurface, 0.015, false, "Synthetic sports surface", "塑胶运动场地"},
	}
	if len(tests) != NumLandUse {
		t.Fatalf("table covers %d classes, package defines %d", len(tests), NumLandUse)
	}
	for _, tt := range tests {
		if got := Manning(tt.lu); got != tt.manning {
			t.Errorf("%v: Manning %v, want %v", tt.lu, got, tt.manning)
		}
		if got := Blocked(tt.lu); got != tt.blocked {
			t.Errorf("%v: Blocked %v, want %v", tt.lu, got, tt.blocked)
		}
		if tt.lu.NameEN() != tt.en || tt.lu.NameZH() != tt.zh || tt.lu.String() != tt.en {
			t.Errorf("%d: names %q/%q, want %q/%q", tt.lu, tt.lu.NameEN(), tt.lu.NameZH(), tt.en, tt.zh)
		}
	}
	bad := LandUse(NumLandUse)
	if bad.Valid() || Blocked(bad) || Manning(bad) != Manning(Open) || !strings.Contains(bad.NameEN(), "10") {
		t.Errorf("invalid code: valid %v blocked %v n %v name %q", bad.Valid(), Blocked(bad), Manning(bad), bad.NameEN())
	}
}

func TestLandUseFromGrid(t *testing.T) {
	t.Parallel()
	g := NewGrid(3, 1, 1)
	copy(g.V, []float64{0, 4, 9})
	lu, err := LandUseFromGrid(g)
	if err != nil {
		t.Fatal(err)
	}
	if lu[0] != Open || lu[1] != Building || lu[2] != SportsSurface {
		t.Fatalf("got %v", lu)
	}
	back := LandUseGrid(g, lu)
	for i := range g.V {
		if back.V[i] != g.V[i] {
			t.Fatalf("LandUseGrid cell %d: %v, want %v", i, back.V[i], g.V[i])
		}
	}
	for _, bad := range []float64{1.5, -1, float64(NumLandUse), g.NoData} {
		g.V[2] = bad
		if _, err := LandUseFromGrid(g); err == nil || !strings.Contains(err.Error(), "c=2, r=0") {
			t.Errorf("value %v: got %v, want an error naming cell c=2, r=0", bad, err)
		}
	}
}

func TestSoilFromGrid(t *testing.T) {
	t.Parallel()
	g := NewGrid(2, 1, 1)
	copy(g.V, []float64{float64(SoilColluvium), 255})
	s, err := SoilFromGrid(g)
	if err != nil {
		t.Fatal(err)
	}
	if s[0] != SoilColluvium || s[1] != 255 {
		t.Fatalf("got %v", s)
	}
	if back := SoilGrid(g, s); back.V[0] != 1 || back.V[1] != 255 {
		t.Fatalf("SoilGrid: %v", back.V)
	}
	g.V[1] = 256
	if _, err := SoilFromGrid(g); err == nil {
		t.Error("want an error for zone 256")
	}
}
