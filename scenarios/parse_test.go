package scenarios

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine"
)

// testMaps stands in for the built-in maps: testdata/maps/test-district.*
// is a 16×10 grid of 50 m cells, 800 m east by 500 m south.
var testMaps = os.DirFS("testdata")

func loadFixture(t *testing.T, name string) (*Loaded, Problems) {
	t.Helper()
	return load(os.DirFS("testdata"), name, "testdata/"+name, testMaps)
}

func readFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestValidFixturesLoad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file  string
		check func(t *testing.T, sc *engine.Scenario)
	}{
		{"valid-flood.yaml", func(t *testing.T, sc *engine.Scenario) {
			if sc.Duration != 900 || sc.TimeScale != 10 || sc.TickHz != 20 {
				t.Errorf("duration, time_scale, tick_hz = %v, %v, %v; want 900, 10, 20", float64(sc.Duration), sc.TimeScale, sc.TickHz)
			}
			rain := sc.Flood.RainMMPerH
			if len(rain) != 3 || rain[1].At != 1800 || rain[2].At != 5400 || rain[1].Value != 60 {
				t.Errorf("rain = %+v, want 30m → 1800 s and 1h30m → 5400 s", rain)
			}
			if in := sc.Injects[1]; in.At != 150 || in.Prompt == nil || !in.Prompt.Options[0].Correct {
				t.Errorf("prompt inject = %+v, want at 150 s with a correct first option", in)
			}
			if got := sc.Objectives[0].Tasks[0]; got.Within != 300 || got.After.Warning != "orange" {
				t.Errorf("task = %+v, want within 5m after orange", got)
			}
		}},
		{"valid-landslide.yaml", func(t *testing.T, sc *engine.Scenario) {
			if len(sc.Landslide.Soils) != 2 || sc.Landslide.Soils[1].FrictionDeg != 34 {
				t.Errorf("soils = %+v", sc.Landslide.Soils)
			}
			if sc.Map.Soil != "maps/test-district.soil.asc" {
				t.Errorf("map = %+v", sc.Map)
			}
		}},
		{"valid-heat.yaml", func(t *testing.T, sc *engine.Scenario) {
			if sc.Duration != 900 || sc.Heat.AirTempC[1].At != 3600 || sc.Heat.DaysAbove35 != 3 {
				t.Errorf("heat = %+v, duration %v", sc.Heat, sc.Duration)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			l, ps := loadFixture(t, tt.file)
			if len(ps) > 0 {
				t.Fatalf("want no problems, got:\n%v", ps)
			}
			if l.Map == nil || l.Map.Elev.NX != 16 || len(l.Map.Places) != len(l.Scenario.Places) {
				t.Fatalf("map not assembled: %+v", l.Map)
			}
			tt.check(t, l.Scenario)
		})
	}
}

// TestPlacesReachTerrain checks the conversion of place specs into the
// terrain's places, shape and kind.
func TestPlacesReachTerrain(t *testing.T) {
	t.Parallel()
	l, ps := loadFixture(t, "valid-flood.yaml")
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	school, ok := l.Map.Place("school")
	if !ok || school.Rect == nil || school.Rect.X1 != 300 || school.Kind.Key() != "school" || school.NameEN != "School" {
		t.Errorf("school = %+v", school)
	}
	hill, ok := l.Map.Place("hill")
	if !ok || hill.Circle == nil || hill.Circle.R != 40 || hill.Kind.Key() != "hilltop" || hill.NameZH != "小山" {
		t.Errorf("hill = %+v", hill)
	}
}

// TestBrokenGolden is the trainer's view: one file with eight typical
// mistakes gives exactly eight problems, each at the right line and
// column. The golden file shows them as `drill validate` prints them.
func TestBrokenGolden(t *testing.T) {
	t.Parallel()
	_, ps := loadFixture(t, "broken.yaml")
	// The mistakes the fixture was written with, in file order; a change
	// that adds or loses one fails here before the golden comparison.
	want := []string{
		"duration",                         // "15 minutes"
		"places[0].kind",                   // schol: enum typo
		"places[1].rect",                   // three numbers
		"places[2].id",                     // school twice
		"flood.rain_mm_per_h[2].at",        // series going back in time
		"npcs[0].conformty",                // unknown field typo
		"injects[0].prompt.options",        // no correct option
		"objectives[0].tasks[0].places[0]", // reference to no place
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.Path)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problem paths:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	golden(t, "testdata/broken.golden", ps.Error()+"\n")
}

func golden(t *testing.T, file, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", file, got)
	}
}

