package drill

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/replay"
	"github.com/rescuedrill/rescuedrill/scenarios"
	"github.com/rescuedrill/rescuedrill/server/journal"
)

// manualClock ticks only when the test says so.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
	ch  chan time.Time
}

func newManualClock() *manualClock {
	return &manualClock{now: time.Unix(1_700_000_000, 0), ch: make(chan time.Time)}
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}
func (c *manualClock) NewTicker(time.Duration) Ticker { return manualTicker{c.ch} }

// tick delivers n ticks; each send returns once the drill took it.
func (c *manualClock) tick(n int) {
	for i := 0; i < n; i++ {
		c.ch <- c.Now()
	}
}

type manualTicker struct{ c chan time.Time }

func (t manualTicker) C() <-chan time.Time { return t.c }
func (t manualTicker) Stop()               {}

// memJournal records what the drill journals, in order.
type memJournal struct {
	mu     sync.Mutex
	inputs []engine.Input
	log    []string // "append", "sync", "checkpoint", "end"
	cps    []replay.Checkpoint
	end    *replay.End
}

func (j *memJournal) Append(in engine.Input) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.inputs = append(j.inputs, in)
	j.log = append(j.log, "append")
	return nil
}
func (j *memJournal) Checkpoint(t, h uint64) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.cps = append(j.cps, replay.Checkpoint{Tick: t, Hash: h})
	return nil
}
func (j *memJournal) Sync() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.log = append(j.log, "sync")
	return nil
}
func (j *memJournal) End(t, h uint64) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.end = &replay.End{Tick: t, Hash: h}
	return nil
}

func heatSetup(t testing.TB) (engine.Setup, []byte) {
	t.Helper()
	l, err := scenarios.Builtin("heat")
	if err != nil {
		t.Fatal(err)
	}
	return engine.Setup{Scenario: l.Scenario, Map: l.Map}, l.Src
}

func start(t *testing.T, cfg Config) (*Drill, chan error) {
	t.Helper()
	d, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- d.Run(context.Background()) }()
	return d, errc
}

// TestLifecycleAndReplay: lobby → running → paused → running → ended,
// with joins, moves, an answer and live injects; the journalled inputs
// re-simulate to the drill's final hash.
func TestLifecycleAndReplay(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	setup, _ := heatSetup(t)
	clk, j := newManualClock(), &memJournal{}
	d, errc := start(t, Config{ID: "t1", Setup: setup, Seed: 4, Journal: j, Clock: clk})

	for i, name := range []string{"小明", "Amy", "Li Hua"} {
		slot, tok, err := d.Join(ctx, name, "")
		if err != nil || slot != int32(i) || len(tok) != 36 {
			t.Fatalf("join %s: slot %d token %q err %v", name, slot, tok, err)
		}
		if s, err := d.Rejoin(ctx, tok); err != nil || s != slot {
			t.Fatalf("rejoin: %d %v", s, err)
		}
	}
	if _, err := d.Rejoin(ctx, "not-a-token"); !errors.Is(err, ErrUnknown) {
		t.Fatalf("rejoin with a wrong token: %v", err)
	}
	clk.tick(3) // lobby: nothing steps
	if d.Tick() != 0 || d.State() != Lobby {
		t.Fatalf("lobby stepped: tick %d state %s", d.Tick(), d.State())
	}
	if err := d.Start(ctx); err != nil {
		t.Fatal(err)
	}
	clk.tick(1)
	if res, err := d.Results(ctx); err != nil || len(res) != 3 {
		t.Fatalf("%d people after the first tick, want 3 (%v)", len(res), err)
	}
	if err := d.Submit(engine.Input{Participant: 1, Kind: engine.InputMove, MoveX: 1000}, nil); err != nil {
		t.Fatal(err)
	}
	clk.tick(100)
	if err := d.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	at := d.Tick()
	clk.tick(50)
	if d.Tick() != at {
		t.Fatalf("paused drill stepped from %d to %d", at, d.Tick())
	}
	if err := d.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if err := d.Inject(ctx, "q_symptoms"); err != nil {
		t.Fatal(err)
	}
	if err := d.Warn(ctx, "high_temp", "red"); err != nil {
		t.Fatal(err)
	}
	clk.tick(2)
	ack := make(chan error, 1)
	if err := d.Submit(engine.Input{Participant: 0, Kind: engine.InputAnswer, Action: "q_symptoms", Target: "cool_call"}, ack); err != nil {
		t.Fatal(err)
	}
	clk.tick(1)
	if err := <-ack; err != nil {
		t.Fatalf("answer not acknowledged: %v", err)
	}
	clk.tick(20)
	if err := d.End(ctx); err != nil {
		t.Fatal(err)
	}
	clk.tick(1)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if d.State() != Ended {
		t.Fatalf("state %s after End", d.State())
	}
	res, err := d.Results(ctx)
	if err != nil || len(res) != 3 {
		t.Fatalf("results: %v %v", res, err)
	}
	final, _ := d.Hash(ctx)

	// Re-simulate the journal.
	w, err := engine.NewWorld(setup, 4)
	if err != nil {
		t.Fatal(err)
	}
	l := &replay.Log{Inputs: j.inputs}
	for !w.Done() {
		w.Step(l.InputsAt(w.Tick()))
	}
	if w.Hash() != final || j.end == nil || j.end.Hash != final {
		t.Fatalf("journal replays to %016x; drill ended at %016x (end record %+v)", w.Hash(), final, j.end)
	}
	if got := w.Results()[0].Breakdown; len(got) == 0 {
		t.Fatal("no breakdown")
	}
}

