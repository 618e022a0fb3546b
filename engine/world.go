// Package engine is RescueDrill's deterministic core: a World stepped tick by
// tick with the participants' inputs, returning events. It does no I/O, reads
// no clock, starts no goroutine and draws random numbers only from the PCG it
// holds, so a scenario, a seed and an input log always give the same state
// hash, on every machine.
package engine

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/rescuedrill/rescuedrill/engine/statehash"
	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

// Version is folded into replay headers; bump it when the simulation changes
// so old replays fail loudly instead of diverging silently.
const Version = "rescuedrill-engine/1"

// Setup is a scenario with its terrain already loaded: everything the world
// needs, with no file left to read.
type Setup struct {
	Scenario *Scenario
	Map      *terrain.Map
}

// World is one drill in progress.
type World struct {
	sc       *Scenario
	m        *terrain.Map
	nx, ny   int
	cell     float64
	hz       int
	scale    float64 // hazard seconds per drill second
	endTick  uint64
	tick     uint64
	seed     uint64
	pcg      *rand.PCG
	rng      *rand.Rand
	walkable []bool // false for buildings and walls

	places   []place
	placeIdx map[string]int // lookup only; never iterated
	objects  []object
	objIdx   map[string]int
	people   []*Person
	npcs     []*NPC
	injects  []int // indices into sc.Injects in firing order
	nextInj  int
	fired    []bool // per sc.Injects index: has it fired
	firedAt  []uint64
	cues     []Cue
	haz      hazards
	score    *scorer
	navCache map[string]*navEntry // lookup only; never iterated
	events   []Event
	dropped  uint64 // invalid inputs dropped
	endNow   bool   // the facilitator ended the drill
	ended    bool
}

// NewWorld builds the world at tick 0. The seed feeds the world's PCG; the
// same setup and seed always build the same world.
func NewWorld(s Setup, seed uint64) (*World, error) {
	sc, m := s.Scenario, s.Map
	if sc == nil || m == nil || m.Elev == nil {
		return nil, errors.New("engine: setup needs a scenario and a map")
	}
	w := &World{
		sc: sc, m: m, nx: m.Elev.NX, ny: m.Elev.NY, cell: m.Elev.Cell,
		hz: sc.Hz(), scale: sc.TimeScale, seed: seed,
		placeIdx: map[string]int{}, objIdx: map[string]int{}, navCache: map[string]*navEntry{},
	}
	if w.hz < 10 || w.hz > 60 {
		return nil, fmt.Errorf("engine: tick_hz %d outside 10..60", w.hz)
	}
	if w.scale == 0 {
		w.scale = 1
	}
	if sc.Duration <= 0 {
		return nil, errors.New("engine: duration must be positive")
	}
	w.endTick = uint64(math.Ceil(float64(sc.Duration) * float64(w.hz)))
	w.pcg = rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)
	w.rng = rand.New(w.pcg)

	n := w.nx * w.ny
	w.walkable = make([]bool, n)
	for i := 0; i < n; i++ {
		w.walkable[i] = m.LandUse == nil || !terrain.Blocked(m.LandUse[i])
	}
	for i := range sc.Places {
		p, err := newPlace(&sc.Places[i], w)
		if err != nil {
			return nil, err
		}
		w.placeIdx[p.spec.ID] = len(w.places)
		w.places = append(w.places, p)
	}
	for i := range sc.Objects {
		o := &sc.Objects[i]
		if len(o.At) != 2 {
			return nil, fmt.Errorf("engine: object %s needs at: [x, y]", o.ID)
		}
		w.objIdx[o.ID] = len(w.objects)
		w.objects = append(w.objects, object{spec: o, x: o.At[0], y: o.At[1], left: o.Count})
	}
	w.injects = make([]int, len(sc.Injects))
	for i := range w.injects {
		w.injects[i] = i
	}
	sort.SliceStable(w.injects, func(a, b int) bool { return sc.Injects[w.injects[a]].At < sc.Injects[w.injects[b]].At })
	w.fired = make([]bool, len(sc.Injects))
	w.firedAt = make([]uint64, len(sc.Injects))
	if _, ok := w.placeIdx[sc.Spawn.Place]; !ok {
		return nil, fmt.Errorf("engine: spawn place %q is not defined", sc.Spawn.Place)
	}
	if err := w.initHazards(); err != nil {
		return nil, err
	}
	if err := w.initNPCs(); err != nil {
		return nil, err
	}
	w.score = newScorer(w)
	return w, nil
}

