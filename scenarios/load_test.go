package scenarios

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

// TestLoadPublic goes through the exported entry points with map files
// (the built-in maps are not part of this package's tests).
func TestLoadPublic(t *testing.T) {
	t.Parallel()
	l, err := Load(os.DirFS("testdata"), "valid-landslide.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if l.Map == nil || l.Map.Soil == nil || l.Scenario.ID != "test-landslide" || len(l.Problems) != 0 {
		t.Errorf("Load = %+v, map %v", l.Document, l.Map)
	}
	if ps := Check(os.DirFS("testdata"), "valid-landslide.yaml"); len(ps) != 0 {
		t.Errorf("Check(valid) = %v", ps)
	}

	_, err = Load(os.DirFS("testdata"), "broken.yaml")
	var ps Problems
	if !errors.As(err, &ps) || len(ps) < 8 {
		t.Errorf("Load(broken) = %v, want Problems", err)
	}
	// From disk, problems name the file as the user typed it.
	if _, err := LoadFile("testdata/valid-landslide.yaml"); err != nil {
		t.Errorf("LoadFile(valid) = %v", err)
	}
	ps = CheckFile("testdata/broken.yaml")
	if !ps.HasErrors() || ps[0].File != "testdata/broken.yaml" {
		t.Errorf("CheckFile(broken) = %d problems, first in %q", len(ps), ps[0].File)
	}
	ps = Check(os.DirFS("testdata"), "nothing-here.yaml")
	if len(ps) != 1 || ps[0].Msg != "no such file" || ps[0].File != "nothing-here.yaml" || !ps.HasErrors() {
		t.Errorf("Check(missing file) = %v", ps)
	}
}

// TestGridErrorsPointIntoTheGrid: a broken map file is reported at its own
// line and column, which is the file the author has to fix.
func TestGridErrorsPointIntoTheGrid(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"s/drill.yaml": {Data: []byte(readFixture(t, "valid-landslide.yaml"))}}
	for _, f := range []string{"elev", "landuse", "soil"} {
		name := "maps/test-district." + f + ".asc"
		fsys["s/"+name] = &fstest.MapFile{Data: []byte(readFixture(t, name))}
	}
	elev := strings.Split(string(fsys["s/maps/test-district.elev.asc"].Data), "\n")
	elev[8] = strings.Replace(elev[8], "16.2", "16,2", 1) // line 9: a comma for a decimal point
	fsys["s/maps/test-district.elev.asc"].Data = []byte(strings.Join(elev, "\n"))

	_, ps := load(fsys, "s/drill.yaml", "s/drill.yaml", nil)
	if len(ps) != 1 {
		t.Fatalf("got %d problems, want 1:\n%v", len(ps), ps)
	}
	p := ps[0]
	if p.File != "s/maps/test-district.elev.asc" || p.Line != 9 || !strings.HasPrefix(caretText(p), "16,2") {
		t.Errorf("problem at %s, caret on %q:\n%s", p.Position(), caretText(p), p)
	}

	// Land use with an undefined class fails when the map is assembled.
	lu := strings.Replace(readFixture(t, "maps/test-district.landuse.asc"), "4 4", "99 4", 1)
	fsys["s/maps/test-district.elev.asc"].Data = []byte(readFixture(t, "maps/test-district.elev.asc"))
	fsys["s/maps/test-district.landuse.asc"].Data = []byte(lu)
	_, ps = load(fsys, "s/drill.yaml", "s/drill.yaml", nil)
	if len(ps) != 1 || ps[0].Path != "map" || !strings.Contains(ps[0].Msg, "99") {
		t.Errorf("bad land use: %v", ps)
	}
}

func TestBuiltinMapsMissing(t *testing.T) {
	t.Parallel()
	_, ps := load(os.DirFS("testdata"), "valid-heat.yaml", "valid-heat.yaml", nil)
	checkProblems(t, ps, []want{{"map.name", "built without the built-in maps", "test-district"}})
}

// TestPlaceKindsMatchTerrain: every kind the schema lets a trainer write
// must be one the terrain package can represent, or Load fails on a file
// the editor called valid.
func TestPlaceKindsMatchTerrain(t *testing.T) {
	t.Parallel()
	// Kinds in the schema that package terrain does not have yet. Remove
	// an entry when terrain gains it (this test then says so).
	knownGaps := []string{"home"}

	_, f := goTypeAt("/places/0/kind")
	var gaps []string
	for _, part := range strings.Split(f.Tag.Get("jsonschema"), ",") {
		kind, ok := strings.CutPrefix(part, "enum=")
		if !ok {
			continue
		}
		k, err := terrain.ParsePlaceKind(kind)
		if err != nil {
			gaps = append(gaps, kind)
			continue
		}
		if k.Key() != kind {
			t.Errorf("kind %q parses to %q", kind, k.Key())
		}
	}
	if !slices.Equal(gaps, knownGaps) {
		t.Errorf("schema kinds terrain cannot parse: %q, want %q", gaps, knownGaps)
	}
	// The gap is reported, not crashed on.
	src := strings.Replace(readFixture(t, "valid-flood.yaml"), "kind: hilltop", "kind: home", 1)
	fsys := fstest.MapFS{"f.yaml": {Data: []byte(src)}}
	for _, f := range []string{"elev", "landuse", "soil"} {
		name := "maps/test-district." + f + ".asc"
		fsys[name] = &fstest.MapFile{Data: []byte(readFixture(t, name))}
	}
	_, ps := load(fsys, "f.yaml", "f.yaml", fsys)
	checkProblems(t, ps, []want{{"places[2].kind", `the map engine has no place kind "home"`, "home"}})
}

func TestYAMLNames(t *testing.T) {
	t.Parallel()
	got := yamlNames(os.DirFS("testdata"))
	want := []string{"broken", "valid-flood", "valid-heat", "valid-landslide"}
	if !slices.Equal(got, want) {
		t.Errorf("yamlNames(testdata) = %q, want %q", got, want)
	}
	if yamlNames(nil) != nil {
		t.Error("yamlNames(nil) not empty")
	}
}

// TestBuiltinsLoad: every built-in scenario loads without a single
// problem, warnings included.
func TestBuiltinsLoad(t *testing.T) {
	t.Parallel()
	names := Builtins()
	if len(names) == 0 {
		if _, err := Builtin("flood"); err == nil {
			t.Error("Builtin found a scenario that Builtins does not list")
		}
		t.Skip("no built-in scenarios yet (see builtin.go)")
	}
	if !slices.IsSorted(names) {
		t.Errorf("Builtins() = %q, not sorted", names)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			l, err := Builtin(name)
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Problems) > 0 || l.Map == nil {
				t.Errorf("warnings:\n%v", l.Problems)
			}
		})
	}
	if _, err := Builtin(names[0] + "x"); err == nil || !strings.Contains(err.Error(), "did you mean") {
		t.Errorf("Builtin(typo) = %v, want a suggestion", err)
	}
}
