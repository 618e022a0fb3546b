package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestExplore: the table has a row per river level with the depth at the
// point, the higher level deeper there, and the SVG and PNG are written.
func TestExplore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	grid := filepath.Join("..", "..", "internal", "authoring", "testdata", "riverside.elev.asc")
	svg, pngFile := filepath.Join(dir, "m.svg"), filepath.Join(dir, "m.png")
	out, errs, code := runCLI(t, "explore", grid, "--at", "200,258", "--river-level", "185,188", "--hours", "0.5",
		"--svg", svg, "--png", pngFile)
	if code != 0 {
		t.Fatalf("explore: exit %d: %s\n%s", code, errs, out)
	}
	var depths []float64
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "185.00") || strings.HasPrefix(line, "188.00") {
			f := strings.Fields(line)
			d, err := strconv.ParseFloat(f[4], 64) // max depth at the point
			if err != nil {
				t.Fatalf("depth column %q: %v\n%s", f[4], err, out)
			}
			depths = append(depths, d)
		}
	}
	if len(depths) != 2 || depths[0] >= depths[1] {
		t.Errorf("depths at the point %v: want one per level, deeper at 188 m\n%s", depths, out)
	}
	for _, f := range []string{svg, pngFile} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	if _, _, code := runCLI(t, "explore", "flood-district", "--place", "atlantis"); code != 1 {
		t.Errorf("unknown place: exit %d, want 1", code)
	}
}
