package authoring

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine/terrain"
	"github.com/rescuedrill/rescuedrill/scenarios"
)

func TestScenarioID(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"my-town":        "my-town",
		"My Town 2":      "my-town-2",
		"__flood__drill": "flood-drill",
		"校园":             "",
	} {
		if got := ScenarioID(in); got != want {
			t.Errorf("ScenarioID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	for _, o := range []NewOptions{
		{Hazard: "earthquake", ID: "x"},
		{Hazard: "flood", ID: "Bad ID"},
		{Hazard: "flood", ID: "x", Elevation: terrain.NewGrid(20, 20, 5)}, // no path for the grid
		{Hazard: "flood", ID: "x", Elevation: terrain.NewGrid(4, 4, 5), ElevationPath: "tiny.asc"},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) succeeded", o)
		}
	}
}

// readGrid reads a grid from testdata.
func readGrid(t *testing.T, name string) *terrain.Grid {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := terrain.ReadASC(f)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestTemplatesPassCheck: for every hazard, on its built-in map and on the
// example map, what drill new writes validates without errors, and the
// dry run of drill check passes. On the built-in maps the starting drill
// must also already tell right from wrong: good bots safe, naive bots not.
func TestTemplatesPassCheck(t *testing.T) {
	t.Parallel()
	for _, hazard := range Hazards {
		for _, own := range []bool{false, true} {
			name := hazard + "-builtin"
			if own {
				name = hazard + "-own-map"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				o := NewOptions{Hazard: hazard, ID: name}
				if own {
					o.Elevation, o.ElevationPath = readGrid(t, "riverside.elev.asc"), "riverside.elev.asc"
					src, err := os.ReadFile(filepath.Join("testdata", "riverside.elev.asc"))
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(dir, "riverside.elev.asc"), src, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				src, err := New(o)
				if err != nil {
					t.Fatal(err)
				}
				for _, lang := range []string{"# 单位", "# Units"} {
					if !strings.Contains(string(src), lang) {
						t.Errorf("template has no %q comment (zh-CN and en)", lang)
					}
				}
				file := filepath.Join(dir, name+".yaml")
				if err := os.WriteFile(file, src, 0o644); err != nil {
					t.Fatal(err)
				}
				r, err := Check(file, CheckOptions{Good: 4, Naive: 4, Seeds: []uint64{1}})
				if err != nil {
					t.Fatal(err)
				}
				if !r.OK() || !r.Ran {
					t.Fatalf("drill check fails on the template:\n%v", r.Problems)
				}
				if len(r.Timeline) == 0 {
					t.Error("empty MSEL timeline")
				}
				if !own || hazard != "landslide" { // the example map has no soil grid: nothing slides
					if !r.GoodSurvive() || !r.NaiveFail() {
						t.Errorf("good %+v, naive %+v: want good bots safe and naive bots not", r.Good, r.Naive)
					}
				}
			})
		}
	}
}

// TestCheckFindings: each broken scenario in testdata gives the error or
// warnings it was written for, at the line it is about.
func TestCheckFindings(t *testing.T) {
	t.Parallel()
	type finding struct{ msg, line string } // message part; text on the reported line
	for _, tc := range []struct {
		file    string
		wantErr bool
		want    []finding
	}{
		{"broken-duration.yaml", true, []finding{{`"15 minutes" is not a duration`, "duration: 15 minutes"}}},
		{"unreachable-yard.yaml", false, []finding{{"the safe place yard cannot be reached", "- id: yard"}}},
		{"unscorable.yaml", false, []finding{
			{"after_slide was never scored in the dry run: no slope failed", "- id: after_slide"},
			{"notice_crack was never scored in the dry run: no crack appeared", "- id: notice_crack"},
		}},
		{"weak-tasks.yaml", false, []finding{
			{"good bots lost points on self_care/to_shade", "- id: to_shade"},
			{"every bot, naive ones included, scored full marks on self_care/avoid_corner", "- id: avoid_corner"},
		}},
		{"mild-heat.yaml", false, []finding{
			{"the heat never reached any participant", "heat:"},
			{"to_shade was never scored in the dry run: no orange or higher warning", "- id: to_shade"},
			{"notice was never scored in the dry run: no NPC showed heat-illness symptoms", "- id: notice"},
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			file := filepath.Join("testdata", tc.file)
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(src), "\n")
			r, err := Check(file, CheckOptions{Good: 3, Naive: 3, Seeds: []uint64{1}})
			if err != nil {
				t.Fatal(err)
			}
			if r.OK() == tc.wantErr {
				t.Errorf("OK() = %v, want %v:\n%v", r.OK(), !tc.wantErr, r.Problems)
			}
			if r.Ran == tc.wantErr {
				t.Errorf("Ran = %v: a scenario with errors must not be dry-run, a valid one must", r.Ran)
			}
			for _, w := range tc.want {
				var hit *scenarios.Problem
				for _, p := range r.Problems {
					if strings.Contains(p.Msg, w.msg) {
						hit = p
					}
				}
				if hit == nil {
					t.Errorf("no problem says %q; got:\n%v", w.msg, r.Problems)
					continue
				}
				if hit.Line < 1 || hit.Line > len(lines) || !strings.Contains(lines[hit.Line-1], w.line) {
					t.Errorf("%q reported at line %d, want the line with %q", w.msg, hit.Line, w.line)
				}
				if (hit.Severity == scenarios.Error) != tc.wantErr {
					t.Errorf("%q has severity %v", w.msg, hit.Severity)
				}
			}
		})
	}
}
