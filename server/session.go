package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// Acceptor hands out client connections (transport.Server does).
type Acceptor interface {
	Accept(ctx context.Context) (transport.Conn, error)
}

// Server speaks the wire protocol (docs/protocol.md) to every client and
// routes them to their drills.
type Server struct {
	Reg *Registry
	Log *slog.Logger

	// HelloTimeout is how long a new connection may take to open its
	// control stream and send its Hello (0: 10 s); then it is closed with
	// timeout (41).
	HelloTimeout time.Duration

	// SnapshotHz caps the snapshots a second each client gets (0: one per
	// tick). A server of many large classes halves its sessions' and
	// QUIC's work at 10; clients interpolate over the Welcome's rate.
	// Events, prompts and warnings still go out at every tick.
	SnapshotHz int

	// AdaptiveSnapshots lets the server lower every client's snapshot
	// rate (×½, then ×¼) while the drills cannot keep their tick schedule
	// and raise it again after a calm (shed.go). Off by default here
	// (tests count snapshots); drill serve turns it on.
	AdaptiveSnapshots bool
	shedFactor        atomic.Int32 // snapshot interval multiplier now (0 or 1: none)

	// Now is the clock of the per-connection rate limits (docs/protocol.md
	// §8); nil is time.Now. Tests freeze it to make the limits exact.
	Now func() time.Time

	// Counters for /metrics.
	Conns, Rejects, ProtocolErrors, BytesOut, BytesIn atomic.Uint64
	// PosesDropped counts poses over the pose rate (dropped silently) and
	// ChoicesLimited choices refused for the choice rate (§8).
	PosesDropped, ChoicesLimited atomic.Uint64
	byCode                       [64]atomic.Uint64 // errors sent or closes, by wire.Code

	rooms sync.Map // *Entry → *room: who is connected (presence.go)
}

// ErrorCount is how many times the server refused a client with code: an
// Error message (forbidden, …) or a close with that application error code.
func (s *Server) ErrorCount(code wire.Code) uint64 {
	if int(code) >= len(s.byCode) {
		return 0
	}
	return s.byCode[code].Load()
}

func (s *Server) countCode(code wire.Code) {
	if int(code) < len(s.byCode) {
		s.byCode[code].Add(1)
	}
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Serve accepts connections until ctx ends.
func (s *Server) Serve(ctx context.Context, a Acceptor) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	if s.AdaptiveSnapshots {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel() // before wg.Wait: the shed loop ends however Serve does
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.shedLoop(ctx)
		}()
	}
	for {
		c, err := a.Accept(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		s.Conns.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.handle(ctx, c)
		}()
	}
}

// session is one client connection in one drill.
type session struct {
	srv   *Server
	conn  transport.Conn
	ctl   transport.Stream
	entry *Entry
	role  wire.Role
	slot  int32 // −1 when not a participant
	dgram bool

	wmu sync.Mutex // control-stream writes come from several goroutines
	enc *wire.SnapshotEncoder

	pose   *wire.Pose
	limits *sessionLimits

	self       wire.RosterEntry // this participant's roster entry (from the Welcome)
	left       atomic.Bool      // sent Leave: not away when the connection ends
	phase      wire.Phase       // the phase last told to the client
	rmu        sync.Mutex
	rosterOut  map[uint32]wire.RosterEntry // roster changes to send (presence.go)
	rosterKick chan struct{}
	room       *room

	every      int    // a snapshot every this many ticks (Server.SnapshotHz)
	mirror     bool   // the client asked for the lockstep mirror (§4.12)
	mirrorNext uint64 // inputs of ticks < mirrorNext have been relayed
	mirrorSent bool
	risk, xr   bool // optional features the Hello asked for (§5.8)
	aim        bool // hand aim in the XR section (§5.8, Hello flag bit 5)
	class      bool // a ClassSummary before the Results (§4.13, Hello flag bit 6)
}

