package journal

import (
	"time"

	"github.com/rescuedrill/rescuedrill/engine/replay"
)

// Wall records when, by the server's clock, the drill started, paused,
// resumed or ended, standing at tick (World.Tick(): the next tick it
// steps). Buffered like Append; the drill syncs after it. The exports put a
// paused drill's events at their true wall-clock times from these records
// (docs/replay-format.md); the world never sees them.
//
// A journal begun by an older build (format version 1) cannot hold them:
// the error wraps replay.ErrBadRecord and the journal goes on, as after any
// refused record; its exports then count from the start as before.
func (j *Journal) Wall(kind replay.WallKind, tick uint64, at time.Time) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return j.err
	}
	if err := j.rw.Wall(kind, tick, at.UnixNano()); err != nil {
		return err
	}
	return j.appendedLocked()
}
