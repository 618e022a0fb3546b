package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/internal/headless"
	"github.com/rescuedrill/rescuedrill/server/store"
)

// TestResultsFromARealDrill saves the outcome of a real headless drill the
// way the server will, and reads it back through `drill results`.
func TestResultsFromARealDrill(t *testing.T) {
	t.Parallel()
	ld, err := openScenario("heat")
	if err != nil {
		t.Fatal(err)
	}
	var tl store.Timeline
	out, err := headless.Run(ld.Setup(), ld.Name, headless.Options{Seed: 3,
		Bots:     []headless.BotSpec{{Policy: "good", Count: 2}, {Policy: "naive", Count: 2}, {Policy: "random", Count: 1}},
		OnEvents: tl.Observe})
	if err != nil {
		t.Fatal(err)
	}

	dir := filepath.Join(t.TempDir(), "data")
	st, err := store.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	start := time.Date(2025, 9, 1, 2, 0, 0, 0, time.UTC)
	d := store.Drill{ID: "d-heat-1", JoinCode: "HT42", Scenario: ld.Name, ScenarioHash: store.SourceHash(ld.Source),
		Seed: out.Seed, TickHz: out.TickHz, CreatedAt: start}
	if err := st.CreateDrill(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateDrill(ctx, store.Drill{ID: "d-empty", Scenario: "flood", TickHz: 20, CreatedAt: start.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := st.UpdateDrillState(ctx, d.ID, store.StateRunning, start.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveResults(ctx, d.ID, store.Results{FinalTick: out.Ticks, FinalHash: out.FinalHash,
		EndedAt: start.Add(16 * time.Minute), Participants: store.FromEngine(out.Participants), Timeline: tl.Events}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	js, errs, code := runCLI(t, "results", "--data", dir, "--json", d.ID)
	if code != 0 {
		t.Fatalf("results --json: exit %d: %s", code, errs)
	}
	var got store.DrillResults
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Fatalf("results --json: %v\n%s", err, js)
	}
	if got.Drill.FinalHash != out.FinalHash || got.Drill.FinalTick != out.Ticks || got.Drill.State != store.StateEnded {
		t.Errorf("drill: %+v, want final hash %s at tick %d, ended", got.Drill, out.FinalHash, out.Ticks)
	}
	if len(got.Participants) != len(out.Participants) {
		t.Fatalf("%d participants, want %d", len(got.Participants), len(out.Participants))
	}
	for i, p := range out.Participants {
		g := got.Participants[i]
		if g.Slot != p.ID || g.Name != p.Name || g.Policy != p.Policy || g.Score != p.Score || g.Outcome != p.Outcome ||
			len(g.Breakdown) != len(p.Breakdown) || len(g.Objectives) != len(p.Objectives) {
			t.Errorf("participant %d: got %+v, want %+v", i, g, p)
			continue
		}
		for k, it := range p.Breakdown {
			if gi := g.Breakdown[k]; gi.Points != it.Points || gi.Rule != it.Rule || gi.ReasonZH != it.ReasonZH {
				t.Errorf("participant %d item %d: got %+v, want %+v", i, k, gi, it)
			}
		}
	}
	if len(got.Timeline) == 0 || got.Timeline[len(got.Timeline)-1].Kind != "drill_ended" {
		t.Errorf("timeline should end with drill_ended: %+v", got.Timeline)
	}
	for _, e := range got.Timeline {
		for _, p := range out.Participants {
			if strings.Contains(e.Ref+e.Level+e.NPC, p.Name) {
				t.Errorf("timeline event %+v repeats the name %q: names live only in the participant's row", e, p.Name)
			}
		}
	}

	text, errs, code := runCLI(t, "results", d.ID, "--data", dir)
	if code != 0 {
		t.Fatalf("results: exit %d: %s", code, errs)
	}
	for _, w := range []string{"scenario heat", "final tick", out.FinalHash, out.Participants[0].Name, "timeline", "warning"} {
		if !strings.Contains(text, w) {
			t.Errorf("text results lack %q:\n%s", w, text)
		}
	}
	if zh := out.Participants[0].Breakdown[0].ReasonZH; !strings.Contains(text, zh) {
		t.Errorf("text results lack the reason in Chinese %q", zh)
	}

	list, errs, code := runCLI(t, "results", "--data", dir)
	if code != 0 {
		t.Fatalf("results (list): exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(list), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "d-empty") || !strings.Contains(lines[2], "d-heat-1") ||
		!strings.Contains(lines[2], "ended") || !strings.Contains(lines[2], " 5 ") {
		t.Errorf("list (newest first, with 5 participants):\n%s", list)
	}
	var sums []store.DrillSummary
	js, _, code = runCLI(t, "results", "--json", "--data", dir)
	if err := json.Unmarshal([]byte(js), &sums); code != 0 || err != nil || len(sums) != 2 || sums[1].Participants != 5 {
		t.Errorf("list --json: exit %d, %v: %s", code, err, js)
	}
}

func TestResultsWithoutDatabase(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "nothing")
	out, errs, code := runCLI(t, "results", "--data", dir)
	if code != 0 || !strings.Contains(out, "no drills yet") {
		t.Errorf("empty data dir: exit %d: %s %s", code, out, errs)
	}
	if _, errs, code := runCLI(t, "results", "--data", dir, "nope"); code != 1 || !strings.Contains(errs, "no drill nope") {
		t.Errorf("unknown drill without a database: exit %d: %s", code, errs)
	}
	// Looking created nothing.
	if m, _ := filepath.Glob(dir); len(m) != 0 {
		t.Errorf("drill results created %v", m)
	}
	st, err := store.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, errs, code := runCLI(t, "results", "--data", dir, "nope"); code != 1 || !strings.Contains(errs, "no such drill") {
		t.Errorf("unknown drill: exit %d: %s", code, errs)
	}
	if _, _, code := runCLI(t, "results", "--data", dir, "a", "b"); code != 1 {
		t.Errorf("two IDs: exit %d", code)
	}
}
