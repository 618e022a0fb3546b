// Package client is RescueDrill's Go client library: it connects to a
// `drill serve` over QUIC, joins a drill, keeps the world decoded from the
// server's snapshots, interpolates it for a renderer, and sends the
// participant's intent, choices and (for facilitators) commands. It holds
// no simulation rules: the server decides everything.
//
//	c, err := client.Dial(ctx, client.Options{Addr: "localhost:4433", CertHash: h,
//		JoinCode: "K7P2QX", Name: "小红", Datagrams: true})
//	...
//	c.SetIntent(1000, 0, false, 9000)      // walk east, look east
//	v := c.SampleNow()                     // every frame: interpolated entities
//	for ev := range c.Events() { ... }     // prompts, warnings, scores, results
//	ack, err := c.Choose(ctx, wire.ChoiceAnswer, prompt.Inject, "cool_call")
//
// The protocol is server/wire (docs/protocol.md); this package adds the
// connection, the goroutines and the bookkeeping; client/README.md is the
// guide for the desktop client and the bots.
package client

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// DefaultPoseHz is how often an unchanged intent is repeated: it carries
// the snapshot acknowledgements (delta compression's baseline) and keeps
// the server's render-tick hint fresh. 10 a second, not one per snapshot:
// with QUIC's 25 ms acknowledgement delay each repeat costs the server a
// receive and an ACK packet, and at 20 Hz that was a third of a loaded
// server's packets (docs/BENCHMARKS.md). Changes go out at once.
const DefaultPoseHz = 10

// Options say where to connect and as whom.
type Options struct {
	Addr string // host:port of `drill serve` (UDP)

	// The server's certificate: CertHash pins the SHA-256 `drill serve`
	// prints for its self-signed certificate; TLS, when set, is used
	// instead (its NextProtos are replaced). With neither the certificate
	// is verified against the system roots.
	CertHash [32]byte
	TLS      *tls.Config
	// WebTransport dials https://Addr/wt over HTTP/3 instead of raw QUIC
	// (what browsers do; for tests and tools).
	WebTransport bool

	JoinCode         string
	Name             string    // display name (the only thing stored about a participant)
	Lang             string    // BCP 47 tag ("zh-CN", "en"); texts come in both anyway
	Role             wire.Role // 0 means wire.RoleParticipant
	FacilitatorToken string    // for wire.RoleFacilitator
	Token            wire.Token
	// Token, when not zero, rejoins that participant slot (after a restart
	// of the client); Info().Token is the one to keep.

	// Datagrams receives snapshots and sends poses as QUIC datagrams;
	// false puts both on the control stream (the fallback, e.g. behind a
	// middlebox that drops them).
	Datagrams bool

	// RiskLayer asks for the landslide risk layer (spectators and
	// facilitators only: Info.Layers has wire.LayerRisk), XRPoses for the
	// other participants' head and hand poses, HandAim (implies XRPoses)
	// for where their hands point too (§5.8; read with Risk and XR),
	// ClassSummary for a ClassEvent before the results (§4.13).
	RiskLayer, XRPoses, HandAim, ClassSummary bool

	TerrainCache TerrainCache  // nil: the Terrain is always sent
	InterpDelay  time.Duration // 0: DefaultDelaySnapshots snapshot intervals

	// Events: OnEvent, when set, is called for every event from a receive
	// goroutine, one at a time; it must not block (it may call the
	// client's non-blocking methods). Otherwise events go to the
	// Events channel, which holds EventBuffer of them (0: 256); when it is
	// full events are dropped and counted (Stats.EventsDropped).
	OnEvent     func(Event)
	EventBuffer int

	// PoseHz is how often the sender repeats the intent when it has not
	// changed (0: DefaultPoseHz; at least 10 so the server sees an
	// acknowledgement every 100 ms, at most 60, the server's limit). A
	// change (SetIntent) goes out at once whatever the rate.
	PoseHz int

	// DeadAfter: a connection on which nothing arrived for this long (the
	// client pings a quiet server, so a paused drill is not quiet) ends
	// with ErrServerSilent, retryable, instead of waiting for QUIC's 30 s
	// idle timeout. 0: DefaultDeadAfter (6 s); negative: never.
	DeadAfter time.Duration
}

