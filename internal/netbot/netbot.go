// Package netbot drives participants over the network with the engine's
// bot policies (`drill bots`). Each bot is one QUIC connection (all share
// one UDP socket) that joins with the lockstep mirror (docs/protocol.md
// §4.12): the server relays every input it applies, so the bot runs its own
// engine.World from the same scenario and seed, bit for bit the server's,
// and the policy thinks on that mirror exactly as it does headless. Its
// moves and looks go back as Poses, its acts and answers as Choices.
//
// The bot's own inputs reach its mirror only when the server relays them,
// which keeps the mirror exact; the cost is that a bot reacts a round trip
// late, like a person.
//
// A bot survives a dropped connection and a server restart: it dials
// again and rejoins its slot with the participant token from its Welcome
// (the server keeps tokens across a kill -9, server/keys.go), rebuilds its
// mirror from the relayed inputs (the restarted drill went back to its last
// journalled tick, so the old mirror may be ahead of it), and resends the
// choices that were never acknowledged. A server that goes silent (no
// answer to the bot's pings) counts as gone, so a killed server is noticed
// in seconds rather than after QUIC's idle timeout.
//
// The package does not use the client library (client/): that keeps a
// world decoded from snapshots for a renderer, while a bot needs the
// relayed inputs, which it does not ask for. The reconnect rules are the
// client's (client.Reconnect, client.Retryable).
package netbot

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"
	"time"

	"github.com/quic-go/quic-go"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/bot"
	"github.com/rescuedrill/rescuedrill/scenarios"
	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// Options say where the bots go and how they play.
type Options struct {
	Addr     string      // the server's host:port
	TLS      *tls.Config // transport.PinnedTLS(hash) for a self-signed server
	JoinCode string
	Policy   string // good, naive or random
	Count    int
	// Seed seeds the policies' random choices; 0 uses the drill's seed.
	Seed uint64
	// Name is the display name prefix (default the policy): "good-01" …
	Name string
	// ChoiceTimeout is how long a choice may wait for its ChoiceAck before
	// it is sent again with the same seq (default 3 s).
	ChoiceTimeout time.Duration
	// DeadAfter: a connection on which nothing arrived for this long
	// (the bot pings every second) is given up and redialled (default 8 s,
	// generous for a loaded machine; a false alarm costs one reconnect).
	DeadAfter time.Duration
	// ReconnectFor is how long a bot keeps trying to get back in after its
	// connection dropped (default 2 min); 0 keeps the default, a negative
	// value never reconnects.
	ReconnectFor time.Duration
	// OnWelcome, when set, is called from the bot's goroutine at every
	// Welcome: rejoin is false for the first join (tests wait on it).
	OnWelcome func(name string, slot int32, rejoin bool)
	// MapFiles is the folder of the drill's scenario file on this machine,
	// for a drill on the trainer's own map: the server sends the mirror only
	// the YAML, and the grids its map: names are read from here.
	MapFiles fs.FS
	// OnReady, when set, is called from the bot's goroutine when its
	// mirror has caught up with the tick of the Welcome (the drill's
	// inputs from tick 0 replayed): from then on the bot plays. A
	// facilitator resuming a recovered drill waits for this.
	OnReady func(name string, slot int32, rejoin bool)
}

// Result is one bot's end.
type Result struct {
	Slot     int32
	Name     string
	Policy   string
	Score    int64
	Outcome  string
	HasScore bool // a Results message arrived
	// The mirror at the end: its tick and state hash, and how many of the
	// server's checkpoint hashes it matched on the way.
	MirrorTick, MirrorHash uint64
	Checkpoints            int
	// Reconnects counts the rejoins after a dropped connection, and Drops
	// says how each connection that failed ended (for diagnosis).
	Reconnects int
	Drops      []string
	// Accepted are the choices the server acknowledged as accepted (each
	// seq once, in ack order): each must be in the drill's journal.
	Accepted []wire.Choice
	Err      error
}

