package server

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

type testClock struct {
	mu  sync.Mutex
	now time.Time
	ch  chan time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Unix(1_800_000_000, 0), ch: make(chan time.Time)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
func (c *testClock) NewTicker(time.Duration) drill.Ticker { return testTicker{c.ch} }

// tick delivers n ticks to whichever drill takes them.
func (c *testClock) tick(n int) {
	for i := 0; i < n; i++ {
		c.ch <- c.Now()
	}
}

type testTicker struct{ c chan time.Time }

func (t testTicker) C() <-chan time.Time { return t.c }
func (t testTicker) Stop()               {}

func TestCreateJoinAndCodes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := newTestClock()
	r, err := NewRegistry(t.TempDir(), clk, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	e, fac, err := r.Create(ctx, CreateRequest{Scenario: "heat", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Code) != CodeLen || strings.ContainsAny(e.Code, "01ILO") {
		t.Fatalf("join code %q: want %d unambiguous characters", e.Code, CodeLen)
	}
	if !e.IsFacilitator(fac) || e.IsFacilitator("") || e.IsFacilitator(fac[:len(fac)-1]+"x") {
		t.Fatal("facilitator token check is wrong")
	}
	got, err := r.ByCode(strings.ToLower(e.Code[:3])+"-"+e.Code[3:], "10.0.0.1:5")
	if err != nil || got != e {
		t.Fatalf("lookup with a lower-case, dashed code: %v", err)
	}
	if _, _, err := r.Create(ctx, CreateRequest{Scenario: "tsunami"}); !errors.Is(err, ErrScenario) {
		t.Fatalf("unknown scenario: %v", err)
	}
	if _, _, err := r.Create(ctx, CreateRequest{Scenario: "mine.yaml", Source: []byte("id: x\nhazard: flood\n")}); !errors.Is(err, ErrScenario) {
		t.Fatalf("broken uploaded scenario: %v", err)
	}
}

func TestJoinCodeGuessingIsLimited(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	r, err := NewRegistry(t.TempDir(), clk, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	e, _, err := r.Create(context.Background(), CreateRequest{Scenario: "heat"})
	if err != nil {
		t.Fatal(err)
	}
	guesser := "198.51.100.7:4000"
	for i := range wire.BadJoinsPerWindow {
		guess := "ZZZZ" + string([]byte{codeAlphabet[i/len(codeAlphabet)], codeAlphabet[i%len(codeAlphabet)]})
		if guess == e.Code {
			guess = "YYYYYY"
		}
		if _, err := r.ByCode(guess, guesser); !errors.Is(err, ErrNoSuchDrill) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	if _, err := r.ByCode(e.Code, guesser); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("after %d wrong guesses even the right code must wait: %v", wire.BadJoinsPerWindow, err)
	}
	if _, err := r.ByCode(e.Code, "203.0.113.9:1"); err != nil {
		t.Fatalf("another client is not affected: %v", err)
	}
	clk.advance(31 * time.Second)
	if _, err := r.ByCode(e.Code, guesser); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

// TestRecoverAfterCrash: a running drill is stopped without an end record;
// a new registry over the same data directory rebuilds it, paused at the
// tick it had journalled, and it can be resumed and finished.
func TestRecoverAfterCrash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	clk := newTestClock()
	r, err := NewRegistry(dir, clk, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, _, err := r.Create(ctx, CreateRequest{Scenario: "heat", Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Drill.Join(ctx, "pupil", ""); err != nil {
		t.Fatal(err)
	}
	_ = e.Drill.Start(ctx)
	clk.tick(1)
	ack := make(chan error, 1)
	_ = e.Drill.Submit(engine.Input{Kind: engine.InputAct, Action: engine.ActCall120}, ack)
	clk.tick(1)
	if err := <-ack; err != nil {
		t.Fatal(err)
	}
	clk.tick(198)
	r.Close() // the crash: no end record

	clk2 := newTestClock()
	r2, err := NewRegistry(dir, clk2, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	got, err := r2.Recover(ctx)
	if err != nil || len(got) != 1 || got[0].ID != e.ID {
		t.Fatalf("recover: %v %+v", err, got)
	}
	d := got[0].Drill
	if d.State() != drill.Paused || d.Tick() == 0 || d.Tick() > 200 {
		t.Fatalf("recovered drill: state %s tick %d", d.State(), d.Tick())
	}
	if err := d.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if err := d.End(ctx); err != nil {
		t.Fatal(err)
	}
	clk2.tick(1)
	<-d.Done()
	res, err := d.Results(ctx)
	if err != nil || len(res) != 1 || res[0].Name != "pupil" {
		t.Fatalf("results after recovery: %+v %v", res, err)
	}
}