// Info is what the Welcome told the client.
type Info struct {
	Role       wire.Role
	Slot       int32      // participant slot; −1 for spectators and facilitators
	Token      wire.Token // participant token to rejoin with (zero without a slot)
	JoinCode   string
	TickHz     int
	SnapshotHz int
	Phase      wire.Phase // at the Welcome; Phase() is the current one
	Tick       uint64     // at the Welcome
	EndTick    uint64
	ScenarioID string
	Title      wire.Text
	// Scenario is the server's loaded, validated scenario (places, objects,
	// NPC specs, injects, objectives), nil if it was not sent as JSON.
	Scenario       *engine.Scenario
	ScenarioFormat uint8
	ScenarioSource []byte
	Grid           wire.Grid
	Layers         uint8 // wire.LayerWater | wire.LayerDebris
	TerrainHash    uint64
	NPCs           []wire.NPCInfo // NPC i of the snapshots is NPCs[i]
}

// Stats are the client's counters.
type Stats struct {
	EventsDropped    uint64 // the Events channel was full
	SnapshotsDecoded uint64
	SnapshotsSkipped uint64 // baseline not held, stale or duplicate (normal on lossy links)
	DecodeErrors     uint64 // snapshots the decoder refused (a server bug)
	PosesSent        uint64
	// SnapshotBytes are the snapshot payloads received (datagrams and
	// stream frames, decoded or not): the downstream a load test measures.
	SnapshotBytes uint64
	UnknownAcks   uint64 // acks of a seq not pending (a duplicate answer after a resend)
	Reconnects    uint64
	RTT           time.Duration // smoothed round-trip time of the connection
}

// Client is one connection (and its successors after Reconnect) to a
// drill. Its methods are safe for concurrent use.
type Client struct {
	opts    Options
	tlsConf *tls.Config
	events  chan Event
	evMu    sync.RWMutex
	cbMu    sync.Mutex // OnEvent is called one event at a time
	evDone  bool
	kick    chan struct{}
	done    chan struct{}
	sender  sync.WaitGroup
	rmu     sync.Mutex // one Reconnect at a time

	counters struct {
		dropped, decoded, skipped, decodeErr, poses, unknownAcks, reconnects, snapBytes atomic.Uint64
	}

	mu        sync.Mutex
	buf       *Buffer
	info      Info
	terrain   Terrain
	cur       *link // nil while disconnected
	lastErr   error
	closed    bool
	latest    *wire.State
	fields    [2]*wire.Field
	fieldVer  uint64
	roster    map[uint32]wire.RosterEntry
	phase     wire.Phase
	phaseTick uint64 // the tick of the phase's source (Welcome, Phase message, snapshot)
	intent    wire.Pose
	poseSeq   uint64
	seq       uint64 // choices and commands
	choices   map[uint64]*pendingChoice
	cmds      map[uint64]chan cmdReply
}

type pendingChoice struct {
	msg  wire.Choice
	done chan wire.ChoiceAck // buffered 1
}

type cmdReply struct {
	ack wire.CommandAck
	err error
}

// link is one QUIC connection with its control stream and decoder.
type link struct {
	conn  transport.ClientConn
	ctl   transport.Stream
	wmu   sync.Mutex
	dgram atomic.Bool
	dec   *wire.SnapshotDecoder // guarded by Client.mu
	done  chan struct{}         // closed when the link is over
	once  sync.Once
	sent  atomic.Pointer[ServerError] // the server's Error message, if any
	live  liveness                    // when the server was last heard (watchdog.go)
}

func (l *link) send(m wire.Message) error { return l.write(wire.AppendFrame(nil, m)) }

