package server

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/quic-go/quic-go"

	"github.com/rescuedrill/rescuedrill/server/wire"
)

// TestShutdownClosesWithShutdownCode: when the server stops, a connected
// participant's connection closes with code shutdown (42), which clients
// treat as "come back with your token", not with 0, which means the drill
// is over and nothing more will come.
func TestShutdownClosesWithShutdownCode(t *testing.T) {
	ts := startTestServer(t, nil)
	pc, pw := dial(t, ts.addr, ts.hash, wire.Hello{Role: wire.RoleParticipant, JoinCode: ts.e.Code, Name: "小明"})
	if pw == nil {
		t.Fatal("participant not welcomed")
	}
	pc.until("terrain", func(m wire.Message) bool { _, ok := m.(*wire.Terrain); return ok })

	ts.cancel() // the server shuts down
	select {
	case <-ts.served:
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
