package server

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/webtransport-go"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// frozenClock is a drill clock that only moves when the test says: ticks
// go to the drill one by one (each send returns once the drill took it),
// and Now advances by one tick period per tick. The session rate limits
// get a clock of their own that stands still (garbageRig.rateNow), so a
// token bucket never refills while a case runs: the limits are exact.
type frozenClock struct {
	mu     sync.Mutex
	now    time.Time
	ch     chan time.Time
	period time.Duration
}

func newFrozenClock(period time.Duration) *frozenClock {
	return &frozenClock{now: time.Unix(1_800_000_000, 0), ch: make(chan time.Time), period: period}
}

func (c *frozenClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *frozenClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *frozenClock) NewTicker(time.Duration) drill.Ticker { return testTicker{c.ch} }

// garbageRig is a real server on loopback QUIC with one running heat
// drill on a frozen clock, and a participant and a facilitator who behave
// and must not notice anything.
type garbageRig struct {
	t     *testing.T
	clk   *frozenClock
	reg   *Registry
	srv   *Server
	addr  string
	hash  [32]byte
	e     *Entry
	fac   string
	ticks uint64 // ticks the test has scheduled while the drill runs

	bystander *testClient
	snaps     atomic.Uint64 // snapshots the bystander decoded
	lastTick  atomic.Uint64 // tick of its newest snapshot
	readErr   atomic.Pointer[error]
}

func newGarbageRig(t *testing.T) *garbageRig {
	t.Setenv("QUIC_GO_DISABLE_RECEIVE_BUFFER_WARNING", "true")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	r := &garbageRig{t: t, clk: newFrozenClock(50 * time.Millisecond)}
	var err error
	if r.reg, err = NewRegistry(t.TempDir(), r.clk, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.reg.Close)
	cert, hash, err := transport.SelfSigned([]string{"localhost"}, time.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := transport.Listen(ctx, "127.0.0.1:0", transport.Config{Certificate: cert})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	rateNow := time.Unix(1_800_000_000, 0)
	r.srv = &Server{Reg: r.reg, Log: testLogger(), Now: func() time.Time { return rateNow }, HelloTimeout: 2 * time.Second}
	go func() { _ = r.srv.Serve(ctx, ln) }()
	r.addr, r.hash = ln.Addr().String(), hash
	if r.e, r.fac, err = r.reg.Create(ctx, CreateRequest{Scenario: "heat", Seed: 7}); err != nil {
		t.Fatal(err)
	}
	// The bystander: a participant on the stream fallback, reading
	// everything the server sends it.
	by, w := dial(t, r.addr, r.hash, wire.Hello{Role: wire.RoleParticipant, JoinCode: r.e.Code, Name: "旁观者"})
	if w == nil {
		t.Fatal("bystander not welcomed")
	}
	r.bystander = by
	dec := wire.NewSnapshotDecoder(w.Grid, w.Layers)
	if _, err := dec.Decode(w.Full); err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			m, err := by.fr.ReadMessage()
			if err != nil {
				r.readErr.Store(&err)
				return
			}
			if sd, ok := m.(*wire.SnapshotData); ok {
				if st, err := dec.Decode(sd.Data); err == nil {
					r.snaps.Add(1)
					r.lastTick.Store(st.Tick)
				}
			}
		}
	}()
	if err := r.e.Drill.Start(ctx); err != nil {
		t.Fatal(err)
	}
	r.tick(2)
	return r
}

// tick schedules n ticks and checks the drill stepped every one of them:
// the drill's tick counter advances at exactly the scheduled rate whatever
// the clients do.
func (r *garbageRig) tick(n int) {
	r.t.Helper()
	before := r.e.Drill.Tick()
	for range n {
		select {
		case r.clk.ch <- r.clk.Now():
			r.clk.advance(r.clk.period)
		case <-time.After(10 * time.Second):
			r.t.Fatal("the drill stopped taking ticks")
		}
	}
	// A round trip through the drill goroutine: the last tick is done.
	if err := r.e.Drill.View(context.Background(), func(*engine.World, drill.State) error { return nil }); err != nil {
		r.t.Fatal(err)
	}
	r.ticks += uint64(n)
	if got := r.e.Drill.Tick() - before; got != uint64(n) {
		r.t.Fatalf("%d ticks scheduled, the drill stepped %d", n, got)
	}
}

