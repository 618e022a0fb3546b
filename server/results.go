package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/replay"
	"github.com/rescuedrill/rescuedrill/internal/headless"
	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/store"
)

// Recorder writes each drill's life into the results store: the drill when
// it is created, participants as they join (display names only), state
// changes, and at the end the final tick, hash, results and timeline.
//
// It follows a drill through a subscription read by one goroutine per
// drill, so the drill goroutine never waits for SQLite. A subscriber that
// falls behind loses frames (drill.Subscription); the recorder notices the
// gap in the ticks, and a recovered drill's first part was never seen, so
// in both cases the timeline is rebuilt at the end by replaying the
// drill's journal (which also checks the final hash).
type Recorder struct {
	Store store.Store
	Reg   *Registry
	Clock drill.Clock
	Log   *slog.Logger
	// Buffer is the subscription's room in frames (default 1024: 51 s at
	// 20 Hz, for a database that stalls).
	Buffer int
	// EndReason, when set, says why a drill ended: store.EndAbandoned
	// (Abandoner.EndReason) saves its results marked unfinished.
	EndReason func(e *Entry) string

	wg sync.WaitGroup
}

// Attach makes the recorder follow every drill the registry creates or
// recovers from now on. Call it before the first Create or Recover.
func (rc *Recorder) Attach() {
	if rc.Log == nil {
		rc.Log = slog.New(slog.DiscardHandler)
	}
	if rc.Buffer == 0 {
		rc.Buffer = 1024
	}
	rc.Reg.OnDrill = rc.follow
}

// Wait returns when every drill the recorder follows has ended (and its
// results are saved) or stopped.
func (rc *Recorder) Wait() { rc.wg.Wait() }

// storeTimeout bounds one write: a stuck database must not keep a
// recorder goroutine forever.
const storeTimeout = 30 * time.Second

// follow subscribes to a new or recovered drill (on the caller's
// goroutine, before the drill can start) and records it on its own.
func (rc *Recorder) follow(e *Entry, recovered bool) {
	sub, err := e.Drill.Subscribe(context.Background(), rc.Buffer)
	if err != nil {
		rc.Log.Error("results: cannot follow drill", "drill", e.ID, "err", err)
		return
	}
	rc.wg.Add(1)
	go func() {
		defer rc.wg.Done()
		rc.record(e, sub, recovered)
	}()
}

// following is one drill's record as the recorder builds it.
type following struct {
	rc       *Recorder
	e        *Entry
	state    drill.State
	lastTick uint64
	gap      bool
	tl       store.Timeline
}

func (rc *Recorder) record(e *Entry, sub *drill.Subscription, recovered bool) {
	f := &following{rc: rc, e: e, state: drill.Lobby, lastTick: e.Drill.Tick(), gap: recovered}
	f.create(recovered)
	d := e.Drill
	c := sub.C()
loop:
	for {
		select {
		case fr, ok := <-c:
			if !ok {
				break loop
			}
			f.frame(fr)
		case <-d.Done():
			for { // frames still buffered
				select {
				case fr, ok := <-c:
					if !ok {
						break loop
					}
					f.frame(fr)
					continue
				default:
				}
				break loop
			}
		}
	}
	<-d.Done()
	if d.State() != drill.Ended {
		rc.Log.Info("results: drill stopped before its end; its journal stays for recovery", "drill", e.ID)
		return
	}
	if err := f.finish(); err != nil {
		rc.Log.Error("results: not saved", "drill", e.ID, "err", err)
		return
	}
	rc.Log.Info("results saved", "drill", e.ID, "timeline", len(f.tl.Events))
}

func (f *following) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), storeTimeout)
}

// create records the drill; a recovered drill normally has its row already.
func (f *following) create(recovered bool) {
	e := f.e
	ctx, cancel := f.ctx()
	defer cancel()
	err := f.rc.Store.CreateDrill(ctx, store.Drill{ID: e.ID, JoinCode: e.Code, Scenario: e.Scenario,
		ScenarioHash: e.ScenarioHash, Seed: e.Seed, TickHz: e.Setup.Scenario.Hz(),
		State: store.StateLobby, CreatedAt: e.Created})
	switch {
	case recovered && errors.Is(err, store.ErrExists):
	case err != nil:
		f.rc.Log.Error("results: drill not recorded", "drill", e.ID, "err", err)
	}
	if recovered {
		f.setState(e.Drill.State())
	}
}