func (l *link) write(b []byte) error {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	_, err := l.ctl.Write(b)
	return err
}

// Dial connects, joins (or rejoins with Options.Token) and returns a
// client with its receive loops and the intent sender running. The
// Welcome's full state is decoded before Dial returns, so Latest and
// Sample have the world at once. A refusal is a *ServerError
// (bad_join_code, drill_full, bad_token, try_later …); a certificate
// problem satisfies IsCertificateError.
func Dial(ctx context.Context, o Options) (*Client, error) {
	if o.Role == 0 {
		o.Role = wire.RoleParticipant
	}
	if o.EventBuffer <= 0 {
		o.EventBuffer = 256
	}
	c := &Client{opts: o, kick: make(chan struct{}, 1), done: make(chan struct{}),
		choices: map[uint64]*pendingChoice{}, cmds: map[uint64]chan cmdReply{}, roster: map[uint32]wire.RosterEntry{}}
	switch {
	case o.TLS != nil:
		c.tlsConf = o.TLS
	case o.CertHash != [32]byte{}:
		c.tlsConf = transport.PinnedTLS(o.CertHash)
	}
	if o.OnEvent == nil {
		c.events = make(chan Event, o.EventBuffer)
	}
	h := c.hello(o.Token)
	var offer *wire.Terrain
	if o.TerrainCache != nil {
		offer = o.TerrainCache.Load()
	}
	hs, err := c.handshake(ctx, h, offer)
	for try := 1; err != nil && refusedForNow(err) && try < dialTries; try++ {
		// The server turned the connection away before any join happened
		// (a class pressing Join together on a loaded server): nothing to
		// undo, so knock again after a short, jittered pause.
		pause := time.Duration(50+rand.IntN(50)) * time.Millisecond << try
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(pause):
		}
		hs, err = c.handshake(ctx, h, offer)
	}
	if err != nil {
		return nil, err
	}
	c.install(hs)
	hz := o.PoseHz
	if hz == 0 {
		hz = DefaultPoseHz
	}
	hz = min(max(hz, 10), wire.MaxPoseRate)
	c.sender.Add(1)
	go c.sendLoop(time.Second / time.Duration(hz))
	return c, nil
}

// dialTries is how often Dial knocks on a server that is momentarily full
// (1.5–3 s of pauses in all) before it gives the refusal to the caller.
const dialTries = 5

// refusedForNow: the connection was refused at the transport level because
// the server was momentarily full (transport.Refused; CodeBusy arrives
// here already turned into a *ServerError).
func refusedForNow(err error) bool {
	return transport.Refused(err) || CodeOf(err) == transport.CodeBusy
}

func (c *Client) hello(token wire.Token) *wire.Hello {
	o := &c.opts
	h := &wire.Hello{Version: wire.Version, Role: o.Role, JoinCode: o.JoinCode, Name: o.Name, Lang: o.Lang,
		Datagrams: o.Datagrams, Risk: o.RiskLayer, XR: o.XRPoses || o.HandAim, Aim: o.HandAim, Class: o.ClassSummary}
	if o.Role == wire.RoleFacilitator {
		h.FacToken = o.FacilitatorToken
	}
	if token != (wire.Token{}) && o.Role == wire.RoleParticipant {
		h.HasToken, h.Token = true, token
	}
	return h
}

// handshake is the result of a successful join.
type handshake struct {
	link    *link
	fr      *wire.FrameReader
	info    Info
	terrain *wire.Terrain
	fresh   bool // the terrain came from the server (store it)
	full    *wire.State
	dec     *wire.SnapshotDecoder
	roster  []wire.RosterEntry
}