// handle runs one connection from Hello to close.
func (s *Server) handle(ctx context.Context, c transport.Conn) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	limit := s.HelloTimeout
	if limit <= 0 {
		limit = 10 * time.Second
	}
	hctx, hcancel := context.WithTimeout(ctx, limit)
	ctl, err := c.AcceptStream(hctx)
	hcancel()
	if err != nil {
		s.countCode(wire.CodeTimeout)
		_ = c.CloseWithError(uint64(wire.CodeTimeout), "no control stream")
		return
	}
	// A client that opens the stream and then sends its Hello slowly, or
	// never, must not hold a goroutine for as long as QUIC keep-alives run.
	var late atomic.Bool
	timer := time.AfterFunc(limit, func() {
		late.Store(true)
		s.countCode(wire.CodeTimeout)
		_ = c.CloseWithError(uint64(wire.CodeTimeout), "no Hello in time")
	})
	fr := wire.NewFrameReader(ctl, wire.MaxClientFrame)
	m, err := fr.ReadMessage()
	if !timer.Stop() || late.Load() {
		return
	}
	if err != nil {
		s.fail(c, ctl, err)
		return
	}
	hello, ok := m.(*wire.Hello)
	if !ok {
		s.fail(c, ctl, &wire.Error{Code: wire.CodeUnexpected, Msg: "the first message must be Hello"})
		return
	}
	ss, code, err := s.join(ctx, c, ctl, hello)
	if err != nil {
		s.Rejects.Add(1)
		s.fail(c, ctl, &wire.Error{Code: code, Msg: err.Error()})
		return
	}
	ss.run(ctx, fr)
	ss.entry.xr.drop(ss, ss.slot)
	st := ss.entry.Drill.State()
	ss.room.exit(ss, ss.self, ss.left.Load(), st)
	if st == drill.Ended && ss.room.empty() {
		s.rooms.CompareAndDelete(ss.entry, ss.room) // the drill is over: forget who was connected
	}
}

// addressKey is the join-code limiter's key for a client: its IP without
// the port, since a guesser gets a new port with every new socket. Kept in
// memory only, never stored.
func addressKey(a net.Addr) string {
	if host, _, err := net.SplitHostPort(a.String()); err == nil {
		return host
	}
	return a.String()
}

// datagramsNegotiated reports whether c's peer negotiated datagrams
// (quic.Config.EnableDatagrams on both ends); a Conn that cannot say is
// trusted.
func datagramsNegotiated(c transport.Conn) bool {
	if d, ok := c.(interface{ DatagramsEnabled() bool }); ok {
		return d.DatagramsEnabled()
	}
	return true
}

// join admits a client to its drill and sends the Welcome (and Terrain).
func (s *Server) join(ctx context.Context, c transport.Conn, ctl transport.Stream, h *wire.Hello) (*session, wire.Code, error) {
	e, err := s.Reg.ByCode(h.JoinCode, addressKey(c.RemoteAddr()))
	switch {
	case errors.Is(err, ErrRateLimited):
		return nil, wire.CodeTryLater, err
	case err != nil:
		return nil, wire.CodeBadJoinCode, err
	}
	// Stream fallback (§1): snapshots go on the control stream unless the
	// client asked for datagrams and its QUIC connection negotiated them.
	ss := &session{srv: s, conn: c, ctl: ctl, entry: e, role: h.Role, slot: -1,
		dgram: h.Datagrams && datagramsNegotiated(c), mirror: h.Mirror, risk: h.Risk, xr: h.XR, aim: h.Aim,
		class: h.Class,
		every: 1, limits: newSessionLimits(), rosterKick: make(chan struct{}, 1), room: s.roomOf(e)}
	var token string
	switch h.Role {
	case wire.RoleParticipant:
		if h.HasToken {
			token = tokenString(h.Token)
			slot, err := e.Rejoin(ctx, token) // tokens survive a restart (keys.go)
			if err != nil {
				return nil, wire.CodeBadToken, err
			}
			ss.slot = slot
		} else {
			slot, tok, err := e.Join(ctx, h.Name) // the token is fsynced before the Welcome
			switch {
			case errors.Is(err, drill.ErrEnded):
				return nil, wire.CodeDrillEnded, err
			case err != nil && strings.Contains(err.Error(), "full"):
				return nil, wire.CodeDrillFull, err
			case err != nil:
				return nil, wire.CodeBadValue, err
			}
			ss.slot, token = slot, tok
		}
	case wire.RoleSpectator:
	case wire.RoleFacilitator:
		if !e.IsFacilitator(h.FacToken) {
			return nil, wire.CodeBadToken, errors.New("facilitator token not valid for this drill")
		}
	default:
		return nil, wire.CodeBadValue, fmt.Errorf("role %d", h.Role)
	}
	ss.room.enter(ss)
	welcome, terrain, err := ss.welcome(ctx, token)
	if err == nil {
		err = ss.send(welcome)
	}
	if err != nil {
		ss.room.exit(ss, wire.RosterEntry{}, true, drill.Ended)
		return nil, wire.CodeInternal, err
	}
	if ss.role == wire.RoleParticipant && ss.self.Name == "" && !h.HasToken {
		// A join is applied at the next tick, so the Welcome's roster does
		// not list the newcomer yet; if it drops before then, the others
		// still learn its name with the away flag.
		ss.self = wire.RosterEntry{Slot: uint32(ss.slot), Name: h.Name}
	}
	if h.TerrainHash != welcome.TerrainHash {
		if err := ss.sendRaw(terrain); err != nil {
			return nil, wire.CodeInternal, err
		}
	}
	if ss.mirror {
		if _, err := e.Drill.InputsSince(0); err != nil {
			return nil, wire.CodeInternal, err
		}
		m := &wire.Mirror{Seed: e.Seed, Engine: engine.Version, Scenario: e.Scenario, Source: e.Source}
		if err := ss.send(m); err != nil {
			return nil, wire.CodeInternal, err
		}
	}
	return ss, 0, nil
}

