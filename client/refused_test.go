package client

import (
	"context"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/server"
	"github.com/rescuedrill/rescuedrill/server/transport"
)

// gatedAcceptor holds the server's accept loop until open is closed, the
// way a starved accept goroutine on a loaded machine would.
type gatedAcceptor struct {
	ln   *transport.Server
	open chan struct{}
}

func (g *gatedAcceptor) Accept(ctx context.Context) (transport.Conn, error) {
	select {
	case <-g.open:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.ln.Accept(ctx)
}

// TestDialKnocksAgainWhenServerFull: a server whose accept queue is full
// turns a join away at the transport level (CodeBusy; quic-go's own
// CONNECTION_REFUSED is the same case) before any join happened. Dial
// must try again by itself, as a pupil would press Join again, and get in
// once the server catches up.
func TestDialKnocksAgainWhenServerFull(t *testing.T) {
	var gate *gatedAcceptor
	s, _, ln := startServerWith(t, transport.Config{AcceptQueue: 1, HandshakeTimeout: 500 * time.Millisecond},
		func(ln *transport.Server) server.Acceptor {
			gate = &gatedAcceptor{ln: ln, open: make(chan struct{})}
			return gate
		})
	hash := s.hash
	e, _ := s.drill(t)

	// One connection fills the queue of one while the accept loop is held.
	tctx, tcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer tcancel()
	occupier, err := transport.Dial(tctx, s.addr, transport.PinnedTLS(hash))
	if err != nil {
		t.Fatal(err)
	}
	defer occupier.CloseWithError(0, "")
	waitUntil(t, "the occupier queued", func() bool { return ln.Stats().Open == 1 })

	type result struct {
		c   *Client
		err error
	}
	got := make(chan result, 1)
	go func() {
		c, err := Dial(tctx, Options{Addr: s.addr, CertHash: hash, JoinCode: e.Code, Name: "敲门"})
		got <- result{c, err}
	}()
	waitUntil(t, "the join turned away", func() bool { return ln.Stats().Refused >= 1 })
	close(gate.open) // the server catches up

	r := <-got
	if r.err != nil {
		t.Fatalf("Dial gave up on a server that was full for a moment: %v", r.err)
	}
	defer r.c.Close()
	if r.c.Info().Slot < 0 {
		t.Fatalf("joined without a slot: %+v", r.c.Info())
	}
	if n := ln.Stats().Refused; n < 1 {
		t.Fatalf("refused %d times; the test did not exercise a refusal", n)
	}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
