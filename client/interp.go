package client

import (
	"math"
	"sort"
	"sync"
	"time"

	"github.com/rescuedrill/rescuedrill/server/wire"
)

// DefaultDelaySnapshots is the default interpolation delay in snapshot
// intervals: a renderer draws the world 3 snapshot intervals (150 ms at
// 20 Hz) behind the newest tick the client estimates the server is at.
// Two intervals (docs/protocol.md §10) is the least that survives one lost
// datagram; the third absorbs Wi-Fi arrival jitter, which in a classroom is
// the common case. Options.InterpDelay overrides it.
const DefaultDelaySnapshots = 3

// HistorySize is how many decoded snapshots the interpolation buffer keeps
// (1.6 s at 20 Hz): far more than any delay needs, few enough to be cheap.
const HistorySize = 32

// EntityView is a participant or an NPC as a renderer draws it.
type EntityView struct {
	ID      uint32  // participant slot, or NPC index in Info.NPCs
	X, Y    float64 // metres from the map's north-west corner, x east, y south
	Heading float64 // degrees clockwise from north, 0 ≤ h < 360
	Status  uint8   // engine.Status of the newer snapshot
	Flags   uint8   // wire.Flag* bits of the newer snapshot
	Stage   uint8   // heat stage of the newer snapshot
}

// View is the world at one render tick: entity positions interpolated
// between the two snapshots around it; statuses, flags and globals from the
// newer one.
type View struct {
	Tick         float64 // the render tick sampled (clamped to the snapshots held)
	From, To     uint64  // ticks of the snapshots interpolated (equal when clamped)
	Alpha        float64 // 0 at From, 1 at To
	Globals      wire.Globals
	Participants []EntityView // sorted by ID
	NPCs         []EntityView // sorted by ID
}

// Participant returns the participant in slot, if present.
func (v View) Participant(slot int32) (EntityView, bool) { return find(v.Participants, slot) }

// NPC returns NPC i, if present.
func (v View) NPC(i int32) (EntityView, bool) { return find(v.NPCs, i) }

func find(es []EntityView, id int32) (EntityView, bool) {
	if id < 0 {
		return EntityView{}, false
	}
	k := sort.Search(len(es), func(i int) bool { return es[i].ID >= uint32(id) })
	if k < len(es) && es[k].ID == uint32(id) {
		return es[k], true
	}
	return EntityView{}, false
}

type frame struct {
	tick  uint64
	glob  wire.Globals
	parts []wire.Entity // shared with the decoder: read-only
	npcs  []wire.Entity
}

// Buffer keeps the last HistorySize decoded snapshots by tick and samples
// them for rendering. It also estimates the server's tick from the arrival
// times of snapshots (RenderTick). It is safe for concurrent use; the
// Client feeds one, and tests or tools can feed their own.
type Buffer struct {
	mu     sync.Mutex
	frames []frame // ascending ticks
	tickHz float64
	delay  float64 // in ticks

	// With the default delay (auto), the delay follows the interval the
	// server really sends at: a loaded server stretches it without a new
	// Welcome (docs/server.md, snapshot shedding). A gap seen three times
	// running is the interval; one longer gap is a lost datagram.
	auto      bool
	gap, runs uint64

	base   time.Time // local time origin of the clock estimate
	offset float64   // server tick ≈ offset + seconds since base × tickHz
	synced bool
}

// NewBuffer returns a buffer for a drill ticking at tickHz, rendering
// delay behind the estimated server tick (0: DefaultDelaySnapshots
// snapshot intervals at snapshotHz).
func NewBuffer(tickHz, snapshotHz int, delay time.Duration) *Buffer {
	if tickHz < 1 {
		tickHz = 20
	}
	if snapshotHz < 1 || snapshotHz > tickHz {
		snapshotHz = tickHz
	}
	d := delay.Seconds() * float64(tickHz)
	if delay <= 0 {
		d = DefaultDelaySnapshots * float64(tickHz) / float64(snapshotHz)
	}
	return &Buffer{tickHz: float64(tickHz), delay: d, auto: delay <= 0}
}

// noteGap follows the snapshot interval (Buffer.auto) from the tick gap
// between the newest snapshot and the one before.
func (b *Buffer) noteGap(g uint64) {
	if !b.auto || g == 0 || float64(g) > b.tickHz {
		return
	}
	if g == b.gap {
		b.runs++
	} else {
		b.gap, b.runs = g, 1
	}
	if b.runs >= 3 {
		b.delay = DefaultDelaySnapshots * float64(g)
	}
}

// DelayTicks is the interpolation delay in ticks.
func (b *Buffer) DelayTicks() float64 { return b.delay }

// Push adds a decoded snapshot that arrived at now. Snapshots must come in
// increasing tick order (the decoder drops stale ones); an older tick than
// the newest held (a server that restarted from its journal) starts the
// history afresh, an equal one replaces it.
func (b *Buffer) Push(s *wire.State, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f := frame{tick: s.Tick, glob: s.Globals, parts: s.Participants, npcs: s.NPCs}
	if n := len(b.frames); n > 0 {
		switch last := b.frames[n-1].tick; {
		case s.Tick == last:
			b.frames[n-1] = f
			return
		case s.Tick < last:
			b.frames = b.frames[:0]
			b.synced = false
		}
	}
	if len(b.frames) == HistorySize {
		copy(b.frames, b.frames[1:])
		b.frames = b.frames[:HistorySize-1]
	}
	if n := len(b.frames); n > 0 {
		b.noteGap(s.Tick - b.frames[n-1].tick)
	}
	b.frames = append(b.frames, f)
	b.observe(s.Tick, now)
}

