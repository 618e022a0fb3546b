package server

import (
	"sync"
	"time"

	"github.com/rescuedrill/rescuedrill/server/drill"
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