// welcome builds the Welcome on the drill goroutine: the scenario, the
// grid, the roster and a full snapshot that starts the client's baselines.
func (ss *session) welcome(ctx context.Context, token string) (*wire.Welcome, []byte, error) {
	e := ss.entry
	var w wire.Welcome
	var terrain []byte
	err := e.Drill.View(ctx, func(world *engine.World, st drill.State) error {
		sc, err := json.Marshal(world.Scenario())
		if err != nil {
			return err
		}
		grid, layers := wire.GridOf(world), wire.LayersOf(world)
		if ss.risk && ss.role != wire.RoleParticipant { // participants keep their bandwidth (§5.8)
			layers |= wire.RiskLayerOf(world)
			e.riskWanted.Store(true) // before the capture below: the Welcome has the layer
		}
		ss.enc = wire.NewSnapshotEncoder(grid, layers, wire.EncoderConfig{XRSelf: int(ss.slot) + 1})
		ss.enc.SendXR(ss.xr)
		ss.enc.SendAim(ss.aim)
		full := ss.enc.Full(e.capture(world, st).(*wire.State))
		terrain = e.terrainFrame()
		w = wire.Welcome{Role: ss.role, Slot: ss.slot, JoinCode: e.Code, TickHz: uint8(world.TickHz()),
			SnapshotHz: uint8(int(world.TickHz()) / ss.snapshotEvery(world.TickHz())), Phase: phaseOf(st), Tick: world.Tick(), EndTick: world.EndTick(),
			ScenarioID: world.Scenario().ID, Title: wire.Text{ZH: world.Scenario().Title.ZH, EN: world.Scenario().Title.EN},
			ScenarioFormat: wire.ScenarioJSON, Scenario: sc, Grid: grid, Layers: layers, TerrainHash: e.terrainHash,
			NPCs: wire.NPCTable(world), Roster: rosterOf(world), Full: full}
		if token != "" {
			w.Token = tokenBytes(token)
		}
		ss.room.overlay(w.Roster)
		for _, r := range w.Roster {
			if int32(r.Slot) == ss.slot {
				ss.self = r
			}
		}
		ss.phase = w.Phase
		return nil
	})
	return &w, terrain, err
}

