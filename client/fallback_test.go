package client

import (
	"testing"

	"github.com/rescuedrill/rescuedrill/server"
	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// startCountingServer is startServer that also returns the session
// server, whose counters tell which channel carried what.
func startCountingServer(t *testing.T) (*testServer, *server.Server) {
	t.Helper()
	ts, srv, _ := startServerWith(t, transport.Config{}, nil)
	return ts, srv
}

// TestStreamFallbackEndToEnd plays a drill with the client library on
// the stream fallback (docs/protocol.md §1.1): Datagrams false dials
// without QUIC datagrams, so the server must carry snapshots and poses on
// the control stream. The client decodes snapshots, its intent moves it,
// its choice is acknowledged, a spectator sees it move, and not one
// datagram crosses the connection in either direction.
func TestStreamFallbackEndToEnd(t *testing.T) {
	s, srv := startCountingServer(t)
	e, fac := s.drill(t)
	ctx := ctx5(t)
	var prec recorder
	f := s.dial(t, Options{Role: wire.RoleFacilitator, JoinCode: e.Code, FacilitatorToken: fac})
	p := s.dial(t, Options{JoinCode: e.Code, Name: "流", OnEvent: prec.on})
	sp := s.dial(t, Options{Role: wire.RoleSpectator, JoinCode: e.Code})

	p.mu.Lock()
	l := p.cur
	p.mu.Unlock()
	if l.dgram.Load() || datagramsNegotiated(l.conn) {
		t.Fatal("the fallback client negotiated datagrams")
	}
	if _, err := f.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var x0 float64
	eventually(t, "own entity in view", func() bool {
		v, ok := p.SampleNow().Participant(p.Info().Slot)
		x0 = v.X
		return ok
	})
	p.SetIntent(1000, 0, false, 9000)
	eventually(t, "moving east on stream poses", func() bool {
		v, _ := p.SampleNow().Participant(p.Info().Slot)
		return v.X > x0+1
	})
	eventually(t, "the spectator sees it move", func() bool {
		v, ok := sp.SampleNow().Participant(p.Info().Slot)
		return ok && v.X > x0+1
	})
	ack, err := p.Choose(ctx, wire.ChoiceAct, "help", "")
	if err != nil {
		t.Fatalf("choose on the fallback: %v", err)
	}
	if ack.Seq != 1 {
		t.Fatalf("ack %+v", ack)
	}
	st := p.Stats()
	if st.SnapshotsDecoded < 10 || st.DecodeErrors != 0 || st.PosesSent < 10 {
		t.Fatalf("client stats %+v", st)
	}
	// Spectators and the facilitator use datagrams (Datagrams false is
	// the default, so here none does): the server received no datagram.
	if n := srv.BytesIn.Load(); n != 0 {
		t.Fatalf("the server received %d datagram bytes", n)
	}
	if srv.ProtocolErrors.Load() != 0 {
		t.Fatalf("%d protocol errors", srv.ProtocolErrors.Load())
	}
}

// TestRosterAndPhaseEvents: the client library turns the server's Phase
// and Roster messages into events: pause and resume, a classmate whose
// connection drops is away and comes back, and a spectator joining while
// it is away sees the flag in its roster.
func TestRosterAndPhaseEvents(t *testing.T) {
	s := startServer(t)
	e, fac := s.drill(t)
	ctx := ctx5(t)
	var arec recorder
	f := s.dial(t, Options{Role: wire.RoleFacilitator, JoinCode: e.Code, FacilitatorToken: fac})
	a := s.dial(t, Options{JoinCode: e.Code, Name: "阿", Datagrams: true, OnEvent: arec.on})
	b := s.dial(t, Options{JoinCode: e.Code, Name: "Bo", Datagrams: true})
	if _, err := f.Start(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, "both in a's roster", func() bool { return len(a.Roster()) == 2 })
	if _, err := f.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	arec.wait(t, "paused", func(ev Event) bool { pe, ok := ev.(PhaseEvent); return ok && pe.Phase == wire.PhasePaused })
	if _, err := f.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	arec.wait(t, "resumed", func(ev Event) bool {
		pe, ok := ev.(PhaseEvent)
		return ok && pe.Phase == wire.PhaseRunning && pe.Prev == wire.PhasePaused
	})

	slot := uint32(b.Info().Slot)
	flagsOf := func(r []wire.RosterEntry) uint8 {
		for _, en := range r {
			if en.Slot == slot {
				return en.Flags
			}
		}
		return 0xff
	}
	dropConn(b)
	arec.wait(t, "b away", func(ev Event) bool {
		r, ok := ev.(RosterEvent)
		return ok && flagsOf(r.Changed) == wire.RosterAway && flagsOf(r.Roster) == wire.RosterAway
	})
	sp := s.dial(t, Options{Role: wire.RoleSpectator, JoinCode: e.Code})
	if got := flagsOf(sp.Roster()); got != wire.RosterAway {
		t.Fatalf("the spectator's roster has b with flags %d", got)
	}
	if err := b.Reconnect(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, "b back in a's roster", func() bool { return flagsOf(a.Roster()) == 0 })
	eventually(t, "b back in the spectator's roster", func() bool { return flagsOf(sp.Roster()) == 0 })
}
