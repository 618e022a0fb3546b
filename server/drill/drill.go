// Package drill runs one live drill: a single goroutine owns the engine's
// World and steps it at the scenario's tick rate; everything else talks to
// it through bounded queues (Nakama's match handler). A full queue is an
// explicit, counted reject, never a blocked caller. Time comes from an
// injected Clock, so tests step drills tick by tick.
//
// Every input the drill accepts — joins, moves, answers, the facilitator's
// injects — is appended to the journal before the world applies it, and a
// choice (an answer or an action) is acknowledged only after the journal
// has synced it: after a crash, replaying the journal rebuilds the drill and
// no acknowledged choice is lost.
package drill

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
)

// State is where a drill is in its life.
type State uint8

const (
	Lobby   State = iota // participants join; the world has not stepped
	Running              // the world steps every tick
	Paused               // time stands still; inputs other than joins wait
	Ended                // final results are in
)

func (s State) String() string {
	return [...]string{"lobby", "running", "paused", "ended"}[s]
}

// Clock is the time source: a real one in the server, a manual one in tests.
type Clock interface {
	Now() time.Time
	NewTicker(d time.Duration) Ticker
}

// Ticker delivers ticks.
type Ticker interface {
	C() <-chan time.Time
	Stop()
}

// Journal is where accepted inputs go before the world sees them
// (server/journal implements it).
type Journal interface {
	Append(engine.Input) error
	Checkpoint(tick, hash uint64) error
	Sync() error
	End(tick, hash uint64) error
}

// Errors returned to callers.
var (
	ErrQueueFull  = errors.New("drill: queue full, input rejected")
	ErrNotRunning = errors.New("drill: not running")
	ErrEnded      = errors.New("drill: ended")
	ErrBadInput   = errors.New("drill: invalid input")
	ErrUnknown    = errors.New("drill: unknown participant token")
)

// Config sets a drill up.
type Config struct {
	ID    string
	Setup engine.Setup
	Seed  uint64
	// World, when set, is a world rebuilt from a journal after a crash; the
	// drill continues from its tick (in state Paused until resumed).
	World *engine.World
	// Applied, with World, are the inputs that world has applied (the
	// journal's), so mirror clients of a recovered drill can catch up.
	Applied []engine.Input
	Journal Journal // nil: no journal (tests, demos)
	Clock   Clock
	// Queue sizes; zero picks the defaults.
	InputQueue   int // 4096: a class of 40 at 30 inputs/s, for 3 s
	CommandQueue int // 64
	// CheckpointEvery ticks a state hash goes to the journal (default 200).
	CheckpointEvery uint64
	// Capture, when set, turns the world into what clients are sent (a
	// quantised snapshot), on the drill goroutine after every tick and every
	// change of state; it arrives in Frame.Snapshot.
	Capture func(w *engine.World, s State) any
	// OnTick, when set, is told how long each tick's step took (for the
	// server's tick-duration histogram). It runs on the drill goroutine and
	// must return at once.
	OnTick func(took time.Duration)
	// MaxCatchUp is the most ticks one wake of the drill goroutine steps
	// when it fell behind its schedule (the process did not get a core in
	// time): drill time then keeps pace with the wall clock, as the
	// scenario's deadlines assume, instead of a busy server's drills
	// running slow. A backlog beyond it is given up (Stats.Slipped). 0 or 1
	// steps one tick per ticker tick: test clocks whose Now does not move
	// with their ticker need that. See pacer.go.
	MaxCatchUp int
}

// Frame is what subscribers receive after every tick: the world is not
// shared, only this copy-out.
type Frame struct {
	Tick   uint64
	State  State
	Events []engine.Event // this tick's events (a copy)
	// Inputs are the inputs applied at this tick (a copy; nil for a frame
	// that only announces a change of state). Mirror sessions read the
	// drill's input log instead (InputsSince): a slow subscriber loses frames.
	Inputs []engine.Input
	People []PersonView
	NPCs   []NPCView
	Hash   uint64 // state hash, every CheckpointEvery ticks (0 otherwise)
	// Snapshot is Config.Capture's result (nil without Capture). It is
	// shared by every subscriber: read it, never change it.
	Snapshot any
}