// Step applies the inputs for the current tick, advances the world by one
// tick and returns the events of that tick. Inputs whose Tick is not the
// current tick, or that are malformed, are dropped and counted: the world
// never fails on bad input. The returned slice is reused by the next Step.
func (w *World) Step(inputs []Input) []Event {
	w.events = w.events[:0]
	if w.ended {
		return w.events
	}
	for i := range inputs {
		in := &inputs[i]
		if in.Tick != w.tick || in.Validate() != nil {
			w.dropped++
			continue
		}
		w.apply(in)
	}
	w.fireInjects()
	w.stepHazards()
	w.stepPeople()
	w.stepNPCs()
	w.score.observe(w.events)
	w.tick++
	if w.tick >= w.endTick || w.endNow {
		w.ended = true
		w.emit(Event{Kind: EvDrillEnded, Who: -1})
		w.score.finish()
	}
	return w.events
}

func (w *World) emit(e Event) {
	e.Tick = w.tick
	w.events = append(w.events, e)
}

// apply turns one valid input into a change of state.
func (w *World) apply(in *Input) {
	switch in.Kind {
	case InputJoin:
		w.join(in)
		return
	case InputInject:
		if !w.FireInject(in.Action) {
			w.dropped++
		}
		return
	case InputWarn:
		if !w.injectWarning(in.Action, in.Target, "live") {
			w.dropped++
		}
		return
	case InputEnd:
		w.endNow = true // the tick completes, then the drill ends
		return
	}
	if int(in.Participant) >= len(w.people) {
		w.dropped++
		return
	}
	p := w.people[in.Participant]
	if p.Status == StatusLeft {
		w.dropped++
		return
	}
	switch in.Kind {
	case InputLeave:
		p.Status = StatusLeft
		w.emit(Event{Kind: EvLeft, Who: p.ID})
	case InputMove:
		p.MoveX, p.MoveY, p.Run = in.MoveX, in.MoveY, in.Run
	case InputLook:
		p.Heading = in.Heading
	case InputAct:
		w.act(p, in.Action, in.Target)
	case InputAnswer:
		w.answer(p, in.Action, in.Target)
	}
}

// join adds a participant in the next free slot at the spawn place. Slots
// are assigned in the order joins are applied, so the input log fixes them.
func (w *World) join(in *Input) {
	if int(in.Participant) != len(w.people) {
		w.dropped++ // joins must claim the next slot, in order
		return
	}
	if len(w.people) >= MaxParticipants {
		w.dropped++
		return
	}
	sp := &w.places[w.placeIdx[w.sc.Spawn.Place]]
	x, y := sp.spawnPoint(len(w.people), w)
	h := int32(math.Round(w.sc.Spawn.Heading*100)) % 36000
	if h < 0 {
		h += 36000
	}
	p := &Person{ID: in.Participant, Name: in.Target, Policy: in.Policy, X: x, Y: y, Heading: h, Joined: w.tick}
	p.init(w)
	w.people = append(w.people, p)
	w.emit(Event{Kind: EvJoined, Who: p.ID, Ref: p.Name, Level: p.Policy, X: x, Y: y})
}

// MaxParticipants bounds the roster of one drill.
const MaxParticipants = 64

// fireInjects fires every inject whose drill time has come.
func (w *World) fireInjects() {
	now := w.DrillTime()
	for w.nextInj < len(w.injects) {
		k := w.injects[w.nextInj]
		inj := &w.sc.Injects[k]
		if float64(inj.At) > now {
			return
		}
		w.nextInj++
		if !w.fired[k] { // fired early by the facilitator: once is enough
			w.fireInject(k)
		}
	}
}

// FireInject fires a scenario inject now, out of its scheduled order. It
// returns false for an unknown ID. A server must send the facilitator's live
// inject as an InputInject instead, so that it is journalled and replays.
func (w *World) FireInject(id string) bool {
	for k := range w.sc.Injects {
		if w.sc.Injects[k].ID == id {
			w.fireInject(k)
			return true
		}
	}
	return false
}

