// Package loadtest is `drill loadtest`: it creates many drills on a drill
// server, fills them with light network bots that use the real client
// library over real QUIC, runs them, and measures what issue 3's load goal
// names — tick time, missed ticks, downstream and upstream per
// participant, and the input-to-echo latency — from the server's own
// counters (/metrics, /api/drills) and from the bots.
//
// The server may be in the same process (cmd/drill starts one and hands a
// TickRecorder for exact tick times) or another (`--bots-only --server`):
// the measurement goes through the server's HTTPS side either way, so the
// two runs are comparable.
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// Config says where and how hard to load.
type Config struct {
	Addr     string   // host:port of the server (UDP for QUIC, TCP for HTTPS)
	CertHash [32]byte // SHA-256 of its certificate (zero: system roots)
	Mode     string   // for the report: "in-process" or "bots-only"

	Scenario string // built-in scenario name (default "flood")
	Source   []byte // a scenario YAML to upload instead (uses a built-in map)
	Seed     uint64 // drill i gets Seed+i (default 1)

	Drills   int           // default 25
	PerDrill int           // bots per drill, default 40 (at most 64)
	Duration time.Duration // measured window of drill time, default 60 s
	Warmup   time.Duration // after the start, before measuring (default 5 s)
	// Prompt is a scenario inject the facilitators fire a third into the
	// window so every bot answers a prompt (default: the scenario's first
	// prompt; "-" for none).
	Prompt string

	// Ticks, with an in-process server, records every tick's exact time.
	Ticks *TickRecorder
	// Dials is how many bots connect at once (default 16).
	Dials int
	Log   io.Writer // progress lines (nil: none)
}