// PersonView is a participant as clients see it.
type PersonView struct {
	ID      int32
	Name    string
	X, Y    float64
	Heading int32
	Status  engine.Status
	Depth   float64
	Score   int
}

// NPCView is an NPC as clients see it.
type NPCView struct {
	ID       string
	Kind     string
	X, Y     float64
	Status   engine.Status
	Symptoms string
}

// Stats are counters for metrics and tests.
type Stats struct {
	Ticks, LateTicks  uint64
	CaughtUp, Slipped uint64 // ticks stepped behind schedule; ticks given up (pacer.go)
	// Starved counts the caught-up and given-up ticks of wakes that came
	// late while the goroutine was idle: it waited for a core, not for its
	// own slow step (pacer.starved). Snapshot shedding goes by it.
	Starved                    uint64
	Inputs, RejectedFull       uint64
	RejectedInvalid, Dropped   uint64
	SlowSubscriberDrops, Syncs uint64
	MaxTick                    time.Duration
}

type submission struct {
	in  engine.Input
	ack chan<- error // nil: no acknowledgement wanted (poses)
}

type command struct {
	fn    func(d *Drill) error
	reply chan error
}

// Drill is a live drill. Its methods are safe for concurrent use.
type Drill struct {
	cfg    Config
	inputs chan submission
	cmds   chan command
	done   chan struct{}

	// Owned by the Run goroutine.
	world   *engine.World
	state   State
	pending []submission // accepted, to be applied at the next tick
	tokens  map[string]int32
	slots   int32
	subs    map[*Subscription]struct{}

	stats struct {
		sync.Mutex
		Stats
	}
	stateNow atomic.Uint32
	tickNow  atomic.Uint64
	paceNow  atomic.Pointer[pacer] // a copy of the schedule after each wake, for Behind
	joined   atomic.Int32          // slots handed out (d.slots), for Joined
	log      inputLog              // applied inputs, for mirror clients
}

// New makes a drill in the lobby (or, with Config.World, paused at the
// world's tick).
func New(cfg Config) (*Drill, error) {
	if cfg.Clock == nil {
		return nil, errors.New("drill: a Clock is required")
	}
	if cfg.InputQueue == 0 {
		cfg.InputQueue = 4096
	}
	if cfg.CommandQueue == 0 {
		cfg.CommandQueue = 64
	}
	if cfg.CheckpointEvery == 0 {
		cfg.CheckpointEvery = 200
	}
	d := &Drill{cfg: cfg, inputs: make(chan submission, cfg.InputQueue), cmds: make(chan command, cfg.CommandQueue),
		done: make(chan struct{}), tokens: map[string]int32{}, subs: map[*Subscription]struct{}{}}
	if cfg.World != nil {
		d.world, d.state = cfg.World, Paused
		d.slots = int32(len(cfg.World.People()))
		d.joined.Store(d.slots)
		for i := 0; i < len(cfg.Applied); {
			j := i
			for j < len(cfg.Applied) && cfg.Applied[j].Tick == cfg.Applied[i].Tick {
				j++
			}
			d.log.add(cfg.Applied[i:j], cfg.Applied[i].Tick+1)
			i = j
		}
		d.log.add(nil, cfg.World.Tick())
	} else {
		w, err := engine.NewWorld(cfg.Setup, cfg.Seed)
		if err != nil {
			return nil, err
		}
		d.world = w
	}
	d.stateNow.Store(uint32(d.state))
	d.tickNow.Store(d.world.Tick())
	return d, nil
}

