package drill

import (
	"time"

	"github.com/rescuedrill/rescuedrill/engine/replay"
)

// WallJournal is a Journal that also keeps wall-clock times
// (server/journal.Journal does). With one, the drill records by its Clock
// when it starts, pauses, resumes and ends, so the exports can put events
// after a pause at their true times (docs/reports.md). The world never sees
// these times: they are not inputs and do not enter its hash.
type WallJournal interface {
	Wall(kind replay.WallKind, tick uint64, at time.Time) error
}

// wallKind is what a change of state from → to is on the wall clock, or 0
// for none.
func wallKind(from, to State) replay.WallKind {
	switch {
	case from == to:
		return 0
	case to == Running && from == Lobby:
		return replay.WallStart
	case to == Running:
		return replay.WallResume // after a pause, or a restart (a recovered drill waits paused)
	case to == Paused:
		return replay.WallPause
	case to == Ended:
		return replay.WallEnd
	}
	return 0
}

// noteWall journals a change of state with the Clock's time, on the drill
// goroutine, at the tick the world stands at. A pause or start is synced at
// once: no tick may follow to sync it, and a crash while paused should not
// lose when the pause began. The end is synced with the End record right
// after.
//
// Errors are not the drill's to act on here: a journal begun by an older
// build refuses the record (replay.ErrBadRecord) and its exports count from
// the start as before; a failed journal fails the next Append or Sync of
// the tick loop, which stops the drill.
func (d *Drill) noteWall(from, to State) {
	wj, ok := d.cfg.Journal.(WallJournal)
	k := wallKind(from, to)
	if !ok || k == 0 {
		return
	}
	if err := wj.Wall(k, d.world.Tick(), d.cfg.Clock.Now()); err != nil || k == replay.WallEnd {
		return
	}
	if d.cfg.Journal.Sync() == nil {
		d.count(func(s *Stats) { s.Syncs++ })
	}
}