func (c *Config) defaults() {
	if c.Scenario == "" {
		c.Scenario = "flood"
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Drills == 0 {
		c.Drills = 25
	}
	if c.PerDrill == 0 {
		c.PerDrill = 40
	}
	if c.Duration == 0 {
		c.Duration = 60 * time.Second
	}
	if c.Warmup == 0 {
		c.Warmup = 5 * time.Second
	}
	if c.Dials == 0 {
		c.Dials = 16
	}
	if c.Mode == "" {
		c.Mode = "bots-only"
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
}

// drillRun is one drill of the load: its facilitator and bots.
type drillRun struct {
	created
	fac  *client.Client
	bots []*bot
}

// command sends a facilitator command, reconnecting first when the
// facilitator's connection dropped (an overloaded machine can starve its
// keep-alives), as a facilitator's console would.
func (d *drillRun) command(ctx context.Context, cmd wire.Command) (wire.CommandAck, error) {
	var err error
	for try := range 5 {
		if try > 1 {
			if err := sleep(ctx, time.Second); err != nil {
				return wire.CommandAck{}, err
			}
		}
		var ack wire.CommandAck
		ack, err = d.fac.Command(ctx, cmd)
		if err == nil || ctx.Err() != nil || !(errors.Is(err, client.ErrDisconnected) || !d.fac.Connected()) {
			if err == nil && try > 0 && ack.Result != wire.Accepted && ack.Reason == wire.ReasonBadState && cmd.Op == wire.OpStart &&
				d.fac.Phase() == wire.PhaseRunning {
				// The first try's start was applied and only its ack was
				// lost with the connection: the drill runs.
				return wire.CommandAck{Result: wire.Accepted}, nil
			}
			if err == nil && ack.Result != wire.Accepted {
				err = fmt.Errorf("refused (reason %d)", ack.Reason)
			}
			return ack, err
		}
		if err = d.fac.Reconnect(ctx); err != nil && !client.Retryable(err) {
			return ack, err
		}
	}
	return wire.CommandAck{}, err
}

// Run loads the server, measures for Duration and returns the report. The
// drills are ended afterwards (their results go to the server's store as
// usual). An error means the load could not be set up; goals not met are
// in the report, not an error.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg.defaults()
	if cfg.PerDrill < 1 || cfg.PerDrill > wire.MaxSlots {
		return nil, fmt.Errorf("loadtest: %d bots per drill: want 1–%d", cfg.PerDrill, wire.MaxSlots)
	}
	if cfg.Drills < 1 {
		return nil, errors.New("loadtest: want at least one drill")
	}
	a := newAPI(cfg.Addr, cfg.CertHash)
	defer a.close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var drills []*drillRun
	defer func() { closeAll(drills) }()

	// Drill by drill, as classes arrive: create it, its facilitator
	// connects, its bots join (Dials at a time: a thousand handshakes at
	// once would only measure the handshake storm), the facilitator starts
	// it and its bots begin to walk. Drills that wait in the lobby for the
	// last class would only make the join slower on a busy machine.
	// One terrain cache for every bot, as each pupil's device keeps the map
	// after its first drill: the load is the drill, not 1,000 maps.
	cache := &client.MemoryCache{}
	drv := &driver{}
	go drv.run(ctx)
	var measure atomic.Bool
	var answers latencies
	var refused atomic.Int64
	var answering sync.WaitGroup
	var noMore atomic.Bool
	defer answering.Wait()
	joinStart := time.Now()
	sem := make(chan struct{}, cfg.Dials)
	var mu sync.Mutex
	var joinErr error
	var joined atomic.Int64
	prompt := cfg.Prompt
	for di := range cfg.Drills {
		cr, err := a.create(ctx, cfg.Scenario, cfg.Source, cfg.Seed+uint64(di))
		if err != nil {
			return nil, err
		}
		d := &drillRun{created: cr}
		drills = append(drills, d)
		d.fac, err = dialBot(ctx, client.Options{Addr: cfg.Addr, CertHash: cfg.CertHash, JoinCode: cr.JoinCode,
			Name: "facilitator", Lang: "en", Role: wire.RoleFacilitator, FacilitatorToken: cr.FacilitatorToken,
			Datagrams: true, TerrainCache: cache, OnEvent: func(client.Event) {}})
		if err != nil {
			return nil, fmt.Errorf("loadtest: facilitator of drill %d: %w", di+1, err)
		}
		if prompt == "" {
			prompt = firstPrompt(d.fac)
		}
		d.bots = make([]*bot, cfg.PerDrill)
		var wg sync.WaitGroup
		for bi := range cfg.PerDrill {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				an := &answerer{measure: &measure, lat: &answers, refused: &refused, stopped: &noMore, wg: &answering, ctx: ctx}
				c, err := dialBot(ctx, client.Options{Addr: cfg.Addr, CertHash: cfg.CertHash, JoinCode: d.JoinCode,
					Name: fmt.Sprintf("load-%02d-%02d", di+1, bi+1), Lang: "zh-CN", Datagrams: true,
					TerrainCache: cache, OnEvent: an.onEvent})
				if err != nil {
					mu.Lock()
					if joinErr == nil { // the first says why; the count says how many
						joinErr = fmt.Errorf("bot %d of drill %d: %w", bi+1, di+1, err)
					}
					mu.Unlock()
					return
				}
				an.mu.Lock()
				an.c = c
				an.mu.Unlock()
				c.StayConnected(ctx) // as a pupil's device would after a drop (counted)
				// Sides of 1.5–2.5 s, spread so the turns do not come in step.
				side := 1500*time.Millisecond + time.Duration((di*cfg.PerDrill+bi)*7919%1000)*time.Millisecond
				d.bots[bi] = &bot{c: c, slot: uint32(c.Info().Slot), side: side, leg: 3, drill: cr.ID}
				if n := joined.Add(1); n%200 == 0 {
					fmt.Fprintf(cfg.Log, "loadtest: %d bots joined\n", n)
				}
			}()
		}
		wg.Wait()
		if _, err := d.command(ctx, wire.Command{Op: wire.OpStart}); err != nil {
			return nil, fmt.Errorf("loadtest: starting drill %d: %w", di+1, err)
		}
		drv.add(d.bots)
	}
	joinTook := time.Since(joinStart)
	// A few joins that fail on an overloaded machine are part of the
	// result (reported); most failing means there is no load to measure.
	want := cfg.Drills * cfg.PerDrill
	if failed := want - len(drv.bots); failed > want/10 || len(drv.bots) == 0 {
		return nil, fmt.Errorf("loadtest: %d of %d bots could not join: %w", failed, want, joinErr)
	} else if failed > 0 {
		fmt.Fprintf(cfg.Log, "loadtest: %d of %d bots could not join; going on without them: %v\n", failed, want, joinErr)
	}
	fmt.Fprintf(cfg.Log, "loadtest: %d drills running with %d bots after %.1f s\n", len(drills), len(drv.bots), joinTook.Seconds())
	if err := sleep(ctx, cfg.Warmup); err != nil {
		return nil, err
	}

	w, err := measureWindow(ctx, cfg, a, drills, drv, &measure, prompt)
	if err != nil {
		return nil, err
	}
	noMore.Store(true)
	answering.Wait() // answers asked in the window, however late their acks (≤ 10 s)
	w.answers = answers.take()
	w.refused = refused.Load()
	rep := buildReport(cfg, w)
	rep.JoinSeconds = round1(joinTook.Seconds())
	rep.JoinFailed = want - len(drv.bots)

	// 4. End the drills (so a separate server is left idle).
	for _, d := range drills {
		ectx, ecancel := context.WithTimeout(ctx, 10*time.Second)
		_, _ = d.command(ectx, wire.Command{Op: wire.OpEnd})
		ecancel()
	}
	return rep, nil
}

