package netbot

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/server"
	"github.com/rescuedrill/rescuedrill/server/store"
)

// TestClassOfFortyOverTheNetwork is issue 3's end-to-end check: a server on
// loopback with its SQLite store, a facilitator, and a class of 40 network
// bots (20 good, 20 naive) playing the heat drill to the end. The results
// the recorder stored must equal a headless re-simulation of the drill's
// journal: same final hash, same score and outcome for every participant;
// good bots score at least 85, naive bots at most 40. The drill ticks every
// 2 ms instead of 50 so the 15-minute drill takes well under a minute.
func TestClassOfFortyOverTheNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("plays a whole drill with 40 network bots")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	clk := fastClock{every: 2 * time.Millisecond}
	ts := startServer(t, ctx, clk)
	dir := t.TempDir()
	st, err := store.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rc := &server.Recorder{Store: st, Reg: ts.reg, Clock: clk}
	rc.Attach()

	e, fac, err := ts.reg.Create(ctx, server.CreateRequest{Scenario: "heat", Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	bots := playBots(t, ctx, ts, e, fac, 20)
	<-e.Drill.Done()
	rc.Wait()

	stored, err := st.Results(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := replayJournal(t, ts, e)
	if got := fmt.Sprintf("%016x", out.Hash()); stored.Drill.FinalHash != got {
		t.Fatalf("stored final hash %s, journal replays to %s", stored.Drill.FinalHash, got)
	}
	if len(stored.Participants) != 40 || len(out.Participants) != 40 || len(bots) != 40 {
		t.Fatalf("participants: stored %d, replayed %d, bots %d", len(stored.Participants), len(out.Participants), len(bots))
	}
	for i, p := range out.Participants {
		sp := stored.Participants[i]
		if sp.Score != p.Score || sp.Outcome != p.Outcome || sp.Name != p.Name {
			t.Errorf("slot %d: stored %s %d %s, replayed %s %d %s", i, sp.Name, sp.Score, sp.Outcome, p.Name, p.Score, p.Outcome)
		}
	}
	for _, b := range bots {
		switch {
		case b.Policy == "good" && b.Score < 85, b.Policy == "naive" && b.Score > 40:
			t.Errorf("%s scored %d (%s)", b.Name, b.Score, b.Outcome)
		}
		if int64(out.Participants[b.Slot].Score) != b.Score {
			t.Errorf("%s: saw %d over the network, the journal says %d", b.Name, b.Score, out.Participants[b.Slot].Score)
		}
	}
}