// Run owns the world until the drill ends or ctx is cancelled.
func (d *Drill) Run(ctx context.Context) error {
	defer close(d.done)
	period := time.Second / time.Duration(d.world.TickHz())
	t := d.cfg.Clock.NewTicker(period)
	defer t.Stop()
	pace := pacer{period: period, max: d.cfg.MaxCatchUp}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case c := <-d.cmds:
			c.reply <- c.fn(d)
		case s := <-d.inputs:
			d.accept(s)
		case <-t.C():
			if d.state != Running {
				if pace.running {
					pace.stop() // a pause is not a backlog
					d.paceNow.Store(nil)
				}
				continue
			}
			now := d.cfg.Clock.Now()
			n, slipped := pace.wake(now)
			if n > 1 || slipped > 0 {
				starved := pace.starved(now)
				d.count(func(s *Stats) {
					s.CaughtUp += uint64(n - 1)
					s.Slipped += slipped
					if starved {
						s.Starved += uint64(n-1) + slipped
					}
				})
			}
			for range n {
				d.drain() // everything submitted before this tick belongs to it
				start := d.cfg.Clock.Now()
				if err := d.step(); err != nil {
					return err
				}
				d.noteTick(d.cfg.Clock.Now().Sub(start), period)
				if d.world.Done() {
					return d.finish()
				}
			}
			pace.done(d.cfg.Clock.Now())
			snap := pace
			d.paceNow.Store(&snap)
		}
	}
}

// Done is closed when Run returns.
func (d *Drill) Done() <-chan struct{} { return d.done }

// drain moves every queued input into the next tick's batch.
func (d *Drill) drain() {
	for {
		select {
		case s := <-d.inputs:
			d.accept(s)
		default:
			return
		}
	}
}

// accept takes a submitted input into the next tick's batch.
func (d *Drill) accept(s submission) {
	if d.state == Ended {
		reply(s.ack, ErrEnded)
		return
	}
	d.pending = append(d.pending, s)
}

// step stamps the batch with the current tick, journals it, steps the world
// and then acknowledges the choices once they are durable.
func (d *Drill) step() error {
	tick := d.world.Tick()
	batch := make([]engine.Input, 0, len(d.pending))
	acks := d.pending[:0:0]
	for _, s := range d.pending {
		s.in.Tick = tick
		if d.cfg.Journal != nil {
			if err := d.cfg.Journal.Append(s.in); err != nil {
				reply(s.ack, err)
				return fmt.Errorf("drill %s: journal: %w", d.cfg.ID, err)
			}
		}
		batch = append(batch, s.in)
		if s.ack != nil {
			acks = append(acks, s)
		}
	}
	d.pending = d.pending[:0]
	if len(acks) > 0 && d.cfg.Journal != nil {
		if err := d.cfg.Journal.Sync(); err != nil {
			for _, s := range acks {
				reply(s.ack, err)
			}
			return fmt.Errorf("drill %s: journal sync: %w", d.cfg.ID, err)
		}
		d.count(func(s *Stats) { s.Syncs++ })
	}
	before := d.world.Dropped()
	evs := d.world.Step(batch)
	d.log.add(batch, d.world.Tick())
	dropped := d.world.Dropped() - before
	for _, s := range acks {
		reply(s.ack, nil)
	}
	var hash uint64
	if d.world.Tick()%d.cfg.CheckpointEvery == 0 && !d.world.Done() {
		hash = d.world.Hash()
		d.log.setHash(d.world.Tick(), hash)
		if d.cfg.Journal != nil {
			if err := d.cfg.Journal.Checkpoint(d.world.Tick()-1, hash); err != nil {
				return fmt.Errorf("drill %s: journal: %w", d.cfg.ID, err)
			}
		}
	}
	// Moves are not acknowledged, so nothing else syncs them: a sync every
	// second of drill bounds what a crash loses to one second (a sync with
	// nothing new since the last costs nothing).
	if d.cfg.Journal != nil && d.world.Tick()%uint64(d.world.TickHz()) == 0 {
		if err := d.cfg.Journal.Sync(); err != nil {
			return fmt.Errorf("drill %s: journal sync: %w", d.cfg.ID, err)
		}
		d.count(func(s *Stats) { s.Syncs++ })
	}
	d.tickNow.Store(d.world.Tick())
	d.count(func(s *Stats) { s.Ticks++; s.Inputs += uint64(len(batch)); s.Dropped += dropped })
	d.publish(evs, batch, hash)
	return nil
}

// finish writes the end record and tells subscribers.
func (d *Drill) finish() error {
	d.setState(Ended)
	d.log.setHash(d.world.Tick(), d.world.Hash())
	if d.cfg.Journal != nil {
		if err := d.cfg.Journal.End(d.world.Tick(), d.world.Hash()); err != nil {
			return err
		}
		if err := d.cfg.Journal.Sync(); err != nil {
			return err
		}
	}
	for sub := range d.subs {
		close(sub.c)
		delete(d.subs, sub)
	}
	return nil
}

