package server

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/engine/replay"
	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/store"
	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// abandonRig is a registry on a manual clock with a results store, a
// recorder and a live session server on loopback (so a connection can
// keep a drill from being abandoned).
type abandonRig struct {
	dir  string
	clk  *testClock
	reg  *Registry
	st   *store.SQLite
	rc   *Recorder
	srv  *Server
	ab   *Abandoner
	addr string
	hash [32]byte
}

const abandonAfter = 12 * time.Hour

func newAbandonRig(t *testing.T, dir string) *abandonRig {
	t.Helper()
	t.Setenv("QUIC_GO_DISABLE_RECEIVE_BUFFER_WARNING", "true")
	rig := &abandonRig{dir: dir, clk: newTestClock()}
	var err error
	if rig.st, err = store.OpenDir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rig.st.Close() })
	if rig.reg, err = NewRegistry(dir, rig.clk, nil); err != nil {
		t.Fatal(err)
	}
	rig.srv = &Server{Reg: rig.reg, Log: testLogger()}
	rig.ab = &Abandoner{Reg: rig.reg, Srv: rig.srv, Clock: rig.clk, After: abandonAfter}
	rig.rc = &Recorder{Store: rig.st, Reg: rig.reg, Clock: rig.clk, EndReason: rig.ab.EndReason}
	rig.rc.Attach()
	ctx, cancel := context.WithCancel(context.Background())
	cert, hash, err := transport.SelfSigned([]string{"localhost"}, time.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := transport.Listen(ctx, "127.0.0.1:0", transport.Config{Certificate: cert})
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan struct{})
	go func() { _ = rig.srv.Serve(ctx, ln); close(served) }()
	rig.addr, rig.hash = ln.Addr().String(), hash
	t.Cleanup(func() {
		cancel()
		ln.Close()
		<-served
		rig.reg.Close()
		rig.rc.Wait()
	})
	return rig
}

// endTick feeds the manual clock's ticks until d has ended (other drills
// take some of them and ignore them unless running).
func (rig *abandonRig) endTick(t *testing.T, d *drill.Drill) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case rig.clk.ch <- rig.clk.Now():
		case <-d.Done():
			return
		case <-deadline:
			t.Fatalf("drill still %s", d.State())
		}
	}
}

// checkAbandoned: the drill ended as abandoned, its results are stored so
// (every participant unfinished), the journal has its end record and is
// kept, the key file is gone.
func (rig *abandonRig) checkAbandoned(t *testing.T, e *Entry, people int) {
	t.Helper()
	rig.endTick(t, e.Drill)
	// The recorder saves the results on its own goroutine (a recovered
	// drill's row may say ended before they are saved).
	var got *store.DrillResults
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var err error
		if got, err = rig.st.Results(context.Background(), e.ID); err != nil {
			t.Fatal(err)
		}
		if got.Drill.FinalHash != "" || time.Now().After(deadline) { // SaveResults has run
			break
		}
	}
	if got.Drill.State != store.StateEnded || got.Drill.EndReason != store.EndAbandoned || len(got.Participants) != people {
		t.Fatalf("stored: state %s reason %q, %d participants (want %d)", got.Drill.State, got.Drill.EndReason,
			len(got.Participants), people)
	}
	for _, p := range got.Participants {
		if !p.Unfinished || p.Outcome == "" {
			t.Fatalf("participant %d: unfinished %v outcome %q", p.Slot, p.Unfinished, p.Outcome)
		}
	}
	f, err := os.Open(rig.reg.JournalPath(e.ID))
	if err != nil {
		t.Fatalf("journal not kept: %v", err)
	}
	defer f.Close()
	l, err := replay.Decode(f)
	if err != nil || l.End == nil || l.End.Tick != e.Drill.Tick() {
		t.Fatalf("journal of the abandoned drill: %v at drill tick %d", err, e.Drill.Tick())
	}
	if _, err := os.Stat(filepath.Join(rig.dir, "journals", e.ID+KeysExt)); !os.IsNotExist(err) {
		t.Fatalf("key file still there: %v", err)
	}
}

