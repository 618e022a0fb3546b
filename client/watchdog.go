package client

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/rescuedrill/rescuedrill/server/wire"
)

// DefaultDeadAfter is how long a connection may bring nothing at all
// before the library gives it up (Options.DeadAfter 0). A killed server
// never closes its connections, and QUIC would notice only at its idle
// timeout (30 s): a long freeze for a pupil. Six seconds is six missed
// Pongs: enough for a loaded classroom Wi-Fi, and a false alarm costs one
// token rejoin.
const DefaultDeadAfter = 6 * time.Second

// ErrServerSilent is why a connection ended when nothing came from the
// server for Options.DeadAfter, not even the answer to a Ping: the server
// crashed or the network went away. Retryable is true for it: the
// server that restarts (drill serve recovers its drills) takes the token.
var ErrServerSilent = errors.New("client: the server stopped answering (crashed or unreachable); reconnect")

// liveness is what the watchdog of one link reads: when anything (a
// stream message or a datagram) last arrived, in nanoseconds of the
// client's monotonic clock.
type liveness struct {
	last atomic.Int64
	ping atomic.Bool // a Ping write is in flight: never queue a second
}

// clockStart gives the monotonic nanoseconds liveness stores.
var clockStart = time.Now()

func monoNow() int64 { return int64(time.Since(clockStart)) }

func (lv *liveness) heard() { lv.last.Store(monoNow()) }

func (lv *liveness) silentFor(now int64) time.Duration { return time.Duration(now - lv.last.Load()) }

// deadAfter is the watchdog's bound for these options (0: off).
func (o *Options) deadAfter() time.Duration {
	switch {
	case o.DeadAfter < 0:
		return 0
	case o.DeadAfter == 0:
		return DefaultDeadAfter
	}
	return o.DeadAfter
}

// watch gives link l up when nothing arrived on it for dead. The drill
// does not always send something: a paused drill or one in its lobby
// sends no snapshots, and its stream may be quiet for minutes. So once
// the link has been quiet for a sixth of dead, the watchdog sends a Ping
// (protocol §4.11; every server answers it with a Pong from the session's
// reader, whatever the drill's phase) and again every sixth while the
// quiet lasts. A live server's Pong resets the clock; a dead one's never
// comes, and the link ends with ErrServerSilent, which Retryable accepts
// (StayConnected and the desktop client then rejoin with the token).
func (c *Client) watch(l *link, dead time.Duration) {
	every := max(dead/6, 10*time.Millisecond)
	t := time.NewTicker(every)
	defer t.Stop()
	var nonce uint64
	for {
		select {
		case <-l.done:
			return
		case <-t.C:
		}
		quiet := l.live.silentFor(monoNow())
		if quiet >= dead {
			c.endLink(l, fmt.Errorf("%w: nothing for %v", ErrServerSilent, quiet.Round(time.Millisecond)), true)
			return
		}
		if quiet < every || !l.live.ping.CompareAndSwap(false, true) {
			continue
		}
		nonce++
		// The write may block if the stream's flow-control window is full
		// (a dead server never opens it again): never in the watchdog.
		go func(n uint64) {
			defer l.live.ping.Store(false)
			_ = l.send(&wire.Ping{Nonce: n})
		}(nonce)
	}
}