// run serves the connection: the reader, the datagram reader and the
// writer of snapshots and events, until the connection or the drill ends.
func (ss *session) run(ctx context.Context, fr *wire.FrameReader) {
	d := ss.entry.Drill
	sub, err := d.Subscribe(ctx, 8)
	// A client back after the end (its link dropped as the drill ended, a
	// reloaded page, the console reopened) gets what the end gave: its
	// Welcome said "ended"; the results follow below.
	over := err != nil && d.State() == drill.Ended
	if err != nil && !over {
		ss.closeWith(wire.CodeDrillEnded, "the drill is over")
		return
	}
	serverCtx := ctx
	// On shutdown the connection closes at once, even while this goroutine
	// is blocked writing to a slow reader (a stream write does not watch
	// ctx): the drill keeps running until the registry closes, so a client
	// held connected but unserved meanwhile would lose that time without
	// knowing (CI saw a drill run to its end during a slow shutdown).
	stopClose := context.AfterFunc(serverCtx, func() {
		ss.closeWith(wire.CodeShutdown, "the server is shutting down; rejoin with your token")
	})
	defer stopClose()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		ss.readControl(ctx, fr)
		cancel()
	}()
	if ss.dgram {
		go ss.readDatagrams(ctx)
	}
	if sub != nil {
		defer sub.Close(context.Background())
	}
	if err := ss.relay(); err != nil { // the catch-up from tick 0
		ss.closeWith(wire.CodeInternal, err.Error())
		return
	}
	if over {
		ss.finish(ctx)
		return
	}
	for {
		select {
		case <-ctx.Done():
			if serverCtx.Err() != nil {
				// Tell the client this is the server going away, not the
				// drill ending: it rejoins with its token when we are back.
				ss.closeWith(wire.CodeShutdown, "the server is shutting down; rejoin with your token")
			}
			return
		case <-ss.conn.Context().Done():
			return
		case <-ss.rosterKick:
			if err := ss.flushRoster(); err != nil {
				return
			}
		case f, ok := <-sub.C():
			if !ok { // the drill ended
				_ = ss.relay() // the last inputs before the results
				ss.finish(ctx)
				return
			}
			if err := ss.relay(); err != nil {
				ss.closeWith(wire.CodeInternal, err.Error())
				return
			}
			if err := ss.forward(ctx, f); err != nil {
				ss.srv.Log.Debug("session write failed", "drill", ss.entry.ID, "err", err)
				return
			}
		}
	}
}

// finish ends a session of an ended drill: the phase if the client has
// not seen it, the class summary and the results, then a normal close.
// ctx ends when the client goes or the server shuts down.
func (ss *session) finish(ctx context.Context) {
	if ss.phase != wire.PhaseEnded {
		ss.phase = wire.PhaseEnded
		_ = ss.send(&wire.PhaseChange{Phase: wire.PhaseEnded, Tick: ss.entry.Drill.Tick()})
	}
	if res, err := ss.entry.Drill.Results(context.Background()); err == nil {
		ss.sendClassSummary(res)
		ss.sendResults(res)
	}
	// Finish the stream so the results are delivered, and give the client
	// time to read them before the connection closes (closing at once
	// could discard them in flight). A client closes as soon as it has
	// them; 10 s is for a loaded one (2 s lost the results of bots catching
	// up after a restart).
	_ = ss.ctl.Close()
	select {
	case <-ss.conn.Context().Done():
	case <-ctx.Done(): // shutting down, or the client is gone
	case <-time.After(10 * time.Second):
	}
	ss.closeWith(wire.CodeNone, "drill ended")
}

// forward sends one frame: a change of phase, events as control
// messages, then the snapshot.
func (ss *session) forward(ctx context.Context, f drill.Frame) error {
	if p := phaseOf(f.State); p != ss.phase {
		ss.phase = p
		if err := ss.send(&wire.PhaseChange{Phase: p, Tick: f.Tick}); err != nil {
			return err
		}
	}
	for i := range f.Events {
		if m := ss.eventMessage(ctx, &f.Events[i]); m != nil {
			if err := ss.send(m); err != nil {
				return err
			}
		}
	}
	st, ok := f.Snapshot.(*wire.State)
	if !ok || f.Tick%uint64(ss.every*ss.srv.snapshotFactor()) != 0 {
		return nil
	}
	ss.wmu.Lock() // the encoder's baselines move with acks from the readers
	payload, stream, err := ss.enc.Encode(st, transport.SafeDatagramSize)
	ss.wmu.Unlock()
	if err != nil {
		return err
	}
	if stream || !ss.dgram {
		return ss.sendRaw(wire.AppendRawFrame(nil, payload))
	}
	if err := ss.conn.SendDatagram(payload); err != nil {
		if errors.Is(err, transport.ErrDatagramTooLarge) {
			return ss.sendRaw(wire.AppendRawFrame(nil, payload))
		}
		return nil // dropped datagrams are the transport's to count
	}
	ss.srv.BytesOut.Add(uint64(len(payload)))
	return nil
}