func (d *Drill) noteTick(took, period time.Duration) {
	if d.cfg.OnTick != nil {
		d.cfg.OnTick(took)
	}
	d.count(func(s *Stats) {
		if took > period {
			s.LateTicks++
		}
		if took > s.MaxTick {
			s.MaxTick = took
		}
	})
}

func (d *Drill) count(f func(*Stats)) {
	d.stats.Lock()
	f(&d.stats.Stats)
	d.stats.Unlock()
}

func (d *Drill) setState(s State) {
	d.noteWall(d.state, s) // walltime.go: the journal keeps when it happened
	changed := d.state != s
	d.state = s
	d.stateNow.Store(uint32(s))
	if changed && s != Ended {
		d.publish(nil, nil, 0) // clients learn of a pause without waiting for a tick
	}
}

// View runs fn on the drill goroutine with the world, read only, and the
// state: what a session needs to welcome a client. After the drill has
// ended it runs fn directly.
func (d *Drill) View(ctx context.Context, fn func(w *engine.World, s State) error) error {
	err := d.do(ctx, func(d *Drill) error { return fn(d.world, d.state) })
	if errors.Is(err, ErrEnded) && d.State() == Ended {
		return fn(d.world, Ended)
	}
	return err
}

func reply(ack chan<- error, err error) {
	if ack != nil {
		ack <- err
	}
}

// Stats returns a copy of the counters.
func (d *Drill) Stats() Stats {
	d.stats.Lock()
	defer d.stats.Unlock()
	return d.stats.Stats
}

// State is the drill's state now.
func (d *Drill) State() State { return State(d.stateNow.Load()) }

// Joined is how many participant slots have been handed out, joins the
// world has not stepped yet (a drill in its lobby) included.
func (d *Drill) Joined() int { return int(d.joined.Load()) }

// Tick is the world's tick now.
func (d *Drill) Tick() uint64 { return d.tickNow.Load() }

// Behind is how many ticks a running drill owes its schedule now: due by
// the clock, not stepped yet (a goroutine waiting for a core steps them at
// its next wake, pacer.go). With Tick it tells a late tick from a missed
// one, which Stats.Slipped counts.
func (d *Drill) Behind() uint64 {
	p := d.paceNow.Load()
	if p == nil || d.State() != Running {
		return 0
	}
	return uint64(p.behind(d.cfg.Clock.Now()))
}

// Submit queues a participant's input for the next tick without blocking.
// With ack non-nil (buffered, capacity ≥ 1) the drill sends nil once the
// input is durable and applied, or an error. A full queue is ErrQueueFull.
func (d *Drill) Submit(in engine.Input, ack chan<- error) error {
	if err := in.Validate(); err != nil || in.Kind == engine.InputJoin || isFacilitator(in.Kind) {
		d.count(func(s *Stats) { s.RejectedInvalid++ })
		return fmt.Errorf("%w: %v", ErrBadInput, err)
	}
	if d.State() == Ended {
		return ErrEnded
	}
	select {
	case d.inputs <- submission{in: in, ack: ack}:
		return nil
	default:
		d.count(func(s *Stats) { s.RejectedFull++ })
		return ErrQueueFull
	}
}

func isFacilitator(k engine.InputKind) bool {
	return k == engine.InputInject || k == engine.InputWarn || k == engine.InputEnd
}

// do runs fn on the drill goroutine and waits for its result.
func (d *Drill) do(ctx context.Context, fn func(d *Drill) error) error {
	c := command{fn: fn, reply: make(chan error, 1)}
	select {
	case d.cmds <- c:
	case <-ctx.Done():
		return ctx.Err()
	case <-d.done:
		return ErrEnded
	default:
		d.count(func(s *Stats) { s.RejectedFull++ })
		return ErrQueueFull
	}
	select {
	case err := <-c.reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-d.done:
		return ErrEnded
	}
}

