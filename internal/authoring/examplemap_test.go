package authoring

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

var update = flag.Bool("update", false, "rewrite the generated example map and golden files in testdata")

// exampleMap builds riverside, the small map docs/authoring.md uses: 80×60
// cells at 5 m, georeferenced like a projected (UTM) export from QGIS. A
// river runs along the south edge; a riverside road above its bank; the
// ground rises north to a hill in the north-east; a road underpass dips
// 4 m below the street; blocks of buildings, and a walled yard with no
// gate (a place inside it cannot be reached: drill check must say so).
func exampleMap() (elev, landUse *terrain.Grid) {
	const nx, ny, cell = 80, 60, 5.0
	elev = terrain.NewGrid(nx, ny, cell)
	landUse = terrain.NewGrid(nx, ny, cell)
	for _, g := range []*terrain.Grid{elev, landUse} {
		g.XLL, g.YLL, g.NoData = 500000, 3300000, -9999
	}
	in := func(x, y, x0, y0, x1, y1 float64) bool { return x >= x0 && x <= x1 && y >= y0 && y <= y1 }
	for r := 0; r < ny; r++ {
		for c := 0; c < nx; c++ {
			x, y := elev.Centre(c, r)
			i := elev.Index(c, r)
			z, lu := 184.0, 0.0
			switch {
			case y > 270: // the river channel
				z, lu = 180, 2
			case y >= 250: // the bank and the riverside road
				if in(x, y, 0, 254, 400, 263) {
					lu = 1
				}
			default: // rising ground, a hill to the north-east
				z = 184 + (250-y)*0.12
				d2 := (x-320)*(x-320) + (y-60)*(y-60)
				z += 10 * math.Exp(-d2/(2*40*40))
			}
			if in(x, y, 140, 200, 200, 210) { // the underpass
				z, lu = z-4, 1
			}
			for _, b := range [][4]float64{{40, 200, 100, 240}, {220, 200, 280, 240}, {60, 120, 120, 160}} {
				if in(x, y, b[0], b[1], b[2], b[3]) {
					lu = 4
				}
			}
			if in(x, y, 300, 150, 360, 200) && !in(x, y, 306, 156, 354, 194) { // the yard's wall
				lu = 5
			}
			elev.V[i] = math.Round(z*100) / 100
			landUse.V[i] = lu
		}
	}
	return elev, landUse
}

// TestExampleMap keeps testdata/riverside.*.asc equal to exampleMap (run
// with -update after changing it).
func TestExampleMap(t *testing.T) {
	t.Parallel()
	elev, lu := exampleMap()
	for name, g := range map[string]*terrain.Grid{"riverside.elev.asc": elev, "riverside.landuse.asc": lu} {
		var b bytes.Buffer
		decimals := 2
		if g == lu {
			decimals = 0
		}
		if err := terrain.WriteASC(&b, g, decimals); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, b.Bytes()) {
			t.Errorf("%s differs from exampleMap(): run go test -run TestExampleMap -update", p)
		}
	}
}
