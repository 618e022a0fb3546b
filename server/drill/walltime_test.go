package drill

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/replay"
	"github.com/rescuedrill/rescuedrill/server/journal"
)

// wallClock is a manual clock whose every tick moves it on by one period,
// as the real one would, and that a test can move on while the drill is
// paused.
type wallClock struct {
	mu     sync.Mutex
	now    time.Time
	period time.Duration
	ch     chan time.Time
}

func (c *wallClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}
func (c *wallClock) NewTicker(time.Duration) Ticker { return manualTicker{c.ch} }
func (c *wallClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// tick delivers n ticks, one period apart.
func (c *wallClock) tick(n int) {
	for range n {
		c.advance(c.period)
		c.ch <- c.Now()
	}
}

var wallT0 = time.Date(2026, 6, 3, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

// TestWallTimesJournalled: start, a 90-second pause, resume and the end go
// into the journal with the Clock's times and the ticks the world stood at;
// the world and its final hash are those of the same inputs without them.
func TestWallTimesJournalled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	setup, src := heatSetup(t)
	dir := t.TempDir()
	jr, err := journal.Create(dir, "walls", replay.Header{Scenario: "heat", Source: src, Seed: 5, TickHz: 20, EngineVersion: engine.Version})
	if err != nil {
		t.Fatal(err)
	}
	clk := &wallClock{now: wallT0, period: 50 * time.Millisecond, ch: make(chan time.Time)}
	d, errc := start(t, Config{ID: "walls", Setup: setup, Seed: 5, Journal: jr, Clock: clk})
	_, _, _ = d.Join(ctx, "小红", "")
	if err := d.Start(ctx); err != nil {
		t.Fatal(err)
	}
	clk.tick(100) // 5 s of drill
	if err := d.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	clk.advance(90 * time.Second)
	if err := d.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	clk.tick(20)
	if err := d.End(ctx); err != nil {
		t.Fatal(err)
	}
	clk.tick(1)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	_ = jr.Close()
	l, err := openLog(jr.Path())
	if err != nil {
		t.Fatal(err)
	}
	ns := func(d time.Duration) int64 { return wallT0.Add(d).UnixNano() }
	want := []replay.Wall{
		{Tick: 0, Kind: replay.WallStart, UnixNano: ns(0)},
		{Tick: 100, Kind: replay.WallPause, UnixNano: ns(5 * time.Second)},
		{Tick: 100, Kind: replay.WallResume, UnixNano: ns(95 * time.Second)},
		{Tick: 121, Kind: replay.WallEnd, UnixNano: ns(96050 * time.Millisecond)},
	}
	if !reflect.DeepEqual(l.Walls, want) {
		t.Fatalf("wall-clock records\n %+v\nwant\n %+v", l.Walls, want)
	}
	w, _ := engine.NewWorld(setup, 5)
	for !w.Done() {
		w.Step(l.InputsAt(w.Tick()))
	}
	if l.End == nil || w.Hash() != l.End.Hash {
		t.Fatalf("the journal's inputs alone give %016x, end record %+v", w.Hash(), l.End)
	}
}

// TestWallTimesAcrossCrash: a drill paused long after its last input dies;
// the rebuilt world stands at the paused tick, so the resume record and
// the inputs after it keep the journal's order and the drill finishes.
func TestWallTimesAcrossCrash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	setup, src := heatSetup(t)
	dir := t.TempDir()
	jr, err := journal.Create(dir, "paused", replay.Header{Scenario: "heat", Source: src, Seed: 6, TickHz: 20, EngineVersion: engine.Version})
	if err != nil {
		t.Fatal(err)
	}
	clk := &wallClock{now: wallT0, period: 50 * time.Millisecond, ch: make(chan time.Time)}
	d, err := New(Config{ID: "paused", Setup: setup, Seed: 6, Journal: jr, Clock: clk, CheckpointEvery: 1 << 40})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, crash := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() { errc <- d.Run(runCtx) }()
	_, _, _ = d.Join(ctx, "one", "")
	_ = d.Start(ctx)
	clk.tick(57) // the join at tick 0 is the only input
	_ = d.Pause(ctx)
	crash()
	<-errc

	recs, err := journal.Recover(dir)
	if err != nil || len(recs) != 1 || recs[0].Err != nil {
		t.Fatalf("recover: %v %+v", err, recs)
	}
	w, err := journal.Rebuild(setup, recs[0].Log)
	if err != nil {
		t.Fatal(err)
	}
	if w.Tick() != 57 {
		t.Fatalf("rebuilt to tick %d, want the paused tick 57", w.Tick())
	}
	clk.advance(time.Hour)
	d2, errc2 := start(t, Config{ID: "paused", Setup: setup, Seed: 6, World: w, Journal: recs[0].Journal, Clock: clk})
	_ = d2.Resume(ctx)
	_ = d2.Submit(engine.Input{Participant: 0, Kind: engine.InputMove, MoveX: 500}, nil)
	clk.tick(int(w.EndTick() - w.Tick()))
	if err := <-errc2; err != nil {
		t.Fatal(err)
	}
	l, err := openLog(recs[0].Path)
	if err != nil || l.End == nil {
		t.Fatalf("journal after recovery: %v, end %+v", err, l.End)
	}
	kinds := []replay.WallKind{}
	for _, wl := range l.Walls {
		kinds = append(kinds, wl.Kind)
	}
	if want := []replay.WallKind{replay.WallStart, replay.WallPause, replay.WallResume, replay.WallEnd}; !reflect.DeepEqual(kinds, want) {
		t.Fatalf("wall-clock kinds %v, want %v", kinds, want)
	}
	if got := time.Unix(0, l.Walls[2].UnixNano).Sub(time.Unix(0, l.Walls[1].UnixNano)); got != time.Hour {
		t.Fatalf("paused for %v, want 1h", got)
	}
}
