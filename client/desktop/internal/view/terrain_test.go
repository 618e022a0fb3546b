package view

import (
	"math"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/terrain"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// slope is a 20 × 10 map of 5 m cells rising 1 m per cell eastward, with a
// road in row 5.
func slope() client.Terrain {
	g := wire.Grid{NX: 20, NY: 10, CellMM: 5000}
	t := &wire.Terrain{Grid: g, BaseCM: 10000, Elev: make([]uint16, g.NX*g.NY), LandUse: make([]uint8, g.NX*g.NY)}
	for r := 0; r < g.NY; r++ {
		for c := 0; c < g.NX; c++ {
			t.Elev[r*g.NX+c] = uint16(c * 100)
			if r == 5 {
				t.LandUse[r*g.NX+c] = uint8(terrain.Road)
			}
		}
	}
	return client.Terrain{Terrain: t}
}

func TestHillshade(t *testing.T) {
	t.Parallel()
	flat := Hillshade(0, 0)
	tests := []struct {
		name     string
		dx, dy   float64
		brighter bool
	}{
		{"faces west (rises east)", 1, 0, true},
		{"faces north (rises south)", 0, 1, true},
		{"faces east", -1, 0, false},
		{"faces south-east", -1, -1, false},
	}
	for _, tt := range tests {
		if s := Hillshade(tt.dx, tt.dy); (s > flat) != tt.brighter || s < 0 || s > 1 {
			t.Errorf("%s: %.3f vs flat %.3f", tt.name, s, flat)
		}
	}
}

func TestContourInterval(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ span, want float64 }{{5, 1}, {30, 1}, {45, 2}, {120, 5}, {250, 10}, {900, 50}} {
		if got := ContourInterval(tt.span); got != tt.want {
			t.Errorf("span %v: %v, want %v", tt.span, got, tt.want)
		}
	}
}

func TestTerrainImage(t *testing.T) {
	t.Parallel()
	img := TerrainImage(slope(), 4)
	if img.Rect.Dx() != 80 || img.Rect.Dy() != 40 {
		t.Fatalf("size %v", img.Rect)
	}
	// Contour lines: 19 m of relief → 1 m contours, one per cell column
	// boundary, so along row 2 the brightness must dip periodically.
	dips := 0
	prev := img.NRGBAAt(0, 8).G
	for x := 1; x < 80; x++ {
		g := img.NRGBAAt(x, 8).G
		if g < prev-20 {
			dips++
		}
		prev = g
	}
	if dips < 10 {
		t.Errorf("%d contour dips along a row, want ≥ 10", dips)
	}
	// The road row has the road colour's hue, not grass.
	road, grass := img.NRGBAAt(42, 22), img.NRGBAAt(42, 4)
	if road.R < road.G-10 || grass.G <= grass.R {
		t.Errorf("road %v grass %v", road, grass)
	}
}

func TestBuildingShadow(t *testing.T) {
	t.Parallel()
	g := wire.Grid{NX: 10, NY: 10, CellMM: 5000}
	tr := &wire.Terrain{Grid: g, Elev: make([]uint16, 100), LandUse: make([]uint8, 100)}
	tr.LandUse[4*10+4] = uint8(terrain.Building) // one building cell at (4, 4)
	img := TerrainImage(client.Terrain{Terrain: tr}, 4)
	// Just south-east of the building (pixels 20–23 are its last row and
	// column) the ground is in shadow; north-west of it, and far away, not.
	se, nw, far := img.NRGBAAt(21, 21), img.NRGBAAt(14, 14), img.NRGBAAt(36, 36)
	if int(se.G) >= int(far.G)*9/10 {
		t.Errorf("no shadow south-east of a building: %v vs %v", se, far)
	}
	if nw != far {
		t.Errorf("shadow on the lit side: %v vs %v", nw, far)
	}
}

func TestWaterRamp(t *testing.T) {
	t.Parallel()
	if c := WaterColour(0); c.A != 0 {
		t.Errorf("dry ground coloured %v", c)
	}
	prev := WaterColour(0.03)
	for _, d := range []float64{0.1, 0.3, 0.6, 1.5, 4} {
		c := WaterColour(d)
		if c.A < prev.A || c.R > prev.R || c.B < c.R {
			t.Errorf("depth %v: %v not deeper blue than %v", d, c, prev)
		}
		prev = c
	}
	if DebrisColour(0.5).A < DebrisColour(0.05).A {
		t.Error("debris ramp")
	}
	if HeatTint(25).A != 0 || HeatTint(38).A <= HeatTint(33).A {
		t.Error("heat tint ramp")
	}
}