// relay sends a mirror client the inputs the drill applied since the last
// relay (from tick 0 the first time), read from the drill's input log so a
// frame this session missed loses nothing: at most wire.MaxInputs records
// a message, one message when there is nothing new but the tick.
func (ss *session) relay() error {
	if !ss.mirror {
		return nil
	}
	a, err := ss.entry.Drill.InputsSince(ss.mirrorNext)
	if err != nil {
		return err
	}
	if ss.mirrorSent && a.Tick == ss.mirrorNext && len(a.Inputs) == 0 {
		return nil
	}
	ins := a.Inputs
	for len(ins) > wire.MaxInputs {
		if err := ss.send(&wire.Inputs{Tick: ins[wire.MaxInputs].Tick, Inputs: ins[:wire.MaxInputs]}); err != nil {
			return err
		}
		ins = ins[wire.MaxInputs:]
	}
	if err := ss.send(&wire.Inputs{Tick: a.Tick, HasHash: a.HasHash, Hash: a.Hash, Inputs: ins}); err != nil {
		return err
	}
	ss.mirrorNext, ss.mirrorSent = a.Tick, true
	return nil
}

// readControl reads the control stream: choices, commands, pings, leave,
// and poses when datagrams are not used.
func (ss *session) readControl(ctx context.Context, fr *wire.FrameReader) {
	for {
		m, err := fr.ReadMessage()
		if err != nil {
			if !errors.Is(err, io.EOF) && ctx.Err() == nil && ss.conn.Context().Err() == nil {
				ss.srv.fail(ss.conn, ss.ctl, err)
			}
			return
		}
		if !m.Type().FromClient() {
			ss.srv.fail(ss.conn, ss.ctl, &wire.Error{Code: wire.CodeUnexpected, Msg: "a server message from a client"})
			return
		}
		// Rates (§8): a Pose frame is a datagram on the stream fallback and
		// counts as one; every other frame is a control message.
		if _, pose := m.(*wire.Pose); pose {
			if !ss.limits.datagrams.take(ss.srv.now()) {
				ss.srv.fail(ss.conn, ss.ctl, &wire.Error{Code: wire.CodeRateLimited, Msg: "too many poses"})
				return
			}
		} else if !ss.limits.control.take(ss.srv.now()) {
			ss.srv.fail(ss.conn, ss.ctl, &wire.Error{Code: wire.CodeRateLimited, Msg: "too many control messages"})
			return
		}
		switch m := m.(type) {
		case *wire.Choice:
			ss.choice(ctx, m)
		case *wire.Command:
			if !ss.command(ctx, m) {
				return
			}
		case *wire.Pose:
			if !ss.posed(m) {
				return
			}
		case *wire.Ping:
			_ = ss.send(&wire.Pong{Nonce: m.Nonce, Tick: ss.entry.Drill.Tick()})
		case *wire.Leave:
			if ss.slot >= 0 {
				_ = ss.entry.Drill.Submit(engine.Input{Participant: ss.slot, Kind: engine.InputLeave}, nil)
			}
			ss.left.Store(true)
			ss.closeWith(wire.CodeNone, "left")
			return
		default:
			ss.srv.fail(ss.conn, ss.ctl, &wire.Error{Code: wire.CodeUnexpected, Msg: fmt.Sprintf("%s now", m.Type())})
			return
		}
	}
}

// readDatagrams takes poses: anything else, a datagram that does not
// decode, or datagrams over the rate close the connection (§7, §8).
func (ss *session) readDatagrams(ctx context.Context) {
	for {
		b, err := ss.conn.ReceiveDatagram(ctx)
		if err != nil {
			return
		}
		ss.srv.BytesIn.Add(uint64(len(b)))
		if !ss.limits.datagrams.take(ss.srv.now()) {
			ss.srv.fail(ss.conn, ss.ctl, &wire.Error{Code: wire.CodeRateLimited, Msg: "too many datagrams"})
			return
		}
		m, err := wire.DecodeDatagram(b)
		if err != nil {
			ss.srv.fail(ss.conn, ss.ctl, err)
			return
		}
		p, ok := m.(*wire.Pose)
		if !ok {
			ss.srv.fail(ss.conn, ss.ctl, &wire.Error{Code: wire.CodeUnexpected, Msg: "a snapshot from a client"})
			return
		}
		if !ss.posed(p) {
			return
		}
	}
}

