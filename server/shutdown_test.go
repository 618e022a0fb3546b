package server

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/quic-go/quic-go"

	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// TestShutdownClosesWithShutdownCode: when the server stops, a connected
// participant's connection closes with code shutdown (42), which clients
// treat as "come back with your token", not with 0, which means the drill
// is over and nothing more will come.
func TestShutdownClosesWithShutdownCode(t *testing.T) {
	t.Setenv("QUIC_GO_DISABLE_RECEIVE_BUFFER_WARNING", "true")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reg, err := NewRegistry(t.TempDir(), drill.RealClock{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	cert, hash, err := transport.SelfSigned([]string{"localhost"}, time.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := transport.Listen(context.Background(), "127.0.0.1:0", transport.Config{Certificate: cert})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	srv := &Server{Reg: reg, Log: testLogger()}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()

	e, _, err := reg.Create(context.Background(), CreateRequest{Scenario: "heat", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	pc, pw := dial(t, ln.Addr().String(), hash, wire.Hello{Role: wire.RoleParticipant, JoinCode: e.Code, Name: "小明"})
	if pw == nil {
		t.Fatal("participant not welcomed")
	}
	pc.until("terrain", func(m wire.Message) bool { _, ok := m.(*wire.Terrain); return ok })

	cancel() // the server shuts down
	select {
	case <-served:
	case <-time.After(20 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
	select {
	case <-pc.conn.Context().Done():
	case <-time.After(20 * time.Second):
		t.Fatal("the participant's connection stayed open after shutdown")
	}
	var ae *quic.ApplicationError
	if err := context.Cause(pc.conn.Context()); !errors.As(err, &ae) || wire.Code(ae.ErrorCode) != wire.CodeShutdown {
		t.Fatalf("closed with %v, want application error %d (shutdown)", err, wire.CodeShutdown)
	}
}
