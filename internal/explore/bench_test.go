package explore

import (
	"path/filepath"
	"testing"
)

// BenchmarkRun is one explorer query on the example map (80×60 cells at
// 5 m): an hour of flood with the river 2 m over the bank and 30 mm/h of
// rain, and the slope model (no soil grid here, so the flood is the cost).
func BenchmarkRun(b *testing.B) {
	m, err := Open(filepath.Join("..", "authoring", "testdata", "riverside.elev.asc"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := m.Run(Params{Level: 186, Rain: 30, Hours: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunFloodDistrict is the same query on the built-in
// flood-district (160×120 cells, soils for the slope map).
func BenchmarkRunFloodDistrict(b *testing.B) {
	m, err := Open("flood-district")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := m.Run(Params{Level: 170, Rain: 30, Hours: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
