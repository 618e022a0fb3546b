package server

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/store"
)

// Abandoner ends drills that nobody comes back to. A drill keeps its key
// file (join code, facilitator and participant tokens) until it ends, and
// a drill in its lobby or paused never ends by itself: a class that went
// home, or a server restarted after the holidays, would keep tokens on
// disk for ever. A drill with no connection at all (no participant,
// spectator or facilitator) that has been in the lobby or paused for After
// is ended as abandoned: the engine decides its open tasks at that tick,
// the journal gets its end record and stays as the replay, the results are
// saved with end reason "abandoned" and marked unfinished, and the key
// file is deleted (Registry.run removes it at every end).
//
// Time comes from Clock (the drill clock of the registry), so tests use a
// manual one. Running drills are never abandoned: the facilitator may have
// closed the console while the class plays.
type Abandoner struct {
	Reg   *Registry
	Srv   *Server // who is connected (presence.go)
	Clock drill.Clock
	After time.Duration // > 0
	Log   *slog.Logger

	mu        sync.Mutex
	idleSince map[string]time.Time // drill ID → when it was first seen idle
	abandoned map[string]bool
}

// Recovered notes drills recovered at start-up: each has been idle since
// its journal was last written (the server was down, so nobody could be
// connected), so one whose journal is older than After is abandoned at
// the first Check. Call it right after Registry.Recover: recovery writes
// to a journal only to cut a torn tail off, which makes that drill look
// fresh and keeps it one After longer (the safe way to err).
func (a *Abandoner) Recovered(es []*Entry) {
	a.init()
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, e := range es {
		fi, err := os.Stat(a.Reg.JournalPath(e.ID))
		if err != nil {
			continue // the first Check starts its clock
		}
		a.idleSince[e.ID] = fi.ModTime()
	}
}

func (a *Abandoner) init() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.idleSince == nil {
		a.idleSince, a.abandoned = map[string]time.Time{}, map[string]bool{}
	}
	if a.Log == nil {
		a.Log = slog.New(slog.DiscardHandler)
	}
}

// Abandoned reports whether the abandoner ended drill id (the recorder's
// Recorder.EndReason asks).
func (a *Abandoner) Abandoned(id string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.abandoned[id]
}

// EndReason is Recorder.EndReason: store.EndAbandoned for a drill the
// abandoner ended, "" otherwise.
func (a *Abandoner) EndReason(e *Entry) string {
	if a.Abandoned(e.ID) {
		return store.EndAbandoned
	}
	return ""
}

// idle reports whether nobody is connected to e's drill and it waits in
// the lobby or paused.
func (a *Abandoner) idle(e *Entry) bool {
	switch e.Drill.State() {
	case drill.Lobby, drill.Paused:
	default:
		return false
	}
	n, _ := a.Srv.Present(e)
	return n == 0
}

// Check looks at every drill once and ends those idle for After; it
// returns the IDs it ended. A drill stops being idle (its clock restarts)
// as soon as anyone connects or it runs.
func (a *Abandoner) Check(ctx context.Context) []string {
	a.init()
	now := a.Clock.Now()
	var ended []string
	live := map[string]bool{}
	for _, e := range a.Reg.List() {
		if e.Drill.State() == drill.Ended {
			continue
		}
		live[e.ID] = true
		a.mu.Lock()
		since, seen := a.idleSince[e.ID]
		a.mu.Unlock()
		if !a.idle(e) {
			a.mu.Lock()
			delete(a.idleSince, e.ID)
			a.mu.Unlock()
			continue
		}
		if !seen {
			a.mu.Lock()
			a.idleSince[e.ID] = now
			a.mu.Unlock()
			continue
		}
		if now.Sub(since) < a.After {
			continue
		}
		a.mu.Lock()
		a.abandoned[e.ID] = true
		a.mu.Unlock()
		if err := e.Drill.End(ctx); err != nil {
			a.mu.Lock()
			delete(a.abandoned, e.ID)
			a.mu.Unlock()
			if !errors.Is(err, drill.ErrEnded) {
				a.Log.Warn("abandoned drill not ended; trying again later", "drill", e.ID, "err", err)
			}
			continue
		}
		a.Log.Info("drill abandoned: nobody connected, idle too long; ended, journal kept, keys deleted",
			"drill", e.ID, "state_idle_since", since, "after", a.After)
		ended = append(ended, e.ID)
	}
	a.mu.Lock()
	for id := range a.idleSince {
		if !live[id] {
			delete(a.idleSince, id)
		}
	}
	a.mu.Unlock()
	return ended
}

// Run checks every Every (0: a sixtieth of After, between a second and a
// minute) until ctx ends.
func (a *Abandoner) Run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = min(max(a.After/60, time.Second), time.Minute)
	}
	t := a.Clock.NewTicker(every)
	defer t.Stop()
	a.Check(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C():
			a.Check(ctx)
		}
	}
}

// Present returns how many sessions e's drill has (participants,
// spectators, facilitators) and the participant slots with a connection.
func (s *Server) Present(e *Entry) (sessions int, slots []int32) {
	v, ok := s.rooms.Load(e)
	if !ok {
		return 0, nil
	}
	r := v.(*room)
	r.mu.Lock()
	defer r.mu.Unlock()
	for slot := range r.conns {
		slots = append(slots, slot)
	}
	slices.Sort(slots)
	return len(r.sessions), slots
}
