package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/server"
	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// testServer is a real `drill serve` on loopback (as in
// server/session_test.go): a registry on the wall clock, raw QUIC and
// WebTransport on 127.0.0.1:0 with a self-signed certificate.
type testServer struct {
	addr string
	hash [32]byte
	reg  *server.Registry
}

func startServer(t *testing.T) *testServer {
	t.Helper()
	ts, _, _ := startServerWith(t, transport.Config{}, nil)
	return ts
}

// startServerWith is startServer on a transport with cfg (its Certificate
// is filled in), whose connections reach the session server through
// accept(ln) when accept is not nil. It also returns the session server,
// whose counters tell which channel carried what, and the transport.
func startServerWith(t *testing.T, cfg transport.Config, accept func(*transport.Server) server.Acceptor) (*testServer, *server.Server, *transport.Server) {
	t.Helper()
	t.Setenv("QUIC_GO_DISABLE_RECEIVE_BUFFER_WARNING", "true")
	ctx, cancel := context.WithCancel(context.Background())
	reg, err := server.NewRegistry(t.TempDir(), drill.RealClock{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cert, hash, err := transport.SelfSigned([]string{"localhost"}, time.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Certificate = cert
	ln, err := transport.Listen(ctx, "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	var acc server.Acceptor = ln
	if accept != nil {
		acc = accept(ln)
	}
	srv := &server.Server{Reg: reg, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	done := make(chan struct{})
	go func() { _ = srv.Serve(ctx, acc); close(done) }()
	t.Cleanup(func() {
		cancel()
		ln.Close()
		<-done
		reg.Close()
	})
	return &testServer{addr: ln.Addr().String(), hash: hash, reg: reg}, srv, ln
}

// drill creates a heat drill and returns its join code and facilitator token.
func (s *testServer) drill(t *testing.T) (*server.Entry, string) {
	t.Helper()
	e, fac, err := s.reg.Create(context.Background(), server.CreateRequest{Scenario: "heat", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return e, fac
}

func (s *testServer) dial(t *testing.T, o Options) *Client {
	t.Helper()
	o.Addr, o.CertHash = s.addr, s.hash
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := Dial(ctx, o)
	if err != nil {
		t.Fatalf("dial %s: %v", o.Name, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// recorder keeps every event a client delivered.
type recorder struct {
	mu  sync.Mutex
	evs []Event
}

func (r *recorder) on(e Event) {
	r.mu.Lock()
	r.evs = append(r.evs, e)
	r.mu.Unlock()
}

// fromChannel records the events of c's channel until it is closed.
func (r *recorder) fromChannel(c *Client) {
	go func() {
		for e := range c.Events() {
			r.on(e)
		}
	}()
}

func (r *recorder) all() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.evs...)
}

// wait returns the first event that satisfies ok, failing after 5 s.
func (r *recorder) wait(t *testing.T, what string, ok func(Event) bool) Event {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, e := range r.all() {
			if ok(e) {
				return e
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %s event; got %s", what, describe(r.all()))
	return nil
}

func describe(evs []Event) string {
	s := ""
	for _, e := range evs {
		s += fmt.Sprintf("%T ", e)
	}
	return s
}

// eventually polls cond every 10 ms for up to 5 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func ctx5(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestJoinMoveAnswer: a facilitator and two participants (one with
// datagrams, one on the stream fallback) join; the facilitator starts the
// drill; each participant's own entity moves the way its intent says in
// the interpolated view; a prompt the facilitator fires arrives and the
// answer is accepted; the drill ends and the results arrive.
func TestJoinMoveAnswer(t *testing.T) {
	s := startServer(t)
	e, fac := s.drill(t)
	ctx := ctx5(t)

	var frec, prec, qrec recorder
	f := s.dial(t, Options{Role: wire.RoleFacilitator, JoinCode: e.Code, Name: "teacher", FacilitatorToken: fac,
		Datagrams: true, OnEvent: frec.on})
	p := s.dial(t, Options{JoinCode: e.Code, Name: "小红", Lang: "zh-CN", Datagrams: true})
	prec.fromChannel(p)
	q := s.dial(t, Options{JoinCode: e.Code, Name: "Sam", Lang: "en", Datagrams: false, OnEvent: qrec.on})

	fi, pi, qi := f.Info(), p.Info(), q.Info()
	if fi.Role != wire.RoleFacilitator || fi.Slot != -1 {
		t.Fatalf("facilitator info: %+v", fi)
	}
	if pi.Slot != 0 || qi.Slot != 1 || pi.Token == (wire.Token{}) || pi.Token == qi.Token {
		t.Fatalf("participant slots %d %d, tokens %x %x", pi.Slot, qi.Slot, pi.Token, qi.Token)
	}
	if pi.Scenario == nil || pi.Scenario.ID != "heat" || len(pi.Scenario.Injects) == 0 || pi.TickHz != 20 || pi.SnapshotHz != 20 {
		t.Fatalf("welcome info: scenario %v, %d/%d Hz", pi.Scenario != nil, pi.TickHz, pi.SnapshotHz)
	}
	tr := p.Terrain()
	if tr.Terrain == nil || tr.Grid != pi.Grid || len(tr.Elev) != pi.Grid.NX*pi.Grid.NY || tr.Grid.NX != 100 {
		t.Fatalf("terrain: %+v", tr.Grid)
	}
	if _, ok := tr.Elevation(50, 50); !ok {
		t.Fatal("no elevation in the middle of the map")
	}
	if p.Phase() != wire.PhaseLobby || p.Latest() == nil {
		t.Fatalf("before start: phase %v, latest %v", p.Phase(), p.Latest())
	}

	// Only the facilitator runs the drill.
	if _, err := p.Start(ctx); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("participant Start: %v", err)
	}
	if ack, err := f.Start(ctx); err != nil || ack.Result != wire.Accepted {
		t.Fatalf("start: %+v %v", ack, err)
	}
	prec.wait(t, "running", func(e Event) bool { pe, ok := e.(PhaseEvent); return ok && pe.Phase == wire.PhaseRunning })
	// Joins in the lobby are applied at the first tick: the roster fills then.
	eventually(t, "both participants in the second one's roster", func() bool { return len(q.Roster()) == 2 })
	if ack, err := f.Start(ctx); err != nil || ack.Result != wire.Rejected || ack.Reason != wire.ReasonBadState {
		t.Fatalf("second start: %+v %v", ack, err)
	}

	// Move: p east (x grows), q south (y grows).
	pos := func(c *Client) EntityView {
		v, _ := c.SampleNow().Participant(c.Info().Slot)
		return v
	}
	var p0, q0 EntityView
	eventually(t, "own entities in view", func() bool {
		var ok1, ok2 bool
		p0, ok1 = p.SampleNow().Participant(0)
		q0, ok2 = q.SampleNow().Participant(1)
		return ok1 && ok2
	})
	p.SetIntent(1000, 0, false, 9000)
	q.SetIntent(0, 1000, true, 18000)
	eventually(t, "p moving east", func() bool { return pos(p).X > p0.X+1 })
	eventually(t, "q running south", func() bool { return pos(q).Y > q0.Y+1 })
	if a, b := pos(p), pos(q); a.Y != p0.Y || b.X != q0.X || !angleNear(a.Heading, 90, 0.5) || !angleNear(b.Heading, 180, 0.5) {
		t.Fatalf("p %+v (from %+v), q %+v (from %+v)", a, p0, b, q0)
	}
	// Each sees the other move too, smoothly: successive samples advance.
	// (Awaited: on a loaded machine the view may sit at the newest
	// snapshot until the next one comes.)
	v1 := p.SampleNow()
	eventually(t, "the render tick advancing", func() bool { return p.SampleNow().Tick > v1.Tick })
	if r := p.RenderTick(time.Now()); float64(p.Latest().Tick)-r > 10 {
		t.Fatalf("rendering %v ticks behind the newest snapshot", float64(p.Latest().Tick)-r)
	}
	p.SetIntent(0, 0, false, 9000)
	q.SetIntent(0, 0, false, 18000)

	// A prompt fired by the facilitator reaches both; p answers.
	if ack, err := f.Inject(ctx, "q_symptoms"); err != nil || ack.Result != wire.Accepted {
		t.Fatalf("inject: %+v %v", ack, err)
	}
	pe := prec.wait(t, "prompt", func(e Event) bool { pe, ok := e.(PromptEvent); return ok && pe.Inject == "q_symptoms" }).(PromptEvent)
	qrec.wait(t, "prompt", func(e Event) bool { _, ok := e.(PromptEvent); return ok })
	if len(pe.Options) != 3 || pe.Question.EN == "" {
		t.Fatalf("prompt: %+v", pe.Prompt)
	}
	ack, err := p.Choose(ctx, wire.ChoiceAnswer, pe.Inject, "cool_call")
	if err != nil || ack.Result != wire.Accepted || ack.Seq == 0 {
		t.Fatalf("answer: %+v %v", ack, err)
	}
	prec.wait(t, "choice ack", func(e Event) bool {
		a, ok := e.(ChoiceAckEvent)
		return ok && a.Seq == ack.Seq && a.Choice.Target == "cool_call"
	})
	if ack, err := q.Choose(ctx, wire.ChoiceAct, "no_such_action", ""); err != nil || ack.Result != wire.Accepted && ack.Result != wire.Rejected {
		t.Fatalf("q act: %+v %v", ack, err)
	}
	if _, err := f.Choose(ctx, wire.ChoiceAct, "help", ""); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("facilitator choose: %v", err)
	}

	// A warning from the facilitator arrives as an event and in the globals.
	if ack, err := f.Warn(ctx, 2, 3); err != nil || ack.Result != wire.Accepted {
		t.Fatalf("warn: %+v %v", ack, err)
	}
	prec.wait(t, "warning", func(e Event) bool { w, ok := e.(WarningEvent); return ok && w.Hazard == 2 && w.Level == 3 })
	eventually(t, "warning in the globals", func() bool { return p.SampleNow().Globals.Warnings[1] == 3 })

	// The end: results to each participant, and a clean close.
	if ack, err := f.End(ctx); err != nil || ack.Result != wire.Accepted {
		t.Fatalf("end: %+v %v", ack, err)
	}
	res := prec.wait(t, "results", func(e Event) bool { _, ok := e.(ResultsEvent); return ok }).(ResultsEvent)
	if len(res.Results) != 1 || res.Results[0].Name != "小红" {
		t.Fatalf("results: %+v", res.Results)
	}
	fres := frec.wait(t, "results", func(e Event) bool { _, ok := e.(ResultsEvent); return ok }).(ResultsEvent)
	if len(fres.Results) != 2 {
		t.Fatalf("facilitator results: %d", len(fres.Results))
	}
	var answered bool
	for _, it := range res.Results[0].Items {
		answered = answered || (it.Rule == "first_aid/symptoms_quiz" && it.Points == 10)
	}
	if !answered {
		t.Fatalf("the answer is not in the results: %+v", res.Results[0].Items)
	}
	dis := prec.wait(t, "disconnect", func(e Event) bool { _, ok := e.(DisconnectedEvent); return ok }).(DisconnectedEvent)
	if dis.Err != nil || p.Connected() || p.Err() != nil {
		t.Fatalf("after the end: %v, connected %v", dis.Err, p.Connected())
	}
	st := p.Stats()
	// Over a second of drill: 20 snapshots, and a second of repeated poses.
	if st.SnapshotsDecoded < 20 || st.PosesSent < DefaultPoseHz || st.DecodeErrors != 0 || st.EventsDropped != 0 {
		t.Fatalf("stats: %+v", st)
	}
	if qs := q.Stats(); qs.SnapshotsDecoded < 20 || qs.PosesSent < DefaultPoseHz {
		t.Fatalf("stream-fallback stats: %+v", qs)
	}
	p.Close()
	eventually(t, "events channel closed", func() bool { _, open := <-p.Events(); return !open })
}

// countingCache is a MemoryCache that counts what it stores.
type countingCache struct {
	MemoryCache
	stores atomic.Int32
}

func (c *countingCache) Store(t *wire.Terrain) { c.stores.Add(1); c.MemoryCache.Store(t) }

// TestReconnect drops the connection under a participant right after it
// sent an answer: Reconnect with the token keeps the slot, the answer is
// resent with its seq and acknowledged exactly once, movement goes on, the
// terrain comes from the cache, and the answer counts in the results.
func TestReconnect(t *testing.T) {
	s := startServer(t)
	e, fac := s.drill(t)
	ctx := ctx5(t)
	var frec, prec recorder
	cache := &countingCache{}
	f := s.dial(t, Options{Role: wire.RoleFacilitator, JoinCode: e.Code, FacilitatorToken: fac, Datagrams: true, OnEvent: frec.on})
	p := s.dial(t, Options{JoinCode: e.Code, Name: "Lin", Datagrams: true, OnEvent: prec.on, TerrainCache: cache})
	info := p.Info()
	if cache.stores.Load() != 1 {
		t.Fatalf("terrain stored %d times", cache.stores.Load())
	}
	if _, err := f.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Inject(ctx, "q_symptoms"); err != nil {
		t.Fatal(err)
	}
	prec.wait(t, "prompt", func(e Event) bool { _, ok := e.(PromptEvent); return ok })

	// Answer, and drop the connection the moment the choice is out.
	type result struct {
		ack wire.ChoiceAck
		err error
	}
	got := make(chan result, 1)
	go func() {
		a, err := p.Choose(ctx, wire.ChoiceAnswer, "q_symptoms", "cool_call")
		got <- result{a, err}
	}()
	eventually(t, "the choice pending", func() bool { return len(p.PendingChoices()) == 1 })
	seq := p.PendingChoices()[0].Seq
	p.mu.Lock()
	l := p.cur
	p.mu.Unlock()
	time.Sleep(2 * time.Millisecond) // on the wire, not yet journalled (ticks are 50 ms)
	_ = l.conn.CloseWithError(0, "test: network drop")
	prec.wait(t, "disconnect", func(e Event) bool { _, ok := e.(DisconnectedEvent); return ok })
	if p.Connected() {
		t.Fatal("still connected after the drop")
	}
	if err := p.Reconnect(ctx); err != nil {
		t.Fatalf("reconnect: %v", err)
	}
	ri := p.Info()
	if ri.Slot != info.Slot || ri.Token != info.Token || !p.Connected() {
		t.Fatalf("rejoined as slot %d (was %d)", ri.Slot, info.Slot)
	}
	if cache.stores.Load() != 1 || p.Terrain().Terrain == nil || p.Terrain().Hash != info.TerrainHash {
		t.Fatalf("terrain after the rejoin: stored %d times", cache.stores.Load())
	}
	prec.wait(t, "connected", func(e Event) bool { _, ok := e.(ConnectedEvent); return ok })
	r := <-got
	if r.err != nil || r.ack.Seq != seq || r.ack.Result != wire.Accepted {
		t.Fatalf("answer across the drop: %+v %v", r.ack, r.err)
	}
	if n := len(p.PendingChoices()); n != 0 {
		t.Fatalf("%d choices still pending", n)
	}

	// The new connection works: snapshots decode and the participant moves.
	before := p.Stats().SnapshotsDecoded
	var y0 EntityView
	eventually(t, "own entity in view", func() bool {
		var ok bool
		y0, ok = p.SampleNow().Participant(ri.Slot)
		return ok
	})
	p.SetIntent(0, -1000, false, 0)
	eventually(t, "moving north after the rejoin", func() bool {
		v, _ := p.SampleNow().Participant(ri.Slot)
		return v.Y < y0.Y-1
	})
	if p.Stats().SnapshotsDecoded <= before || p.Stats().Reconnects != 1 {
		t.Fatalf("stats after the rejoin: %+v", p.Stats())
	}

	// A second answer to the same prompt is ignored by the engine; a new
	// choice gets a new seq.
	a2, err := p.Choose(ctx, wire.ChoiceAnswer, "q_symptoms", "drink")
	if err != nil || a2.Seq <= seq {
		t.Fatalf("second answer: %+v %v", a2, err)
	}

	if _, err := f.End(ctx); err != nil {
		t.Fatal(err)
	}
	res := prec.wait(t, "results", func(e Event) bool { _, ok := e.(ResultsEvent); return ok }).(ResultsEvent)
	var points int64 = -1
	for _, it := range res.Results[0].Items {
		if it.Rule == "first_aid/symptoms_quiz" {
			points = it.Points
		}
	}
	if points != 10 {
		t.Fatalf("the answer sent across the drop scored %d", points)
	}
	// Exactly one ack event for the seq sent across the drop.
	n := 0
	for _, e := range prec.all() {
		if a, ok := e.(ChoiceAckEvent); ok && a.Seq == seq {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d acks for seq %d", n, seq)
	}
	t.Logf("acks for seqs not pending (server duplicates): %d", p.Stats().UnknownAcks)
}

// TestRefusals: a wrong join code, a bad token and a wrong facilitator
// token are *ServerErrors with their codes; a wrong certificate hash is a
// certificate error.
func TestRefusals(t *testing.T) {
	s := startServer(t)
	e, _ := s.drill(t)
	ctx := ctx5(t)
	for _, tc := range []struct {
		o    Options
		code wire.Code
	}{
		{Options{JoinCode: "NOPE22", Name: "x"}, wire.CodeBadJoinCode},
		{Options{JoinCode: e.Code, Name: "x", Token: wire.Token{1, 2, 3}}, wire.CodeBadToken},
		{Options{JoinCode: e.Code, Role: wire.RoleFacilitator, FacilitatorToken: "wrong"}, wire.CodeBadToken},
	} {
		tc.o.Addr, tc.o.CertHash = s.addr, s.hash
		c, err := Dial(ctx, tc.o)
		if err == nil {
			c.Close()
			t.Fatalf("%+v: joined", tc.o)
		}
		var se *ServerError
		if !errors.As(err, &se) || se.Code != tc.code || CodeOf(err) != tc.code {
			t.Fatalf("%+v: %v, want %s", tc.o, err, tc.code)
		}
	}
	_, err := Dial(ctx, Options{Addr: s.addr, CertHash: [32]byte{9}, JoinCode: e.Code, Name: "x"})
	if err == nil || !IsCertificateError(err) {
		t.Fatalf("wrong pin: %v", err)
	}
}

// dropConn closes the QUIC connection under c, as a network failure would.
func dropConn(c *Client) {
	c.mu.Lock()
	l := c.cur
	c.mu.Unlock()
	if l != nil {
		_ = l.conn.CloseWithError(0, "test: network drop")
	}
}

func count[T Event](r *recorder) int {
	n := 0
	for _, e := range r.all() {
		if _, ok := e.(T); ok {
			n++
		}
	}
	return n
}

// TestStayConnectedLeaveSpectator: a participant that stays connected
// rejoins by itself after two drops and keeps its slot; a spectator over
// WebTransport sees it and may not choose; Leave ends the participant for
// good (no reconnect) and the spectator's roster marks it left.
func TestStayConnectedLeaveSpectator(t *testing.T) {
	s := startServer(t)
	e, fac := s.drill(t)
	ctx := ctx5(t)
	var prec, srec recorder
	f := s.dial(t, Options{Role: wire.RoleFacilitator, JoinCode: e.Code, FacilitatorToken: fac})
	p := s.dial(t, Options{JoinCode: e.Code, Name: "Ana", Datagrams: true, OnEvent: prec.on})
	sp := s.dial(t, Options{Role: wire.RoleSpectator, JoinCode: e.Code, WebTransport: true, Datagrams: true, OnEvent: srec.on})
	if sp.Info().Role != wire.RoleSpectator || sp.Info().Slot != -1 {
		t.Fatalf("spectator info: %+v", sp.Info())
	}
	p.StayConnected(context.Background())
	if _, err := f.Start(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the spectator sees the participant", func() bool { _, ok := sp.SampleNow().Participant(0); return ok })
	if _, err := sp.Choose(ctx, wire.ChoiceAct, "help", ""); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("spectator choose: %v", err)
	}
	for i := 1; i <= 2; i++ {
		dropConn(p)
		eventually(t, "reconnected by itself", func() bool {
			return count[ConnectedEvent](&prec) == i && p.Connected()
		})
		if p.Info().Slot != 0 {
			t.Fatalf("slot after reconnect %d: %d", i, p.Info().Slot)
		}
	}
	if count[DisconnectedEvent](&prec) != 2 {
		t.Fatalf("%d disconnects reported", count[DisconnectedEvent](&prec))
	}
	if err := p.Leave(ctx); err != nil {
		t.Fatalf("leave: %v", err)
	}
	srec.wait(t, "left in the roster", func(e Event) bool {
		r, ok := e.(RosterEvent)
		return ok && len(r.Changed) == 1 && r.Changed[0].Slot == 0 && r.Changed[0].Flags&wire.RosterLeft != 0
	})
	time.Sleep(300 * time.Millisecond)
	if p.Connected() || count[ConnectedEvent](&prec) != 2 {
		t.Fatal("reconnected after leaving")
	}
	// The drill goes on: snapshots keep coming (counted, not timed).
	eventually(t, "ten snapshots at the spectator", func() bool { return sp.Stats().SnapshotsDecoded >= 10 })
	if st := sp.Stats(); st.DecodeErrors != 0 {
		t.Fatalf("spectator stats: %+v", st)
	}
}

// TestFloodFields: a flood drill's snapshots carry the water layer; the
// field matches the grid and the decoder's tiles arrive with the Welcome.
func TestFloodFields(t *testing.T) {
	s := startServer(t)
	e, _, err := s.reg.Create(context.Background(), server.CreateRequest{Scenario: "flood", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := s.dial(t, Options{JoinCode: e.Code, Name: "Wei", Datagrams: true})
	info := p.Info()
	w, d, ver := p.Fields()
	if info.Layers&wire.LayerWater == 0 || w == nil || d != nil || w.Grid != info.Grid {
		t.Fatalf("layers %b water %v debris %v", info.Layers, w != nil, d != nil)
	}
	wet := 0
	for r := 0; r < info.Grid.NY; r++ {
		for c := 0; c < info.Grid.NX; c++ {
			if p.WaterDepth(c, r) > 0 {
				wet++
			}
		}
	}
	if wet == 0 || ver == 0 {
		t.Fatalf("flood: %d wet cells at the start, field version %d", wet, ver)
	}
	// In the lobby the world stands still: the client's field is the server's.
	var want []uint16
	err = e.Drill.View(context.Background(), func(w *engine.World, _ drill.State) error {
		want = wire.NewCapturer(w).Capture(w, wire.PhaseLobby).Water.Cells()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(w.Cells(), want) {
		t.Fatal("the client's water field differs from the server's")
	}
}