// handshake dials, sends the Hello and reads the Welcome and the Terrain
// (unless offer is the map's terrain).
func (c *Client) handshake(ctx context.Context, h *wire.Hello, offer *wire.Terrain) (*handshake, error) {
	if offer != nil {
		h.TerrainHash = offer.Hash
	}
	var conn transport.ClientConn
	var err error
	if c.opts.WebTransport {
		conn, err = transport.DialWebTransport(ctx, "https://"+c.opts.Addr+"/wt", c.tlsConf)
	} else {
		// Without Datagrams there is no reason to negotiate them: the server
		// then uses the stream fallback whatever the Hello says.
		conn, err = transport.DialWith(ctx, c.opts.Addr, c.tlsConf, transport.DialOptions{NoDatagrams: !c.opts.Datagrams})
	}
	if err != nil {
		return nil, err
	}
	// Reads below block on the stream; cancelling ctx closes the connection.
	stop := context.AfterFunc(ctx, func() { _ = conn.CloseWithError(uint64(wire.CodeNone), "join cancelled") })
	hs, err := c.join(ctx, conn, h, offer)
	if !stop() && err == nil {
		err = ctx.Err()
	}
	if err != nil {
		_ = conn.CloseWithError(uint64(wire.CodeNone), "join failed")
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	return hs, nil
}

func (c *Client) join(ctx context.Context, conn transport.ClientConn, h *wire.Hello, offer *wire.Terrain) (*handshake, error) {
	ctl, err := conn.OpenStream(ctx)
	if err != nil {
		return nil, fmt.Errorf("client: opening the control stream: %w", err)
	}
	l := &link{conn: conn, ctl: ctl, done: make(chan struct{})}
	if h.Datagrams && !datagramsNegotiated(conn) {
		hc := *h // the caller's Hello is reused for reconnects
		hc.Datagrams = false
		h = &hc
	}
	l.dgram.Store(h.Datagrams)
	if err := l.send(h); err != nil {
		return nil, fmt.Errorf("client: sending hello: %w", linkErrorOr(err))
	}
	fr := wire.NewFrameReader(ctl, wire.MaxServerFrame)
	m, err := fr.ReadMessage()
	if err != nil {
		return nil, fmt.Errorf("client: waiting for the welcome: %w", linkErrorOr(err))
	}
	var w *wire.Welcome
	switch m := m.(type) {
	case *wire.Welcome:
		w = m
	case *wire.ErrorMsg:
		return nil, &ServerError{Code: m.Code, Text: m.Text}
	default:
		return nil, fmt.Errorf("%w: %s before the welcome", ErrProtocol, m.Type())
	}
	hs := &handshake{link: l, fr: fr, roster: w.Roster}
	hs.info = Info{Role: w.Role, Slot: w.Slot, Token: w.Token, JoinCode: w.JoinCode, TickHz: int(w.TickHz),
		SnapshotHz: int(w.SnapshotHz), Phase: w.Phase, Tick: w.Tick, EndTick: w.EndTick, ScenarioID: w.ScenarioID,
		Title: w.Title, ScenarioFormat: w.ScenarioFormat, ScenarioSource: w.Scenario, Grid: w.Grid, Layers: w.Layers,
		TerrainHash: w.TerrainHash, NPCs: w.NPCs}
	if w.ScenarioFormat == wire.ScenarioJSON {
		var sc engine.Scenario
		if err := json.Unmarshal(w.Scenario, &sc); err != nil {
			return nil, fmt.Errorf("%w: scenario in the welcome: %v", ErrProtocol, err)
		}
		hs.info.Scenario = &sc
	}
	hs.dec = wire.NewSnapshotDecoder(w.Grid, w.Layers)
	hs.dec.ExpectAim(h.Aim) // mask bits 6–7 of §5.8 only if the Hello asked
	if hs.full, err = hs.dec.Decode(w.Full); err != nil {
		return nil, fmt.Errorf("%w: full state in the welcome: %v", ErrProtocol, err)
	}
	if offer != nil && offer.Hash == w.TerrainHash && offer.Grid == w.Grid {
		hs.terrain = offer
		return hs, nil
	}
	m, err = fr.ReadMessage()
	if err != nil {
		return nil, fmt.Errorf("client: waiting for the terrain: %w", linkErrorOr(err))
	}
	t, ok := m.(*wire.Terrain)
	if !ok {
		return nil, fmt.Errorf("%w: %s instead of the terrain", ErrProtocol, m.Type())
	}
	if t.Grid != w.Grid || t.Hash != w.TerrainHash {
		return nil, fmt.Errorf("%w: terrain %d×%d (hash %x) for a %d×%d grid (hash %x)", ErrProtocol,
			t.Grid.NX, t.Grid.NY, t.Hash, w.Grid.NX, w.Grid.NY, w.TerrainHash)
	}
	hs.terrain, hs.fresh = t, true
	return hs, nil
}

// datagramsNegotiated reports whether the connection has QUIC datagrams;
// without them the Hello asks for the stream fallback (protocol §1.1).
func datagramsNegotiated(c transport.Conn) bool {
	if d, ok := c.(interface{ DatagramsEnabled() bool }); ok {
		return d.DatagramsEnabled()
	}
	return true
}

// linkErrorOr is linkError for a failure during the join, where a clean
// close still means the join failed.
func linkErrorOr(err error) error {
	if e := linkError(err, nil); e != nil {
		return e
	}
	return &ServerError{Code: wire.CodeNone, Text: "connection closed during the join"}
}

// install makes a joined connection the current one: state from its
// Welcome, its loops started, pending choices resent.
func (c *Client) install(hs *handshake) {
	now := time.Now()
	if hs.fresh && c.opts.TerrainCache != nil {
		c.opts.TerrainCache.Store(hs.terrain)
	}
	var evs []Event
	c.mu.Lock()
	l := hs.link
	l.dec = hs.dec
	c.cur, c.lastErr = l, nil
	first := c.buf == nil
	if first {
		c.buf = NewBuffer(hs.info.TickHz, hs.info.SnapshotHz, c.opts.InterpDelay)
		c.phase = hs.info.Phase
	} else if hs.full.Tick < c.buf.Newest() {
		c.buf.Reset() // the server went back to its last journalled tick
	}
	c.info = hs.info
	c.terrain = Terrain{hs.terrain}
	clear(c.roster)
	for _, e := range hs.roster {
		c.roster[e.Slot] = e
	}
	roster := c.rosterLocked()
	c.setState(hs.full)
	c.buf.Push(hs.full, now)
	if ev, ok := c.setPhase(hs.info.Phase, hs.info.Tick); ok {
		evs = append(evs, ev)
	}
	pending := make([]*pendingChoice, 0, len(c.choices))
	for _, p := range c.choices {
		p.msg.TickHint = hs.info.Tick
		pending = append(pending, p)
	}
	c.mu.Unlock()
	slices.SortFunc(pending, func(a, b *pendingChoice) int { return int(a.msg.Seq - b.msg.Seq) })

	l.live.heard()
	go c.readStream(l, hs.fr)
	if l.dgram.Load() {
		go c.readDatagrams(l)
	}
	if dead := c.opts.deadAfter(); dead > 0 {
		go c.watch(l, dead)
	}
	for _, p := range pending {
		if l.send(&p.msg) != nil {
			break // the link is gone already; the next Reconnect resends
		}
	}
	if !first {
		evs = append(evs, ConnectedEvent{Info: hs.info}, RosterEvent{Changed: hs.roster, Roster: roster})
	}
	for _, ev := range evs {
		c.emit(ev)
	}
}

// setState records a decoded snapshot; c.mu is held.
func (c *Client) setState(st *wire.State) {
	c.latest = st
	for i, f := range [2]*wire.Field{st.Water, st.Debris} {
		old := c.fields[i]
		switch {
		case f == nil && old == nil:
		case f == nil || old == nil || len(f.Tiles) != len(old.Tiles):
			c.fieldVer++
		default:
			for t := range f.Tiles {
				if f.Tiles[t] != old.Tiles[t] {
					c.fieldVer++
					break
				}
			}
		}
		c.fields[i] = f
	}
}

// setPhase notes the drill's phase from the Welcome or a Phase message,
// which are authoritative and come in order on the stream; c.mu is held.
func (c *Client) setPhase(p wire.Phase, tick uint64) (Event, bool) {
	c.phaseTick = tick
	if p == c.phase {
		return nil, false
	}
	ev := PhaseEvent{Phase: p, Prev: c.phase, Tick: tick}
	c.phase = p
	return ev, true
}

// Reconnect rejoins after the connection dropped (or to replace a live
// one): a new connection and Hello with the participant token (the same
// options for spectators and facilitators), a new Welcome and full state
// (snapshot IDs restart at 1, so the decoder starts afresh; the
// interpolation history is kept when the ticks go on), and every Choice
// not yet acknowledged is sent again with its seq. Choose calls waiting
// for those acks get them. Pending commands were failed when the old
// connection ended (ErrDisconnected).
func (c *Client) Reconnect(ctx context.Context) error {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	old, token, offer := c.cur, c.info.Token, c.terrain.Terrain
	c.mu.Unlock()
	if old != nil {
		c.endLink(old, errors.New("client: reconnecting"), false)
	}
	hs, err := c.handshake(ctx, c.hello(token), offer)
	if err != nil {
		c.mu.Lock()
		c.lastErr = err
		c.mu.Unlock()
		return err
	}
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		_ = hs.link.conn.CloseWithError(uint64(wire.CodeNone), "closed")
		return ErrClosed
	}
	c.counters.reconnects.Add(1)
	c.install(hs)
	return nil
}

