package server

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// testServer is a real server on loopback QUIC on the wall clock with one
// heat drill; cancel shuts it down and served then gets Serve's result.
type testServer struct {
	addr   string
	hash   [32]byte
	srv    *Server
	e      *Entry
	fac    string
	cancel context.CancelFunc
	served chan error
}

// startTestServer starts a testServer; configure, if not nil, sets the
// Server's options before it serves.
func startTestServer(t *testing.T, configure func(*Server)) *testServer {
	t.Helper()
	t.Setenv("QUIC_GO_DISABLE_RECEIVE_BUFFER_WARNING", "true")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	reg, err := NewRegistry(t.TempDir(), drill.RealClock{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(reg.Close)
	cert, hash, err := transport.SelfSigned([]string{"localhost"}, time.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := transport.Listen(context.Background(), "127.0.0.1:0", transport.Config{Certificate: cert})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ts := &testServer{addr: ln.Addr().String(), hash: hash, srv: &Server{Reg: reg, Log: testLogger()},
		cancel: cancel, served: make(chan error, 1)}
	if configure != nil {
		configure(ts.srv)
	}
	reg.SnapshotTicks = ts.srv.SnapshotTick // as drill serve does
	go func() { ts.served <- ts.srv.Serve(ctx, ln) }()
	if ts.e, ts.fac, err = reg.Create(ctx, CreateRequest{Scenario: "heat", Seed: 5}); err != nil {
		t.Fatal(err)
	}
	return ts
}

// liveServer is a testServer with the default options.
func liveServer(t *testing.T) (addr string, hash [32]byte, srv *Server, e *Entry, fac string) {
	t.Helper()
	ts := startTestServer(t, nil)
	return ts.addr, ts.hash, ts.srv, ts.e, ts.fac
}

// watchdog closes c after d so a read waiting for a message that never
// comes fails the test instead of hanging it.
func watchdog(t *testing.T, c *testClient, d time.Duration) {
	tm := time.AfterFunc(d, func() { c.conn.CloseWithError(0, "test watchdog") })
	t.Cleanup(func() { tm.Stop() })
}

func isRoster(slot uint32, flags uint8) func(wire.Message) bool {
	return func(m wire.Message) bool {
		r, ok := m.(*wire.Roster)
		if !ok {
			return false
		}
		for _, e := range r.Entries {
			if e.Slot == slot && e.Flags == flags {
				return true
			}
		}
		return false
	}
}

// TestPhaseMessages: every change of the drill's phase reaches a
// participant as a Phase message — running, paused, running, ended — and
// the end comes before the Results.
func TestPhaseMessages(t *testing.T) {
	addr, hash, srv, e, fac := liveServer(t)
	f, _ := dial(t, addr, hash, wire.Hello{Role: wire.RoleFacilitator, JoinCode: e.Code, FacToken: fac})
	p, w := dial(t, addr, hash, wire.Hello{Role: wire.RoleParticipant, JoinCode: e.Code, Name: "小明"})
	if w == nil || w.Phase != wire.PhaseLobby {
		t.Fatalf("welcome: %+v", w)
	}
	watchdog(t, p, 30*time.Second)
	var got []wire.Phase
	for i, op := range []wire.Op{wire.OpStart, wire.OpPause, wire.OpResume, wire.OpEnd} {
		f.send(&wire.Command{Seq: uint64(i + 1), Op: op})
		want := []wire.Phase{wire.PhaseRunning, wire.PhasePaused, wire.PhaseRunning, wire.PhaseEnded}[i]
		m := p.until(fmt.Sprintf("phase %d", want), func(m wire.Message) bool {
			if _, ok := m.(*wire.Results); ok {
				t.Fatalf("results before the phase %v", want)
			}
			_, ok := m.(*wire.PhaseChange)
			return ok
		}).(*wire.PhaseChange)
		// Paused and ended drills stand still: the message has their tick.
		still := want == wire.PhasePaused || want == wire.PhaseEnded
		if m.Phase != want || still && m.Tick != e.Drill.Tick() {
			t.Fatalf("phase message %+v, want %v at tick %d", m, want, e.Drill.Tick())
		}
		got = append(got, m.Phase)
	}
	p.until("results", func(m wire.Message) bool { _, ok := m.(*wire.Results); return ok })
	if len(got) != 4 {
		t.Fatalf("phases %v", got)
	}
	// Once everyone has gone the server forgets the ended drill's room.
	p.conn.CloseWithError(0, "")
	f.conn.CloseWithError(0, "")
	for i := 0; ; i++ {
		if _, ok := srv.rooms.Load(e); !ok {
			break
		}
		if i == 1000 {
			t.Fatal("the ended drill's room is kept")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRosterAway: when a participant's connection drops the others get
// its roster entry with the away flag at once, a newcomer's Welcome shows
// it away, and when it rejoins with its token the others get it back
// without the flag. Leaving for good is "left", never "away".
func TestRosterAway(t *testing.T) {
	addr, hash, _, e, fac := liveServer(t)
	f, _ := dial(t, addr, hash, wire.Hello{Role: wire.RoleFacilitator, JoinCode: e.Code, FacToken: fac})
	a, _ := dial(t, addr, hash, wire.Hello{Role: wire.RoleParticipant, JoinCode: e.Code, Name: "甲"})
	b, bw := dial(t, addr, hash, wire.Hello{Role: wire.RoleParticipant, JoinCode: e.Code, Name: "乙"})
	if bw == nil || bw.Slot != 1 {
		t.Fatalf("b's welcome: %+v", bw)
	}
	watchdog(t, a, 30*time.Second)
	f.send(&wire.Command{Seq: 1, Op: wire.OpStart})
	// b's join is applied at the first tick: a hears of it then.
	a.until("b joined", isRoster(1, 0))

	b.conn.CloseWithError(0, "network drop")
	away := a.until("b away", isRoster(1, wire.RosterAway)).(*wire.Roster)
	for _, r := range away.Entries {
		if r.Slot == 1 && r.Name != "乙" {
			t.Fatalf("b away as %q: the others must still see its name", r.Name)
		}
	}

	// A spectator arriving now sees b away in its Welcome.
	s, sw := dial(t, addr, hash, wire.Hello{Role: wire.RoleSpectator, JoinCode: e.Code})
	if sw == nil {
		t.Fatal("spectator not welcomed")
	}
	flags := map[uint32]uint8{}
	for _, r := range sw.Roster {
		flags[r.Slot] = r.Flags
	}
	if flags[0] != 0 || flags[1] != wire.RosterAway {
		t.Fatalf("welcome roster flags %v", flags)
	}

	b2, bw2 := dial(t, addr, hash, wire.Hello{Role: wire.RoleParticipant, JoinCode: e.Code, HasToken: true, Token: bw.Token})
	if bw2 == nil || bw2.Slot != 1 {
		t.Fatalf("rejoin welcome: %+v", bw2)
	}
	a.until("b back", isRoster(1, 0))
	s.until("b back (spectator)", isRoster(1, 0))

	b2.send(&wire.Leave{})
	a.until("b left", isRoster(1, wire.RosterLeft))
	// No away after a Leave: the next roster news a gets is c's join.
	c, _ := dial(t, addr, hash, wire.Hello{Role: wire.RoleParticipant, JoinCode: e.Code, Name: "丙"})
	a.until("c joined", func(m wire.Message) bool {
		if isRoster(1, wire.RosterAway)(m) {
			t.Fatal("away after leaving for good")
		}
		return isRoster(2, 0)(m)
	})
	c.conn.CloseWithError(0, "")
}
