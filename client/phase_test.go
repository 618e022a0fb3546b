package client

import (
	"testing"

	"github.com/rescuedrill/rescuedrill/server/wire"
)

// TestPhaseOrdering: Phase messages (and the Welcome) decide the phase; a
// snapshot's globals only move it on for a later tick, and nothing moves
// it after the end — a late datagram from before a Phase message must not
// report the old phase again.
func TestPhaseOrdering(t *testing.T) {
	t.Parallel()
	type step struct {
		fromMessage bool
		phase       wire.Phase
		tick        uint64
		wantEvent   bool
	}
	for _, tc := range []struct {
		name  string
		steps []step
		want  wire.Phase
	}{
		{"ended is final", []step{
			{true, wire.PhaseRunning, 10, true},
			{true, wire.PhaseEnded, 100, true},
			{false, wire.PhaseRunning, 100, false}, // the last tick's snapshot, overtaken
			{false, wire.PhaseRunning, 101, false},
		}, wire.PhaseEnded},
		{"a late snapshot does not undo a pause", []step{
			{true, wire.PhaseRunning, 10, true},
			{false, wire.PhaseRunning, 49, false},
			{true, wire.PhasePaused, 50, true},
			{false, wire.PhaseRunning, 49, false},
			{false, wire.PhaseRunning, 50, false},
		}, wire.PhasePaused},
		{"snapshots follow when messages agree", []step{
			{true, wire.PhasePaused, 50, true},
			{true, wire.PhaseRunning, 50, true},
			{false, wire.PhaseRunning, 51, false},
			{false, wire.PhasePaused, 60, true}, // a snapshot may tell first
			{true, wire.PhasePaused, 60, false},
		}, wire.PhasePaused},
		{"a rebuilt drill's Welcome goes back in ticks", []step{
			{true, wire.PhaseRunning, 500, true},
			{true, wire.PhasePaused, 400, true}, // the reconnect's Welcome after a restart
			{true, wire.PhaseRunning, 400, true},
			{false, wire.PhaseRunning, 401, false},
		}, wire.PhaseRunning},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Client{phase: wire.PhaseLobby}
			for i, s := range tc.steps {
				var ok bool
				if s.fromMessage {
					_, ok = c.setPhase(s.phase, s.tick)
				} else {
					_, ok = c.snapshotPhase(s.phase, s.tick)
				}
				if ok != s.wantEvent {
					t.Fatalf("step %d %+v: event %v", i, s, ok)
				}
			}
			if c.phase != tc.want {
				t.Fatalf("phase %v, want %v", c.phase, tc.want)
			}
		})
	}
}