// endLink ends a connection once: closes it, fails pending commands and,
// when notify is set and it was the current one, reports the loss.
func (c *Client) endLink(l *link, cause error, notify bool) {
	l.once.Do(func() {
		_ = l.conn.CloseWithError(uint64(wire.CodeNone), "")
		err := linkError(cause, l.sent.Load())
		c.mu.Lock()
		current := c.cur == l
		if current {
			c.cur, c.lastErr = nil, err
		}
		cmds := c.cmds
		c.cmds = map[uint64]chan cmdReply{}
		c.mu.Unlock()
		close(l.done) // after Err is set: a waiter on Disconnected reads it
		for _, ch := range cmds {
			ch <- cmdReply{err: ErrDisconnected}
		}
		if current && notify {
			c.emit(DisconnectedEvent{Err: err})
		}
	})
}

// Connected reports whether the client has a live connection.
func (c *Client) Connected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cur != nil
}

// Disconnected returns a channel closed when the current connection ends
// (already closed when there is none), and Err says why.
func (c *Client) Disconnected() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur == nil {
		ch := make(chan struct{})
		close(ch)
		return ch
	}
	return c.cur.done
}

// Err is why the last connection ended: nil while connected or after a
// normal close, a *ServerError when the server closed it with a code, a
// transport error otherwise.
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastErr
}

