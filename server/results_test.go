package server

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/replay"
	"github.com/rescuedrill/rescuedrill/internal/headless"
	"github.com/rescuedrill/rescuedrill/scenarios"
	"github.com/rescuedrill/rescuedrill/server/store"
)

// TestRecorderStoresResults runs a short heat drill with the recorder and a
// real store: the drill, its participants, states, results and timeline
// land in SQLite, equal to the drill's own results, and the stored final
// hash is what a headless replay of the journal file reaches.
func TestRecorderStoresResults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	clk := newTestClock()
	st, err := store.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	reg, err := NewRegistry(dir, clk, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	rc := &Recorder{Store: st, Reg: reg, Clock: clk}
	rc.Attach()

	e, _, err := reg.Create(ctx, CreateRequest{Scenario: "heat", Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	d := e.Drill
	for _, name := range []string{"小明", "Ana"} {
		if _, _, err := d.Join(ctx, name, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Start(ctx); err != nil {
		t.Fatal(err)
	}
	clk.tick(5)
	ack := make(chan error, 1)
	if err := d.Submit(engine.Input{Participant: 0, Kind: engine.InputAct, Action: engine.ActCall120}, ack); err != nil {
		t.Fatal(err)
	}
	clk.tick(1)
	if err := <-ack; err != nil {
		t.Fatal(err)
	}
	if err := d.Warn(ctx, "high_temp", "orange"); err != nil {
		t.Fatal(err)
	}
	clk.tick(20)
	if err := d.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	clk.advance(time.Minute)
	if err := d.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	clk.tick(30)
	if err := d.End(ctx); err != nil {
		t.Fatal(err)
	}
	clk.tick(1)
	<-d.Done()
	rc.Wait()

	got, err := st.Results(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	want, err := d.Results(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := d.Hash(ctx)
	if got.Drill.State != store.StateEnded || got.Drill.JoinCode != e.Code || got.Drill.Scenario != "heat" || got.Drill.Seed != 7 ||
		got.Drill.TickHz != 20 || got.Drill.StartedAt.IsZero() || got.Drill.EndedAt.IsZero() {
		t.Fatalf("stored drill: %+v", got.Drill)
	}
	if got.Drill.FinalTick != d.Tick() || got.Drill.FinalHash != fmt.Sprintf("%016x", hash) {
		t.Fatalf("stored final tick %d hash %s, drill %d %016x", got.Drill.FinalTick, got.Drill.FinalHash, d.Tick(), hash)
	}
	if len(got.Participants) != 2 || got.Participants[0].Name != "小明" || got.Participants[1].Outcome == "" {
		t.Fatalf("stored participants: %+v", got.Participants)
	}
	if a, b := mustJSON(t, got.Participants), mustJSON(t, store.FromEngine(want)); a != b {
		t.Fatalf("stored results differ from the drill's:\n%s\n%s", a, b)
	}

	// The journal is the replay file: a headless replay ends with the
	// stored hash, and its key events are the stored timeline.
	f, err := os.Open(reg.JournalPath(e.ID))
	if err != nil {
		t.Fatal(err)
	}
	l, err := replay.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenarios.Builtin(l.Header.Scenario)
	if err != nil {
		t.Fatal(err)
	}
	var tl store.Timeline
	out, err := headless.Replay(engine.Setup{Scenario: sc.Scenario, Map: sc.Map}, l, headless.Options{OnEvents: tl.Observe})
	if err != nil {
		t.Fatal(err)
	}
	if out.FinalHash != got.Drill.FinalHash || out.Ticks != got.Drill.FinalTick {
		t.Fatalf("replay of the journal: tick %d hash %s; stored %d %s", out.Ticks, out.FinalHash, got.Drill.FinalTick, got.Drill.FinalHash)
	}
	if a, b := mustJSON(t, got.Timeline), mustJSON(t, tl.Events); a != b || len(tl.Events) < 3 {
		t.Fatalf("stored timeline differs from the replay's:\n%s\n%s", a, b)
	}
	for _, ev := range got.Timeline {
		if ev.Kind == "joined" && ev.Ref != "" {
			t.Fatalf("a name in the timeline: %+v", ev)
		}
	}

	// The fallback the recorder uses after a gap gives the same timeline.
	fl := &following{rc: rc, e: e}
	tl2, err := fl.replayTimeline(got.Drill.FinalTick, hash)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := mustJSON(t, tl2.Events), mustJSON(t, tl.Events); a != b {
		t.Fatal("replayTimeline differs")
	}
	if _, err := fl.replayTimeline(got.Drill.FinalTick, hash+1); err == nil {
		t.Fatal("a wrong final hash was not noticed")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