// posed applies a pose: acknowledgements for the snapshot encoder, and
// moves and looks for the drill (rate-limited; stale poses are dropped).
// A spectator or facilitator may send poses for their acknowledgements
// and view heading, but not move: that is forbidden (§4.4's allowance).
// It reports false when the connection was closed.
func (ss *session) posed(p *wire.Pose) bool {
	ss.wmu.Lock()
	_ = ss.enc.Ack(p.Ack, p.AckBits)
	ss.wmu.Unlock()
	if ss.slot < 0 {
		if p.MoveX != 0 || p.MoveY != 0 || p.Run {
			return ss.forbidden("only participants move")
		}
		return true
	}
	if ss.pose != nil && p.Seq <= ss.pose.Seq {
		return true
	}
	if !ss.limits.pose.take(ss.srv.now()) {
		ss.srv.PosesDropped.Add(1)
		return true
	}
	ss.entry.xr.set(ss, ss.slot, p)
	for _, in := range wire.PoseInputs(p, ss.pose, 0, ss.slot) {
		if err := ss.entry.Drill.Submit(in, nil); err != nil {
			break
		}
	}
	ss.pose = p
	return true
}

// forbidden refuses a message the role may not send: Error(forbidden) and
// the connection stays, until it has done so wire.ForbiddenAllowed times;
// the next one closes it with the same code. It reports whether the
// connection is still open.
func (ss *session) forbidden(text string) bool {
	if ss.limits.forbid() {
		ss.srv.fail(ss.conn, ss.ctl, &wire.Error{Code: wire.CodeForbidden, Msg: text + " (repeated)"})
		return false
	}
	ss.srv.ProtocolErrors.Add(1)
	ss.srv.countCode(wire.CodeForbidden)
	_ = ss.send(&wire.ErrorMsg{Code: wire.CodeForbidden, Text: text})
	return true
}

// choice submits an answer or action and acknowledges it once journalled.
// Choices are remembered per participant across reconnects: a client that
// resends an unacknowledged choice after a dropped connection gets the
// first answer (reason "duplicate") and the drill does not apply it again.
func (ss *session) choice(ctx context.Context, c *wire.Choice) {
	if ss.slot < 0 {
		_ = ss.send(&wire.ChoiceAck{Seq: c.Seq, Result: wire.Rejected, Reason: wire.ReasonNotAllowed, Tick: ss.entry.Drill.Tick()})
		return
	}
	if !ss.limits.choices.take(ss.srv.now()) {
		// Not remembered in the ledger: a resend later may be accepted.
		ss.srv.ChoicesLimited.Add(1)
		_ = ss.send(&wire.ChoiceAck{Seq: c.Seq, Result: wire.Rejected, Reason: wire.ReasonRateLimited, Tick: ss.entry.Drill.Tick()})
		return
	}
	rec, first := ss.entry.choices.begin(ss.slot, c.Seq)
	if !first {
		go func() {
			select {
			case <-rec.done:
				ack := rec.ack
				ack.Reason = wire.ReasonDuplicate
				_ = ss.send(&ack)
			case <-ctx.Done():
			}
		}()
		return
	}
	finish := func(ack wire.ChoiceAck) {
		ss.entry.choices.finish(rec, ack)
		_ = ss.send(&ack)
	}
	reject := func(reason uint8) {
		finish(wire.ChoiceAck{Seq: c.Seq, Result: wire.Rejected, Reason: reason, Tick: ss.entry.Drill.Tick()})
	}
	if ss.entry.Drill.State() != drill.Running {
		reject(wire.ReasonNotRunning)
		return
	}
	done := make(chan error, 1)
	if err := ss.entry.Drill.Submit(wire.ChoiceInput(c, 0, ss.slot), done); err != nil {
		switch {
		case errors.Is(err, drill.ErrQueueFull):
			reject(wire.ReasonRateLimited)
		case errors.Is(err, drill.ErrBadInput):
			reject(wire.ReasonInvalid)
		default:
			reject(wire.ReasonNotRunning)
		}
		return
	}
	go func() {
		// The drill always answers (applied, or an error); wait for it even
		// if this connection drops, so a resend elsewhere gets the answer.
		err := <-done
		ack := wire.ChoiceAck{Seq: c.Seq, Result: wire.Accepted, Tick: ss.entry.Drill.Tick() - 1}
		if err != nil {
			ack.Result, ack.Reason = wire.Rejected, wire.ReasonNotRunning
		}
		finish(ack)
	}()
}