// Join adds a participant (or, with policy set, a bot) and returns its
// slot and the token that lets it rejoin. The join is applied at the next
// tick the world steps (the first tick, for a drill still in the lobby).
func (d *Drill) Join(ctx context.Context, name, policy string) (slot int32, token string, err error) {
	in := engine.Input{Kind: engine.InputJoin, Target: name, Policy: policy}
	if len(name) == 0 || len(name) > engine.MaxNameLen {
		return 0, "", fmt.Errorf("%w: a display name of 1–%d bytes is needed", ErrBadInput, engine.MaxNameLen)
	}
	err = d.do(ctx, func(d *Drill) error {
		if d.state == Ended {
			return ErrEnded
		}
		if int(d.slots) >= engine.MaxParticipants {
			return fmt.Errorf("drill: full (%d participants)", engine.MaxParticipants)
		}
		slot = d.slots
		d.slots++
		d.joined.Store(d.slots)
		in.Participant = slot
		token = newToken()
		d.tokens[token] = slot
		d.pending = append(d.pending, submission{in: in})
		return nil
	})
	return slot, token, err
}

// Rejoin returns the slot of a participant token.
func (d *Drill) Rejoin(ctx context.Context, token string) (slot int32, err error) {
	err = d.do(ctx, func(d *Drill) error {
		s, ok := d.tokens[token]
		if !ok {
			return ErrUnknown
		}
		slot = s
		return nil
	})
	return slot, err
}

// Start, Pause, Resume and End are the facilitator's controls.
func (d *Drill) Start(ctx context.Context) error {
	return d.do(ctx, func(d *Drill) error {
		if d.state != Lobby {
			return fmt.Errorf("drill: cannot start from %s", d.state)
		}
		d.setState(Running)
		return nil
	})
}

func (d *Drill) Pause(ctx context.Context) error {
	return d.do(ctx, func(d *Drill) error {
		if d.state != Running {
			return fmt.Errorf("drill: cannot pause from %s", d.state)
		}
		d.setState(Paused)
		return nil
	})
}

func (d *Drill) Resume(ctx context.Context) error {
	return d.do(ctx, func(d *Drill) error {
		if d.state != Paused {
			return fmt.Errorf("drill: cannot resume from %s", d.state)
		}
		d.setState(Running)
		return nil
	})
}

// End ends the drill at the next tick; results become final.
func (d *Drill) End(ctx context.Context) error {
	return d.facilitator(ctx, engine.Input{Kind: engine.InputEnd}, true)
}

// Inject fires a scenario inject now.
func (d *Drill) Inject(ctx context.Context, id string) error {
	return d.facilitator(ctx, engine.Input{Kind: engine.InputInject, Action: id}, false)
}

// Warn issues a warning now (hazard rainstorm|high_temp|geological, level
// blue…red or none).
func (d *Drill) Warn(ctx context.Context, hazard, level string) error {
	return d.facilitator(ctx, engine.Input{Kind: engine.InputWarn, Action: hazard, Target: level}, false)
}

// facilitator queues a facilitator input; it runs even while paused,
// where it waits for the next running tick. Ending a paused drill resumes
// it for that one tick.
func (d *Drill) facilitator(ctx context.Context, in engine.Input, resume bool) error {
	if err := in.Validate(); err != nil {
		return fmt.Errorf("%w: %v", ErrBadInput, err)
	}
	return d.do(ctx, func(d *Drill) error {
		if d.state == Ended {
			return ErrEnded
		}
		d.pending = append(d.pending, submission{in: in})
		if resume && d.state != Running {
			d.setState(Running)
		}
		return nil
	})
}

// Results returns the current (after the end: final) results.
func (d *Drill) Results(ctx context.Context) (out []engine.Result, err error) {
	err = d.do(ctx, func(d *Drill) error {
		out = d.world.Results()
		return nil
	})
	if errors.Is(err, ErrEnded) && d.State() == Ended {
		return d.world.Results(), nil // Run has returned: the world is ours to read
	}
	return out, err
}

// Hash returns the world's state hash at the current tick.
func (d *Drill) Hash(ctx context.Context) (h uint64, err error) {
	err = d.do(ctx, func(d *Drill) error {
		h = d.world.Hash()
		return nil
	})
	if errors.Is(err, ErrEnded) && d.State() == Ended {
		return d.world.Hash(), nil
	}
	return h, err
}

func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // UUID version 4
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
