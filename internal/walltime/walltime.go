// Package walltime turns a drill's ticks into wall-clock times. Ticks are
// drill time: they stop while a facilitator pauses the drill, the wall
// clock does not. A served drill's journal records when it started, paused,
// resumed and ended (replay.Wall, from the server's Clock); each start or
// resume anchors the ticks after it, so an event after a pause gets its
// true time rather than one early by the pause. A log without those records
// (a replay file, a journal written before them) has one anchor: its start
// time at tick 0, which was the only rule before.
//
// 演练时间（刻）在暂停时停止，墙钟时间不停；导出的时间按日志中的开始、继续记录换算。
package walltime

import (
	"time"

	"github.com/rescuedrill/rescuedrill/engine/replay"
)

// Anchor says that the world stood at Tick at time At and ran on from there
// at the tick rate.
type Anchor struct {
	Tick uint64
	At   time.Time
}

// Timeline maps ticks to wall-clock times. The zero value is not usable;
// make one with FromStart or FromLog.
type Timeline struct {
	hz      int
	anchors []Anchor // by tick; of two at the same tick the later wins
	paused  time.Duration
	end     time.Time // from an end record; zero without one
}

// FromStart is the timeline of a drill that ran without a pause from start
// at tick 0.
func FromStart(start time.Time, hz int) *Timeline {
	return &Timeline{hz: max(hz, 1), anchors: []Anchor{{0, start}}}
}

// FromLog is the timeline of a journal's wall-clock records, or, when it
// has no start or resume record, FromStart(fallback, hz).
func FromLog(walls []replay.Wall, hz int, fallback time.Time) *Timeline {
	t := &Timeline{hz: max(hz, 1)}
	var pausedAt time.Time
	for _, w := range walls {
		at := time.Unix(0, w.UnixNano)
		switch w.Kind {
		case replay.WallStart, replay.WallResume:
			t.anchors = append(t.anchors, Anchor{w.Tick, at})
			if !pausedAt.IsZero() && at.After(pausedAt) {
				t.paused += at.Sub(pausedAt)
			}
			pausedAt = time.Time{}
		case replay.WallPause:
			pausedAt = at
		case replay.WallEnd:
			t.end = at
		}
	}
	if len(t.anchors) == 0 {
		return FromStart(fallback, hz)
	}
	return t
}

// At is the wall-clock time of tick: the last anchor at or before it plus
// the drill time since. A tick before the first anchor counts back from it.
func (t *Timeline) At(tick uint64) time.Time {
	a := t.anchors[0]
	for _, b := range t.anchors[1:] {
		if b.Tick > tick {
			break
		}
		a = b
	}
	if tick < a.Tick {
		return a.At.Add(-t.span(a.Tick - tick))
	}
	return a.At.Add(t.span(tick - a.Tick))
}

// span is n ticks of drill time, in integer nanoseconds so a tick rate
// that is not a power of two still lands on whole milliseconds.
func (t *Timeline) span(n uint64) time.Duration {
	return time.Duration(n) * time.Second / time.Duration(t.hz)
}

// Start is when tick 0 happened.
func (t *Timeline) Start() time.Time { return t.At(0) }

// Paused is the wall-clock time the drill stood still between a pause and
// the resume after it. A restart after a crash resumes without a pause
// record; that gap is not counted.
func (t *Timeline) Paused() time.Duration { return t.paused }

// Resumes is how many times the drill was resumed (after a pause or a
// restart).
func (t *Timeline) Resumes() int { return len(t.anchors) - 1 }

// End is the recorded end, or zero when the log has none.
func (t *Timeline) End() time.Time { return t.end }