// Leave tells the server the participant leaves the drill for good and
// closes the client once the server has closed the connection (or ctx
// ends).
func (c *Client) Leave(ctx context.Context) error {
	c.mu.Lock()
	l := c.cur
	c.mu.Unlock()
	if l == nil {
		c.Close()
		return ErrDisconnected
	}
	err := l.send(&wire.Leave{})
	if err == nil {
		select {
		case <-l.done:
		case <-l.conn.Context().Done():
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	c.Close()
	return err
}

// Close closes the connection (normally: the participant stays in the
// drill and may rejoin with the token), stops the sender and closes the
// Events channel. Waiting Choose and Command calls return ErrClosed.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	l := c.cur
	c.mu.Unlock()
	close(c.done)
	if l != nil {
		c.endLink(l, nil, false)
	}
	c.sender.Wait()
	c.evMu.Lock()
	c.evDone = true
	if c.events != nil {
		close(c.events)
	}
	c.evMu.Unlock()
	return nil
}

// Events is the channel of events (nil when Options.OnEvent is set). It is
// closed by Close.
func (c *Client) Events() <-chan Event { return c.events }

func (c *Client) emit(ev Event) {
	if c.opts.OnEvent != nil {
		c.cbMu.Lock()
		defer c.cbMu.Unlock()
		c.opts.OnEvent(ev)
		return
	}
	c.evMu.RLock()
	defer c.evMu.RUnlock()
	if c.evDone {
		return
	}
	select {
	case c.events <- ev:
	default:
		c.counters.dropped.Add(1)
	}
}

// Info returns what the latest Welcome said.
func (c *Client) Info() Info {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.info
}

// Terrain returns the map.
func (c *Client) Terrain() Terrain {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.terrain
}

// Phase is the drill's current phase.
func (c *Client) Phase() wire.Phase {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.phase
}

// Roster returns everyone in the drill, sorted by slot.
func (c *Client) Roster() []wire.RosterEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rosterLocked()
}

