package view

import (
	"time"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// The window watches the snapshots while the drill runs: after
// StallNotice without one it says it is reconnecting. StallReconnect is
// the client library's Options.DeadAfter: a connection silent that long
// (no snapshot, no message, no answer to its pings) is given up and the
// session rejoins, long before QUIC's 30 s idle timeout.
const (
	StallNotice    = 2 * time.Second
	StallReconnect = 4 * time.Second
)

// Stall measures how long snapshots have not arrived while the drill runs.
type Stall struct {
	last uint64
	at   time.Time
}

// Observe takes the client's count of decoded snapshots and whether the
// drill is running and connected (snapshots are expected), and returns
// how long the count has not moved (0 when none are expected).
func (s *Stall) Observe(decoded uint64, expected bool, now time.Time) time.Duration {
	if decoded != s.last || !expected || s.at.IsZero() {
		s.last, s.at = decoded, now
		return 0
	}
	return now.Sub(s.at)
}

// Reset restarts the clock (after a reconnect was started).
func (s *Stall) Reset(now time.Time) { s.at = now }

// ShouldReconnect says whether a connection that is down should be tried
// again: a failure the client library calls retryable, or a close without
// an error code while the drill has not ended — what a server that shuts
// down (to restart and recover its drills from the journals) sends. Only
// the drill's end (its normal close), a Leave and final refusals stop the
// retries; a link that failed after the end is tried again, since the
// server sends the results to a participant back after the end.
func ShouldReconnect(connected bool, err error, phase wire.Phase) bool {
	if connected {
		return false
	}
	if err == nil {
		return phase != wire.PhaseEnded
	}
	return client.Retryable(err)
}