func TestFlowArrows(t *testing.T) {
	t.Parallel()
	tr := slope()
	e := ElevOf(tr)
	cells := make([]uint16, 20*10)
	for i := range cells {
		cells[i] = 30 // 30 cm everywhere on a slope rising east: flows west
	}
	f := wire.FieldFrom(tr.Grid, cells, nil)
	arrows := FlowArrows(e, f, 4)
	if len(arrows) == 0 {
		t.Fatal("no arrows")
	}
	for _, a := range arrows {
		if a.DX > -0.9 || math.Abs(a.DY) > 0.2 {
			t.Errorf("arrow at %v,%v points %v,%v; water runs west", a.X, a.Y, a.DX, a.DY)
		}
	}
	dry := wire.FieldFrom(tr.Grid, make([]uint16, 200), nil)
	if len(FlowArrows(e, dry, 4)) != 0 {
		t.Error("arrows on dry ground")
	}
}

func TestTaskTitlesOutcome(t *testing.T) {
	t.Parallel()
	sc := &engine.Scenario{Objectives: []engine.Objective{{ID: "water", Tasks: []engine.Task{{ID: "no_wading", Title: engine.Text{ZH: "不涉水", EN: "Never wade"}}}}}}
	if got := TaskTitles(sc)["water/no_wading"]; got.EN != "Never wade" || got.ZH != "不涉水" {
		t.Errorf("titles %+v", TaskTitles(sc))
	}
	if len(TaskTitles(nil)) != 0 {
		t.Error("titles without a scenario")
	}
	for _, tt := range []struct{ key, zh, en string }{{"swept", "被水冲走", "Swept away"}, {"safe", "安全", "Safe"}, {"odd_one", "odd one", "odd one"}} {
		if OutcomeText(tt.key, ZH) != tt.zh || OutcomeText(tt.key, EN) != tt.en {
			t.Errorf("%s: %q %q", tt.key, OutcomeText(tt.key, ZH), OutcomeText(tt.key, EN))
		}
	}
}

func TestAirTemp(t *testing.T) {
	t.Parallel()
	sc := &engine.Scenario{TickHz: 20, TimeScale: 10, Heat: &engine.HeatSpec{AirTempC: []engine.SeriesPoint{{At: 0, Value: 30}, {At: 600, Value: 40}}}}
	for _, tt := range []struct{ tick, want float64 }{{0, 30}, {600, 35}, {1200, 40}, {5000, 40}} {
		if got, ok := AirTemp(sc, tt.tick); !ok || math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("tick %v: %v, want %v", tt.tick, got, tt.want)
		}
	}
	if _, ok := AirTemp(&engine.Scenario{}, 10); ok {
		t.Error("temperature without heat")
	}
}

func TestCracksStable(t *testing.T) {
	t.Parallel()
	p := engine.PlaceSpec{ID: "slope", Rect: []float64{0, 0, 100, 50}}
	a, b := Cracks(p, 3), Cracks(p, 3)
	if len(a) != 3 || len(a[0]) < 5 {
		t.Fatalf("cracks %v", a)
	}
	for i := range a {
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				t.Fatal("cracks differ between frames")
			}
			if x, y := a[i][j][0], a[i][j][1]; x < 0 || x > 100 || y < 0 || y > 50 {
				t.Fatalf("crack point %v,%v outside the place", x, y)
			}
		}
	}
}

