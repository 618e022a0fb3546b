package loadtest

import (
	"context"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// A load bot is a light participant: a client.Client (the real library,
// so snapshots are decoded, acknowledged and delta-compressed for real)
// that walks a square — east, south, west, north, a side every 1.5–2.5 s —
// and answers every prompt with its first option. Unlike internal/netbot
// it keeps no lockstep mirror of the engine, so a thousand of them fit on
// the cores the server also uses.
//
// Each turn is a new intent whose heading (a quarter turn from the last)
// is the sequence mark: the time from SetIntent (which sends a Pose at
// once) to the first decoded snapshot showing the bot's own entity with
// that heading is the input-to-echo latency — the server queued the pose,
// stepped a tick with it, captured and encoded a snapshot, and the client
// received and decoded it.
type bot struct {
	c     *client.Client
	slot  uint32
	side  time.Duration // how long one side of the square takes
	drill string        // its drill's ID

	// Driven by the one driver goroutine only.
	leg      int       // 0 east, 1 south, 2 west, 3 north
	next     time.Time // when to turn
	pending  bool      // an intent waits for its echo
	want     uint16    // the heading it waits for (wire steps)
	sentAt   time.Time
	timeouts int
}

// legs are the square's sides: move (thousandths east, south) and heading
// (centidegrees; multiples of 90° are exact in the wire's 1/1024 turn).
var legs = [4]struct {
	mx, my  int16
	heading uint16
	steps   uint16
}{{1000, 0, 9000, 256}, {0, 1000, 18000, 512}, {-1000, 0, 27000, 768}, {0, -1000, 0, 0}}

// echoTimeout: an intent not echoed by then is counted as lost (a bot swept
// away by the water still turns, so this is datagram loss or overload).
const echoTimeout = 3 * time.Second

// ownHeading finds the bot's own entity in the newest snapshot.
func (b *bot) ownHeading() (uint16, bool) {
	st := b.c.Latest()
	if st == nil {
		return 0, false
	}
	ps := st.Participants
	i := sort.Search(len(ps), func(i int) bool { return ps[i].ID >= b.slot })
	if i < len(ps) && ps[i].ID == b.slot {
		return ps[i].Heading, true
	}
	return 0, false
}

// driver walks every bot and watches for echoes from one goroutine: a
// timer per bot would cost a thousand wake-ups where one loop costs one.
type driver struct {
	mu      sync.Mutex // guards bots: drills start one after another
	bots    []*bot
	measure atomic.Bool // record latencies only inside the window
	echo    latencies
	lost    atomic.Int64
}

// pollEvery bounds the echo timer's resolution.
const pollEvery = 2 * time.Millisecond

func (d *driver) run(ctx context.Context) {
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			now := time.Now()
			d.mu.Lock()
			for _, b := range d.bots {
				d.drive(b, now)
			}
			d.mu.Unlock()
		}
	}
}

// add starts the bots of a drill that has just started (nil entries are
// bots that could not join).
func (d *driver) add(bots []*bot) {
	now := time.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, b := range bots {
		if b != nil {
			b.next = now
			d.bots = append(d.bots, b)
		}
	}
}

func (d *driver) drive(b *bot, now time.Time) {
	if b.pending {
		if h, ok := b.ownHeading(); ok && h == b.want {
			b.pending = false
			if d.measure.Load() {
				// time.Since, not the ticker's now: on a starved machine the
				// tick may be older than the send.
				d.echo.add(time.Since(b.sentAt))
			}
		} else if now.Sub(b.sentAt) > echoTimeout {
			b.pending = false
			if d.measure.Load() {
				d.lost.Add(1)
			}
		}
		return
	}
	if now.Before(b.next) {
		return
	}
	b.leg = (b.leg + 1) % len(legs)
	l := legs[b.leg]
	b.want, b.sentAt, b.pending = l.steps, time.Now(), true
	b.next = now.Add(b.side)
	b.c.SetIntent(l.mx, l.my, false, l.heading)
}

// answerer answers prompts: each PromptEvent gets its first option, and
// the time to the ChoiceAck (sent after the journal synced) is recorded.
type answerer struct {
	mu      sync.Mutex
	c       *client.Client
	measure *atomic.Bool
	lat     *latencies
	refused *atomic.Int64
	stopped *atomic.Bool
	wg      *sync.WaitGroup
	ctx     context.Context
}

func (a *answerer) onEvent(ev client.Event) {
	p, ok := ev.(client.PromptEvent)
	if !ok || len(p.Options) == 0 {
		return
	}
	a.mu.Lock()
	c := a.c
	a.mu.Unlock()
	if c == nil || a.stopped.Load() {
		return // not joined yet, or the run is being counted (WaitGroup: no Add during Wait)
	}
	a.wg.Add(1)
	go func() { // OnEvent must not block
		defer a.wg.Done()
		ctx, cancel := context.WithTimeout(a.ctx, 10*time.Second)
		defer cancel()
		start, inWindow := time.Now(), a.measure.Load() // counted if asked inside the window
		ack, err := c.Choose(ctx, wire.ChoiceAnswer, p.Inject, p.Options[0].ID)
		if !inWindow {
			return
		}
		if err != nil || ack.Result != wire.Accepted {
			a.refused.Add(1)
			return
		}
		a.lat.add(time.Since(start))
	}()
}