// TestChoiceAckedAfterSync: the journal syncs before a choice is
// acknowledged, and moves do not force a sync.
func TestChoiceAckedAfterSync(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	setup, _ := heatSetup(t)
	clk, j := newManualClock(), &memJournal{}
	d, _ := start(t, Config{ID: "t2", Setup: setup, Seed: 1, Journal: j, Clock: clk})
	if _, _, err := d.Join(ctx, "pupil", ""); err != nil {
		t.Fatal(err)
	}
	_ = d.Start(ctx)
	clk.tick(1)
	_ = d.Submit(engine.Input{Participant: 0, Kind: engine.InputMove, MoveY: -1000}, nil)
	clk.tick(1)
	j.mu.Lock()
	syncsBefore := 0
	for _, e := range j.log {
		if e == "sync" {
			syncsBefore++
		}
	}
	j.mu.Unlock()
	if syncsBefore != 0 {
		t.Fatalf("moves caused %d syncs", syncsBefore)
	}
	ack := make(chan error, 1)
	_ = d.Submit(engine.Input{Participant: 0, Kind: engine.InputAct, Action: engine.ActCall120}, ack)
	clk.tick(1)
	if err := <-ack; err != nil {
		t.Fatal(err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	last := j.log[len(j.log)-1]
	if last != "sync" || j.log[len(j.log)-2] != "append" {
		t.Fatalf("journal order %v: the choice must be appended and synced before its ack", j.log)
	}
}

// TestRejects: a full queue, a participant sending facilitator commands and
// malformed inputs are explicit, counted rejects; nothing blocks.
func TestRejects(t *testing.T) {
	t.Parallel()
	setup, _ := heatSetup(t)
	d, err := New(Config{ID: "t3", Setup: setup, Clock: newManualClock(), InputQueue: 2})
	if err != nil {
		t.Fatal(err)
	}
	move := engine.Input{Kind: engine.InputMove, MoveX: 10}
	for i := 0; i < 2; i++ {
		if err := d.Submit(move, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Submit(move, nil); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("third input into a queue of 2: %v", err)
	}
	for _, bad := range []engine.Input{
		{Kind: engine.InputEnd},
		{Kind: engine.InputInject, Action: "q_symptoms"},
		{Kind: engine.InputWarn, Action: "high_temp", Target: "red"},
		{Kind: engine.InputJoin, Target: "sneaky"},
		{Kind: engine.InputLook, Heading: -5},
		{Kind: 200},
	} {
		if err := d.Submit(bad, nil); !errors.Is(err, ErrBadInput) {
			t.Errorf("%+v: %v, want ErrBadInput", bad, err)
		}
	}
	st := d.Stats()
	if st.RejectedFull != 1 || st.RejectedInvalid != 6 {
		t.Fatalf("stats %+v", st)
	}
}

// TestSlowSubscriber: a subscriber that never reads loses frames, counted;
// the drill keeps ticking and a reading subscriber sees every tick.
func TestSlowSubscriber(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	setup, _ := heatSetup(t)
	clk := newManualClock()
	d, _ := start(t, Config{ID: "t4", Setup: setup, Clock: clk})
	slow, err := d.Subscribe(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	fast, _ := d.Subscribe(ctx, 64)
	_, _, _ = d.Join(ctx, "a", "")
	_ = d.Start(ctx)
	clk.tick(10)
	if d.Tick() != 10 {
		t.Fatalf("tick %d, want 10", d.Tick())
	}
	if f := <-fast.C(); f.Tick != 0 || f.State != Running {
		t.Fatalf("first frame should announce the start: %+v", f)
	}
	got := 0
	for got < 10 {
		f := <-fast.C()
		got++
		if f.Tick != uint64(got) || len(f.People) != 1 {
			t.Fatalf("frame %d: %+v", got, f)
		}
	}
	if drops := d.Stats().SlowSubscriberDrops; drops != 9 { // 11 frames, room for 2
		t.Fatalf("slow subscriber drops %d, want 9", drops)
	}
	_ = slow.Close(ctx)
}

// TestCrashRecovery journals a drill to a real file, stops it mid-drill as
// a crash would, rebuilds it from the journal, and finishes it: the final
// hash equals that of the same inputs run without the crash.
func TestCrashRecovery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	setup, src := heatSetup(t)
	dir := t.TempDir()
	hdr := replay.Header{Scenario: "heat", Source: src, Seed: 2, TickHz: 20, EngineVersion: engine.Version}
	jr, err := journal.Create(dir, "crashy", hdr)
	if err != nil {
		t.Fatal(err)
	}
	clk := newManualClock()
	d, err := New(Config{ID: "crashy", Setup: setup, Seed: 2, Journal: jr, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, crash := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() { errc <- d.Run(runCtx) }()
	_, _, _ = d.Join(ctx, "one", "")
	_, _, _ = d.Join(ctx, "two", "")
	_ = d.Start(ctx)
	clk.tick(1)
	_ = d.Submit(engine.Input{Participant: 0, Kind: engine.InputMove, MoveX: 700, MoveY: -700, Run: true}, nil)
	ack := make(chan error, 1)
	_ = d.Submit(engine.Input{Participant: 1, Kind: engine.InputAct, Action: engine.ActCall120}, ack)
	clk.tick(300)
	if err := <-ack; err != nil {
		t.Fatal(err)
	}
	crash() // the process dies: no End record, no Close
	<-errc
	crashedAt := d.Tick()

	recs, err := journal.Recover(dir)
	if err != nil || len(recs) != 1 || recs[0].Err != nil {
		t.Fatalf("recover: %v %+v", err, recs)
	}
	w, err := journal.Rebuild(setup, recs[0].Log)
	if err != nil {
		t.Fatal(err)
	}
	if w.Tick() > crashedAt {
		t.Fatalf("rebuilt to tick %d, past the crash at %d", w.Tick(), crashedAt)
	}
	clk2 := newManualClock()
	d2, errc2 := start(t, Config{ID: "crashy", Setup: setup, Seed: 2, World: w, Journal: recs[0].Journal, Clock: clk2})
	if d2.State() != Paused {
		t.Fatalf("a recovered drill should wait paused, is %s", d2.State())
	}
	if _, err := d2.Rejoin(ctx, "anything"); !errors.Is(err, ErrUnknown) {
		t.Fatal("tokens are the server's to restore, not the drill's")
	}
	_ = d2.Resume(ctx)
	clk2.tick(int(w.EndTick() - w.Tick()))
	if err := <-errc2; err != nil {
		t.Fatal(err)
	}
	final, _ := d2.Hash(ctx)

	// The same inputs without a crash.
	f, err := openLog(recs[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	w3, _ := engine.NewWorld(setup, 2)
	for !w3.Done() {
		w3.Step(f.InputsAt(w3.Tick()))
	}
	if w3.Hash() != final || f.End == nil || f.End.Hash != final {
		t.Fatalf("after recovery %016x; uninterrupted %016x; end record %+v", final, w3.Hash(), f.End)
	}
	var acked bool
	for _, in := range f.Inputs {
		acked = acked || (in.Participant == 1 && in.Kind == engine.InputAct)
	}
	if !acked {
		t.Fatal("the acknowledged call_120 is missing from the journal")
	}
}

func openLog(path string) (*replay.Log, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return replay.Decode(f)
}

// TestMovesSyncedEverySecond: moves are never acknowledged, so only the
// once-a-second sync makes them durable; a crash loses at most a second.
func TestMovesSyncedEverySecond(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	setup, _ := heatSetup(t)
	clk, j := newManualClock(), &memJournal{}
	d, _ := start(t, Config{ID: "t-moves", Setup: setup, Seed: 1, Journal: j, Clock: clk})
	if _, _, err := d.Join(ctx, "pupil", ""); err != nil {
		t.Fatal(err)
	}
	_ = d.Start(ctx)
	hz := int(d.world.TickHz())
	for range 3*hz + hz/2 {
		clk.tick(1)
		_ = d.Submit(engine.Input{Participant: 0, Kind: engine.InputMove, MoveX: 500}, nil)
	}
	clk.tick(2) // the last submitted move is journalled, and that tick finished
	j.mu.Lock()
	defer j.mu.Unlock()
	syncs, unsynced := 0, 0
	for _, e := range j.log {
		switch e {
		case "sync":
			syncs++
			unsynced = 0
		case "append":
			unsynced++
		}
	}
	if syncs < 3 {
		t.Fatalf("%d syncs in 3.5 s of moves, want one a second: %v", syncs, j.log)
	}
	if unsynced == 0 || unsynced > hz {
		t.Fatalf("%d moves after the last sync, want 1..%d (one second's worth)", unsynced, hz)
	}
}
