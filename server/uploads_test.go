package server

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rescuedrill/rescuedrill/server/store"
)

// ownMapUpload is scenarios/testdata/valid-landslide.yaml with the three
// grids its map: names (maps/test-district.*.asc).
func ownMapUpload(t *testing.T) CreateRequest {
	t.Helper()
	dir := filepath.Join("..", "scenarios", "testdata")
	src, err := os.ReadFile(filepath.Join(dir, "valid-landslide.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	req := CreateRequest{Scenario: "hillside.yaml", Source: src, Files: map[string][]byte{}, Seed: 4}
	for _, ext := range []string{"elev", "landuse", "soil"} {
		p := "maps/test-district." + ext + ".asc"
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		req.Files[p] = b
	}
	return req
}

// TestUploadStoredAndRecovered: a drill on an uploaded map keeps the
// scenario and its grids under DATA/scenarios/ID, a restarted registry
// recovers it with that map, and without the folder it cannot.
func TestUploadStoredAndRecovered(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := t.TempDir()
	clk := newTestClock()
	r, err := NewRegistry(data, clk, nil)
	if err != nil {
		t.Fatal(err)
	}
	req := ownMapUpload(t)
	e, _, err := r.Create(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if e.Setup.Map == nil || e.Setup.Map.Soil == nil || e.Scenario != "hillside.yaml" {
		t.Fatalf("created drill: scenario %q, map %+v", e.Scenario, e.Setup.Map)
	}
	// The results name the map too: the same YAML on a built-in map, or
	// over another grid, is another scenario.
	if want := store.ScenarioHash(req.Source, req.Files); e.ScenarioHash != want || e.ScenarioHash == store.SourceHash(req.Source) {
		t.Fatalf("scenario hash %s, want %s (over the YAML and its grids)", e.ScenarioHash, want)
	}
	dir := UploadDir(data, e.ID)
	for p, want := range map[string][]byte{"hillside.yaml": req.Source, "maps/test-district.soil.asc": req.Files["maps/test-district.soil.asc"]} {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil || string(got) != string(want) {
			t.Fatalf("stored %s: %v (%d bytes, want %d)", p, err, len(got), len(want))
		}
	}
	if _, _, err := e.Drill.Join(ctx, "小明", ""); err != nil {
		t.Fatal(err)
	}
	r.Close()

	// What a crash during another drill's creation leaves: a half-written
	// ID.tmp folder, and a folder whose journal was never created.
	leftovers := []string{filepath.Join(data, ScenariosDir, "dhalf.tmp"), filepath.Join(data, ScenariosDir, "dnojournal")}
	for _, d := range leftovers {
		if err := os.MkdirAll(d, 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "hillside.yaml"), req.Source, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	r2, err := NewRegistry(data, clk, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r2.Recover(ctx)
	if err != nil || len(got) != 1 {
		t.Fatalf("recovered %d drills: %v", len(got), err)
	}
	for _, d := range leftovers {
		if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("left-over upload %s still there after recovery (%v)", filepath.Base(d), err)
		}
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("the recovered drill's upload folder: %v", err)
	}
	m := got[0].Setup.Map
	if got[0].ID != e.ID || m == nil || m.Soil == nil || m.Elev.NX != e.Setup.Map.Elev.NX || got[0].Scenario != "hillside.yaml" {
		t.Fatalf("recovered %s %q with map %+v", got[0].ID, got[0].Scenario, m)
	}
	if got[0].ScenarioHash != e.ScenarioHash {
		t.Fatalf("recovered scenario hash %s, created with %s", got[0].ScenarioHash, e.ScenarioHash)
	}
	r2.Close()

	// The map is what makes recovery possible: without the folder the
	// journal's YAML alone does not load.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	r3, err := NewRegistry(data, clk, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r3.Close()
	if got, err := r3.Recover(ctx); err != nil || len(got) != 0 {
		t.Fatalf("recovered %d drills without their map: %v", len(got), err)
	}
}

// TestUploadRefused: a refused upload is an ErrScenario naming the file,
// and nothing is kept of it.
func TestUploadRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*CreateRequest)
		want   string
	}{
		{"traversal", func(r *CreateRequest) { r.Files["../../etc/cron.d/x"] = []byte("x") }, "../../etc/cron.d/x: a map file's path must be relative"},
		{"missing grid", func(r *CreateRequest) { delete(r.Files, "maps/test-district.landuse.asc") }, "map.land_use: map file maps/test-district.landuse.asc was not uploaded"},
		{"no files at all", func(r *CreateRequest) { r.Files = nil }, "map.elevation: map file maps/test-district.elev.asc was not uploaded"},
		{"extra file", func(r *CreateRequest) { r.Files["maps/readme.txt"] = []byte("x") }, "maps/readme.txt: the scenario does not name this file"},
		{"name with a folder", func(r *CreateRequest) { r.Scenario = "x/hillside.yaml" }, "give the name without folders"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := t.TempDir()
			r, err := NewRegistry(data, newTestClock(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			req := ownMapUpload(t)
			tt.change(&req)
			_, _, err = r.Create(context.Background(), req)
			if !errors.Is(err, ErrScenario) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrScenario with %q", err, tt.want)
			}
			if ents, _ := os.ReadDir(filepath.Join(data, ScenariosDir)); len(ents) != 0 {
				t.Fatalf("a refused upload left %d entries in scenarios/", len(ents))
			}
			if ents, _ := os.ReadDir(filepath.Join(data, "journals")); len(ents) != 0 {
				t.Fatalf("a refused upload left %d journal entries", len(ents))
			}
		})
	}
}
