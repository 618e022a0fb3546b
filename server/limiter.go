package server

import (
	"sync"
	"time"

	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// limiter bounds failed join attempts per client key: after max failures
// within the window the client must wait until the window passes. Keys are
// kept in memory only, and forgotten as their windows expire.
type limiter struct {
	clock  drill.Clock
	max    int
	window time.Duration

	mu   sync.Mutex
	seen map[string]*attempts
}

type attempts struct {
	n     int
	since time.Time
}

func newLimiter(clock drill.Clock, max int, window time.Duration) *limiter {
	return &limiter{clock: clock, max: max, window: window, seen: map[string]*attempts{}}
}

func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.seen[key]
	if a == nil {
		return true
	}
	if l.clock.Now().Sub(a.since) > l.window {
		delete(l.seen, key)
		return true
	}
	return a.n < l.max
}

func (l *limiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	a := l.seen[key]
	if a == nil || now.Sub(a.since) > l.window {
		a = &attempts{since: now}
		l.seen[key] = a
	}
	a.n++
	if len(l.seen) > 100_000 { // bound memory under a flood of new keys
		for k, v := range l.seen {
			if now.Sub(v.since) > l.window {
				delete(l.seen, k)
			}
		}
	}
}

// bucket is a token bucket (docs/protocol.md §8): it holds up to burst
// tokens, starts full, gains rate tokens a second and each message takes
// one; a message that finds less than one token is over the limit. Time
// comes from the caller so tests with a frozen clock are exact. Safe for
// concurrent use (a session's stream and datagram readers share some).
type bucket struct {
	rate, burst float64

	mu     sync.Mutex
	tokens float64
	last   time.Time
}

func newBucket(rate, burst float64) *bucket { return &bucket{rate: rate, burst: burst} }

// take reports whether a message at now is within the limit.
func (b *bucket) take(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.last.IsZero() {
		b.tokens, b.last = b.burst, now
	}
	if now.After(b.last) {
		b.tokens = min(b.tokens+now.Sub(b.last).Seconds()*b.rate, b.burst)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// sessionLimits are one connection's buckets (docs/protocol.md §8).
type sessionLimits struct {
	pose      *bucket // every Pose, datagram or frame: over it, dropped silently
	datagrams *bucket // every datagram and Pose frame: over it, rate_limited and close
	control   *bucket // every other frame: over it, rate_limited and close
	choices   *bucket // Choices: over it, ChoiceAck rejected (rate limited)

	mu        sync.Mutex
	forbidden int // Commands (or moving Poses) the role may not send so far
}

func newSessionLimits() *sessionLimits {
	return &sessionLimits{
		pose:      newBucket(wire.MaxPoseRate, wire.PoseBurst),
		datagrams: newBucket(wire.DatagramRate, wire.DatagramBurst),
		control:   newBucket(wire.ControlRate, wire.ControlBurst),
		choices:   newBucket(wire.ChoiceRate, wire.ChoiceBurst),
	}
}

// forbid counts one forbidden message and reports whether the connection
// must now close (the role kept trying after wire.ForbiddenAllowed refusals).
func (l *sessionLimits) forbid() (close bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.forbidden++
	return l.forbidden > wire.ForbiddenAllowed
}