// Run joins Count bots and plays until the drill ends (or ctx does). It
// returns every bot's result, and an error if a bot could not join or its
// mirror diverged.
func Run(ctx context.Context, o Options) ([]Result, error) {
	if _, err := bot.New(0, o.Policy, 0); err != nil {
		return nil, err
	}
	if o.Count < 1 || o.Count > wire.MaxSlots {
		return nil, fmt.Errorf("netbot: count %d: want 1–%d", o.Count, wire.MaxSlots)
	}
	if o.Name == "" {
		o.Name = o.Policy
	}
	if o.ChoiceTimeout == 0 {
		o.ChoiceTimeout = 3 * time.Second
	}
	if o.DeadAfter == 0 {
		o.DeadAfter = 8 * time.Second
	}
	if o.ReconnectFor == 0 {
		o.ReconnectFor = 2 * time.Minute
	}
	d, err := transport.NewDialer(":0")
	if err != nil {
		return nil, err
	}
	defer d.Close()
	out := make([]Result, o.Count)
	var wg sync.WaitGroup
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := &netBot{o: &o, name: fmt.Sprintf("%s-%02d", o.Name, i+1)}
			out[i] = b.run(ctx, d)
		}()
	}
	wg.Wait()
	var errs []error
	for _, r := range out {
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", r.Name, r.Err))
		}
	}
	return out, errors.Join(errs...)
}

// netBot is one participant.
type netBot struct {
	o    *Options
	name string
	conn transport.ClientConn
	wmu  sync.Mutex    // guards out
	out  chan<- []byte // the current connection's control messages (send)

	token    wire.Token // from the first Welcome; rejoins with it
	welcomed bool
	accepted map[uint64]bool        // seqs acknowledged as accepted
	sent     map[uint64]wire.Choice // every choice sent, by seq

	slot    int32
	world   *engine.World
	bot     *bot.Bot
	queue   []engine.Input // relayed inputs not yet applied to the mirror
	through uint64         // the mirror may step while world.Tick() < through
	thought uint64         // the last tick the policy thought at (+1)
	res     Result

	mu      sync.Mutex // the pose and the acks, shared with the pose loop
	intent  wire.Pose
	dirty   bool      // the intent changed since the last Pose
	posed   time.Time // when the last Pose went
	acks    uint64    // bit i: snapshot newest−i arrived
	newest  uint32
	seq     uint64
	choices map[string]*pending // key: kind|action|target
	// catchUp is the Welcome's tick. Until the mirror reaches it the bot
	// neither thinks (the ticks are history) nor resends choices (one the
	// journal has is relayed and forgotten, not applied a second time).
	catchUp  uint64
	holding  bool
	rejoined bool      // this connection is a rejoin (for OnReady)
	lastRecv time.Time // the last control message, for DeadAfter
	busy     bool      // the reader is working, not waiting: not silence
}

type pending struct {
	c      wire.Choice
	sent   time.Time
	acked  bool
	ackedT time.Time
}

func (b *netBot) run(ctx context.Context, d *transport.Dialer) Result {
	b.res = Result{Name: b.name, Policy: b.o.Policy, Slot: -1}
	b.choices = map[string]*pending{}
	b.accepted = map[uint64]bool{}
	b.sent = map[uint64]wire.Choice{}
	if err := b.play(ctx, d); err != nil && !errors.Is(err, io.EOF) {
		b.res.Err = err
	}
	if b.world != nil {
		b.res.MirrorTick, b.res.MirrorHash = b.world.Tick(), b.world.Hash()
	}
	if b.res.Err == nil && !b.res.HasScore {
		b.res.Err = errors.New("the connection ended without results")
	}
	return b.res
}

