package authoring

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkCheck is drill check's default dry run (10 good and 10 naive
// bots on three seeds, run side by side) of each hazard's starting
// scenario on its built-in map.
func BenchmarkCheck(b *testing.B) {
	for _, hazard := range Hazards {
		b.Run(hazard, func(b *testing.B) {
			src, err := New(NewOptions{Hazard: hazard, ID: hazard})
			if err != nil {
				b.Fatal(err)
			}
			file := filepath.Join(b.TempDir(), hazard+".yaml")
			if err := os.WriteFile(file, src, 0o644); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if r, err := Check(file, CheckOptions{}); err != nil || !r.OK() {
					b.Fatalf("%v %v", err, r.Problems)
				}
			}
		})
	}
}