// command runs a facilitator operation; anyone else is refused and
// counted (see forbidden). It reports whether the connection is open.
func (ss *session) command(ctx context.Context, c *wire.Command) bool {
	d := ss.entry.Drill
	if ss.role != wire.RoleFacilitator {
		return ss.forbidden("only the facilitator can do that")
	}
	var err error
	switch c.Op {
	case wire.OpStart:
		err = d.Start(ctx)
	case wire.OpPause:
		err = d.Pause(ctx)
	case wire.OpResume:
		err = d.Resume(ctx)
	case wire.OpEnd:
		err = d.End(ctx)
	case wire.OpInject:
		err = d.Inject(ctx, c.Inject)
	case wire.OpWarn:
		hz := []string{"", "rainstorm", "high_temp", "geological"}
		lv := []string{"none", "blue", "yellow", "orange", "red"}
		if int(c.Hazard) >= len(hz) || c.Hazard == 0 || int(c.Level) >= len(lv) {
			err = drill.ErrBadInput
			break
		}
		err = d.Warn(ctx, hz[c.Hazard], lv[c.Level])
	default:
		err = drill.ErrBadInput
	}
	ack := wire.CommandAck{Seq: c.Seq, Result: wire.Accepted, Tick: d.Tick()}
	if err != nil {
		ack.Result, ack.Reason = wire.Rejected, wire.ReasonBadState
		if errors.Is(err, drill.ErrBadInput) {
			ack.Reason = wire.ReasonInvalid
		}
	}
	_ = ss.send(&ack)
	return true
}

func (ss *session) send(m wire.Message) error { return ss.sendRaw(wire.AppendFrame(nil, m)) }

func (ss *session) sendRaw(b []byte) error {
	ss.wmu.Lock()
	defer ss.wmu.Unlock()
	_, err := ss.ctl.Write(b)
	if err == nil {
		ss.srv.BytesOut.Add(uint64(len(b)))
	}
	return err
}

func (ss *session) closeWith(code wire.Code, reason string) {
	_ = ss.conn.CloseWithError(uint64(code), reason)
}

// fail reports a protocol or session error to the client, counts it and
// closes just this connection.
func (s *Server) fail(c transport.Conn, ctl transport.Stream, err error) {
	code := wire.CodeOf(err)
	if code == wire.CodeNone {
		code = wire.CodeInternal
	}
	if code.IsDecode() || code == wire.CodeUnexpected || code == wire.CodeRateLimited || code == wire.CodeForbidden {
		s.ProtocolErrors.Add(1)
	}
	s.countCode(code)
	b := wire.AppendFrame(nil, &wire.ErrorMsg{Code: code, Text: err.Error()})
	_, _ = ctl.Write(b)
	_ = c.CloseWithError(uint64(code), code.String())
}

// snapshotEvery is how many ticks apart this session's snapshots are
// (Server.snapshotEvery).
func (ss *session) snapshotEvery(tickHz int) int {
	ss.every = ss.srv.snapshotEvery(tickHz)
	return ss.every
}

// snapshotEvery is how many ticks apart the snapshots of a drill ticking
// at tickHz are, before shedding: the tick rate over SnapshotHz, rounded
// up so the rate never exceeds the cap, and at least 1.
func (s *Server) snapshotEvery(tickHz int) int {
	if hz := s.SnapshotHz; hz > 0 && hz < tickHz {
		return (tickHz + hz - 1) / hz
	}
	return 1
}

// SnapshotTick reports whether clients get the snapshot of this tick of a
// drill ticking at tickHz (the cap and the shedding now): the registry
// captures only those (Registry.SnapshotTicks).
func (s *Server) SnapshotTick(tick uint64, tickHz int) bool {
	return tick%uint64(s.snapshotEvery(tickHz)*s.snapshotFactor()) == 0
}
