package client

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/server/wire"
)

// udpProxy relays one client's UDP datagrams to a server and back. With
// blackhole set it drops everything both ways: to the client the server
// is a killed process (no CONNECTION_CLOSE, no answer to anything), while
// the connection itself stays real QUIC end to end.
type udpProxy struct {
	front, back *net.UDPConn
	client      atomic.Pointer[net.UDPAddr] // the latest sender on the front
	blackhole   atomic.Bool
	wg          sync.WaitGroup
}

func startProxy(t *testing.T, server string) *udpProxy {
	t.Helper()
	sa, err := net.ResolveUDPAddr("udp", server)
	if err != nil {
		t.Fatal(err)
	}
	front, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	back, err := net.DialUDP("udp", nil, sa)
	if err != nil {
		t.Fatal(err)
	}
	p := &udpProxy{front: front, back: back}
	p.wg.Add(2)
	go func() { // client → server
		defer p.wg.Done()
		buf := make([]byte, 64<<10)
		for {
			n, from, err := front.ReadFromUDP(buf)
			if err != nil {
				return
			}
			p.client.Store(from) // a redial comes from a new port
			if !p.blackhole.Load() {
				_, _ = back.Write(buf[:n])
			}
		}
	}()
	go func() { // server → client
		defer p.wg.Done()
		buf := make([]byte, 64<<10)
		for {
			n, err := back.Read(buf)
			if err != nil {
				return
			}
			if to := p.client.Load(); to != nil && !p.blackhole.Load() {
				_, _ = front.WriteToUDP(buf[:n], to)
			}
		}
	}()
	t.Cleanup(func() {
		front.Close()
		back.Close()
		p.wg.Wait()
	})
	return p
}

func (p *udpProxy) addr() string { return p.front.LocalAddr().String() }

// TestWatchdogQuietDrillIsNotDead: in the lobby and paused a drill sends no
// snapshots and its stream may be silent; the watchdog's pings keep a live
// server's connection up for many times DeadAfter, on raw QUIC with and
// without datagrams and on WebTransport.
func TestWatchdogQuietDrillIsNotDead(t *testing.T) {
	// not t.Parallel: startServer sets an environment variable
	s := startServer(t)
	e, fac := s.drill(t)
	const dead = 3 * time.Second
	var recs [3]recorder
	clients := []*Client{
		s.dial(t, Options{JoinCode: e.Code, Name: "lobby-dgram", Datagrams: true, DeadAfter: dead, OnEvent: recs[0].on}),
		s.dial(t, Options{JoinCode: e.Code, Name: "lobby-stream", DeadAfter: dead, OnEvent: recs[1].on}),
		s.dial(t, Options{Role: wire.RoleSpectator, JoinCode: e.Code, WebTransport: true, Datagrams: true,
			DeadAfter: dead, OnEvent: recs[2].on}),
	}
	f := s.dial(t, Options{Role: wire.RoleFacilitator, JoinCode: e.Code, FacilitatorToken: fac, DeadAfter: -1})
	check := func(when string) {
		t.Helper()
		for i, c := range clients {
			if !c.Connected() || count[DisconnectedEvent](&recs[i]) != 0 {
				t.Fatalf("%s: client %d dropped: %v", when, i, c.Err())
			}
		}
	}
	time.Sleep(dead * 3 / 2) // lobby: nothing but Pongs comes
	check("lobby")
	ctx := ctx5(t)
	if _, err := f.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Command(ctx, wire.Command{Op: wire.OpPause}); err != nil {
		t.Fatal(err)
	}
	for i := range clients {
		recs[i].wait(t, "paused", func(ev Event) bool { p, ok := ev.(PhaseEvent); return ok && p.Phase == wire.PhasePaused })
	}
	before := clients[0].Stats().SnapshotsDecoded
	time.Sleep(dead * 3 / 2)
	check("paused")
	if got := clients[0].Stats().SnapshotsDecoded; got > before+1 {
		t.Fatalf("%d snapshots while paused: the pause did not make the drill quiet", got-before)
	}
}

// TestWatchdogDeadServer: the server vanishes without closing anything
// (every packet dropped, as after kill -9); the client reports
// ErrServerSilent, retryable, within DeadAfter and a margin, long before
// QUIC's 30 s idle timeout; when the server is reachable again
// StayConnected rejoins the same slot.
func TestWatchdogDeadServer(t *testing.T) {
	// not t.Parallel: startServer sets an environment variable
	s := startServer(t)
	e, fac := s.drill(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	f := s.dial(t, Options{Role: wire.RoleFacilitator, JoinCode: e.Code, FacilitatorToken: fac})
	for _, tc := range []struct {
		name      string
		datagrams bool
		running   bool
	}{
		{"datagrams-running", true, true},
		{"stream-paused", false, false},
	} {
		px := startProxy(t, s.addr)
		const dead = 3 * time.Second
		var rec recorder
		o := Options{Addr: px.addr(), CertHash: s.hash, JoinCode: e.Code, Name: tc.name, Datagrams: tc.datagrams,
			DeadAfter: dead, OnEvent: rec.on}
		c, err := Dial(ctx, o)
		if err != nil {
			t.Fatalf("%s: dial through the proxy: %v", tc.name, err)
		}
		t.Cleanup(func() { c.Close() })
		if tc.running && f.Phase() != wire.PhaseRunning {
			if _, err := f.Start(ctx); err != nil {
				t.Fatal(err)
			}
			eventually(t, "snapshots", func() bool { return c.Stats().SnapshotsDecoded > 3 })
		}
		if !tc.running && f.Phase() == wire.PhaseRunning {
			if _, err := f.Command(ctx, wire.Command{Op: wire.OpPause}); err != nil {
				t.Fatal(err)
			}
			eventually(t, "paused", func() bool { return c.Phase() == wire.PhasePaused })
		}
		slot := c.Info().Slot
		px.blackhole.Store(true)
		killed := time.Now()
		select {
		case <-c.Disconnected():
		case <-time.After(dead + 3*time.Second):
			t.Fatalf("%s: still connected %v after the server went silent", tc.name, time.Since(killed))
		}
		took := time.Since(killed)
		err = c.Err()
		if !errors.Is(err, ErrServerSilent) || !Retryable(err) {
			t.Fatalf("%s: err %v (retryable %v), want ErrServerSilent", tc.name, err, Retryable(err))
		}
		// The last Pong may have come up to a ping period (dead/6) before
		// the packets stopped.
		if took < dead*2/3 {
			t.Fatalf("%s: gave up after %v, well before DeadAfter %v", tc.name, took, dead)
		}
		rec.wait(t, "disconnected", func(ev Event) bool {
			d, ok := ev.(DisconnectedEvent)
			return ok && errors.Is(d.Err, ErrServerSilent)
		})
		t.Logf("%s: silent server noticed after %v (DeadAfter %v)", tc.name, took.Round(time.Millisecond), dead)

		px.blackhole.Store(false)
		rctx, cancel := context.WithCancel(context.Background())
		c.StayConnected(rctx)
		eventually(t, "rejoined through the proxy", c.Connected)
		cancel()
		if c.Info().Slot != slot {
			t.Fatalf("%s: slot %d after the rejoin, was %d", tc.name, c.Info().Slot, slot)
		}
	}
}
