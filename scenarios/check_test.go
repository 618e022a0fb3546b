package scenarios

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// want is one expected problem: its path, a piece of its message, and the
// text its caret must point at (which pins line and column without
// counting them by hand).
type want struct {
	path, msg, at string
}

// TestChecks makes one mistake at a time in a valid fixture and expects
// exactly the problems listed: the right path, message and position, and
// no follow-on noise from the same mistake.
func TestChecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		base     string // fixture
		old, new string // edit; old must occur exactly once
		want     []want // nil: the edit is fine
	}{
		// Schema: fields, types, enums, limits.
		{"unknown top-level field", "valid-flood.yaml", "tick_hz: 20", "tick_hx: 20",
			[]want{{"tick_hx", `unknown field "tick_hx"`, "tick_hx"}}},
		{"unknown field far from any", "valid-flood.yaml", "heading_deg: 90", "weather: 90",
			[]want{{"spawn.weather", `unknown field "weather"`, "weather"}}},
		{"case slip is unknown too", "valid-flood.yaml", "tick_hz: 20", "Tick_Hz: 20",
			[]want{{"Tick_Hz", "unknown field", "Tick_Hz"}}},
		{"enum typo", "valid-flood.yaml", "hazard: flood", "hazard: floods",
			[]want{{"hazard", `"floods" is not a known hazard`, "floods"}}},
		{"enum in a list", "valid-flood.yaml", "auto: [rainstorm]", "auto: [rainstrom]",
			[]want{{"warnings.auto[0]", `"rainstrom" is not allowed in auto`, "rainstrom"}}},
		{"text for a number", "valid-flood.yaml", "points: 40", "points: lots",
			[]want{{"objectives[0].tasks[0].points", "want a whole number, got text", "lots"}}},
		{"bad id", "valid-flood.yaml", "id: test-flood", "id: Test Flood",
			[]want{{"id", `"Test Flood" is not a valid id`, "Test Flood"}}},
		{"above maximum", "valid-flood.yaml", "time_scale: 10", "time_scale: 121",
			[]want{{"time_scale", "121 is above the maximum 120", "121"}}},
		{"below minimum", "valid-flood.yaml", "tick_hz: 20", "tick_hz: 5",
			[]want{{"tick_hz", "5 is below the minimum 10", "5"}}},
		{"missing section", "valid-flood.yaml", "spawn:\n  place: school\n  heading_deg: 90\n", "",
			[]want{{"spawn", `missing required field "spawn"`, "id: test-flood"}}},
		{"empty section", "valid-flood.yaml", "spawn:\n  place: school\n  heading_deg: 90\n", "spawn:\n",
			[]want{{"spawn", "is empty: want a mapping", "spawn"}}},
		{"prompt with one option", "valid-flood.yaml",
			"        - id: underpass\n          text: {zh: 走地下通道, en: Through the underpass}\n          why: {zh: 地下通道会被淹, en: Underpasses flood first}\n", "",
			[]want{{"injects[1].prompt.options", "has 1 item, want at least 2", "- id: hill"}}},

		// Semantics: the drill as a whole.
		{"zero duration", "valid-flood.yaml", "duration: 15m", "duration: 0",
			[]want{{"duration", "more than 0 seconds", "0"}}},
		{"hazard without its section", "valid-flood.yaml", "hazard: flood", "hazard: heat",
			[]want{{"heat", "hazard is heat but there is no heat: section", "heat"}}},
		{"inject after the end", "valid-flood.yaml", "at: 5m\n", "at: 16m\n",
			[]want{{"injects[2].at", "fires at 16m00s, after the drill ends at 15m00s", "16m"}}},

		// Places.
		{"rect and circle", "valid-flood.yaml", "circle: [600, 120, 40]", "circle: [600, 120, 40]\n    rect: [1, 1, 2, 2]",
			[]want{{"places[2].circle", "either rect or circle, not both", "[600"}}},
		{"no shape", "valid-flood.yaml", "    rect: [100, 100, 300, 250]\n", "",
			[]want{{"places[0].rect", "has no shape", "id: school"}}},
		{"rect backwards", "valid-flood.yaml", "rect: [100, 100, 300, 250]", "rect: [300, 100, 100, 250]",
			[]want{{"places[0].rect", "x0 ≥ x1 or y0 ≥ y1", "[300"}}},
		{"zero radius", "valid-flood.yaml", "circle: [600, 120, 40]", "circle: [600, 120, 0]",
			[]want{{"places[2].circle[2]", "radius 0 must be more than 0", "0]"}}},
		{"safe and danger", "valid-flood.yaml", "    safe: true\n", "    safe: true\n    danger: true\n",
			[]want{{"places[2].danger", "both safe and danger", "true"}}},

		// Unique IDs, list by list.
		{"duplicate inject", "valid-flood.yaml", "  - id: news", "  - id: orange",
			[]want{{"injects[2].id", `inject id "orange" is already used at line 77`, "orange"}}},
		{"duplicate objective", "valid-flood.yaml", "  - id: care", "  - id: evacuate",
			[]want{{"objectives[1].id", `objective id "evacuate"`, "evacuate"}}},
		{"duplicate task", "valid-flood.yaml", "      - id: avoid\n", "      - id: reach-hill\n",
			[]want{{"objectives[0].tasks[1].id", `task id "reach-hill"`, "reach-hill"}}},
		{"duplicate option", "valid-flood.yaml", "        - id: underpass\n", "        - id: hill\n",
			[]want{{"injects[1].prompt.options[1].id", `option id "hill"`, "hill"}}},
		{"duplicate place", "valid-flood.yaml", "  - id: hill\n    kind: hilltop", "  - id: underpass\n    kind: hilltop",
			[]want{
				{"places[2].id", `place id "underpass" is already used`, "underpass"},
				// ...and the references to hill now point at nothing.
				{"objectives[0].tasks[0].places[0]", `no place has id "hill"`, "hill"},
				{"guide.refuge[0]", `no place has id "hill"`, "hill"},
			}},

		// References.
		{"spawn place", "valid-flood.yaml", "  place: school\n  heading_deg", "  place: scool\n  heading_deg",
			[]want{{"spawn.place", `no place has id "scool"`, "scool"}}},
		{"npc lure", "valid-flood.yaml", "lure: underpass", "lure: tunnel",
			[]want{{"npcs[0].lure", `no place has id "tunnel"`, "tunnel"}}},
		{"action target", "valid-flood.yaml", "target: power", "target: powr",
			[]want{{"objectives[1].tasks[0].target", `no NPC or object has id "powr"`, "powr"}}},
		{"help an object", "valid-flood.yaml", "target: grandma", "target: power",
			[]want{{"objectives[1].tasks[1].target", `"power" is an object; rule help needs an NPC`, "power"}}},
		{"help nobody", "valid-flood.yaml", "target: grandma", "target: grandpa",
			[]want{{"objectives[1].tasks[1].target", `no NPC has id "grandpa"`, "grandpa"}}},
		{"answer a warning", "valid-flood.yaml", "prompt: where\n", "prompt: orange\n",
			[]want{{"objectives[1].tasks[2].prompt", `inject "orange" is a warning, not a prompt`, "orange"}}},
		{"after an unknown inject", "valid-flood.yaml", "after: {inject: where}", "after: {inject: wher}",
			[]want{{"objectives[1].tasks[2].after.inject", `no inject has id "wher"`, "wher"}}},
		{"after two things", "valid-flood.yaml", "after: {warning: orange}", "after: {warning: orange, event: slide_started}",
			[]want{{"objectives[0].tasks[0].after", "only one of", "{warning"}}},
		{"guide prepare", "valid-flood.yaml", "prepare: [power]", "prepare: [hill]",
			[]want{{"guide.prepare[0]", `no object has id "hill"`, "hill"}}},

		// Inject payloads.
		{"warning without payload", "valid-flood.yaml", "    warning: {hazard: rainstorm, level: orange}\n", "",
			[]want{{"injects[0].warning", "kind warning needs a warning: section", "warning"}}},
		{"payload of another kind", "valid-flood.yaml", "kind: message", "kind: warning",
			[]want{
				{"injects[2].warning", "kind warning needs a warning: section", "warning"},
				{"injects[2].message", "message: is not used by an inject of kind warning", "{zh"},
			}},

		// Fields each rule needs.
		{"reach without within", "valid-flood.yaml", "        within: 5m\n", "",
			[]want{{"objectives[0].tasks[0].within", "rule reach needs within:", "reach"}}},
		{"avoid_place without places", "valid-flood.yaml", "        places: [underpass]\n", "",
			[]want{{"objectives[0].tasks[1].places", "rule avoid_place needs places:", "avoid_place"}}},
		{"action without action", "valid-flood.yaml", "        action: switch_off_power\n", "",
			[]want{{"objectives[1].tasks[0].action", "rule action needs action:", "action"}}},
		{"help without target", "valid-flood.yaml", "        target: grandma\n", "",
			[]want{{"objectives[1].tasks[1].target", "rule help needs target:", "help"}}},
		{"answer without prompt", "valid-flood.yaml", "        prompt: where\n", "",
			[]want{{"objectives[1].tasks[2].prompt", "rule answer needs prompt:", "answer"}}},
		{"notice without cue", "valid-flood.yaml", "rule: avoid_water", "rule: notice",
			[]want{{"objectives[0].tasks[2].cue", "rule notice needs cue:", "notice"}}},

		// Series and boundaries.
		{"boundary series back in time", "valid-flood.yaml", "{at: 2h, value: 4}", "{at: 0, value: 4}",
			[]want{{"flood.boundaries[0].series[1].at", "time 0s is not after the previous point's 0s", "0,"}}},
		{"boundary backwards", "valid-flood.yaml", "      from: 2\n", "      from: 8\n",
			[]want{{"flood.boundaries[0].to", "to (6) is before from (8)", "6"}}},
		{"level boundary without series", "valid-flood.yaml", "kind: free}", "kind: level}",
			[]want{{"flood.boundaries[1].series", "a level boundary needs a series", "level"}}},

		// The map.
		{"map name and files", "valid-flood.yaml", "  name: test-district\n", "  name: test-district\n  elevation: x.asc\n",
			[]want{{"map.name", "either a built-in map name or map files", "test-district"}}},
		{"unknown map", "valid-flood.yaml", "  name: test-district\n", "  name: test-distrct\n",
			[]want{{"map.name", `no built-in map is called "test-distrct"`, "test-distrct"}}},
		{"place outside the map", "valid-flood.yaml", "rect: [100, 100, 300, 250]", "rect: [100, 100, 900, 250]",
			[]want{{"places[0].rect", "reaches outside the map", "[100"}}},
		{"circle over the edge", "valid-flood.yaml", "circle: [600, 120, 40]", "circle: [790, 120, 40]",
			[]want{{"places[2].circle", "reaches outside the map", "[790"}}},
		{"object outside the map", "valid-flood.yaml", "at: [150, 120]", "at: [150, 520]",
			[]want{{"objects[0].at", "[150 520] is outside the map", "[150"}}},
		{"boundary past the edge", "valid-flood.yaml", "      to: 6\n", "      to: 10\n",
			[]want{{"flood.boundaries[0].to", "cell 10 is past the west edge, which has cells 0 to 9", "10"}}},
		{"map file outside the folder", "valid-landslide.yaml", "elevation: maps/", "elevation: ../../maps/",
			[]want{{"map.elevation", "outside the scenario's folder", "../../maps"}}},
		{"png heightmap", "valid-landslide.yaml", "test-district.elev.asc", "test-district.elev.png",
			[]want{{"map.elevation", "16-bit PNG heightmaps", "maps/test-district.elev.png"}}},
		{"missing map file", "valid-landslide.yaml", "test-district.soil.asc", "test-district.soils.asc",
			[]want{{"map.soil", "cannot read map file maps/test-district.soils.asc: no such file", "maps/"}}},
		{"soil zone without parameters", "valid-landslide.yaml",
			"    - {zone: 2, cohesion_kpa: 12, friction_deg: 34, unit_weight_kn_m3: 20, depth_m: 1, ks_mm_per_h: 5}\n", "",
			[]want{{"landslide.soils", "soil zones 2 that soils: does not describe", "- zone: 1"}}},
		{"duplicate soil zone", "valid-landslide.yaml", "{zone: 2,", "{zone: 1,",
			[]want{{"landslide.soils[1].zone", "soil zone 1 is given twice", "1,"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := readFixture(t, tt.base)
			if n := strings.Count(src, tt.old); n != 1 {
				t.Fatalf("%q occurs %d times in %s, want once", tt.old, n, tt.base)
			}
			src = strings.Replace(src, tt.old, tt.new, 1)
			fsys := fstest.MapFS{tt.base: {Data: []byte(src)}}
			for _, f := range []string{"elev", "landuse", "soil"} {
				name := "maps/test-district." + f + ".asc"
				fsys[name] = &fstest.MapFile{Data: []byte(readFixture(t, name))}
			}
			_, ps := load(fsys, tt.base, tt.base, fsys)
			checkProblems(t, ps, tt.want)
		})
	}
}

func checkProblems(t *testing.T, ps Problems, wants []want) {
	t.Helper()
	if len(ps) != len(wants) {
		t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(wants), ps)
	}
	for i, w := range wants {
		p := ps[i]
		if p.Path != w.path || !strings.Contains(p.Msg, w.msg) {
			t.Errorf("problem %d: %s: %s\nwant %s: …%s…", i, p.Path, p.Msg, w.path, w.msg)
		}
		if got := caretText(p); !strings.HasPrefix(got, w.at) {
			t.Errorf("problem %d (%s) points at %q, want %q:\n%s", i, p.Path, got, w.at, p)
		}
	}
}

// caretText is the source from the problem's column on.
func caretText(p *Problem) string {
	r := []rune(p.source)
	if p.Col < 1 || p.Col-1 > len(r) {
		return fmt.Sprintf("<column %d of %q>", p.Col, p.source)
	}
	return string(r[p.Col-1:])
}
