package drill

import "time"

// pacer keeps a running drill's ticks on a fixed schedule (the classic
// fixed time step with catch-up). Go's ticker drops the ticks a busy
// goroutine misses, so without it a drill whose goroutine waited for a core
// would step fewer ticks than the wall clock passed: drill time would run
// slow and a 15-minute drill would last longer for a busy server's class.
// At each wake the pacer says how many ticks are due by the schedule that
// starts at the first wake: one normally (a wake late by less than a
// period is no backlog), more after a stall, at most max; a larger backlog is given up (slipped) and
// the schedule restarts from now, so a long stall never turns into a long
// burst. Stepping is cheap next to a tick period (docs/BENCHMARKS.md), so
// a burst of a few steps clears the backlog at once.
type pacer struct {
	period time.Duration
	max    int // most ticks per wake; ≤ 1: always one (no catch-up)

	running  bool
	anchor   time.Time // when tick 0 of this run of the schedule was due
	stepped  int64     // ticks stepped since anchor
	lastDone time.Time // when the last wake's steps ended
}

// stop forgets the schedule (the drill is paused or not started): the next
// wake starts a new one.
func (p *pacer) stop() { p.running = false }

// done is told when a wake's steps have ended.
func (p *pacer) done(now time.Time) { p.lastDone = now }

// starved tells, for a wake with a backlog, why the drill fell behind:
// true when the goroutine had been idle for half a period or more since
// its last steps — it was waiting for a core (the machine is overloaded);
// false when it woke right after its own steps ended — they took long (a
// slow disk's fsync in the journal), which fewer snapshots would not cure.
func (p *pacer) starved(now time.Time) bool {
	return !p.lastDone.IsZero() && now.Sub(p.lastDone) >= p.period/2
}

// wake is called at a ticker tick with the clock's time; it returns how
// many ticks to step now (≥ 1) and how many due ticks were given up.
func (p *pacer) wake(now time.Time) (steps int, slipped uint64) {
	if p.max <= 1 {
		return 1, 0
	}
	if !p.running {
		p.running, p.anchor, p.stepped = true, now, 0
	}
	due := int64(now.Sub(p.anchor)/p.period) + 1 // ticks 0…due-1 are due by now
	n := due - p.stepped
	switch {
	case n < 1:
		// A tick a little early for the schedule (the first wake, the
		// anchor, came later after its tick than this one): still one
		// step per ticker tick, so a drill never stalls; the drill is
		// then a tick ahead, which the next late wake uses up.
		n = 1
	case n > int64(p.max):
		// Too far behind: step max, give up the rest, and start a new
		// schedule whose tick 0 is the one stepped now.
		p.anchor, p.stepped = now, 1
		return p.max, uint64(n - int64(p.max))
	}
	p.stepped += n
	return int(n), 0
}

// behind is how many ticks of the schedule are due at now and not yet
// stepped (0 when on time, stopped or without catch-up).
func (p *pacer) behind(now time.Time) int64 {
	if p.max <= 1 || !p.running {
		return 0
	}
	return max(0, int64(now.Sub(p.anchor)/p.period)+1-p.stepped)
}
