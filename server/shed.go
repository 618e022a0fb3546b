package server

import (
	"context"
	"time"
)

// Snapshot shedding: when the machine cannot keep up — the drill
// goroutines wake late and step their ticks in catch-up bursts
// (server/drill/pacer.go) — the server halves the snapshots every client
// gets, then halves them again, rather than let every drill fall behind.
// Snapshots and their QUIC packets are most of a loaded server's work per
// participant (docs/BENCHMARKS.md), while the simulation, events, prompts,
// warnings and choice acknowledgements keep their full rate. Clients
// interpolate over the intervals they see (client/interp.go), so a class
// notices only a little more latency. After a long calm the rate comes
// back a step at a time; a step back that overloads the machine again
// doubles the calm needed before the next try.

// shedder decides the snapshot interval multiplier from the lateness of
// each second: ticks stepped behind schedule or given up, over all ticks
// stepped. It does no I/O: the loop in Server.shedLoop feeds it.
type shedder struct {
	maxFactor int           // the most the interval is multiplied by (4: 5 snapshots a second at 20 Hz)
	factor    int           // 1, 2, 4 …
	hold      time.Duration // calm needed before stepping back
	calm      time.Duration // calm since the last change or overload
	sinceBack time.Duration // since the last step back (−1: none yet)
	settle    int           // observations to ignore after a change (its burst is still in them)
}

const (
	shedMaxFactor = 4
	shedHold      = 2 * time.Minute
	shedMaxHold   = 30 * time.Minute
	// After a change the next seconds are not judged: the drills are
	// still stepping the backlog of the overload that caused it, and a
	// join storm's handshakes take a few seconds to pass.
	shedSettle = 5
	// A second is overloaded when more than 1 tick in 50 came late, calm
	// when fewer than 1 in 500 did (in between: neither).
	shedOverloaded = 50
	shedCalm       = 500
)

func newShedder() *shedder {
	return &shedder{maxFactor: shedMaxFactor, factor: 1, hold: shedHold, sinceBack: -1}
}

// observe takes dt of drill activity in which ticks were stepped and late
// of them came behind schedule (or were given up); it returns the
// multiplier and whether it changed.
func (s *shedder) observe(late, ticks uint64, dt time.Duration) (factor int, changed bool) {
	if s.sinceBack >= 0 {
		s.sinceBack += dt
	}
	if s.settle > 0 {
		s.settle--
		return s.factor, false
	}
	switch {
	case ticks > 0 && late*shedOverloaded > ticks:
		s.calm = 0
		if s.factor >= s.maxFactor {
			return s.factor, false
		}
		if s.sinceBack >= 0 && s.sinceBack <= 30*time.Second {
			s.hold = min(2*s.hold, shedMaxHold) // stepping back was too soon
		}
		s.factor *= 2
		s.settle = shedSettle
		return s.factor, true
	case late*shedCalm <= ticks: // calm (an idle server too)
		s.calm += dt
		if s.factor > 1 && s.calm >= s.hold {
			s.factor /= 2
			s.calm, s.sinceBack, s.settle = 0, 0, shedSettle
			return s.factor, true
		}
	default:
		s.calm = 0
	}
	return s.factor, false
}

// shedLoop watches the drills' lateness once a second and sets the
// sessions' snapshot multiplier (Server.AdaptiveSnapshots).
func (s *Server) shedLoop(ctx context.Context) {
	sh := newShedder()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	lastLate, lastTicks := s.lateness()
	last := s.now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		late, ticks := s.lateness()
		now := s.now()
		if late < lastLate || ticks < lastTicks {
			// A drill left the registry with its counters: start again.
			lastLate, lastTicks, last = late, ticks, now
			continue
		}
		prev := sh.factor
		f, changed := sh.observe(late-lastLate, ticks-lastTicks, now.Sub(last))
		lastLate, lastTicks, last = late, ticks, now
		if changed {
			s.shedFactor.Store(int32(f))
			why := "calm long enough: one step back"
			if f > prev {
				why = "drills fell behind their tick schedule"
			}
			s.Log.Warn("snapshot rate changed for the load", "interval_multiplier", f, "why", why)
		}
	}
}

// lateness sums, over the registry's drills, the ticks stepped behind
// schedule or given up because a drill goroutine waited for a core
// (drill.Stats.Starved: not a drill's own slow step, such as a slow
// disk's fsync, which fewer snapshots would not cure), and the ticks
// stepped.
func (s *Server) lateness() (late, ticks uint64) {
	for _, e := range s.Reg.List() {
		st := e.Drill.Stats()
		late += st.Starved
		ticks += st.Ticks
	}
	return late, ticks
}

// snapshotFactor is the multiplier of the snapshot interval now (≥ 1).
func (s *Server) snapshotFactor() int {
	if f := s.shedFactor.Load(); f > 1 {
		return int(f)
	}
	return 1
}