// play connects, and after a drop reconnects with the token (backoff
// 200 ms → 5 s) until the results arrive, a refusal that will not change,
// or ReconnectFor without getting back in.
func (b *netBot) play(ctx context.Context, d *transport.Dialer) error {
	var lost time.Time
	wait := 200 * time.Millisecond
	for {
		began := time.Now()
		welcomed, err := b.connect(ctx, d)
		err = closeError(err)
		switch {
		case b.res.HasScore:
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case err == nil:
			return errors.New("the server closed the connection without results")
		}
		b.res.Drops = append(b.res.Drops, fmt.Sprintf("%.1fs in, mirror at %d: %v", time.Since(began).Seconds(), b.mirrorTick(), err))
		switch {
		case !retryable(err) || b.o.ReconnectFor < 0:
			return err
		case !b.welcomed && !refusedForNow(err):
			// Without a token there is nothing to rejoin; but a server that
			// was momentarily full turned the connection away before any
			// join, so knocking again cannot make a second participant.
			return err
		}
		// A connection that was welcomed and lasted counts as back in; one
		// refused or dropped at once does not restart the clock.
		if lost.IsZero() || (welcomed && time.Since(began) > b.o.DeadAfter) {
			lost, wait = time.Now(), 200*time.Millisecond
		}
		if time.Since(lost) > b.o.ReconnectFor {
			return fmt.Errorf("not back in after %v: %w", b.o.ReconnectFor, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// setBusy marks the reader working on a message (a catch-up on a loaded
// machine can take seconds) or back to waiting; both count as news from
// the server for DeadAfter, which measures only the waiting.
func (b *netBot) setBusy(busy bool) {
	b.mu.Lock()
	b.busy, b.lastRecv = busy, time.Now()
	b.mu.Unlock()
}

func (b *netBot) mirrorTick() uint64 {
	if b.world == nil {
		return 0
	}
	return b.world.Tick()
}

// serverError is an Error message from the server.
type serverError struct {
	Code wire.Code
	Text string
}

func (e *serverError) Error() string { return fmt.Sprintf("server: %s: %s", e.Code, e.Text) }

// closeError turns the server closing the connection with a code into a
// *serverError, and a close without one into nil (as client.linkError).
func closeError(err error) error {
	var ae *quic.ApplicationError
	if errors.As(err, &ae) && ae.Remote {
		if ae.ErrorCode == 0 {
			return nil
		}
		return &serverError{Code: wire.Code(ae.ErrorCode), Text: ae.ErrorMessage}
	}
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// errMirror marks a mirror that diverged: reconnecting would not help.
var errMirror = errors.New("mirror")

// retryable: network failures, silence and a server going away or
// throttling are worth another try; refusals that will not change and a
// diverged mirror are not (the rules of client.Retryable).
func retryable(err error) bool {
	var se *serverError
	switch {
	case err == nil, errors.Is(err, errMirror):
		return false
	case errors.As(err, &se):
		switch se.Code {
		case wire.CodeNone, wire.CodeDrillEnded, wire.CodeBadToken, wire.CodeBadJoinCode, wire.CodeDrillFull,
			wire.CodeForbidden, wire.CodeBadVersion:
			return false
		}
	}
	return true
}

// refusedForNow: the server turned the connection away at the transport
// level because it was momentarily full (transport.Refused; CodeBusy
// arrives here as a *serverError).
func refusedForNow(err error) bool {
	var se *serverError
	return transport.Refused(err) || errors.As(err, &se) && se.Code == transport.CodeBusy
}

// connect is one connection: dial, Hello (with the token after the first
// Welcome), then messages until it ends. welcomed says whether it got in.
func (b *netBot) connect(ctx context.Context, d *transport.Dialer) (welcomed bool, err error) {
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	conn, err := d.Dial(dctx, b.o.Addr, b.o.TLS)
	if err != nil {
		cancel()
		return false, err
	}
	defer conn.CloseWithError(0, "bot done")
	ctl, err := conn.OpenStream(dctx)
	cancel()
	if err != nil {
		return false, err
	}
	// A new connection starts a new mirror: after a server restart the
	// drill may have gone back to its last journalled tick.
	out := make(chan []byte, sendQueue)
	b.wmu.Lock()
	b.conn, b.out = conn, out
	b.wmu.Unlock()
	b.world, b.queue, b.through, b.thought = nil, nil, 0, 0
	b.mu.Lock()
	b.lastRecv = time.Now()
	b.mu.Unlock()
	hello := &wire.Hello{Version: wire.Version, Role: wire.RoleParticipant, JoinCode: b.o.JoinCode,
		Name: b.name, Lang: "en", Datagrams: true, Mirror: true}
	if b.welcomed {
		hello.HasToken, hello.Token = true, b.token
	}
	if err := b.send(hello); err != nil {
		return false, err
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	go writer(ctx, conn, ctl, out)
	go func() { // the stream read below returns when the connection ends
		select {
		case <-ctx.Done():
			_ = conn.CloseWithError(0, "cancelled")
		case <-conn.Context().Done():
		}
	}()
	go b.readDatagrams(ctx, conn)
	fr := wire.NewFrameReader(ctl, wire.MaxServerFrame)
	for {
		m, err := fr.ReadMessage()
		if err != nil {
			if b.res.HasScore {
				return welcomed, nil
			}
			if ctx.Err() != nil {
				return welcomed, ctx.Err()
			}
			return welcomed, err
		}
		b.setBusy(true)
		if _, ok := m.(*wire.Welcome); ok {
			welcomed = true
		}
		err = b.handle(ctx, conn, m)
		b.setBusy(false)
		if err != nil {
			return welcomed, err
		}
	}
}

func (b *netBot) handle(ctx context.Context, conn transport.ClientConn, m wire.Message) error {
	switch m := m.(type) {
	case *wire.Welcome:
		if m.Slot < 0 {
			return errors.New("welcomed without a participant slot")
		}
		rejoin := b.welcomed
		if rejoin && m.Slot != b.slot {
			return fmt.Errorf("%w: rejoined slot %d, had slot %d", errMirror, m.Slot, b.slot)
		}
		if !rejoin {
			b.token, b.welcomed = m.Token, true
		} else {
			b.res.Reconnects++
		}
		b.slot, b.res.Slot = m.Slot, m.Slot
		b.mu.Lock()
		b.newest, b.acks = 1, 1 // the Welcome's full state is snapshot 1
		b.dirty = true          // the new session has no pose of ours yet
		b.holding, b.catchUp, b.rejoined = true, m.Tick, rejoin
		b.mu.Unlock()
		if b.o.OnWelcome != nil {
			b.o.OnWelcome(b.name, m.Slot, rejoin)
		}
		go b.poseLoop(ctx, conn)
	case *wire.Mirror:
		w, err := mirrorWorld(m, b.o.MapFiles)
		if err != nil {
			return fmt.Errorf("%w: %v", errMirror, err)
		}
		seed := b.o.Seed
		if seed == 0 {
			seed = m.Seed
		}
		if b.bot == nil { // the policy's memory lasts across reconnects, like a person's
			bt, err := bot.New(b.slot, b.o.Policy, seed)
			if err != nil {
				return err
			}
			b.bot = bt
		}
		b.world = w
	case *wire.Inputs:
		return b.inputs(m)
	case *wire.ChoiceAck:
		b.mu.Lock()
		for k, p := range b.choices {
			if p.c.Seq == m.Seq {
				if m.Result == wire.Rejected && m.Reason != wire.ReasonDuplicate {
					delete(b.choices, k)
				} else {
					p.acked, p.ackedT = true, time.Now()
				}
			}
		}
		if c, ok := b.sent[m.Seq]; ok && m.Result == wire.Accepted && !b.accepted[m.Seq] {
			b.accepted[m.Seq] = true
			b.res.Accepted = append(b.res.Accepted, c)
		}
		b.mu.Unlock()
	case *wire.Results:
		for _, r := range m.Results {
			if int32(r.Slot) == b.slot {
				b.res.Score, b.res.Outcome, b.res.HasScore = r.Score, r.Outcome, true
			}
		}
	case *wire.ErrorMsg:
		return &serverError{Code: m.Code, Text: m.Text}
	case *wire.SnapshotData:
		b.sawSnapshot(m.Data)
	}
	return nil
}

// mirrorWorld builds the drill's world at tick 0 as the server did.
func mirrorWorld(m *wire.Mirror, mapFiles fs.FS) (*engine.World, error) {
	if m.Engine != engine.Version {
		return nil, fmt.Errorf("the server runs engine %q, this bot %q: a mirror would diverge", m.Engine, engine.Version)
	}
	l, err := scenarios.Builtin(m.Scenario)
	if err != nil || string(l.Src) != string(m.Source) {
		if l, err = scenarios.LoadSourceIn(m.Scenario, m.Source, mapFiles); err != nil {
			return nil, fmt.Errorf("the drill's scenario: %w", err)
		}
	}
	return engine.NewWorld(engine.Setup{Scenario: l.Scenario, Map: l.Map}, m.Seed)
}

// inputs queues relayed inputs, steps the mirror as far as they allow and
// lets the policy think at the newest tick.
func (b *netBot) inputs(m *wire.Inputs) error {
	if b.world == nil {
		return errors.New("Inputs before Mirror")
	}
	if m.Tick < b.through {
		return fmt.Errorf("Inputs tick %d went back from %d", m.Tick, b.through)
	}
	b.queue = append(b.queue, m.Inputs...)
	b.through = m.Tick
	w := b.world
	for w.Tick() < b.through {
		k := 0
		for k < len(b.queue) && b.queue[k].Tick == w.Tick() {
			k++
		}
		if k < len(b.queue) && b.queue[k].Tick < w.Tick() {
			return fmt.Errorf("relayed input of tick %d behind the mirror at %d", b.queue[k].Tick, w.Tick())
		}
		b.applied(b.queue[:k])
		w.Step(b.queue[:k])
		b.queue = b.queue[k:]
	}
	if m.HasHash && w.Tick() == m.Tick {
		if h := w.Hash(); h != m.Hash {
			return fmt.Errorf("%w diverged at tick %d: server %016x, mirror %016x", errMirror, m.Tick, m.Hash, h)
		}
		b.res.Checkpoints++
	}
	b.mu.Lock()
	ready := b.holding && w.Tick() >= b.catchUp
	if ready {
		// Caught up: what is still pending never reached the journal; send
		// it again now.
		b.holding = false
		for _, p := range b.choices {
			if !p.acked {
				p.sent = time.Time{}
			}
		}
	}
	holding := b.holding
	b.mu.Unlock()
	if ready && b.o.OnReady != nil {
		b.o.OnReady(b.name, b.slot, b.rejoined)
	}
	if !holding && w.Tick() == b.through && w.Tick() >= b.thought && !w.Done() {
		b.thought = w.Tick() + 1
		b.think(b.bot.Inputs(w))
	}
	return nil
}

// applied forgets choices the mirror is about to apply.
func (b *netBot) applied(ins []engine.Input) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := range ins {
		if ins[i].Participant == b.slot && (ins[i].Kind == engine.InputAct || ins[i].Kind == engine.InputAnswer) {
			delete(b.choices, choiceKey(ins[i].Kind, ins[i].Action, ins[i].Target))
		}
	}
}

func choiceKey(k engine.InputKind, action, target string) string {
	return fmt.Sprintf("%d|%s|%s", k, action, target)
}

// think turns the policy's inputs into a pose and choices.
func (b *netBot) think(ins []engine.Input) {
	b.mu.Lock()
	changed := false
	var send []wire.Choice
	for _, in := range ins {
		switch in.Kind {
		case engine.InputMove:
			b.intent.MoveX, b.intent.MoveY, b.intent.Run = in.MoveX, in.MoveY, in.Run
			changed, b.dirty = true, true
		case engine.InputLook:
			b.intent.Heading = uint16(in.Heading)
			changed, b.dirty = true, true
		case engine.InputAct, engine.InputAnswer:
			key := choiceKey(in.Kind, in.Action, in.Target)
			if _, busy := b.choices[key]; busy {
				continue // in flight: the mirror has not applied it yet
			}
			kind := wire.ChoiceAct
			if in.Kind == engine.InputAnswer {
				kind = wire.ChoiceAnswer
			}
			b.seq++
			c := wire.Choice{Seq: b.seq, Kind: kind, Action: in.Action, Target: in.Target, TickHint: b.world.Tick()}
			b.choices[key] = &pending{c: c, sent: time.Now()}
			b.sent[c.Seq] = c
			send = append(send, c)
		}
	}
	b.mu.Unlock()
	if changed {
		b.sendPose(b.conn, time.Now(), false)
	}
	for i := range send {
		_ = b.send(&send[i])
	}
}

// sendQueue is how many control messages may wait for the writer: a
// bot sends a ping a second and a few choices a minute.
const sendQueue = 64

// poseGap keeps poses under the server's limit (wire.MaxPoseRate): a
// changed intent waits at most this long.
const poseGap = time.Second / 50

// poseLoop sends a changed intent that had to wait, the pose at least
// every 100 ms (the protocol's keep-alive and acks), resends choices whose
// acks are overdue, pings the server every second and gives the connection
// up when nothing arrived for DeadAfter (a killed server never says so).
func (b *netBot) poseLoop(ctx context.Context, conn transport.ClientConn) {
	t := time.NewTicker(poseGap)
	defer t.Stop()
	b.wmu.Lock()
	out := b.out // this connection's, set before its Hello
	b.wmu.Unlock()
	var pinged time.Time
	var nonce uint64
	for {
		select {
		case <-ctx.Done():
			return
		case <-conn.Context().Done():
			return
		case now := <-t.C:
			b.sendPose(conn, now, true)
			var again []wire.Choice
			b.mu.Lock()
			silent := now.Sub(b.lastRecv)
			if b.busy {
				silent = 0
			}
			for k, p := range b.choices {
				switch {
				case b.holding:
				case !p.acked && now.Sub(p.sent) > b.o.ChoiceTimeout:
					p.sent = now
					again = append(again, p.c)
				case p.acked && now.Sub(p.ackedT) > 4*b.o.ChoiceTimeout:
					delete(b.choices, k) // accepted but never relayed: let the policy decide again
				}
			}
			b.mu.Unlock()
			if silent > b.o.DeadAfter {
				_ = conn.CloseWithError(0, "server silent")
				return
			}
			if now.Sub(pinged) >= time.Second {
				pinged = now
				nonce++
				_ = sendOn(out, &wire.Ping{Nonce: nonce})
			}
			for i := range again {
				_ = sendOn(out, &again[i])
			}
		}
	}
}

// sendPose sends the intent if it changed (or, with keepAlive, if none went
// for 100 ms), no sooner than poseGap after the last.
func (b *netBot) sendPose(conn transport.ClientConn, now time.Time, keepAlive bool) {
	b.mu.Lock()
	since := now.Sub(b.posed)
	if since < poseGap || !(b.dirty || (keepAlive && since >= wire.MaxPoseInterval)) {
		b.mu.Unlock()
		return
	}
	b.dirty, b.posed = false, now
	b.intent.Seq++
	p := b.intent
	p.Ack = b.newest
	p.AckBits = uint32(b.acks >> 1)
	b.mu.Unlock()
	_ = conn.SendDatagram(wire.Marshal(nil, &p))
}

// readDatagrams takes snapshots only to acknowledge them: a bot thinks on
// its mirror, not on snapshots.
func (b *netBot) readDatagrams(ctx context.Context, conn transport.ClientConn) {
	for {
		p, err := conn.ReceiveDatagram(ctx)
		if err != nil {
			return
		}
		if len(p) > 1 && wire.Type(p[0]) == wire.TypeSnapshot {
			b.sawSnapshot(p)
		}
	}
}

// sawSnapshot notes a snapshot's ID for the next Pose's ack. The bot
// never decodes snapshots, so acknowledging what arrived is enough: the
// server only uses acks to pick delta baselines.
func (b *netBot) sawSnapshot(p []byte) {
	id, n := binary.Uvarint(p[1:])
	if n <= 0 || id == 0 || id > 1<<32-1 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch v := uint32(id); {
	case v > b.newest:
		shift := v - b.newest
		if shift >= 64 {
			b.acks = 0
		} else {
			b.acks <<= shift
		}
		b.acks |= 1
		b.newest = v
	case b.newest-v < 33:
		b.acks |= 1 << (b.newest - v)
	}
}

// send queues a control message for the connection's writer without
// blocking. The reader must never wait on a stream write: the server's
// reader answers pings and choices on the same stream, so a bot reader
// stuck writing while the server's reader is stuck writing to it would
// deadlock both (flow control) until the connection is given up. A full
// queue drops the message: choices are resent, pings are periodic.
func (b *netBot) send(m wire.Message) error {
	b.wmu.Lock()
	out := b.out
	b.wmu.Unlock()
	return sendOn(out, m)
}

// sendOn queues m for one connection's writer (a loop of an earlier
// connection must not put a late ping before the next one's Hello).
func sendOn(out chan<- []byte, m wire.Message) error {
	select {
	case out <- wire.AppendFrame(nil, m):
		return nil
	default:
		return errQueueFull
	}
}

var errQueueFull = errors.New("netbot: send queue full")

// writer writes queued control messages until the connection ends.
func writer(ctx context.Context, conn transport.ClientConn, ctl transport.Stream, out <-chan []byte) {
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-out:
			if _, err := ctl.Write(b); err != nil {
				_ = conn.CloseWithError(0, "write failed")
				return
			}
		}
	}
}
