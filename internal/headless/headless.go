// Package headless runs drills without a screen or a network: scripted bots
// play a scenario as fast as the machine allows, every input goes to a
// replay log, and a replay is re-simulated and checked against its hashes.
// It is what `drill run` and `drill replay` do, and what tests and
// benchmarks call.
package headless

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/bot"
	"github.com/rescuedrill/rescuedrill/engine/replay"
)

// BotSpec asks for Count bots with one policy.
type BotSpec struct {
	Policy string
	Count  int
}

// ParseBots reads "good:20,naive:20".
func ParseBots(s string) ([]BotSpec, error) {
	var out []BotSpec
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		pol, num, ok := strings.Cut(part, ":")
		if !ok {
			return nil, fmt.Errorf("bots %q: write policy:count, such as good:20", part)
		}
		n, err := strconv.Atoi(num)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("bots %q: count must be a whole number ≥ 0", part)
		}
		if _, err := bot.New(0, pol, 0); err != nil {
			return nil, err
		}
		out = append(out, BotSpec{Policy: pol, Count: n})
	}
	return out, nil
}

// Options shape a headless run.
type Options struct {
	Seed uint64
	Bots []BotSpec
	// Log receives every input, a checkpoint hash every CheckpointEvery
	// ticks and the final hash; nil for none.
	Log             *replay.Writer
	CheckpointEvery uint64
	// AtTimes (drill seconds) calls OnTime once the drill reaches each time.
	AtTimes []float64
	OnTime  func(t float64, w *engine.World) error
	// OnEvents sees every tick's events (for transcripts); may be nil.
	OnEvents func(tick uint64, evs []engine.Event)
	// StopAt, when not zero, stops the drill early at this tick, for quick
	// checks; the scores are then provisional.
	StopAt uint64
}

// Outcome is what a run or a replay produced.
type Outcome struct {
	Scenario     string          `json:"scenario"`
	Seed         uint64          `json:"seed"`
	TickHz       int             `json:"tick_hz"`
	Ticks        uint64          `json:"ticks"`
	FinalHash    string          `json:"final_hash"`
	Participants []engine.Result `json:"participants"`
	Dropped      uint64          `json:"dropped_inputs,omitempty"`
	hash         uint64
}

// Hash is the final state hash as a number.
func (o *Outcome) Hash() uint64 { return o.hash }

// DefaultCheckpointEvery is one checkpoint per 10 s of drill at 20 Hz.
const DefaultCheckpointEvery = 200

// Run plays a scenario with bots to the end.
func Run(s engine.Setup, name string, o Options) (*Outcome, error) {
	w, err := engine.NewWorld(s, o.Seed)
	if err != nil {
		return nil, err
	}
	var bots []*bot.Bot
	var joins []engine.Input
	counts := map[string]int{}
	for _, spec := range o.Bots {
		for k := 0; k < spec.Count; k++ {
			id := int32(len(bots))
			b, err := bot.New(id, spec.Policy, o.Seed)
			if err != nil {
				return nil, err
			}
			counts[spec.Policy]++
			bots = append(bots, b)
			joins = append(joins, b.Join(0, fmt.Sprintf("%s-%02d", spec.Policy, counts[spec.Policy])))
		}
	}
	if len(bots) > engine.MaxParticipants {
		return nil, fmt.Errorf("%d bots: a drill holds at most %d participants", len(bots), engine.MaxParticipants)
	}
	every := o.CheckpointEvery
	if every == 0 {
		every = DefaultCheckpointEvery
	}
	times := append([]float64(nil), o.AtTimes...)
	sort.Float64s(times)
	inputs := joins
	for !w.Done() && (o.StopAt == 0 || w.Tick() < o.StopAt) {
		if len(times) > 0 && w.DrillTime() >= times[0] {
			if err := o.OnTime(times[0], w); err != nil {
				return nil, err
			}
			times = times[1:]
		}
		if w.Tick() > 0 {
			inputs = inputs[:0]
			for _, b := range bots {
				inputs = append(inputs, b.Inputs(w)...)
			}
		}
		if o.Log != nil {
			for _, in := range inputs {
				if err := o.Log.Input(in); err != nil {
					return nil, err
				}
			}
		}
		evs := w.Step(inputs)
		if o.OnEvents != nil {
			o.OnEvents(w.Tick()-1, evs)
		}
		// A checkpoint names the tick whose inputs it follows (replay format).
		if o.Log != nil && w.Tick()%every == 0 && !w.Done() {
			if err := o.Log.Checkpoint(w.Tick()-1, w.Hash()); err != nil {
				return nil, err
			}
		}
	}
	for _, t := range times {
		if err := o.OnTime(t, w); err != nil {
			return nil, err
		}
	}
	out := outcome(w, name, o.Seed)
	if o.Log != nil {
		if err := o.Log.End(w.Tick(), out.hash); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func outcome(w *engine.World, name string, seed uint64) *Outcome {
	h := w.Hash()
	return &Outcome{Scenario: name, Seed: seed, TickHz: w.TickHz(), Ticks: w.Tick(),
		FinalHash: fmt.Sprintf("%016x", h), hash: h, Participants: w.Results(), Dropped: w.Dropped()}
}

// ErrMismatch is returned when a replay's state hash differs from the one
// recorded.
var ErrMismatch = errors.New("replay: state hash mismatch")

// Replay re-simulates a log and checks every checkpoint and the end hash.
// Without an End record (a journal cut short) it replays what there is.
func Replay(s engine.Setup, l *replay.Log, o Options) (*Outcome, error) {
	w, err := engine.NewWorld(s, l.Header.Seed)
	if err != nil {
		return nil, err
	}
	if w.TickHz() != l.Header.TickHz {
		return nil, fmt.Errorf("replay: recorded at %d Hz but the scenario runs at %d Hz", l.Header.TickHz, w.TickHz())
	}
	cps := l.Checkpoints
	in := l.Inputs
	last := uint64(0)
	if len(in) > 0 {
		last = in[len(in)-1].Tick
	}
	if l.End != nil && l.End.Tick > last {
		last = l.End.Tick
	}
	for !w.Done() && (l.End != nil || w.Tick() <= last) {
		k := 0
		for k < len(in) && in[k].Tick == w.Tick() {
			k++
		}
		evs := w.Step(in[:k])
		if o.OnEvents != nil {
			o.OnEvents(w.Tick()-1, evs)
		}
		in = in[k:]
		for len(cps) > 0 && cps[0].Tick == w.Tick()-1 {
			if h := w.Hash(); h != cps[0].Hash {
				return nil, fmt.Errorf("%w at tick %d: recorded %016x, replayed %016x", ErrMismatch, w.Tick(), cps[0].Hash, h)
			}
			cps = cps[1:]
		}
		if l.End != nil && w.Tick() == l.End.Tick {
			break
		}
	}
	out := outcome(w, l.Header.Scenario, l.Header.Seed)
	if l.End != nil && (out.Ticks != l.End.Tick || out.hash != l.End.Hash) {
		return out, fmt.Errorf("%w at the end (tick %d): recorded %016x, replayed %016x", ErrMismatch, out.Ticks, l.End.Hash, out.hash)
	}
	return out, nil
}