// observe updates the estimate of the server's tick at local time now.
// The estimate follows arrivals slowly (so jitter does not make the render
// tick wobble or run backwards) and jumps when it is off by more than half
// a second (a stall, a reconnect, a paused drill resuming).
func (b *Buffer) observe(tick uint64, now time.Time) {
	if !b.synced {
		b.base, b.offset, b.synced = now, float64(tick), true
		return
	}
	sample := float64(tick) - now.Sub(b.base).Seconds()*b.tickHz
	d := sample - b.offset
	if math.Abs(d) > b.tickHz/2 {
		b.offset = sample
		return
	}
	b.offset += d * 0.05
}

// Reset forgets every snapshot (a new connection to another drill).
func (b *Buffer) Reset() {
	b.mu.Lock()
	b.frames, b.synced = b.frames[:0], false
	b.mu.Unlock()
}

// Newest is the tick of the newest snapshot held (0 when empty).
func (b *Buffer) Newest() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.frames) == 0 {
		return 0
	}
	return b.frames[len(b.frames)-1].tick
}

// RenderTick is the tick a renderer should draw at local time now: the
// estimated server tick minus the interpolation delay, never past the
// newest snapshot held (no extrapolation).
func (b *Buffer) RenderTick(now time.Time) float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.frames) == 0 {
		return 0
	}
	newest := float64(b.frames[len(b.frames)-1].tick)
	t := b.offset + now.Sub(b.base).Seconds()*b.tickHz - b.delay
	if !b.synced || t > newest {
		t = newest
	}
	return math.Max(t, 0)
}

// Sample returns the world at render tick t: positions lerped between the
// two snapshots around t, headings lerped the short way round, statuses,
// flags and globals from the newer. Before the oldest snapshot it returns
// the oldest, after the newest the newest (no extrapolation). An entity in
// only the newer snapshot appears at its position there; one in only the
// older (removed) is left out.
func (b *Buffer) Sample(t float64) View {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := len(b.frames)
	if n == 0 {
		return View{Tick: t}
	}
	oldest, newest := &b.frames[0], &b.frames[n-1]
	switch {
	case t >= float64(newest.tick):
		return single(newest)
	case t <= float64(oldest.tick):
		return single(oldest)
	}
	k := sort.Search(n, func(i int) bool { return float64(b.frames[i].tick) > t }) // 1 ≤ k < n
	a, c := &b.frames[k-1], &b.frames[k]
	alpha := (t - float64(a.tick)) / float64(c.tick-a.tick)
	return View{Tick: t, From: a.tick, To: c.tick, Alpha: alpha, Globals: c.glob,
		Participants: lerpEntities(a.parts, c.parts, alpha), NPCs: lerpEntities(a.npcs, c.npcs, alpha)}
}

func single(f *frame) View {
	return View{Tick: float64(f.tick), From: f.tick, To: f.tick, Alpha: 1, Globals: f.glob,
		Participants: lerpEntities(nil, f.parts, 1), NPCs: lerpEntities(nil, f.npcs, 1)}
}

// lerpEntities interpolates the entities of b (sorted by ID) from their
// state in a (sorted by ID) by alpha.
func lerpEntities(a, b []wire.Entity, alpha float64) []EntityView {
	if len(b) == 0 {
		return nil
	}
	out := make([]EntityView, len(b))
	i := 0
	for k := range b {
		e := &b[k]
		for i < len(a) && a[i].ID < e.ID {
			i++
		}
		v := EntityView{ID: e.ID, X: wire.Metres(e.X), Y: wire.Metres(e.Y), Heading: headingDeg(float64(e.Heading)),
			Status: e.Status, Flags: e.Flags, Stage: e.Stage}
		if i < len(a) && a[i].ID == e.ID && alpha < 1 {
			p := &a[i]
			v.X = Lerp(wire.Metres(p.X), v.X, alpha)
			v.Y = Lerp(wire.Metres(p.Y), v.Y, alpha)
			v.Heading = LerpHeading(headingDeg(float64(p.Heading)), v.Heading, alpha)
		}
		out[k] = v
	}
	return out
}

func headingDeg(steps float64) float64 { return steps * 360 / wire.HeadingSteps }

// Lerp is a + (b − a)·t.
func Lerp(a, b, t float64) float64 { return a + (b-a)*t }

// LerpHeading interpolates between headings a and b (degrees) the short
// way round, returning 0 ≤ h < 360: from 359° to 1° it passes 0°, not 180°.
func LerpHeading(a, b, t float64) float64 {
	d := math.Mod(b-a, 360)
	switch {
	case d > 180:
		d -= 360
	case d < -180:
		d += 360
	}
	h := math.Mod(a+d*t, 360)
	if h < 0 {
		h += 360
	}
	if h >= 360 { // −1e-15 + 360 rounds to 360
		h = 0
	}
	return h
}
