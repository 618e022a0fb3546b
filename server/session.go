package server

import (
	"context"
	"encoding/hex"
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
	"github.com/rescuedrill/rescuedrill/engine/warning"
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

	mirror     bool   // the client asked for the lockstep mirror (§4.12)
	mirrorNext uint64 // inputs of ticks < mirrorNext have been relayed
	mirrorSent bool
}

// handle runs one connection from Hello to close.
func (s *Server) handle(ctx context.Context, c transport.Conn) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	hctx, hcancel := context.WithTimeout(ctx, 10*time.Second)
	ctl, err := c.AcceptStream(hctx)
	hcancel()
	if err != nil {
		_ = c.CloseWithError(uint64(wire.CodeTimeout), "no control stream")
		return
	}
	fr := wire.NewFrameReader(ctl, wire.MaxClientFrame)
	m, err := fr.ReadMessage()
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
	ss.room.exit(ss, ss.self, ss.left.Load(), ss.entry.Drill.State())
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
		dgram: h.Datagrams && datagramsNegotiated(c), mirror: h.Mirror,
		limits: newSessionLimits(), rosterKick: make(chan struct{}, 1), room: s.roomOf(e)}
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
		ss.enc = wire.NewSnapshotEncoder(grid, layers, wire.EncoderConfig{})
		full := ss.enc.Full(e.capture(world, st).(*wire.State))
		terrain = e.terrainFrame()
		w = wire.Welcome{Role: ss.role, Slot: ss.slot, JoinCode: e.Code, TickHz: uint8(world.TickHz()),
			SnapshotHz: uint8(world.TickHz()), Phase: phaseOf(st), Tick: world.Tick(), EndTick: world.EndTick(),
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
	if err != nil {
		ss.closeWith(wire.CodeDrillEnded, "the drill is over")
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		ss.readControl(ctx, fr)
		cancel()
	}()
	if ss.dgram {
		go ss.readDatagrams(ctx)
	}
	defer sub.Close(context.Background())
	if err := ss.relay(); err != nil { // the catch-up from tick 0
		ss.closeWith(wire.CodeInternal, err.Error())
		return
	}
	for {
		select {
		case <-ctx.Done():
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
				if ss.phase != wire.PhaseEnded {
					ss.phase = wire.PhaseEnded
					_ = ss.send(&wire.PhaseChange{Phase: wire.PhaseEnded, Tick: d.Tick()})
				}
				ss.sendResults(context.Background())
				// Finish the stream so the results are delivered, and give the
				// client a moment to read them before the connection closes
				// (closing at once could discard them in flight).
				_ = ss.ctl.Close()
				select {
				case <-ss.conn.Context().Done():
				case <-time.After(2 * time.Second):
				}
				ss.closeWith(wire.CodeNone, "drill ended")
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
	if !ok {
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

// eventMessage turns an engine event into the control message clients
// show, or nil for events carried by snapshots alone.
func (ss *session) eventMessage(ctx context.Context, e *engine.Event) wire.Message {
	sc := ss.entry.Setup.Scenario
	switch e.Kind {
	case engine.EvPrompt:
		for _, in := range sc.Injects {
			if in.ID == e.Ref && in.Prompt != nil {
				p := &wire.Prompt{Inject: in.ID, Tick: e.Tick, Question: wtext(in.Prompt.Question)}
				for _, o := range in.Prompt.Options {
					p.Options = append(p.Options, wire.Option{ID: o.ID, Text: wtext(o.Text)})
				}
				return p
			}
		}
	case engine.EvMessage:
		for _, in := range sc.Injects {
			if in.ID == e.Ref && in.Message != nil {
				return &wire.Notice{Inject: in.ID, Tick: e.Tick, Text: wtext(*in.Message)}
			}
		}
	case engine.EvWarning:
		h, _ := warning.ParseHazard(e.Ref)
		l, _ := warning.ParseLevel(e.Level)
		g, _ := warning.GuideFor(h, l)
		title := warning.Title(h, l)
		return &wire.Warning{ID: fmt.Sprintf("%s-%d", e.Ref, e.Tick), Hazard: uint8(h), Level: uint8(l), Tick: e.Tick,
			Title: wire.Text{ZH: title.ZH, EN: title.EN}, Public: wire.Text{ZH: g.Public.ZH, EN: g.Public.EN},
			School: wire.Text{ZH: g.School.ZH, EN: g.School.EN}}
	case engine.EvTaskDone:
		if e.Who == ss.slot && ss.slot >= 0 {
			return ss.score(ctx)
		}
	case engine.EvJoined, engine.EvLeft:
		flags := uint8(0)
		if e.Kind == engine.EvLeft {
			flags |= wire.RosterLeft
		}
		if e.Kind == engine.EvJoined && e.Level != "" {
			flags |= wire.RosterBot
		}
		name := e.Ref
		if e.Kind == engine.EvLeft {
			name = ""
		}
		return &wire.Roster{Entries: []wire.RosterEntry{{Slot: uint32(e.Who), Name: name, Flags: flags}}}
	}
	return nil
}

// score is the participant's running score.
func (ss *session) score(ctx context.Context) wire.Message {
	var out *wire.Score
	_ = ss.entry.Drill.View(ctx, func(w *engine.World, _ drill.State) error {
		res := w.Results()
		if int(ss.slot) < len(res) {
			r := res[ss.slot]
			out = &wire.Score{Score: int64(r.Score), Max: 100, Items: items(r.Breakdown)}
		}
		return nil
	})
	if out == nil {
		return nil
	}
	return out
}

// sendResults sends the final results: a participant their own, a
// facilitator or spectator everyone's.
func (ss *session) sendResults(ctx context.Context) {
	res, err := ss.entry.Drill.Results(ctx)
	if err != nil {
		return
	}
	var m wire.Results
	for _, r := range res {
		if ss.role == wire.RoleParticipant && r.ID != ss.slot {
			continue
		}
		wr := wire.Result{Slot: uint32(r.ID), Name: r.Name, Policy: r.Policy, Score: int64(r.Score), Outcome: r.Outcome, Items: items(r.Breakdown)}
		for _, o := range r.Objectives {
			wr.Objectives = append(wr.Objectives, wire.ObjectiveResult{ID: o.ID, Title: wtext(o.Title), Rating: o.Rating, Points: int64(o.Points), Max: uint64(o.Max)})
		}
		m.Results = append(m.Results, wr)
	}
	_ = ss.send(&m)
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

func phaseOf(s drill.State) wire.Phase {
	return [...]wire.Phase{wire.PhaseLobby, wire.PhaseRunning, wire.PhasePaused, wire.PhaseEnded}[s]
}

func rosterOf(w *engine.World) []wire.RosterEntry {
	var out []wire.RosterEntry
	for _, p := range w.People() {
		var f uint8
		if p.Policy != "" {
			f |= wire.RosterBot
		}
		if p.Status == engine.StatusLeft {
			f |= wire.RosterLeft
		}
		out = append(out, wire.RosterEntry{Slot: uint32(p.ID), Name: p.Name, Flags: f})
	}
	return out
}

func items(b []engine.Item) []wire.Item {
	out := make([]wire.Item, 0, len(b))
	for _, it := range b {
		out = append(out, wire.Item{Rule: it.Rule, Kind: it.Kind, Tick: it.Tick, Points: int64(it.Points), Max: uint64(it.Max),
			Applicable: it.Applicable, ReasonZH: it.ReasonZH, ReasonEN: it.ReasonEN})
	}
	return out
}

func wtext(t engine.Text) wire.Text { return wire.Text{ZH: t.ZH, EN: t.EN} }

// tokenString and tokenBytes convert a participant token between the
// drill's UUID text and the wire's 16 bytes.
func tokenString(t wire.Token) string {
	h := hex.EncodeToString(t[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func tokenBytes(s string) wire.Token {
	var t wire.Token
	b, _ := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	copy(t[:], b)
	return t
}