// window is what was measured between the two scrapes.
type window struct {
	seconds          float64
	ticksBefore      map[string]drillNow
	ticksAfter       map[string]drillNow
	endedEarly       int     // drills that ended inside the window (left out)
	tickSeconds      float64 // between the two /api/drills reads
	before, after    sample
	tickExact        []time.Duration
	echo             []time.Duration
	lost             int64
	answers          []time.Duration
	refused          int64
	down, downSecond []float64 // kbit/s: per bot over the window; per bot per second
	posesPerSec      float64
	snapsPerSec      float64
	skipped, decErr  uint64
	reconnects       uint64
	cpuSelf          float64 // this process's CPU seconds in the window
	drills           []*drillRun
	tickHz           int
	prompt           string
	promptFailed     int
}

func measureWindow(ctx context.Context, cfg Config, a *api, drills []*drillRun, drv *driver, measure *atomic.Bool, prompt string) (*window, error) {
	w := &window{drills: drills, tickHz: drills[0].TickHz, prompt: prompt}
	var err error
	if w.before, err = a.metrics(ctx); err != nil {
		return nil, err
	}
	var t0 time.Time
	if w.ticksBefore, t0, err = a.ticks(ctx); err != nil {
		return nil, err
	}
	if cfg.Ticks != nil {
		cfg.Ticks.start()
	}
	cpu0 := cpuSeconds()
	start := time.Now()
	stats0 := botStats(drv.bots)
	prev := stats0
	perSecond := make([][]float64, len(stats0))
	drv.measure.Store(true)
	measure.Store(true)
	fmt.Fprintf(cfg.Log, "loadtest: measuring for %s\n", cfg.Duration)

	// Sample every bot's downstream each second, fire the prompt at a third.
	sec := time.NewTicker(time.Second)
	defer sec.Stop()
	end := time.NewTimer(cfg.Duration)
	defer end.Stop()
	promptAt := time.NewTimer(cfg.Duration / 3)
	defer promptAt.Stop()
	last := start
loop:
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-promptAt.C:
			if prompt != "" && prompt != "-" {
				for _, d := range drills {
					if _, err := d.command(ctx, wire.Command{Op: wire.OpInject, Inject: prompt}); err != nil {
						w.promptFailed++ // an overloaded server; reported, the load goes on
						fmt.Fprintf(cfg.Log, "loadtest: firing %s in drill %s: %v\n", prompt, d.ID, err)
					}
				}
			}
		case now := <-sec.C:
			cur := botStats(drv.bots)
			dt := now.Sub(last).Seconds()
			for i := range cur {
				perSecond[i] = append(perSecond[i], float64(cur[i].SnapshotBytes-prev[i].SnapshotBytes)*8/1000/dt)
			}
			prev, last = cur, now
		case <-end.C:
			break loop
		}
	}
	measure.Store(false)
	drv.measure.Store(false)
	w.seconds = time.Since(start).Seconds()
	w.cpuSelf = cpuSeconds() - cpu0
	if cfg.Ticks != nil {
		w.tickExact = cfg.Ticks.stop()
	}
	stats1 := botStats(drv.bots)
	var t1 time.Time
	if w.ticksAfter, t1, err = a.ticks(ctx); err != nil {
		return nil, err
	}
	w.tickSeconds = t1.Sub(t0).Seconds()
	if w.after, err = a.metrics(ctx); err != nil {
		return nil, err
	}
	// A drill that ended inside the window (a join phase longer than the
	// scenario) is left out with its bots: they no longer get snapshots.
	ended := map[string]bool{}
	for _, d := range drills {
		if st, ok := w.ticksAfter[d.ID]; !ok || st.State != "running" {
			ended[d.ID] = true
			w.endedEarly++
		}
	}
	var poses, snaps uint64
	n := 0
	for i := range stats1 {
		if ended[drv.bots[i].drill] {
			continue
		}
		n++
		w.downSecond = append(w.downSecond, perSecond[i]...)
		w.down = append(w.down, float64(stats1[i].SnapshotBytes-stats0[i].SnapshotBytes)*8/1000/w.seconds)
		poses += stats1[i].PosesSent - stats0[i].PosesSent
		snaps += stats1[i].SnapshotsDecoded - stats0[i].SnapshotsDecoded
		w.skipped += stats1[i].SnapshotsSkipped - stats0[i].SnapshotsSkipped
		w.decErr += stats1[i].DecodeErrors - stats0[i].DecodeErrors
		w.reconnects += stats1[i].Reconnects - stats0[i].Reconnects
	}
	if n == 0 {
		return nil, errors.New("loadtest: every drill ended inside the window: the joins took longer than the scenario lasts")
	}
	w.posesPerSec = float64(poses) / float64(n) / w.seconds
	w.snapsPerSec = float64(snaps) / float64(n) / w.seconds
	w.echo = drv.echo.take()
	w.lost = drv.lost.Load()
	return w, nil
}