func (w *World) fireInject(k int) {
	inj := &w.sc.Injects[k]
	w.fired[k] = true
	w.firedAt[k] = w.tick
	switch inj.Kind {
	case "warning":
		if inj.Warning != nil {
			w.injectWarning(inj.Warning.Hazard, inj.Warning.Level, inj.ID)
		}
	case "message":
		w.emit(Event{Kind: EvMessage, Who: -1, Ref: inj.ID})
	case "prompt":
		w.emit(Event{Kind: EvPrompt, Who: -1, Ref: inj.ID})
	}
}

// answer records a participant's choice on a prompt that has been asked.
func (w *World) answer(p *Person, promptID, option string) {
	k := w.injectIndex(promptID)
	if k < 0 || !w.fired[k] || w.sc.Injects[k].Prompt == nil {
		w.dropped++
		return
	}
	if p.Answer(promptID) != "" {
		return // the first answer counts; later ones are ignored, not errors
	}
	correct, known := false, false
	for _, o := range w.sc.Injects[k].Prompt.Options {
		if o.ID == option {
			known, correct = true, o.Correct
		}
	}
	if !known {
		w.dropped++
		return
	}
	p.answers = append(p.answers, [2]string{promptID, option})
	w.emit(Event{Kind: EvAnswered, Who: p.ID, Ref: promptID, Level: option, OK: correct})
}

func (w *World) injectIndex(id string) int {
	for k := range w.sc.Injects {
		if w.sc.Injects[k].ID == id {
			return k
		}
	}
	return -1
}

// Tick is the number of ticks stepped so far.
func (w *World) Tick() uint64 { return w.tick }

// TickHz is the tick rate.
func (w *World) TickHz() int { return w.hz }

// EndTick is the tick at which the drill ends.
func (w *World) EndTick() uint64 { return w.endTick }

// Done reports whether the drill has ended.
func (w *World) Done() bool { return w.ended }

// DrillTime is the drill (wall-clock) time in seconds at the current tick.
func (w *World) DrillTime() float64 { return float64(w.tick) / float64(w.hz) }

// HazardTime is the hazard time in seconds at the current tick.
func (w *World) HazardTime() float64 { return float64(float64(w.tick)*w.scale) / float64(w.hz) }

// Scenario returns the scenario the world runs (read only).
func (w *World) Scenario() *Scenario { return w.sc }

// Map returns the terrain (read only).
func (w *World) Map() *terrain.Map { return w.m }

// People returns the participants (read only).
func (w *World) People() []*Person { return w.people }

// NPCs returns the non-player characters (read only).
func (w *World) NPCs() []*NPC { return w.npcs }

// Cues returns the precursor cues that have appeared (read only).
func (w *World) Cues() []Cue { return w.cues }

// Dropped counts inputs the world refused.
func (w *World) Dropped() uint64 { return w.dropped }

// InjectFired reports whether an inject has fired, and at which tick.
func (w *World) InjectFired(id string) (uint64, bool) {
	k := w.injectIndex(id)
	if k < 0 || !w.fired[k] {
		return 0, false
	}
	return w.firedAt[k], true
}

// Hash folds the whole state into 64 bits.
func (w *World) Hash() uint64 {
	h := statehash.New()
	h.String(Version)
	h.U64(w.tick)
	h.U64(w.seed)
	b, _ := w.pcg.MarshalBinary()
	h.String(string(b))
	h.Int(w.nextInj)
	for k := range w.fired {
		h.Bool(w.fired[k])
		h.U64(w.firedAt[k])
	}
	for i := range w.objects {
		h.Int(w.objects[i].left)
		h.Bool(w.objects[i].used)
	}
	for _, p := range w.people {
		p.hashInto(h)
	}
	for _, n := range w.npcs {
		n.hashInto(h)
	}
	for _, c := range w.cues {
		h.String(c.Kind)
		h.F64(c.X)
		h.F64(c.Y)
		h.U64(c.Tick)
		h.F64(c.Intensity)
	}
	w.haz.hashInto(h)
	w.score.hashInto(h)
	h.U64(w.dropped)
	h.Bool(w.endNow)
	h.Bool(w.ended)
	return h.Sum()
}
