package engine_test

import (
	"reflect"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

// TestPlaceCells: a 10×8 map at 5 m, all road but a building over columns
// 6–9 of rows 0–3. Cell (c, r) is index r*10+c with its centre at
// (5c+2.5, 5r+2.5).
func TestPlaceCells(t *testing.T) {
	t.Parallel()
	const nx, ny, cell = 10, 8, 5.0
	elev := terrain.NewGrid(nx, ny, cell)
	lu := make([]terrain.LandUse, nx*ny)
	for r := 0; r < ny; r++ {
		for c := 0; c < nx; c++ {
			elev.V[r*nx+c] = 170
			lu[r*nx+c] = terrain.Road
			if c >= 6 && r < 4 {
				lu[r*nx+c] = terrain.Building
			}
		}
	}
	m, err := terrain.NewMap(elev, terrain.LandUseGrid(elev, lu), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		place engine.PlaceSpec
		want  []int
	}{
		{"rectangle: the four centres inside", engine.PlaceSpec{Rect: []float64{0, 0, 10, 10}}, []int{0, 1, 10, 11}},
		{"rectangle hanging off the map", engine.PlaceSpec{Rect: []float64{-10, -10, 3, 3}}, []int{0}},
		{"circle: centres within the radius", engine.PlaceSpec{Circle: []float64{25, 25, 5}}, []int{44, 45, 54, 55}},
		{"circle: centres exactly on the edge count", engine.PlaceSpec{Circle: []float64{22.5, 22.5, 5}}, []int{34, 43, 44, 45, 54}},
		{"rectangle part over the building: only walkable cells", engine.PlaceSpec{Rect: []float64{25, 0, 35, 10}}, []int{5, 15}},
		// Inside the building: the walkable cell nearest the centre (40, 10)
		// by the engine's square rings from cell (8, 2) — (8, 4), not (7, 4),
		// which is as near by straight-line distance and first in index order.
		{"over a building: the nearest walkable cell", engine.PlaceSpec{Rect: []float64{35, 5, 45, 15}}, []int{48}},
		{"circle between centres: the nearest walkable cell", engine.PlaceSpec{Circle: []float64{5, 30, 1}}, []int{61}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := tt.place
			p.ID, p.Kind, p.Name = "p", "road", engine.Text{ZH: "地点", EN: "Place"}
			spawn := engine.PlaceSpec{ID: "spawn", Kind: "road", Name: engine.Text{ZH: "起点", EN: "Start"}, Rect: []float64{0, 30, 20, 40}}
			sc := &engine.Scenario{ID: "cells", Hazard: "flood", TickHz: 20, TimeScale: 1, Duration: 10,
				Title:  engine.Text{ZH: "格子", EN: "Cells"},
				Places: []engine.PlaceSpec{spawn, p}, Spawn: engine.SpawnSpec{Place: "spawn"},
				Flood: &engine.FloodSpec{InitialLevel: 100}}
			w, err := engine.NewWorld(engine.Setup{Scenario: sc, Map: m}, 1)
			if err != nil {
				t.Fatal(err)
			}
			got := w.PlaceCells("p")
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("PlaceCells = %v, want %v", got, tt.want)
			}
			got[0] = -1 // a copy: the world's own cells stay
			if again := w.PlaceCells("p"); !reflect.DeepEqual(again, tt.want) {
				t.Fatalf("PlaceCells returned the world's own slice: now %v", again)
			}
			if w.PlaceCells("nowhere") != nil {
				t.Fatal("an unknown place has cells")
			}
		})
	}
}
