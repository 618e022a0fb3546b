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
// The package does not use the client library (client/): that keeps a
// world decoded from snapshots for a renderer, while a bot needs the
// relayed inputs, which it does not ask for.
package netbot

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

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
	Err                    error
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
	ctl  transport.Stream
	wmu  sync.Mutex

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

func (b *netBot) play(ctx context.Context, d *transport.Dialer) error {
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	conn, err := d.Dial(dctx, b.o.Addr, b.o.TLS)
	if err != nil {
		cancel()
		return err
	}
	b.conn = conn
	defer conn.CloseWithError(0, "bot done")
	ctl, err := conn.OpenStream(dctx)
	cancel()
	if err != nil {
		return err
	}
	b.ctl = ctl
	if err := b.send(&wire.Hello{Version: wire.Version, Role: wire.RoleParticipant, JoinCode: b.o.JoinCode,
		Name: b.name, Lang: "en", Datagrams: true, Mirror: true}); err != nil {
		return err
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() { // the stream read below returns when the connection ends
		select {
		case <-ctx.Done():
			_ = conn.CloseWithError(0, "cancelled")
		case <-conn.Context().Done():
		}
	}()
	go b.readDatagrams(ctx)
	fr := wire.NewFrameReader(ctl, wire.MaxServerFrame)
	for {
		m, err := fr.ReadMessage()
		if err != nil {
			if b.res.HasScore {
				return nil
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		if err := b.handle(ctx, m); err != nil {
			return err
		}
	}
}

func (b *netBot) handle(ctx context.Context, m wire.Message) error {
	switch m := m.(type) {
	case *wire.Welcome:
		if m.Slot < 0 {
			return errors.New("welcomed without a participant slot")
		}
		b.slot, b.res.Slot = m.Slot, m.Slot
		b.mu.Lock()
		b.newest, b.acks = 1, 1 // the Welcome's full state is snapshot 1
		b.mu.Unlock()
		go b.poseLoop(ctx)
	case *wire.Mirror:
		w, err := mirrorWorld(m)
		if err != nil {
			return err
		}
		seed := b.o.Seed
		if seed == 0 {
			seed = m.Seed
		}
		bt, err := bot.New(b.slot, b.o.Policy, seed)
		if err != nil {
			return err
		}
		b.world, b.bot = w, bt
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
		b.mu.Unlock()
	case *wire.Results:
		for _, r := range m.Results {
			if int32(r.Slot) == b.slot {
				b.res.Score, b.res.Outcome, b.res.HasScore = r.Score, r.Outcome, true
			}
		}
	case *wire.ErrorMsg:
		return fmt.Errorf("server: %s: %s", m.Code, m.Text)
	case *wire.SnapshotData:
		b.sawSnapshot(m.Data)
	}
	return nil
}

// mirrorWorld builds the drill's world at tick 0 as the server did.
func mirrorWorld(m *wire.Mirror) (*engine.World, error) {
	if m.Engine != engine.Version {
		return nil, fmt.Errorf("the server runs engine %q, this bot %q: a mirror would diverge", m.Engine, engine.Version)
	}
	l, err := scenarios.Builtin(m.Scenario)
	if err != nil || string(l.Src) != string(m.Source) {
		if l, err = scenarios.LoadSource(m.Scenario, m.Source); err != nil {
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
			return fmt.Errorf("mirror diverged at tick %d: server %016x, mirror %016x", m.Tick, m.Hash, h)
		}
		b.res.Checkpoints++
	}
	if w.Tick() == b.through && w.Tick() >= b.thought && !w.Done() {
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
			send = append(send, c)
		}
	}
	b.mu.Unlock()
	if changed {
		b.sendPose(time.Now(), false)
	}
	for i := range send {
		_ = b.send(&send[i])
	}
}

// poseGap keeps poses under the server's limit (wire.MaxPoseRate): a
// changed intent waits at most this long.
const poseGap = time.Second / 50

// poseLoop sends a changed intent that had to wait, the pose at least
// every 100 ms (the protocol's keep-alive and acks), and resends choices
// whose acks are overdue.
func (b *netBot) poseLoop(ctx context.Context) {
	t := time.NewTicker(poseGap)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.conn.Context().Done():
			return
		case now := <-t.C:
			b.sendPose(now, true)
			var again []wire.Choice
			b.mu.Lock()
			for k, p := range b.choices {
				switch {
				case !p.acked && now.Sub(p.sent) > b.o.ChoiceTimeout:
					p.sent = now
					again = append(again, p.c)
				case p.acked && now.Sub(p.ackedT) > 4*b.o.ChoiceTimeout:
					delete(b.choices, k) // accepted but never relayed: let the policy decide again
				}
			}
			b.mu.Unlock()
			for i := range again {
				_ = b.send(&again[i])
			}
		}
	}
}

// sendPose sends the intent if it changed (or, with keepAlive, if none went
// for 100 ms), no sooner than poseGap after the last.
func (b *netBot) sendPose(now time.Time, keepAlive bool) {
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
	_ = b.conn.SendDatagram(wire.Marshal(nil, &p))
}

// readDatagrams takes snapshots only to acknowledge them: a bot thinks on
// its mirror, not on snapshots.
func (b *netBot) readDatagrams(ctx context.Context) {
	for {
		p, err := b.conn.ReceiveDatagram(ctx)
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

func (b *netBot) send(m wire.Message) error {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	_, err := b.ctl.Write(wire.AppendFrame(nil, m))
	return err
}