// TestAbandonIdleDrills: with nobody connected a drill in the lobby or
// paused is ended as abandoned after --abandon-after on the server's
// clock, not before; a running drill and one with a spectator connected
// are left alone, and the spectator's drill is abandoned After after it
// leaves.
func TestAbandonIdleDrills(t *testing.T) {
	rig := newAbandonRig(t, t.TempDir())
	ctx := context.Background()
	mk := func(people int) *Entry {
		t.Helper()
		e, _, err := rig.reg.Create(ctx, CreateRequest{Scenario: "heat", Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		for i := range people {
			if _, _, err := e.Drill.Join(ctx, []string{"小明", "Ana", "李华"}[i], ""); err != nil {
				t.Fatal(err)
			}
		}
		return e
	}
	lobby, paused, running, watched := mk(1), mk(2), mk(0), mk(3)
	for _, e := range []*Entry{paused, running} {
		if err := e.Drill.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	rig.endTickN(t, paused.Drill, 3) // the joins are stepped
	if err := paused.Drill.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	c, w := dial(t, rig.addr, rig.hash, wire.Hello{Role: wire.RoleSpectator, JoinCode: watched.Code})
	if w == nil {
		t.Fatal("spectator not welcomed")
	}
	if n, _ := rig.srv.Present(watched); n != 1 {
		t.Fatalf("present at the watched drill: %d", n)
	}

	if got := rig.ab.Check(ctx); len(got) != 0 { // clocks start
		t.Fatalf("abandoned at once: %v", got)
	}
	rig.clk.advance(abandonAfter - time.Minute)
	if got := rig.ab.Check(ctx); len(got) != 0 {
		t.Fatalf("abandoned before --abandon-after: %v", got)
	}
	rig.clk.advance(2 * time.Minute)
	got := rig.ab.Check(ctx)
	want := []string{lobby.ID, paused.ID}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("abandoned %v, want the lobby and paused drills %v", got, want)
	}
	rig.checkAbandoned(t, lobby, 1)
	rig.checkAbandoned(t, paused, 2)
	if running.Drill.State() != drill.Running || watched.Drill.State() != drill.Lobby {
		t.Fatalf("running drill %s, watched drill %s", running.Drill.State(), watched.Drill.State())
	}

	c.conn.CloseWithError(0, "teacher went home")
	deadline := time.Now().Add(5 * time.Second)
	for n, _ := rig.srv.Present(watched); n != 0; n, _ = rig.srv.Present(watched) {
		if time.Now().After(deadline) {
			t.Fatal("the spectator's session did not end")
		}
		time.Sleep(10 * time.Millisecond)
	}
	rig.ab.Check(ctx) // idle from now
	rig.clk.advance(abandonAfter / 2)
	if got := rig.ab.Check(ctx); len(got) != 0 {
		t.Fatalf("abandoned %v half an --abandon-after after the spectator left", got)
	}
	rig.clk.advance(abandonAfter / 2)
	if got := rig.ab.Check(ctx); !slices.Equal(got, []string{watched.ID}) {
		t.Fatalf("abandoned %v, want the watched drill", got)
	}
	rig.checkAbandoned(t, watched, 3)
}

// endTickN feeds n ticks to a running drill (others take some).
func (rig *abandonRig) endTickN(t *testing.T, d *drill.Drill, n uint64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for start := d.Tick(); d.Tick() < start+n; {
		if time.Now().After(deadline) {
			t.Fatalf("drill at tick %d", d.Tick())
		}
		rig.clk.ch <- rig.clk.Now()
	}
}

// TestAbandonRecoveredAtStartup: a drill recovered from a journal last
// written longer than --abandon-after ago is abandoned at the first
// check after the start; a fresher one is kept, paused, with its keys.
func TestAbandonRecoveredAtStartup(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	first := newAbandonRig(t, dir)
	var es []*Entry
	for range 2 {
		e, _, err := first.reg.Create(ctx, CreateRequest{Scenario: "heat", Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.Drill.Join(ctx, "王芳", ""); err != nil {
			t.Fatal(err)
		}
		if err := e.Drill.Start(ctx); err != nil {
			t.Fatal(err)
		}
		first.endTickN(t, e.Drill, 25)
		es = append(es, e)
	}
	first.reg.Close() // the crash: no end records
	first.rc.Wait()
	old, fresh := es[0], es[1]

	second := newAbandonRig(t, dir)
	now := second.clk.Now()
	for e, age := range map[*Entry]time.Duration{old: abandonAfter + time.Hour, fresh: abandonAfter - time.Hour} {
		if err := os.Chtimes(second.reg.JournalPath(e.ID), now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	rec, err := second.reg.Recover(ctx)
	if err != nil || len(rec) != 2 {
		t.Fatalf("recovered %d: %v", len(rec), err)
	}
	second.ab.Recovered(rec)
	got := second.ab.Check(ctx)
	if !slices.Equal(got, []string{old.ID}) {
		t.Fatalf("abandoned at start-up %v, want only the drill idle for more than --abandon-after %s", got, old.ID)
	}
	second.checkAbandoned(t, second.reg.ByID(old.ID), 1)
	kept := second.reg.ByID(fresh.ID)
	if kept.Drill.State() != drill.Paused {
		t.Fatalf("fresh recovered drill %s", kept.Drill.State())
	}
	if _, err := os.Stat(filepath.Join(dir, "journals", fresh.ID+KeysExt)); err != nil {
		t.Fatalf("fresh drill's key file: %v", err)
	}
	second.clk.advance(2 * time.Hour)
	if got := second.ab.Check(ctx); !slices.Equal(got, []string{fresh.ID}) {
		t.Fatalf("abandoned %v once the fresh drill's journal is old enough", got)
	}
	second.checkAbandoned(t, kept, 1)
}
