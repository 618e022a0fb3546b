package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// MarkRecoveredAway marks every participant of a recovered drill away
// (Roster flag bit 2, docs/protocol.md §4.9) until they reconnect. After a
// restart nobody is connected, but the room of a drill starts empty, so
// without this the first Welcome would show the whole class present and a
// teacher could not see who is back. It returns the slots marked: the
// participants who had not left for good. Call it before the server takes
// connections.
func (s *Server) MarkRecoveredAway(ctx context.Context, e *Entry) ([]int32, error) {
	var roster []wire.RosterEntry
	err := e.Drill.View(ctx, func(w *engine.World, _ drill.State) error {
		roster = rosterOf(w)
		return nil
	})
	if err != nil {
		return nil, err
	}
	r := s.roomOf(e)
	r.mu.Lock()
	defer r.mu.Unlock()
	var slots []int32
	for _, re := range roster {
		slot := int32(re.Slot)
		if re.Flags&wire.RosterLeft != 0 || r.conns[slot] > 0 {
			continue
		}
		re.Flags |= wire.RosterAway
		r.away[slot] = re
		slots = append(slots, slot)
	}
	return slots, nil
}

// Resumer resumes a recovered drill by itself (drill serve
// --resume-recovered) once Percent % of the participants it waits for have
// rejoined, or, with Grace, that long after the first of them rejoined.
// Otherwise a recovered drill waits paused for its facilitator, which is
// the default: a teacher sees on the console who is back before the drill
// goes on. The Resumer acts once: if the facilitator resumes (or ends) the
// drill first, or pauses it again later, it does nothing more.
type Resumer struct {
	Srv     *Server
	Clock   drill.Clock
	Percent int           // 1–100; 0: only Grace
	Grace   time.Duration // 0: only Percent
	Log     *slog.Logger
}

// resumeWatch is one recovered drill's wait.
type resumeWatch struct {
	rs        *Resumer
	e         *Entry
	expected  []int32 // participants who were in the drill (MarkRecoveredAway)
	firstBack time.Time
	lastBack  int
}

// Watch waits (on the Resumer's clock, polling every poll) until the
// drill is no longer paused, resuming it when the policy says so. It
// returns when the drill runs or ends, or ctx ends.
func (rs *Resumer) Watch(ctx context.Context, e *Entry, expected []int32, poll time.Duration) {
	w := &resumeWatch{rs: rs, e: e, expected: expected, lastBack: -1}
	t := rs.Clock.NewTicker(poll)
	defer t.Stop()
	for {
		if w.poll(ctx, rs.Clock.Now()) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-e.Drill.Done():
			return
		case <-t.C():
		}
	}
}

// back counts the expected participants connected now.
func (w *resumeWatch) back() int {
	_, present := w.rs.Srv.Present(w.e)
	n := 0
	for _, s := range present {
		for _, x := range w.expected {
			if s == x {
				n++
				break
			}
		}
	}
	return n
}

// poll looks once; done when there is nothing more to wait for.
func (w *resumeWatch) poll(ctx context.Context, now time.Time) (done bool) {
	if w.e.Drill.State() != drill.Paused {
		return true // the facilitator was quicker, or the drill ended
	}
	back, want := w.back(), len(w.expected)
	if back != w.lastBack {
		w.lastBack = back
		w.log().Info("recovered drill: participants back · 已重新连接", "drill", w.e.ID, "back", back, "of", want)
	}
	if back > 0 && w.firstBack.IsZero() {
		w.firstBack = now
	}
	why := ""
	switch {
	case w.rs.Percent > 0 && want > 0 && back*100 >= w.rs.Percent*want:
		why = "enough participants back"
	case w.rs.Grace > 0 && !w.firstBack.IsZero() && now.Sub(w.firstBack) >= w.rs.Grace:
		why = "grace period over"
	default:
		return false
	}
	if err := w.e.Drill.Resume(ctx); err != nil {
		// Resumed, paused or ended by someone else meanwhile: theirs wins.
		w.log().Info("recovered drill not resumed automatically", "drill", w.e.ID, "err", err)
		return true
	}
	w.log().Info("recovered drill resumed automatically · 已自动继续", "drill", w.e.ID, "why", why, "back", back, "of", want)
	return true
}

func (w *resumeWatch) log() *slog.Logger {
	if w.rs.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return w.rs.Log
}