func TestSecondsForms(t *testing.T) {
	t.Parallel()
	base := readFixture(t, "valid-heat.yaml")
	tests := []struct {
		yaml    string
		want    engine.Seconds
		wantErr string // substring of the one problem, at path duration
	}{
		{"900", 900, ""},
		{"0.5", 0.5, ""},
		{`"900"`, 900, ""},
		{"90s", 90, ""},
		{"15m", 900, ""},
		{`"15m"`, 900, ""},
		{"1h30m", 5400, ""},
		{"2.5h", 9000, ""},
		{"1h0m30s", 3630, ""},
		{"15 minutes", 0, `"15 minutes" is not a duration`},
		{`"1h 30m"`, 0, `"1h 30m" is not a duration`},
		{"15x", 0, `"15x" is not a duration`},
		{"-5", 0, "duration -5 is negative"},
		{"true", 0, "want a duration, got true"},
		{"0", 0, "must last more than 0 seconds"},
		{"", 0, "is empty"},
	}
	for _, tt := range tests {
		src := strings.Replace(base, "duration: 900", "duration: "+tt.yaml, 1)
		d := Validate("t.yaml", []byte(src))
		if tt.wantErr == "" {
			if len(d.Problems) > 0 || d.Scenario.Duration != tt.want {
				t.Errorf("duration: %s → %v, problems %v; want %v", tt.yaml, float64(d.Scenario.Duration), d.Problems, float64(tt.want))
			}
			continue
		}
		if len(d.Problems) != 1 || d.Problems[0].Path != "duration" || !strings.Contains(d.Problems[0].Msg, tt.wantErr) {
			t.Errorf("duration: %s → problems %v; want one at duration containing %q", tt.yaml, d.Problems, tt.wantErr)
		}
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	good := readFixture(t, "valid-flood.yaml")
	sc, err := Parse("ok.yaml", []byte(good))
	if err != nil || sc == nil || sc.ID != "test-flood" {
		t.Fatalf("Parse(valid) = %v, %v", sc, err)
	}
	// A missing modeline is a warning: it must be reported by Validate
	// but must not stop Parse.
	noModeline := good[strings.Index(good, "\n")+1:]
	if _, err := Parse("ok.yaml", []byte(noModeline)); err != nil {
		t.Errorf("Parse without modeline: %v, want no error", err)
	}
	if ps := Validate("ok.yaml", []byte(noModeline)).Problems; len(ps) != 1 || ps[0].Severity != Warning || ps[0].Line != 1 {
		t.Errorf("Validate without modeline = %v, want one warning at line 1", ps)
	}
	sc, err = Parse("bad.yaml", []byte(readFixture(t, "broken.yaml")))
	var ps Problems
	if sc != nil || !errors.As(err, &ps) || len(ps) != 8 {
		t.Errorf("Parse(broken) = %v, %d problems (%v); want nil and all 8 problems", sc, len(ps), err)
	}
}

func TestModeline(t *testing.T) {
	t.Parallel()
	body := "id: x\n"
	tests := []struct {
		src     string
		wantMsg string // "" for no problem
	}{
		{"# yaml-language-server: $schema=../schema/scenario.schema.json\n", ""},
		{"# yaml-language-server: $schema=schema/scenario.schema.json\n", ""},
		{"\uFEFF# yaml-language-server: $schema=schema/scenario.schema.json\n", ""},
		{"", "does not start with the yaml-language-server modeline"},
		{"# a comment first\n# yaml-language-server: $schema=schema/scenario.schema.json\n", "does not start with"},
		{"# yaml-language-server: $schema=other.json\n", "does not point at scenario.schema.json"},
	}
	for _, tt := range tests {
		d := &Document{Src: []byte(tt.src + body), flagged: map[string]bool{}}
		d.checkModeline()
		switch {
		case tt.wantMsg == "" && len(d.Problems) != 0:
			t.Errorf("%q: got %v, want no problem", tt.src, d.Problems)
		case tt.wantMsg != "" && (len(d.Problems) != 1 || d.Problems[0].Severity != Warning || !strings.Contains(d.Problems[0].Msg, tt.wantMsg)):
			t.Errorf("%q: got %v, want one warning containing %q", tt.src, d.Problems, tt.wantMsg)
		}
	}
}

// TestFilesHaveModeline: every YAML file in the package, built-ins and
// fixtures, starts with a modeline whose path really leads to the schema
// from where the file is, so editors find it.
func TestFilesHaveModeline(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{".", "testdata"} {
		files, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if !strings.HasSuffix(f.Name(), ".yaml") {
				continue
			}
			src, err := os.ReadFile(dir + "/" + f.Name())
			if err != nil {
				t.Fatal(err)
			}
			first := sourceLine(src, 1)
			rel, ok := strings.CutPrefix(first, Modeline)
			if !ok {
				t.Errorf("%s/%s: first line %q, want %s<path to %s>", dir, f.Name(), first, Modeline, SchemaPath)
				continue
			}
			if _, err := os.Stat(dir + "/" + rel); err != nil {
				t.Errorf("%s/%s: modeline path %s: %v", dir, f.Name(), rel, err)
			}
		}
	}
}
