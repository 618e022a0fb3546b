package server

import (
	"context"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// snapshotTicks starts a 20 Hz drill on a server set up by configure and
// returns the welcome and the ticks of the first n snapshots a participant
// decodes.
func snapshotTicks(t *testing.T, configure func(*Server), n int) (*wire.Welcome, *Entry, []uint64) {
	t.Helper()
	ts := startTestServer(t, configure)
	addr, e, fac, hash := ts.addr, ts.e, ts.fac, ts.hash
	f, _ := dial(t, addr, hash, wire.Hello{Role: wire.RoleFacilitator, JoinCode: e.Code, FacToken: fac})
	p, w := dial(t, addr, hash, wire.Hello{Role: wire.RoleParticipant, JoinCode: e.Code, Name: "小华"})
	if w == nil || w.TickHz != 20 {
		t.Fatalf("welcome: %+v", w)
	}
	watchdog(t, p, 30*time.Second)
	dec := wire.NewSnapshotDecoder(w.Grid, w.Layers)
	if _, err := dec.Decode(w.Full); err != nil {
		t.Fatal(err)
	}
	f.send(&wire.Command{Seq: 1, Op: wire.OpStart})
	var ticks []uint64
	p.until("snapshots", func(m wire.Message) bool {
		if sd, ok := m.(*wire.SnapshotData); ok {
			st, err := dec.Decode(sd.Data)
			if err != nil {
				t.Fatal(err)
			}
			ticks = append(ticks, st.Tick)
		}
		return len(ticks) == n
	})
	return w, e, ticks
}

// TestSnapshotRateCap: with Server.SnapshotHz 10 a 20 Hz drill's clients
// are told 10 snapshots a second in the Welcome and get a snapshot every
// second tick only, while the drill itself still steps every tick.
func TestSnapshotRateCap(t *testing.T) {
	w, e, ticks := snapshotTicks(t, func(s *Server) { s.SnapshotHz = 10 }, 10)
	if w.SnapshotHz != 10 {
		t.Fatalf("welcome: %d snapshots a second, want 10", w.SnapshotHz)
	}
	for i, tk := range ticks {
		if tk%2 != 0 || i > 0 && tk <= ticks[i-1] {
			t.Fatalf("snapshot ticks %v: want even ticks only, increasing", ticks)
		}
	}
	if e.Drill.Tick() < ticks[len(ticks)-1] {
		t.Fatalf("drill at tick %d behind its snapshots %v", e.Drill.Tick(), ticks)
	}
}

// TestShedFactorThinsSnapshots: while the shed multiplier is 2 on top of
// SnapshotHz 10, a 20 Hz drill's client gets a snapshot every fourth tick
// (5 a second); the Welcome still says 10 (clients go by the intervals
// they see).
func TestShedFactorThinsSnapshots(t *testing.T) {
	w, _, ticks := snapshotTicks(t, func(s *Server) { s.SnapshotHz = 10; s.shedFactor.Store(2) }, 6)
	if w.SnapshotHz != 10 {
		t.Fatalf("welcome: %d snapshots a second, want 10", w.SnapshotHz)
	}
	for i, tk := range ticks {
		if tk%4 != 0 || i > 0 && tk <= ticks[i-1] {
			t.Fatalf("snapshot ticks %v: want multiples of 4 only, increasing", ticks)
		}
	}
}

// TestCaptureOnlySnapshotTicks: with Registry.SnapshotTicks a running
// drill's frames carry a snapshot only on the ticks clients get; the
// frame of a change of state (a pause) always carries one.
func TestCaptureOnlySnapshotTicks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := newTestClock()
	r, err := NewRegistry(t.TempDir(), clk, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.SnapshotTicks = func(tick uint64, tickHz int) bool { return tick%3 == 0 }
	e, _, err := r.Create(ctx, CreateRequest{Scenario: "heat", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := e.Drill.Subscribe(ctx, 64)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Drill.Start(ctx); err != nil {
		t.Fatal(err)
	}
	clk.tick(9)
	if err := e.Drill.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	with, without := 0, 0
	for {
		f := <-sub.C()
		_, has := f.Snapshot.(*wire.State)
		if f.State == drill.Paused {
			if !has {
				t.Fatal("the pause's frame has no snapshot: clients would not learn of it")
			}
			break
		}
		if f.State != drill.Running {
			continue
		}
		if has != (f.Tick%3 == 0) {
			t.Fatalf("tick %d: snapshot %v, want one only on every third tick", f.Tick, has)
		}
		if has {
			with++
		} else {
			without++
		}
	}
	if with == 0 || without == 0 {
		t.Fatalf("%d frames with a snapshot and %d without: want both", with, without)
	}
}