// tickWhile ticks the drill in the background until fn returns (for
// cases that wait for journal acknowledgements).
func (r *garbageRig) tickWhile(fn func()) {
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case r.clk.ch <- r.clk.Now():
				r.clk.advance(r.clk.period)
			}
		}
	}()
	fn()
	close(stop)
	<-done
	// A tick sent just before stop may not be stepped yet: wait for it.
	_ = r.e.Drill.View(context.Background(), func(*engine.World, drill.State) error { return nil })
}

// closeCode waits for the server to close c and returns the application
// error code it closed with.
func closeCode(t *testing.T, c *testClient) wire.Code {
	t.Helper()
	select {
	case <-c.conn.Context().Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not close the connection")
	}
	if code, ok := remoteCode(context.Cause(c.conn.Context())); ok {
		return code
	}
	// A WebTransport session's context carries no cause: the reason is in
	// the error of a read on its stream.
	if c.fr == nil {
		t.Fatalf("closed by %v, not by the server", context.Cause(c.conn.Context()))
	}
	for range 10_000 {
		if _, err := c.fr.ReadMessage(); err != nil {
			if code, ok := remoteCode(err); ok {
				return code
			}
			t.Fatalf("closed by %v, not by the server", err)
		}
	}
	t.Fatal("no close error")
	return 0
}

// remoteCode is the application error code the peer closed with.
func remoteCode(err error) (wire.Code, bool) {
	var ae *quic.ApplicationError
	if errors.As(err, &ae) && ae.Remote {
		return wire.Code(ae.ErrorCode), true
	}
	var se *webtransport.SessionError
	if errors.As(err, &se) && se.Remote {
		return wire.Code(se.ErrorCode), true
	}
	return 0, false
}

// alive checks c's connection still works: a Ping gets its Pong.
func alive(t *testing.T, c *testClient, nonce uint64) {
	t.Helper()
	c.send(&wire.Ping{Nonce: nonce})
	c.until("pong", func(m wire.Message) bool { p, ok := m.(*wire.Pong); return ok && p.Nonce == nonce })
}

func frame(b ...byte) []byte { return wire.AppendRawFrame(nil, b) }