func (c *Client) rosterLocked() []wire.RosterEntry {
	out := make([]wire.RosterEntry, 0, len(c.roster))
	for _, e := range c.roster {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b wire.RosterEntry) int { return int(a.Slot) - int(b.Slot) })
	return out
}

// Stats returns the client's counters.
func (c *Client) Stats() Stats {
	s := Stats{EventsDropped: c.counters.dropped.Load(), SnapshotsDecoded: c.counters.decoded.Load(),
		SnapshotsSkipped: c.counters.skipped.Load(), DecodeErrors: c.counters.decodeErr.Load(),
		PosesSent: c.counters.poses.Load(), UnknownAcks: c.counters.unknownAcks.Load(),
		Reconnects: c.counters.reconnects.Load(), SnapshotBytes: c.counters.snapBytes.Load()}
	c.mu.Lock()
	l := c.cur
	c.mu.Unlock()
	if l != nil {
		if sc, ok := l.conn.(transport.StatsConn); ok {
			s.RTT = sc.ConnStats().SmoothedRTT
		}
	}
	return s
}

// StayConnected reconnects by itself (Reconnect with backoff from 200 ms
// to 5 s) whenever the connection drops, until ctx ends, the client is
// closed, or the connection ended for good: a normal close (Leave, the
// drill's end) or a refusal that will not change (drill_ended, bad_token,
// bad_join_code, drill_full, forbidden, bad_version). It returns at once;
// ConnectedEvent and DisconnectedEvent tell the UI what happens.
func (c *Client) StayConnected(ctx context.Context) {
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-c.done:
				return
			case <-c.Disconnected():
			}
			if c.isClosed() || !Retryable(c.Err()) {
				return
			}
			for wait := 200 * time.Millisecond; ; wait = min(2*wait, 5*time.Second) {
				rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				err := c.Reconnect(rctx)
				cancel()
				if err == nil {
					break
				}
				if !Retryable(err) || ctx.Err() != nil {
					return
				}
				select {
				case <-ctx.Done():
					return
				case <-c.done:
					return
				case <-time.After(wait):
				}
			}
		}
	}()
}

// Retryable reports whether a connection that ended with err (Err, or a
// Reconnect's error) is worth trying again: network failures, timeouts,
// a server shutting down or throttling are; a normal close (nil), a
// closed client and refusals that will not change are not.
func Retryable(err error) bool {
	if err == nil || errors.Is(err, ErrClosed) {
		return false
	}
	var se *ServerError
	if errors.As(err, &se) {
		switch se.Code {
		case wire.CodeNone, wire.CodeDrillEnded, wire.CodeBadToken, wire.CodeBadJoinCode, wire.CodeDrillFull,
			wire.CodeForbidden, wire.CodeBadVersion:
			return false
		}
	}
	return true
}

func (c *Client) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}
