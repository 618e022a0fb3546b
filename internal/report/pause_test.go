package report_test

import (
	"bytes"
	"context"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/replay"
	"github.com/rescuedrill/rescuedrill/internal/cap"
	"github.com/rescuedrill/rescuedrill/internal/report"
	"github.com/rescuedrill/rescuedrill/internal/xapi"
	"github.com/rescuedrill/rescuedrill/scenarios"
	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/journal"
)

// stepClock is a manual drill.Clock: every tick moves it on by one period,
// and the test moves it on while the drill is paused.
type stepClock struct {
	mu     sync.Mutex
	now    time.Time
	period time.Duration
	ch     chan time.Time
}

type stepTicker struct{ c chan time.Time }

func (t stepTicker) C() <-chan time.Time { return t.c }
func (t stepTicker) Stop()               {}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}
func (c *stepClock) NewTicker(time.Duration) drill.Ticker { return stepTicker{c.ch} }
func (c *stepClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
func (c *stepClock) tick(n int) {
	for range n {
		c.advance(c.period)
		c.ch <- c.Now()
	}
}

var pauseT0 = time.Date(2026, 6, 3, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

const pauseTick = 100 // the drill pauses with the world standing at this tick

// servedHeatDrill runs the heat drill on server/drill with a real journal
// and a manual clock: two pupils, a pause of the given length at tick 100,
// a red heat warning from the facilitator right after it, the end 40 ticks
// later. It returns the journal as decoded.
func servedHeatDrill(t *testing.T, pause time.Duration) *replay.Log {
	t.Helper()
	ctx := context.Background()
	ld, err := scenarios.Builtin("heat")
	if err != nil {
		t.Fatal(err)
	}
	setup := engine.Setup{Scenario: ld.Scenario, Map: ld.Map}
	dir := t.TempDir()
	jr, err := journal.Create(dir, "paused", replay.Header{Scenario: "heat", Source: ld.Src, Seed: 9, TickHz: ld.Scenario.Hz(), EngineVersion: engine.Version})
	if err != nil {
		t.Fatal(err)
	}
	clk := &stepClock{now: pauseT0, period: time.Second / time.Duration(ld.Scenario.Hz()), ch: make(chan time.Time)}
	d, err := drill.New(drill.Config{ID: "paused", Setup: setup, Seed: 9, Journal: jr, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- d.Run(ctx) }()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"小明", "Amy"} {
		_, _, err := d.Join(ctx, n, "")
		must(err)
	}
	must(d.Start(ctx))
	clk.tick(pauseTick)
	if pause > 0 {
		must(d.Pause(ctx))
		clk.advance(pause)
		must(d.Resume(ctx))
	}
	must(d.Warn(ctx, "high_temp", "red"))
	clk.tick(40)
	must(d.End(ctx))
	clk.tick(1)
	must(<-errc)
	must(jr.Close())
	l, err := replay.Decode(bytesOf(t, jr.Path()))
	must(err)
	return l
}

func collectFor(t *testing.T, l *replay.Log, start time.Time) *report.Data {
	t.Helper()
	ld, err := scenarios.Builtin("heat")
	if err != nil {
		t.Fatal(err)
	}
	d, err := report.Collect(engine.Setup{Scenario: ld.Scenario, Map: ld.Map}, l, report.Options{DrillID: "paused", Start: start, NoMaps: true})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// exports makes the xAPI statements and the CAP alerts as drill xapi and
// drill cap do, and returns their times by what they are.
func exports(t *testing.T, d *report.Data) (xapiTimes map[string]time.Time, capSent map[string]time.Time, durations map[string]string) {
	t.Helper()
	xd := &xapi.Drill{Key: "paused", Scenario: "heat", Title: d.Title, Start: d.Start, Times: d.Times, TickHz: d.TickHz,
		EndTick: d.Ticks, HomePage: "https://school.example", ActivityBase: "https://school.example/drill", Mastery: 80}
	for _, p := range d.Participants {
		xd.Participants = append(xd.Participants, xapi.Participant{Slot: p.ID, Joined: p.Joined, Score: p.Score, Outcome: p.Outcome})
	}
	xapiTimes, durations = map[string]time.Time{}, map[string]string{}
	for _, s := range xapi.Build(xd) {
		if s.Result != nil && s.Result.Duration != "" {
			durations[s.Actor.Account.Name+" "+s.Verb.ID] = s.Result.Duration
		}
		ts, err := time.Parse(time.RFC3339Nano, s.Timestamp)
		if err != nil {
			t.Fatalf("statement timestamp %q: %v", s.Timestamp, err)
		}
		xapiTimes[s.Actor.Account.Name+" "+s.Verb.ID] = ts
	}
	ex := &cap.Exercise{Key: "paused", Sender: "drill@school.example", Start: d.Start, Times: d.Times, TickHz: d.TickHz,
		Title: d.Title, OriginLat: 29.565, OriginLon: 106.58, Width: 500, Height: 500}
	var ws []cap.Issued
	for _, w := range d.Warnings {
		ws = append(ws, cap.Issued{Tick: w.Tick, Hazard: w.Hazard, Level: w.Level})
	}
	alerts, err := cap.FromWarnings(ex, ws)
	if err != nil {
		t.Fatal(err)
	}
	capSent = map[string]time.Time{}
	for i, a := range alerts {
		ts, err := time.Parse(time.RFC3339, a.Sent)
		if err != nil {
			t.Fatalf("sent %q: %v", a.Sent, err)
		}
		capSent[ws[i].Hazard+" "+ws[i].Level] = ts
		doc, err := cap.Marshal(&alerts[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := cap.Validate(doc); err != nil {
			t.Fatalf("alert %d: %v", i, err)
		}
	}
	return xapiTimes, capSent, durations
}

// TestTimesAfterPause: the same drill served twice, once paused for 90 s
// at tick 100. Every xAPI timestamp and CAP sent time before the pause is
// the same; every one after it is later by exactly the pause; the drill
// time (the xAPI duration) is the same.
func TestTimesAfterPause(t *testing.T) {
	t.Parallel()
	const pause = 90 * time.Second
	straight := collectFor(t, servedHeatDrill(t, 0), time.Time{})
	paused := collectFor(t, servedHeatDrill(t, pause), time.Time{})
	if straight.FinalHash != paused.FinalHash {
		t.Fatalf("a pause changed the world: %s vs %s", straight.FinalHash, paused.FinalHash)
	}
	if !paused.Start.Equal(pauseT0) || paused.Times.Paused() != pause {
		t.Fatalf("start %v (want the journal's %v), paused %v", paused.Start, pauseT0, paused.Times.Paused())
	}
	xs, cs, ds := exports(t, straight)
	xp, cp, dp := exports(t, paused)
	if len(ds) == 0 || !reflect.DeepEqual(ds, dp) {
		t.Errorf("xAPI durations (drill time) changed by the pause:\n %v\n %v", ds, dp)
	}
	if len(xs) != len(xp) || len(xs) < 6 {
		t.Fatalf("statements: %d vs %d", len(xs), len(xp))
	}
	for k, ts := range xs {
		want := time.Duration(0)
		if k[len(k)-len("attempted"):] != "attempted" { // attempted is at the join, tick 0
			want = pause
		}
		if got := xp[k].Sub(ts); got != want {
			t.Errorf("xAPI %s: %v later when paused, want %v", k, got, want)
		}
	}
	red, ok := cs["high_temp red"]
	if !ok {
		t.Fatalf("no red heat warning exported: %v", cs)
	}
	if got := cp["high_temp red"].Sub(red); got != pause {
		t.Errorf("CAP sent of the warning after the pause: %v later, want %v", got, pause)
	}
	if want := pauseT0.Add(pauseTick*50*time.Millisecond + pause); !cp["high_temp red"].Equal(want) {
		t.Errorf("CAP sent %v, want %v", cp["high_temp red"], want)
	}
	for k, ts := range cs {
		if k != "high_temp red" && !cp[k].Equal(ts) {
			t.Errorf("CAP %s before the pause moved: %v vs %v", k, cp[k], ts)
		}
	}
}

// TestOldJournalTimes: a journal without wall-clock records (format version
// 1, as every journal before them) still loads, and its times are the
// given start plus drill time, as before.
func TestOldJournalTimes(t *testing.T) {
	t.Parallel()
	l := servedHeatDrill(t, 90*time.Second)
	l.Walls, l.Version = nil, 1
	var buf bytes.Buffer
	if err := replay.Encode(&buf, l); err != nil {
		t.Fatal(err)
	}
	old, err := replay.Decode(&buf)
	if err != nil || old.Version != 1 {
		t.Fatalf("version 1 journal: %v, version %d", err, old.Version)
	}
	start := time.Date(2026, 6, 3, 10, 0, 0, 0, time.UTC)
	d := collectFor(t, old, start)
	if !d.Start.Equal(start) {
		t.Fatalf("start %v, want the store's %v", d.Start, start)
	}
	_, cs, _ := exports(t, d)
	if want := start.Add(pauseTick * 50 * time.Millisecond); !cs["high_temp red"].Equal(want) {
		t.Fatalf("CAP sent %v, want start + drill time %v", cs["high_temp red"], want)
	}
}

func bytesOf(t *testing.T, path string) *bytes.Reader {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}