// TestGarbage sends one kind of hostile or broken input per connection to
// a real server over loopback QUIC. Each gets its documented close code
// (docs/protocol.md §7, §8), counted by code in the server's counters;
// the bystander participant's connection stays up and keeps receiving
// snapshots, and the drill steps every tick scheduled meanwhile.
func TestGarbage(t *testing.T) {
	r := newGarbageRig(t)
	rng := rand.New(rand.NewPCG(3, 4))
	randomDatagram := func(prefix ...byte) []byte {
		b := append([]byte(nil), prefix...)
		for n := 1 + rng.IntN(200); len(b) < n; {
			b = append(b, byte(rng.Uint32()))
		}
		return b
	}
	type tc struct {
		name  string
		role  wire.Role
		dgram bool
		// act sends the garbage; it may check answers on the way.
		act  func(t *testing.T, c *testClient)
		want wire.Code
		n    uint64 // how many times want is counted (0: 1)
	}
	datagram := func(b []byte) func(*testing.T, *testClient) {
		return func(t *testing.T, c *testClient) {
			if err := c.conn.SendDatagram(b); err != nil {
				t.Fatal(err)
			}
		}
	}
	raw := func(b []byte) func(*testing.T, *testClient) {
		return func(t *testing.T, c *testClient) {
			if _, err := c.ctl.Write(b); err != nil {
				t.Fatal(err)
			}
		}
	}
	cases := []tc{
		{name: "unknown datagram type", role: wire.RoleParticipant, dgram: true, act: datagram([]byte{0x07, 1, 2, 3}), want: wire.CodeUnknownType},
		{name: "truncated pose datagram", role: wire.RoleParticipant, dgram: true, act: datagram([]byte{0x80, 0x01}), want: wire.CodeTruncated},
		{name: "snapshot datagram from a client", role: wire.RoleSpectator, dgram: true, act: datagram([]byte{byte(wire.TypeSnapshot), 1, 0, 0, 0}), want: wire.CodeUnexpected},
		{name: "truncated frame", role: wire.RoleParticipant, act: func(t *testing.T, c *testClient) {
			raw([]byte{0x05, byte(wire.TypePing), 0x01})(t, c)
			_ = c.ctl.Close() // the stream ends inside the frame
		}, want: wire.CodeTruncated},
		{name: "oversized frame", role: wire.RoleParticipant, act: raw(wire.AppendRawFrame(nil, make([]byte, wire.MaxClientFrame+1))[:3]), want: wire.CodeTooLarge},
		{name: "frame length varint too long", role: wire.RoleSpectator, act: raw([]byte{0x80, 0x80, 0x80, 0x80, 0x01}), want: wire.CodeTooLarge},
		{name: "empty frame", role: wire.RoleParticipant, act: raw([]byte{0x00}), want: wire.CodeMalformed},
		{name: "unknown message type", role: wire.RoleParticipant, act: raw(frame(0x7f, 1, 2)), want: wire.CodeUnknownType},
		{name: "pose frame with undefined flags", role: wire.RoleParticipant, act: raw(badFlagsPose()), want: wire.CodeBadValue},
		{name: "server message from a client", role: wire.RoleParticipant, act: raw(wire.AppendFrame(nil, &wire.PhaseChange{Phase: wire.PhaseEnded})), want: wire.CodeUnexpected},
		{name: "second hello", role: wire.RoleSpectator, act: raw(wire.AppendFrame(nil, &wire.Hello{Version: wire.Version, Role: wire.RoleSpectator, JoinCode: r.e.Code})), want: wire.CodeUnexpected},
		{name: "participant sends facilitator commands", role: wire.RoleParticipant, act: func(t *testing.T, c *testClient) {
			for i := range wire.ForbiddenAllowed {
				c.send(&wire.Command{Seq: uint64(i + 1), Op: wire.OpEnd})
				em := c.until("forbidden", func(m wire.Message) bool { _, ok := m.(*wire.ErrorMsg); return ok }).(*wire.ErrorMsg)
				if em.Code != wire.CodeForbidden {
					t.Fatalf("command %d: %+v", i+1, em)
				}
				alive(t, c, uint64(i)) // refused, still connected
			}
			c.send(&wire.Command{Seq: 9, Op: wire.OpPause})
		}, want: wire.CodeForbidden, n: wire.ForbiddenAllowed + 1},
		{name: "spectator sends moves", role: wire.RoleSpectator, act: func(t *testing.T, c *testClient) {
			c.send(&wire.Pose{Seq: 1, Heading: 9000}) // looking around is allowed
			alive(t, c, 1)
			for i := range wire.ForbiddenAllowed + 1 {
				c.send(&wire.Pose{Seq: uint64(i + 2), MoveX: 1000})
			}
		}, want: wire.CodeForbidden, n: wire.ForbiddenAllowed + 1},
		{name: "control message flood", role: wire.RoleSpectator, act: func(t *testing.T, c *testClient) {
			for i := range wire.ControlBurst { // the burst is allowed …
				c.send(&wire.Ping{Nonce: uint64(i)})
			}
			c.until("the burst's pongs", func(m wire.Message) bool { p, ok := m.(*wire.Pong); return ok && p.Nonce == wire.ControlBurst-1 })
			c.send(&wire.Ping{Nonce: 1000}) // … one more is not (the clock is frozen)
		}, want: wire.CodeRateLimited},
		{name: "pose datagram flood", role: wire.RoleParticipant, dgram: true, act: func(t *testing.T, c *testClient) {
			before := r.srv.PosesDropped.Load()
			for seq := uint64(1); seq < 100_000 && c.conn.Context().Err() == nil; seq++ {
				_ = c.conn.SendDatagram(wire.Marshal(nil, &wire.Pose{Seq: seq, MoveX: 500}))
				if seq%64 == 0 {
					time.Sleep(time.Millisecond) // let the send queue drain
				}
			}
			if r.srv.PosesDropped.Load() == before {
				t.Error("no pose dropped for the pose rate before the datagram limit closed the connection")
			}
		}, want: wire.CodeRateLimited},
		{name: "pose frame flood", role: wire.RoleParticipant, act: func(t *testing.T, c *testClient) {
			for seq := uint64(1); seq <= wire.DatagramBurst+1; seq++ {
				if _, err := c.ctl.Write(wire.AppendFrame(nil, &wire.Pose{Seq: seq})); err != nil {
					return // closed already
				}
			}
		}, want: wire.CodeRateLimited},
	}
	for i := range 4 {
		b := randomDatagram()
		if i%2 == 1 {
			b = randomDatagram(byte(wire.TypePose))
		}
		want := wire.CodeOf(func() error { _, err := wire.DecodeDatagram(b); return err }())
		if !want.IsDecode() {
			continue // it happened to decode: not garbage
		}
		cases = append(cases, tc{name: "random datagram " + want.String(), role: wire.RoleParticipant, dgram: true, act: datagram(b), want: want})
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := r.srv.ErrorCount(c.want)
			cl, w := dial(t, r.addr, r.hash, wire.Hello{Role: c.role, JoinCode: r.e.Code, Name: "x", Datagrams: c.dgram})
			if w == nil {
				t.Fatal("not welcomed")
			}
			defer cl.conn.CloseWithError(0, "")
			c.act(t, cl)
			r.tick(5) // the drill goes on while the server deals with it
			if got := closeCode(t, cl); got != c.want {
				t.Fatalf("closed with %v, want %v", got, c.want)
			}
			n := max(c.n, 1)
			if got := r.srv.ErrorCount(c.want) - before; got != n {
				t.Fatalf("%v counted %d times, want %d", c.want, got, n)
			}
			r.tick(5)
		})
	}

	// A browser's WebTransport session is the same session underneath:
	// the same codes close it.
	for _, c := range []struct {
		name string
		b    []byte
		want wire.Code
	}{
		{"webtransport unknown type", frame(0x7f), wire.CodeUnknownType},
		{"webtransport oversized frame", []byte{0x81, 0x20}, wire.CodeTooLarge},
		{"webtransport server message", wire.AppendFrame(nil, &wire.Roster{}), wire.CodeUnexpected},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := r.srv.ErrorCount(c.want)
			cl := r.dialWebTransport(t, wire.Hello{Role: wire.RoleSpectator, JoinCode: r.e.Code})
			defer cl.conn.CloseWithError(0, "")
			if _, err := cl.ctl.Write(c.b); err != nil {
				t.Fatal(err)
			}
			r.tick(5)
			if got := closeCode(t, cl); got != c.want {
				t.Fatalf("closed with %v, want %v", got, c.want)
			}
			if got := r.srv.ErrorCount(c.want) - before; got != 1 {
				t.Fatalf("%v counted %d times", c.want, got)
			}
		})
	}

	// A slow-loris client opens the control stream and never finishes its
	// Hello; one that never opens the stream at all.
	for _, c := range []struct {
		name  string
		bytes []byte // nil: no stream
	}{
		{"hello never completes", []byte{0x85}},
		{"no control stream", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := r.srv.ErrorCount(wire.CodeTimeout)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			conn, err := transport.Dial(ctx, r.addr, transport.PinnedTLS(r.hash))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.CloseWithError(0, "")
			cl := &testClient{t: t, conn: conn}
			if c.bytes != nil {
				if cl.ctl, err = conn.OpenStream(ctx); err != nil {
					t.Fatal(err)
				}
				cl.fr = wire.NewFrameReader(cl.ctl, wire.MaxServerFrame)
				if _, err := cl.ctl.Write(c.bytes); err != nil {
					t.Fatal(err)
				}
			}
			if got := closeCode(t, cl); got != wire.CodeTimeout {
				t.Fatalf("closed with %v, want timeout", got)
			}
			if got := r.srv.ErrorCount(wire.CodeTimeout) - before; got != 1 {
				t.Fatalf("timeout counted %d times", got)
			}
		})
	}

	t.Run("choice flood", func(t *testing.T) {
		cl, w := dial(t, r.addr, r.hash, wire.Hello{Role: wire.RoleParticipant, JoinCode: r.e.Code, Name: "急性子"})
		if w == nil {
			t.Fatal("not welcomed")
		}
		defer cl.conn.CloseWithError(0, "")
		before := r.srv.ChoicesLimited.Load()
		n := wire.ChoiceBurst + 2
		for seq := 1; seq <= n; seq++ {
			cl.send(&wire.Choice{Seq: uint64(seq), Kind: wire.ChoiceAct, Action: "help", Target: "nobody"})
		}
		limited := map[uint64]bool{}
		r.tickWhile(func() {
			for acks := 0; acks < n; acks++ {
				a := cl.until("choice ack", func(m wire.Message) bool { _, ok := m.(*wire.ChoiceAck); return ok }).(*wire.ChoiceAck)
				limited[a.Seq] = a.Result == wire.Rejected && a.Reason == wire.ReasonRateLimited
			}
		})
		for seq := 1; seq <= n; seq++ {
			if want := seq > wire.ChoiceBurst; limited[uint64(seq)] != want {
				t.Errorf("choice %d rate limited: %v, want %v", seq, limited[uint64(seq)], want)
			}
		}
		if got := r.srv.ChoicesLimited.Load() - before; got != 2 {
			t.Errorf("choices rate limited counted %d, want 2", got)
		}
		alive(t, cl, 7) // over the choice rate is not a reason to close
	})

	// The bystander saw none of it: still connected, snapshots still come.
	if err := r.readErr.Load(); err != nil {
		t.Fatalf("the bystander's connection failed: %v", *err)
	}
	seen := r.snaps.Load()
	for i := 0; r.snaps.Load() == seen; i++ {
		if i == 100 {
			t.Fatal("the bystander receives no snapshots")
		}
		r.tick(1)
		time.Sleep(time.Millisecond)
	}
	if r.bystander.conn.Context().Err() != nil {
		t.Fatal("the bystander was disconnected")
	}
	if st := r.e.Drill.Stats(); st.Ticks < r.ticks || st.LateTicks != 0 {
		t.Fatalf("drill stats %+v after %d scheduled ticks", st, r.ticks)
	}

	// Last, as it locks 127.0.0.1 out for 30 s of drill-clock time: a
	// guesser trying join codes from new sockets (new ports) is throttled
	// by address.
	t.Run("join code guessing", func(t *testing.T) {
		bad, limited := r.srv.ErrorCount(wire.CodeBadJoinCode), r.srv.ErrorCount(wire.CodeTryLater)
		for i := range wire.BadJoinsPerWindow + 1 {
			c, w := dial(t, r.addr, r.hash, wire.Hello{Role: wire.RoleParticipant, JoinCode: "ZZZZ" + string(rune('A'+i)), Name: "g"})
			if w != nil {
				t.Fatal("welcomed with a wrong code")
			}
			want := wire.CodeBadJoinCode
			if i == wire.BadJoinsPerWindow {
				want = wire.CodeTryLater
			}
			if got := closeCode(t, c); got != want {
				t.Fatalf("attempt %d: closed with %v, want %v", i+1, got, want)
			}
		}
		if r.srv.ErrorCount(wire.CodeBadJoinCode)-bad != wire.BadJoinsPerWindow || r.srv.ErrorCount(wire.CodeTryLater)-limited != 1 {
			t.Fatal("join rejects not counted by code")
		}
		// Even the right code waits …
		c, w := dial(t, r.addr, r.hash, wire.Hello{Role: wire.RoleSpectator, JoinCode: r.e.Code})
		if w != nil || closeCode(t, c) != wire.CodeTryLater {
			t.Fatal("a throttled address got in")
		}
		// … until the window has passed.
		r.clk.advance(31 * time.Second)
		c, w = dial(t, r.addr, r.hash, wire.Hello{Role: wire.RoleSpectator, JoinCode: r.e.Code})
		if w == nil {
			t.Fatal("still throttled after the window")
		}
		c.conn.CloseWithError(0, "")
	})
}

// dialWebTransport joins over WebTransport, as a browser does.
func (r *garbageRig) dialWebTransport(t *testing.T, h wire.Hello) *testClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := transport.DialWebTransport(ctx, "https://"+r.addr+"/wt", transport.PinnedTLS(r.hash))
	if err != nil {
		t.Fatal(err)
	}
	ctl, err := conn.OpenStream(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := &testClient{t: t, conn: conn, ctl: ctl, fr: wire.NewFrameReader(ctl, wire.MaxServerFrame)}
	h.Version = wire.Version
	c.send(&h)
	if _, ok := c.next().(*wire.Welcome); !ok {
		t.Fatal("not welcomed over WebTransport")
	}
	return c
}

// badFlagsPose is a Pose whose flags byte has a bit the protocol does
// not define (bad_value).
func badFlagsPose() []byte {
	b := wire.Marshal(nil, &wire.Pose{Seq: 1})
	b[len(b)-1] = 0x80
	return wire.AppendRawFrame(nil, b)
}