func TestActionsNear(t *testing.T) {
	t.Parallel()
	sc := &engine.Scenario{
		Objects: []engine.ObjectSpec{{ID: "shop_power", Kind: "power_switch", Name: engine.Text{ZH: "电闸", EN: "Mains"}, At: []float64{100, 100}}},
		NPCs:    []engine.NPCSpec{{ID: "grandma", Kind: "elder", Name: engine.Text{ZH: "李奶奶", EN: "Grandma Li"}}},
	}
	npcs := []wire.NPCInfo{{ID: "grandma", Kind: wire.NPCElder}}
	nv := []client.EntityView{{ID: 0, X: 50, Y: 50}}
	keys := func(as []Action) string {
		s := ""
		for _, a := range as {
			s += a.Key + ":" + a.Act + ":" + a.Target + " "
		}
		return s
	}
	tests := []struct {
		name string
		x, y float64
		heat bool
		want string
	}{
		{"by the switch", 101, 101, false, "E:switch_off_power:shop_power R:report_hazard: C:call_120: "},
		{"out of reach", 104, 100, false, "R:report_hazard: C:call_120: "},
		{"by grandma", 51, 50, false, "H:help:grandma R:report_hazard: C:call_120: "},
		{"heat drill", 51, 50, true, "H:help:grandma G:give_water:grandma J:move_to_shade:grandma R:report_hazard: C:call_120: Q:drink: Z:rest: "},
	}
	for _, tt := range tests {
		s := *sc
		if tt.heat {
			s.Heat = &engine.HeatSpec{}
		}
		if got := keys(ActionsNear(&s, npcs, nv, tt.x, tt.y, EN)); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
	if as := ActionsNear(sc, npcs, nv, 101, 101, ZH); as[0].Label != "关闭电闸 · 电闸" {
		t.Errorf("zh label %q", as[0].Label)
	}
}

func TestModel(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	m := NewModel(EN, 0)
	p1 := wire.Prompt{Inject: "q1", Question: wire.Text{EN: "?"}}
	m.Apply(client.PromptEvent{Prompt: p1}, now)
	m.Apply(client.PromptEvent{Prompt: p1}, now) // a resend is not asked twice
	m.Apply(client.PromptEvent{Prompt: wire.Prompt{Inject: "q2"}}, now)
	if p, ok := m.Prompt(); !ok || p.Inject != "q1" || len(m.Prompts) != 2 {
		t.Fatalf("prompts %+v", m.Prompts)
	}
	m.Answered("q1")
	if p, _ := m.Prompt(); p.Inject != "q2" {
		t.Fatalf("after answering: %+v", m.Prompts)
	}
	if c, ok := m.Apply(client.WarningEvent{Warning: wire.Warning{Hazard: 1, Level: 3}}, now); !ok || c.Beeps != 3 {
		t.Errorf("orange cue %+v %v", c, ok)
	}
	// The snapshot then shows the same level: no second cue.
	v := client.View{Globals: wire.Globals{Phase: wire.PhaseRunning, Warnings: [3]uint8{3, 0, 0}},
		Participants: []client.EntityView{{ID: 0}}}
	if _, ok := m.Observe(v, now); ok {
		t.Error("cue repeated by the snapshot")
	}
	v.Globals.Warnings[0] = 4
	if c, ok := m.Observe(v, now); !ok || c.Beeps != 4 {
		t.Error("red from a snapshot (missed Warning message) must sound")
	}
	m.Apply(client.NoticeEvent{Notice: wire.Notice{Text: wire.Text{ZH: "水", EN: "water"}}}, now)
	m.Apply(client.ChoiceAckEvent{ChoiceAck: wire.ChoiceAck{Result: wire.Accepted}, Choice: wire.Choice{Kind: wire.ChoiceAct, Action: "call_120"}}, now)
	if len(m.Toasts) != 2 || m.Toasts[0].Text != "water" || m.Toasts[1].Text != "Call 120 · Done" || !m.Toasts[1].Good {
		t.Errorf("toasts %+v", m.Toasts)
	}
	m.Expire(now.Add(ToastFor + time.Second))
	if len(m.Toasts) != 0 {
		t.Error("toasts did not expire")
	}
	if m.Finished() {
		t.Error("finished while running")
	}
	v.Participants[0].Status = 1 // swept away
	m.Observe(v, now)
	if !m.Finished() {
		t.Error("a harmed pupil sees the feedback")
	}
	m2 := NewModel(EN, -1)
	m2.Apply(client.PhaseEvent{Phase: wire.PhaseEnded}, now)
	if m2.Finished() {
		t.Error("finished before results came")
	}
	m2.Apply(client.PhaseEvent{Phase: wire.PhaseRunning, Prev: wire.PhaseEnded}, now)
	if m2.Phase != wire.PhaseEnded {
		t.Error("a late snapshot's phase undid the end")
	}
	m2.Apply(client.ResultsEvent{Results: []wire.Result{{Slot: 0}}}, now)
	if !m2.Finished() {
		t.Error("not finished with results")
	}
	m2.Apply(client.DisconnectedEvent{}, now)
	if m2.Connected {
		t.Error("still connected")
	}
}