// frame takes one frame: joins, state changes and the timeline.
func (f *following) frame(fr drill.Frame) {
	if len(fr.Events) > 0 || fr.Tick > f.lastTick {
		if fr.Tick > f.lastTick+1 {
			f.gap = true // frames were dropped: their events are missing
		}
		f.lastTick = fr.Tick
	}
	for _, ev := range fr.Events {
		if ev.Kind != engine.EvJoined {
			continue
		}
		ctx, cancel := f.ctx()
		err := f.rc.Store.AddParticipant(ctx, f.e.ID, store.Participant{Slot: ev.Who, Name: ev.Ref, Policy: ev.Level})
		cancel()
		if err != nil {
			f.rc.Log.Warn("results: participant not recorded", "drill", f.e.ID, "slot", ev.Who, "err", err)
		}
	}
	f.tl.Observe(fr.Tick, fr.Events)
	if fr.State != f.state && fr.State != drill.Ended {
		f.setState(fr.State)
	}
}

var storeStates = [...]store.State{store.StateLobby, store.StateRunning, store.StatePaused, store.StateEnded}

func (f *following) setState(s drill.State) {
	ctx, cancel := f.ctx()
	defer cancel()
	if f.state == drill.Lobby && s == drill.Paused { // the running frame was missed
		_ = f.rc.Store.UpdateDrillState(ctx, f.e.ID, store.StateRunning, f.rc.Clock.Now())
	}
	if err := f.rc.Store.UpdateDrillState(ctx, f.e.ID, storeStates[s], f.rc.Clock.Now()); err != nil {
		f.rc.Log.Debug("results: state not recorded", "drill", f.e.ID, "state", s.String(), "err", err)
	}
	f.state = s
}

// finish saves the final results. Run has returned, so the world is read
// directly.
func (f *following) finish() error {
	e, d := f.e, f.e.Drill
	ctx, cancel := f.ctx()
	defer cancel()
	res, err := d.Results(ctx)
	if err != nil {
		return err
	}
	hash, err := d.Hash(ctx)
	if err != nil {
		return err
	}
	tick := d.Tick()
	if f.gap || f.lastTick != tick {
		tl, err := f.replayTimeline(tick, hash)
		if err != nil {
			f.rc.Log.Error("results: timeline from the journal failed; saving the part seen live", "drill", e.ID, "err", err)
		} else {
			f.tl = tl
		}
	}
	parts, reason := store.FromEngine(res), ""
	if f.rc.EndReason != nil {
		reason = f.rc.EndReason(e)
	}
	for i := range parts {
		parts[i].Unfinished = reason == store.EndAbandoned
	}
	return f.rc.Store.SaveResults(ctx, e.ID, store.Results{FinalTick: tick, FinalHash: fmt.Sprintf("%016x", hash),
		EndedAt: f.rc.Clock.Now(), EndReason: reason, Participants: parts, Timeline: f.tl.Events})
}

// replayTimeline re-simulates the drill's journal for the whole timeline
// and checks that it ends where the drill did.
func (f *following) replayTimeline(tick, hash uint64) (store.Timeline, error) {
	var tl store.Timeline
	path := f.rc.Reg.JournalPath(f.e.ID)
	fh, err := os.Open(path)
	if err != nil {
		return tl, err
	}
	defer fh.Close()
	l, err := replay.Decode(fh)
	if err != nil {
		return tl, err
	}
	out, err := headless.Replay(f.e.Setup, l, headless.Options{OnEvents: tl.Observe})
	if err != nil {
		return tl, err
	}
	if out.Ticks != tick || out.Hash() != hash {
		return tl, fmt.Errorf("%w: journal replays to tick %d hash %016x, the drill ended at tick %d hash %016x",
			headless.ErrMismatch, out.Ticks, out.Hash(), tick, hash)
	}
	return tl, nil
}
