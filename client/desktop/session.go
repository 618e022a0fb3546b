package main

import (
	"context"
	"sync"
	"time"

	"github.com/rescuedrill/rescuedrill/client"
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
}

// dialResult is what the join goroutine hands the join scene.
type dialResult struct {
	s   *session
	err error
}

// dial joins in the background; the result comes on the channel.
func dial(o client.Options) <-chan dialResult {
	out := make(chan dialResult, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := client.Dial(ctx, o)
		if err != nil {
			out <- dialResult{err: err}
			return
		}
		s := &session{c: c, info: c.Info(), lang: o.Lang}
		s.ctx, s.cancel = context.WithCancel(context.Background())
		s.loop.Add(1)
		go func() {
			defer s.loop.Done()
			// Reconnects with the participant token after every drop,
			// with backoff, until the drill's end or a final refusal.
			c.StayConnected(s.ctx)
		}()
		out <- dialResult{s: s}
	}()
	return out
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
