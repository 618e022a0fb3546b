package server

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// testClient is a minimal protocol client over real QUIC: enough for the
// server's own tests (the full client library lives in client/).
type testClient struct {
	t    *testing.T
	conn transport.ClientConn
	ctl  transport.Stream
	fr   *wire.FrameReader
}

func dial(t *testing.T, addr string, hash [32]byte, h wire.Hello) (*testClient, *wire.Welcome) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := transport.Dial(ctx, addr, transport.PinnedTLS(hash))
	if err != nil {
		t.Fatal(err)
	}
	ctl, err := c.OpenStream(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tc := &testClient{t: t, conn: c, ctl: ctl, fr: wire.NewFrameReader(ctl, wire.MaxServerFrame)}
	h.Version = wire.Version
	tc.send(&h)
	m, err := tc.fr.ReadMessage()
	if err != nil {
		return tc, nil // refused: an Error frame, or the close overtook it
	}
	w, ok := m.(*wire.Welcome)
	if !ok {
		return tc, nil
	}
	return tc, w
}

func (c *testClient) send(m wire.Message) {
	c.t.Helper()
	if _, err := c.ctl.Write(wire.AppendFrame(nil, m)); err != nil {
		c.t.Fatal(err)
	}
}

func (c *testClient) next() wire.Message {
	c.t.Helper()
	m, err := c.fr.ReadMessage()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return m
}

// until reads messages until one satisfies ok (skipping snapshots and the
// rest), failing after many.
func (c *testClient) until(what string, ok func(wire.Message) bool) wire.Message {
	c.t.Helper()
	for i := 0; i < 5000; i++ {
		m, err := c.fr.ReadMessage()
		if err != nil {
			c.t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok(m) {
			return m
		}
	}
	c.t.Fatalf("no %s in 5000 messages", what)
	return nil
}

// TestSessionsEndToEnd runs a real server on loopback: a facilitator
// starts a drill, a participant gets the Welcome, the terrain and
// snapshots, answers a prompt (acknowledged after the journal), is refused
// a facilitator command without losing the connection, a hostile client
// sending garbage is cut off while the drill goes on, and at the end the
// participant receives its results.
func TestSessionsEndToEnd(t *testing.T) {
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
	ln, err := transport.Listen(ctx, "127.0.0.1:0", transport.Config{Certificate: cert})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	srv := &Server{Reg: reg, Log: testLogger()}
	go func() { _ = srv.Serve(ctx, ln) }()
	addr := ln.Addr().String()

	e, fac, err := reg.Create(ctx, CreateRequest{Scenario: "heat", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// A wrong join code is refused with its code.
	bad, w := dial(t, addr, hash, wire.Hello{Role: wire.RoleParticipant, JoinCode: "NOPE22", Name: "x"})
	if w != nil {
		t.Fatal("welcomed with a wrong join code")
	}
	bad.conn.CloseWithError(0, "")

	facC, fw := dial(t, addr, hash, wire.Hello{Role: wire.RoleFacilitator, JoinCode: e.Code, Name: "teacher", FacToken: fac})
	if fw == nil || fw.Role != wire.RoleFacilitator {
		t.Fatal("facilitator not welcomed")
	}
	pc, pw := dial(t, addr, hash, wire.Hello{Role: wire.RoleParticipant, JoinCode: e.Code, Name: "小红", Datagrams: false})
	if pw == nil || pw.Slot != 0 || pw.ScenarioID != "heat" || len(pw.Full) == 0 || pw.Grid.NX != 100 {
		t.Fatalf("participant welcome: %+v", pw)
	}
	if _, ok := pc.next().(*wire.Terrain); !ok {
		t.Fatal("no Terrain after the Welcome")
	}
	dec := wire.NewSnapshotDecoder(pw.Grid, pw.Layers)
	if _, err := dec.Decode(pw.Full); err != nil {
		t.Fatalf("full snapshot: %v", err)
	}

	facC.send(&wire.Command{Seq: 1, Op: wire.OpStart})
	facC.until("start ack", func(m wire.Message) bool {
		a, ok := m.(*wire.CommandAck)
		return ok && a.Seq == 1 && a.Result == wire.Accepted
	})

	// Snapshots arrive (on the stream: this client said no datagrams).
	snaps := 0
	pc.until("snapshots", func(m wire.Message) bool {
		if _, ok := m.(*wire.SnapshotData); ok {
			snaps++
		}
		return snaps >= 5
	})

	// A participant may not run the drill.
	pc.send(&wire.Command{Seq: 9, Op: wire.OpEnd})
	em := pc.until("forbidden", func(m wire.Message) bool { _, ok := m.(*wire.ErrorMsg); return ok }).(*wire.ErrorMsg)
	if em.Code != wire.CodeForbidden {
		t.Fatalf("participant command: %+v", em)
	}

	// The facilitator fires the heat-stroke prompt; the participant answers.
	facC.send(&wire.Command{Seq: 2, Op: wire.OpInject, Inject: "q_symptoms"})
	pc.until("prompt", func(m wire.Message) bool { p, ok := m.(*wire.Prompt); return ok && p.Inject == "q_symptoms" })
	pc.send(&wire.Choice{Seq: 1, Kind: wire.ChoiceAnswer, Action: "q_symptoms", Target: "cool_call"})
	ack := pc.until("choice ack", func(m wire.Message) bool { _, ok := m.(*wire.ChoiceAck); return ok }).(*wire.ChoiceAck)
	if ack.Result != wire.Accepted {
		t.Fatalf("answer not accepted: %+v", ack)
	}

	// A hostile client: garbage on the control stream closes that one.
	hostile, hw := dial(t, addr, hash, wire.Hello{Role: wire.RoleSpectator, JoinCode: e.Code})
	if hw == nil {
		t.Fatal("spectator not welcomed")
	}
	_, _ = hostile.ctl.Write([]byte{0x05, 0xee, 1, 2, 3, 4})
	select {
	case <-hostile.conn.Context().Done():
	case <-time.After(5 * time.Second):
		t.Fatal("garbage did not close the hostile connection")
	}
	before := e.Drill.Tick()
	time.Sleep(300 * time.Millisecond)
	if e.Drill.Tick() <= before {
		t.Fatal("the drill stopped ticking after a hostile client")
	}

	facC.send(&wire.Command{Seq: 3, Op: wire.OpEnd})
	res := pc.until("results", func(m wire.Message) bool { _, ok := m.(*wire.Results); return ok }).(*wire.Results)
	if len(res.Results) != 1 || res.Results[0].Name != "小红" || len(res.Results[0].Items) == 0 {
		t.Fatalf("participant results: %+v", res)
	}
	var answered bool
	for _, it := range res.Results[0].Items {
		answered = answered || (it.Rule == "first_aid/symptoms_quiz" && it.Points == 10)
	}
	if !answered {
		t.Fatalf("the acknowledged answer is not in the results: %+v", res.Results[0].Items)
	}
	if srv.ProtocolErrors.Load() < 2 {
		t.Fatalf("protocol errors counted: %d", srv.ProtocolErrors.Load())
	}
}

func testLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
