package drill

import (
	"context"
	"testing"
	"time"
)

func TestPacer(t *testing.T) {
	t.Parallel()
	const period = 50 * time.Millisecond
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	type wake struct {
		at        time.Duration // since the first wake
		steps     int
		slipped   uint64
		stopFirst bool // the drill was paused before this wake
	}
	cases := []struct {
		name  string
		max   int
		wakes []wake
	}{
		{"on time: one step a tick", 20, []wake{{0, 1, 0, false}, {ms(50), 1, 0, false}, {ms(101), 1, 0, false}, {ms(149), 1, 0, false}}},
		{"a wake late by less than a period is not a backlog", 20, []wake{{0, 1, 0, false}, {ms(99), 1, 0, false}, {ms(140), 1, 0, false}, {ms(150), 1, 0, false}}},
		{"a stall of three periods steps the missed ticks", 20, []wake{{0, 1, 0, false}, {ms(50), 1, 0, false}, {ms(205), 3, 0, false}, {ms(250), 1, 0, false}}},
		{"beyond max the rest slips and the schedule restarts", 4, []wake{{0, 1, 0, false}, {ms(500), 4, 6, false}, {ms(550), 1, 0, false}, {ms(600), 1, 0, false}}},
		{"an early tick still steps once, and the lead is used up by the next stall", 20, []wake{{0, 1, 0, false}, {ms(48), 1, 0, false}, {ms(98), 1, 0, false}, {ms(160), 1, 0, false}, {ms(260), 2, 0, false}}},
		{"a pause is not a backlog", 20, []wake{{0, 1, 0, false}, {ms(50), 1, 0, false}, {ms(5000), 1, 0, true}, {ms(5050), 1, 0, false}}},
		{"no catch-up when max ≤ 1 (test clocks)", 1, []wake{{0, 1, 0, false}, {ms(1000), 1, 0, false}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := pacer{period: period, max: c.max}
			t0 := time.Unix(1_800_000_000, 0)
			total, want := 0, 0
			for i, w := range c.wakes {
				if w.stopFirst {
					p.stop()
				}
				n, slipped := p.wake(t0.Add(w.at))
				if n != w.steps || slipped != w.slipped {
					t.Fatalf("wake %d at %v: steps %d slipped %d, want %d and %d", i, w.at, n, slipped, w.steps, w.slipped)
				}
				total += n
				want += w.steps
			}
			if total != want {
				t.Fatalf("stepped %d, want %d", total, want)
			}
		})
	}
}

// TestDrillCatchesUpAfterStall: a running drill whose goroutine got its
// ticker tick 6 periods late steps the 6 due ticks at that wake (and
// counts 5 as caught up); paused time is not a backlog; without
// MaxCatchUp one tick is one step whatever the clock says.
func TestDrillCatchesUpAfterStall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, c := range []struct {
		maxCatchUp     int
		want, caughtUp uint64
	}{{20, 1 + 6 + 1 + 1, 5}, {0, 1 + 1 + 1 + 1, 0}} {
		setup, _ := heatSetup(t)
		clk := newManualClock()
		d, _ := start(t, Config{ID: "pace", Setup: setup, Seed: 1, Clock: clk, MaxCatchUp: c.maxCatchUp})
		if err := d.Start(ctx); err != nil {
			t.Fatal(err)
		}
		period := time.Second / time.Duration(setup.Scenario.TickHz)
		advance := func(dt time.Duration) {
			// A command runs on the drill goroutine after the tick it
			// received: the drill has read the clock before it moves.
			if _, err := d.Results(ctx); err != nil {
				t.Fatal(err)
			}
			clk.mu.Lock()
			clk.now = clk.now.Add(dt)
			clk.mu.Unlock()
		}
		clk.tick(1)         // the schedule starts: one step
		advance(6 * period) // the goroutine was held up for six periods
		clk.tick(1)         // six ticks are due
		if err := d.Pause(ctx); err != nil {
			t.Fatal(err)
		}
		advance(100 * period) // a long pause
		clk.tick(1)
		if err := d.Resume(ctx); err != nil {
			t.Fatal(err)
		}
		clk.tick(1) // a new schedule: one step
		advance(period)
		clk.tick(1)
		if _, err := d.Results(ctx); err != nil { // runs on the drill goroutine: the ticks are done
			t.Fatal(err)
		}
		if c.maxCatchUp > 1 {
			// Three periods later the drill owes three ticks until its
			// goroutine wakes.
			if b := d.Behind(); b != 0 {
				t.Errorf("right after its steps the drill owes %d ticks, want 0", b)
			}
			clk.mu.Lock()
			clk.now = clk.now.Add(3 * period)
			clk.mu.Unlock()
			if b := d.Behind(); b != 3 {
				t.Errorf("three periods on, the drill owes %d ticks, want 3", b)
			}
		}
		// The goroutine was idle (its last steps long done) when the late
		// wake came: it waited for a core, so the caught-up ticks count as
		// starved too.
		if got, s := d.Tick(), d.Stats(); got != c.want || s.CaughtUp != c.caughtUp || s.Starved != c.caughtUp || s.Slipped != 0 {
			t.Errorf("MaxCatchUp %d: tick %d caught up %d starved %d slipped %d, want tick %d caught up and starved %d",
				c.maxCatchUp, got, s.CaughtUp, s.Starved, s.Slipped, c.want, c.caughtUp)
		}
	}
}

// TestPacerStarved tells a goroutine that waited for a core (idle for half
// a period or more since its last steps) from one that woke late because
// its own steps took long (a slow fsync).
func TestPacerStarved(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1_800_000_000, 0)
	p := pacer{period: 50 * time.Millisecond, max: 20}
	if p.starved(t0) {
		t.Fatal("starved before any steps ended")
	}
	p.done(t0)
	for _, c := range []struct {
		after time.Duration
		want  bool
	}{{0, false}, {2 * time.Millisecond, false}, {24 * time.Millisecond, false}, {25 * time.Millisecond, true}, {300 * time.Millisecond, true}} {
		if got := p.starved(t0.Add(c.after)); got != c.want {
			t.Errorf("woke %v after the last steps ended: starved %v, want %v", c.after, got, c.want)
		}
	}
}
