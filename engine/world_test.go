package engine_test

import (
	"strings"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/bot"
	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

// smallFlood is a 40×30 map at 5 m: a plain sloping gently east to a river
// channel along the east edge whose level rises, a shelter on a mound in
// the west and a basement pit (the trap) next to the river.
func smallFlood(t testing.TB) engine.Setup {
	t.Helper()
	const nx, ny, cell = 40, 30, 5.0
	elev := terrain.NewGrid(nx, ny, cell)
	lu := make([]terrain.LandUse, nx*ny)
	for r := 0; r < ny; r++ {
		for c := 0; c < nx; c++ {
			i := r*nx + c
			z := 176 - 0.1*float64(c)
			switch {
			case c >= nx-4:
				z = 160
				lu[i] = terrain.Water
			case c < 6 && r < 8:
				z = 178 // the mound with the shelter
			case c >= 26 && c < 30 && r >= 12 && r < 16:
				z -= 3 // the basement pit
			}
			elev.V[i] = z
			if lu[i] == 0 {
				lu[i] = terrain.Road
			}
		}
	}
	m, err := terrain.NewMap(elev, terrain.LandUseGrid(elev, lu), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	sc := &engine.Scenario{
		ID: "small-flood", Hazard: "flood", TickHz: 20, TimeScale: 10, Duration: 90,
		Title: engine.Text{ZH: "小型洪水", EN: "Small flood"},
		Places: []engine.PlaceSpec{
			{ID: "street", Kind: "road", Name: engine.Text{ZH: "街道", EN: "Street"}, Rect: []float64{60, 60, 110, 100}},
			{ID: "shelter", Kind: "shelter", Name: engine.Text{ZH: "避难所", EN: "Shelter"}, Rect: []float64{0, 0, 30, 40}, Safe: true},
			{ID: "basement", Kind: "basement", Name: engine.Text{ZH: "地下室", EN: "Basement"}, Rect: []float64{130, 60, 150, 80}, Danger: true},
		},
		Spawn: engine.SpawnSpec{Place: "street"},
		Flood: &engine.FloodSpec{
			InitialLevel: 163,
			RainMMPerH:   []engine.SeriesPoint{{At: 0, Value: 60}},
			Boundaries: []engine.BoundarySpec{{Edge: "east", From: 0, To: ny - 1, Kind: "level",
				Series: []engine.SeriesPoint{{At: 0, Value: 163}, {At: 900, Value: 171}}}},
		},
		Injects: []engine.Inject{
			{ID: "red", At: 10, Kind: "warning", Warning: &engine.WarnInject{Hazard: "rainstorm", Level: "red"}},
			{ID: "q1", At: 5, Kind: "prompt", Prompt: &engine.Prompt{
				Question: engine.Text{ZH: "该去哪里？", EN: "Where to?"},
				Options: []engine.PromptOption{
					{ID: "up", Text: engine.Text{ZH: "高处", EN: "Higher ground"}, Correct: true},
					{ID: "down", Text: engine.Text{ZH: "地下室", EN: "The basement"}},
				}}},
		},
		Objectives: []engine.Objective{{ID: "evacuate", Title: engine.Text{ZH: "转移", EN: "Evacuate"},
			Tasks: []engine.Task{
				{ID: "reach", Points: 40, Rule: "reach", Places: []string{"shelter"}, Within: 60,
					After: &engine.Trigger{Warning: "red"}},
				{ID: "dry", Points: 20, Rule: "avoid_water", MaxHazard: "low"},
				{ID: "nobasement", Points: 20, Rule: "avoid_place", Places: []string{"basement"}},
				{ID: "answer", Points: 20, Rule: "answer", Prompt: "q1"},
			}}},
		Guide: &engine.GuideSpec{Refuge: []string{"shelter"}, Trap: []string{"basement"}, GoAt: "red"},
	}
	return engine.Setup{Scenario: sc, Map: m}
}

// play runs the setup with bots and returns the world and the input log.
func play(t testing.TB, s engine.Setup, seed uint64, policies ...string) (*engine.World, [][]engine.Input) {
	t.Helper()
	w, err := engine.NewWorld(s, seed)
	if err != nil {
		t.Fatal(err)
	}
	var bots []*bot.Bot
	var first []engine.Input
	for i, p := range policies {
		b, err := bot.New(int32(i), p, seed)
		if err != nil {
			t.Fatal(err)
		}
		bots = append(bots, b)
		first = append(first, b.Join(0, p))
	}
	var log [][]engine.Input
	in := first
	for !w.Done() {
		if w.Tick() > 0 {
			in = nil
			for _, b := range bots {
				in = append(in, b.Inputs(w)...)
			}
		}
		log = append(log, in)
		w.Step(in)
	}
	return w, log
}

func TestReplayReproducesHash(t *testing.T) {
	t.Parallel()
	s := smallFlood(t)
	w, log := play(t, s, 42, "good", "naive", "random", "good")
	w2, err := engine.NewWorld(s, 42)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range log {
		w2.Step(in)
	}
	if w.Hash() != w2.Hash() {
		t.Fatalf("replay hash %016x, original %016x", w2.Hash(), w.Hash())
	}
	w3, _ := play(t, s, 43, "good", "naive", "random", "good")
	if w3.Hash() == w.Hash() {
		t.Fatal("a different seed gave the same hash: the seed does not reach the state")
	}
}

func TestGoodBeatsNaive(t *testing.T) {
	t.Parallel()
	w, _ := play(t, smallFlood(t), 1, "good", "naive")
	res := w.Results()
	good, naive := res[0], res[1]
	if good.Score < 85 || naive.Score > 40 {
		t.Fatalf("good %d (%s), naive %d (%s): want good ≥ 85 and naive ≤ 40\n%+v\n%+v",
			good.Score, good.Outcome, naive.Score, naive.Outcome, good.Breakdown, naive.Breakdown)
	}
	for _, it := range append(good.Breakdown, naive.Breakdown...) {
		if it.Applicable && (it.ReasonEN == "" || it.ReasonZH == "") {
			t.Errorf("%s: reason missing in a language: %+v", it.Rule, it)
		}
	}
}

func TestBadInputIsDroppedNotFatal(t *testing.T) {
	t.Parallel()
	w, err := engine.NewWorld(smallFlood(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	bad := []engine.Input{
		{Tick: 0, Participant: 5, Kind: engine.InputJoin, Target: "skips a slot"},
		{Tick: 0, Participant: 0, Kind: engine.InputMove, MoveX: 1000}, // nobody in slot 0 yet
		{Tick: 7, Participant: 0, Kind: engine.InputJoin, Target: "wrong tick"},
		{Tick: 0, Participant: 0, Kind: 99},
		{Tick: 0, Participant: 0, Kind: engine.InputLook, Heading: 40000},
	}
	w.Step(bad)
	if got := w.Dropped(); got != uint64(len(bad)) {
		t.Fatalf("dropped %d, want %d", got, len(bad))
	}
	if len(w.People()) != 0 {
		t.Fatalf("a bad join created a participant")
	}
}

// TestBeforeDeadline: a task with before: scores nothing when it is done
// only after its trigger. The good bot leaves at the red warning, so
// "reach the shelter before the red warning" must fail with that reason,
// while the same task without before: succeeds.
func TestBeforeDeadline(t *testing.T) {
	t.Parallel()
	s := smallFlood(t)
	tasks := &s.Scenario.Objectives[0].Tasks
	*tasks = append(*tasks,
		engine.Task{ID: "early", Points: 10, Rule: "reach", Places: []string{"shelter"},
			Before: &engine.Trigger{Warning: "red"}},
		engine.Task{ID: "any_time", Points: 10, Rule: "reach", Places: []string{"shelter"}})
	w, _ := play(t, s, 1, "good")
	items := map[string]engine.Item{}
	for _, it := range w.Results()[0].Breakdown {
		items[it.Rule] = it
	}
	early, anyTime := items["evacuate/early"], items["evacuate/any_time"]
	if early.Points != 0 || !strings.Contains(early.ReasonEN, "had to be done before") || early.ReasonZH == "" {
		t.Errorf("before-deadline task: %+v", early)
	}
	if anyTime.Points != 10 {
		t.Errorf("the same task without before: %+v", anyTime)
	}
}

// TestFacilitatorInputsReplay: live injects and warnings are inputs, so
// they take effect at their tick and replay to the same hash; unknown ones
// are dropped and counted.
func TestFacilitatorInputsReplay(t *testing.T) {
	t.Parallel()
	s := smallFlood(t)
	log := map[uint64][]engine.Input{
		0:  {{Kind: engine.InputJoin, Target: "pupil"}},
		20: {{Tick: 20, Kind: engine.InputWarn, Action: "rainstorm", Target: "orange"}},
		30: {{Tick: 30, Kind: engine.InputInject, Action: "q1"}},
		40: {{Tick: 40, Kind: engine.InputInject, Action: "no-such-inject"},
			{Tick: 40, Kind: engine.InputWarn, Action: "high_temp", Target: "blue"}},
	}
	run := func() (*engine.World, []engine.Event) {
		w, err := engine.NewWorld(s, 1)
		if err != nil {
			t.Fatal(err)
		}
		var seen []engine.Event
		for w.Tick() < 60 {
			for _, e := range w.Step(log[w.Tick()]) {
				if e.Kind == engine.EvWarning || e.Kind == engine.EvPrompt {
					seen = append(seen, e)
				}
			}
		}
		return w, seen
	}
	w, seen := run()
	if len(seen) != 2 || seen[0].Tick != 20 || seen[0].Level != "orange" || seen[1].Tick != 30 || seen[1].Ref != "q1" {
		t.Fatalf("live warning and inject: got %+v", seen)
	}
	if w.Dropped() != 2 {
		t.Fatalf("dropped %d, want the unknown inject and the blue heat warning", w.Dropped())
	}
	if at, ok := w.InjectFired("q1"); !ok || at != 30 {
		t.Fatalf("q1 fired at %d (%v), want 30", at, ok)
	}
	w2, _ := run()
	if w.Hash() != w2.Hash() {
		t.Fatal("same log, different hash")
	}
}

// TestFacilitatorEnd: ending a drill early is an input too; the tick
// completes, every open task is decided, and nothing steps afterwards.
func TestFacilitatorEnd(t *testing.T) {
	t.Parallel()
	w, err := engine.NewWorld(smallFlood(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	w.Step([]engine.Input{{Kind: engine.InputJoin, Target: "pupil"}})
	for w.Tick() < 50 {
		w.Step(nil)
	}
	evs := w.Step([]engine.Input{{Tick: 50, Kind: engine.InputEnd}})
	ended := false
	for _, e := range evs {
		ended = ended || e.Kind == engine.EvDrillEnded
	}
	if !w.Done() || w.Tick() != 51 || !ended {
		t.Fatalf("after InputEnd: done=%v tick=%d", w.Done(), w.Tick())
	}
	for _, it := range w.Results()[0].Breakdown {
		if it.ReasonEN == "Not decided yet." {
			t.Errorf("task %s left undecided at the end", it.Rule)
		}
	}
	if got := w.Step(nil); len(got) != 0 || w.Tick() != 51 {
		t.Fatal("an ended drill stepped on")
	}
}
