package server

import (
	"context"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// TestRecoveredDrillPresenceAndResume: after a crash every participant of
// a recovered drill is shown away in a newcomer's Welcome until it rejoins
// with its token (and the others are told it is back). --resume-recovered
// 60 resumes a drill once 2 of its 3 participants are back, not at 1;
// with --resume-grace 10m a drill with 1 of 3 back resumes 10 minutes
// (server clock) after that one came back, not before; a drill its
// facilitator resumed first is left alone.
func TestRecoveredDrillPresenceAndResume(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	first := newAbandonRig(t, dir)
	type made struct {
		e      *Entry
		tokens []string
	}
	var drills []made
	for range 3 {
		e, _, err := first.reg.Create(ctx, CreateRequest{Scenario: "heat", Seed: 4})
		if err != nil {
			t.Fatal(err)
		}
		m := made{e: e}
		for _, name := range []string{"小明", "Ana", "李华"} {
			_, tok, err := e.Join(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			m.tokens = append(m.tokens, tok)
		}
		if err := e.Drill.Start(ctx); err != nil {
			t.Fatal(err)
		}
		first.endTickN(t, e.Drill, 5)
		drills = append(drills, m)
	}
	first.reg.Close() // the crash
	first.rc.Wait()

	second := newAbandonRig(t, dir)
	rec, err := second.reg.Recover(ctx)
	if err != nil || len(rec) != 3 {
		t.Fatalf("recovered %d: %v", len(rec), err)
	}
	expected := map[string][]int32{}
	for _, e := range rec {
		slots, err := second.srv.MarkRecoveredAway(ctx, e)
		if err != nil || len(slots) != 3 {
			t.Fatalf("marked away %v: %v", slots, err)
		}
		expected[e.ID] = slots
	}
	byPercent, byGrace, byHand := second.reg.ByID(drills[0].e.ID), second.reg.ByID(drills[1].e.ID), second.reg.ByID(drills[2].e.ID)

	// A spectator (the teacher's screen) sees the whole class away.
	sp, w := dial(t, second.addr, second.hash, wire.Hello{Role: wire.RoleSpectator, JoinCode: byPercent.Code})
	if w == nil || len(w.Roster) != 3 {
		t.Fatalf("spectator's welcome roster: %+v", w)
	}
	for _, r := range w.Roster {
		if r.Flags&wire.RosterAway == 0 {
			t.Fatalf("slot %d not away after the restart: flags %b", r.Slot, r.Flags)
		}
	}
	rejoin := func(m made, i int, e *Entry) *testClient {
		t.Helper()
		c, w := dial(t, second.addr, second.hash, wire.Hello{Role: wire.RoleParticipant, JoinCode: e.Code,
			HasToken: true, Token: tokenBytes(m.tokens[i])})
		if w == nil || w.Slot != int32(i) {
			t.Fatalf("rejoin of slot %d: %+v", i, w)
		}
		return c
	}

	rs := &Resumer{Srv: second.srv, Clock: second.clk, Percent: 60}
	wp := &resumeWatch{rs: rs, e: byPercent, expected: expected[byPercent.ID], lastBack: -1}
	if wp.poll(ctx, second.clk.Now()) {
		t.Fatal("resumed with nobody back")
	}
	rejoin(drills[0], 0, byPercent)
	sp.until("slot 0 back", isRoster(0, 0))
	if wp.poll(ctx, second.clk.Now()) || byPercent.Drill.State() != drill.Paused {
		t.Fatal("resumed with 1 of 3 back (want 60 %)")
	}
	rejoin(drills[0], 2, byPercent)
	sp.until("slot 2 back", isRoster(2, 0))
	if !wp.poll(ctx, second.clk.Now()) || byPercent.Drill.State() != drill.Running {
		t.Fatalf("2 of 3 back: drill %s, want running", byPercent.Drill.State())
	}

	rg := &Resumer{Srv: second.srv, Clock: second.clk, Percent: 100, Grace: 10 * time.Minute}
	wg := &resumeWatch{rs: rg, e: byGrace, expected: expected[byGrace.ID], lastBack: -1}
	second.clk.advance(time.Hour) // nobody back: the grace has not begun
	if wg.poll(ctx, second.clk.Now()) {
		t.Fatal("resumed by grace with nobody back")
	}
	rejoin(drills[1], 1, byGrace)
	waitPresent(t, second.srv, byGrace, 1)
	if wg.poll(ctx, second.clk.Now()) {
		t.Fatal("resumed as soon as the first came back")
	}
	second.clk.advance(9 * time.Minute)
	if wg.poll(ctx, second.clk.Now()) {
		t.Fatal("resumed before the grace was over")
	}
	second.clk.advance(time.Minute)
	if !wg.poll(ctx, second.clk.Now()) || byGrace.Drill.State() != drill.Running {
		t.Fatalf("grace over: drill %s, want running", byGrace.Drill.State())
	}

	// The teacher resumes byHand before anyone is back: Watch sees it
	// running and stops; a later pause and everyone's return leave it to
	// the teacher.
	if err := byHand.Drill.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	watched := make(chan struct{})
	go func() { rs.Watch(ctx, byHand, expected[byHand.ID], time.Millisecond); close(watched) }()
	select {
	case <-watched:
	case <-time.After(5 * time.Second):
		t.Fatal("Watch still waiting for a drill its facilitator resumed")
	}
	if err := byHand.Drill.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		rejoin(drills[2], i, byHand)
	}
	waitPresent(t, second.srv, byHand, 3)
	if byHand.Drill.State() != drill.Paused {
		t.Fatalf("teacher's pause undone: %s", byHand.Drill.State())
	}
}

// waitPresent waits until n participant slots of e are connected.
func waitPresent(t *testing.T, s *Server, e *Entry, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, slots := s.Present(e); len(slots) == n {
			return
		}
		if time.Now().After(deadline) {
			_, slots := s.Present(e)
			t.Fatalf("present slots %v, want %d", slots, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
