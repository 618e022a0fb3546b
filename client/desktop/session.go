package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/client/desktop/internal/slots"
	"github.com/rescuedrill/rescuedrill/client/desktop/internal/view"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// session is a joined drill: the client, its reconnect loop, and choices
// sent from goroutines so the window never waits on the network.
type session struct {
	c       *client.Client
	info    client.Info
	ctx     context.Context
	cancel  context.CancelFunc
	loop    sync.WaitGroup
	lang    string
	choices sync.WaitGroup

	retrying atomic.Bool // the connection is down or stalled and being replaced
	ended    atomic.Bool // the window saw the drill end: nothing to reconnect to
}

// dialResult is what the join goroutine hands the join scene.
type dialResult struct {
	s   *session
	err error
}

// dial joins in the background; the result comes on the channel. A
// participant whose client was closed mid-drill gets the same slot back:
// the token of the last join with this server and code is kept in store.
func dial(o client.Options, store slots.Store) <-chan dialResult {
	out := make(chan dialResult, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		participant := o.Role == 0 || o.Role == wire.RoleParticipant
		// The class average comes from the server's class summary (§4.13):
		// no names, and no second (spectator) connection per pupil.
		o.ClassSummary = true
		remembered := false
		if participant && o.Token == (wire.Token{}) {
			o.Token, remembered = store.Load(o.Addr, o.JoinCode)
		}
		c, err := client.Dial(ctx, o)
		if remembered && client.CodeOf(err) == wire.CodeBadToken {
			// A token from another drill run with the same code: join anew.
			store.Forget(o.Addr, o.JoinCode)
			o.Token = wire.Token{}
			c, err = client.Dial(ctx, o)
		}
		if err != nil {
			out <- dialResult{err: err}
			return
		}
		if participant {
			_ = store.Save(o.Addr, o.JoinCode, c.Info().Token)
		}
		s := &session{c: c, info: c.Info(), lang: o.Lang}
		s.ctx, s.cancel = context.WithCancel(context.Background())
		s.loop.Add(1)
		go func() {
			defer s.loop.Done()
			// Reconnects with the participant token after every drop,
			// with backoff, until the drill's end or a final refusal.
			s.watchdog()
		}()
		out <- dialResult{s: s}
	}()
	return out
}

// watchdog keeps the session connected, rejoining with the participant
// token (client.Reconnect) with backoff from 200 ms to 5 s after a drop
// the library calls retryable, and also after a close without a code
// while the drill has not ended, which is what a server that shuts down
// sends (client.StayConnected stops there). A server that died without a
// word is a drop too: the library gives the connection up after
// Options.DeadAfter (view.StallReconnect) of silence with
// client.ErrServerSilent. Snapshots that stop for view.StallNotice while
// the drill runs only show the reconnecting notice.
//
// It runs beside the window; nothing the window calls waits for it.
func (s *session) watchdog() {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	var st view.Stall
	wait, next := 200*time.Millisecond, time.Time{}
	for {
		select {
		case <-s.ctx.Done():
			return
		case now := <-t.C:
			connected := s.c.Connected()
			d := st.Observe(s.c.Stats().SnapshotsDecoded, connected && !s.ended.Load() && s.c.Phase() == wire.PhaseRunning, now)
			phase := s.c.Phase()
			if s.ended.Load() {
				phase = wire.PhaseEnded
			}
			retry := view.ShouldReconnect(connected, s.c.Err(), phase)
			s.retrying.Store(retry || d >= view.StallNotice)
			switch {
			case connected:
				wait = 200 * time.Millisecond
				continue
			case !connected && !retry:
				continue // the end, a Leave or a final refusal
			case now.Before(next):
				continue
			}
			st.Reset(now)
			ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
			err := s.c.Reconnect(ctx)
			cancel()
			if err != nil {
				next, wait = time.Now().Add(wait), min(2*wait, 5*time.Second)
			}
		}
	}
}

// choose sends a choice without blocking the caller; its ack arrives as a
// ChoiceAckEvent.
func (s *session) choose(kind wire.ChoiceKind, action, target string) {
	s.choices.Add(1)
	go func() {
		defer s.choices.Done()
		ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
		defer cancel()
		_, _ = s.c.Choose(ctx, kind, action, target)
	}()
}

func (s *session) close() {
	s.cancel()
	_ = s.c.Close()
	s.loop.Wait()
	s.choices.Wait()
}