// dialBot joins like a pupil's device would: a handshake that times out
// (the machine is busy with the bots already in) is tried again, up to
// five times with a growing pause.
func dialBot(ctx context.Context, o client.Options) (*client.Client, error) {
	var err error
	for try := range 5 {
		if try > 0 {
			if err := sleep(ctx, time.Duration(try)*time.Second); err != nil {
				return nil, err
			}
		}
		dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		var c *client.Client
		c, err = client.Dial(dctx, o)
		cancel()
		if err == nil || ctx.Err() != nil {
			return c, err
		}
		if !client.Retryable(err) {
			return nil, err // the server said no: trying again changes nothing
		}
	}
	return nil, err
}

func botStats(bots []*bot) []client.Stats {
	out := make([]client.Stats, len(bots))
	for i, b := range bots {
		out[i] = b.c.Stats()
	}
	return out
}

// firstPrompt is the first prompt inject of the drill's scenario ("" if
// it has none).
func firstPrompt(c *client.Client) string {
	sc := c.Info().Scenario
	if sc == nil {
		return ""
	}
	for _, in := range sc.Injects {
		if in.Kind == "prompt" {
			return in.ID
		}
	}
	return ""
}

func closeAll(drills []*drillRun) {
	var wg sync.WaitGroup
	for _, d := range drills {
		for _, b := range d.bots {
			if b != nil {
				wg.Add(1)
				go func() { defer wg.Done(); _ = b.c.Close() }()
			}
		}
		if d.fac != nil {
			_ = d.fac.Close()
		}
	}
	wg.Wait()
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// cpuSeconds is this process's user + system CPU time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return math.NaN()
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}
