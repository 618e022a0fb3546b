// Package bot holds scripted participants: pure input generators that read
// the world and return the inputs a person with a given habit would send.
// They play through exactly the same input path as people do, so their
// inputs are logged and replayed like anyone's, and the same bots drive
// headless runs, network load tests and scenario checks.
//
// Policies:
//   - good follows the guidance: answers prompts correctly, looks at warning
//     signs and reports them, prepares (power off, water), helps those in
//     need, and leaves for refuge when the scenario's guide says, avoiding
//     water.
//   - naive makes the common mistakes: ignores warnings until late, heads
//     for the tempting wrong place (basement, underpass, downhill road)
//     straight through water, keeps playing in the heat, never looks round
//     or helps, and picks a wrong answer.
//   - random wanders and answers at random.
package bot

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/dmath"
)

// Policies lists the known policy names.
var Policies = []string{"good", "naive", "random"}

// Bot is one scripted participant.
type Bot struct {
	ID     int32
	Policy string
	rng    *rand.Rand

	lastMX, lastMY int16
	lastRun        bool
	lastHeading    int32
	pending        []engine.Input // one action per decision, in order
	done           map[string]bool
	gone           bool // has left for refuge / trap
	nextDrink      float64
	answerAt       map[string]uint64
	wanderUntil    uint64
	lastDir        [2]float64
	lastLook       int32
}

// decideEvery is how often (ticks) a bot thinks: 5 Hz at 20 Hz, like a
// person's reaction rather than a machine's.
const decideEvery = 4

// New makes a bot for a participant slot. The seed makes its random choices
// repeatable.
func New(id int32, policy string, seed uint64) (*Bot, error) {
	switch policy {
	case "good", "naive", "random":
	default:
		return nil, fmt.Errorf("bot: unknown policy %q (want good, naive or random)", policy)
	}
	return &Bot{ID: id, Policy: policy, rng: rand.New(rand.NewPCG(seed, uint64(id)+1)),
		done: map[string]bool{}, answerAt: map[string]uint64{}}, nil
}

// Join is the input that brings the bot into the world.
func (b *Bot) Join(tick uint64, name string) engine.Input {
	return engine.Input{Tick: tick, Participant: b.ID, Kind: engine.InputJoin, Target: name, Policy: b.Policy}
}

// Inputs returns this tick's inputs for the bot (often none).
func (b *Bot) Inputs(w *engine.World) []engine.Input {
	if int(b.ID) >= len(w.People()) || w.Tick()%decideEvery != uint64(b.ID)%decideEvery {
		return nil
	}
	me := w.People()[b.ID]
	if me.Status != engine.StatusActive {
		return nil
	}
	var out []engine.Input
	var mx, my float64
	var run bool
	heading := me.Heading
	switch b.Policy {
	case "good":
		mx, my, run, heading, out = b.good(w, me, out)
	case "naive":
		mx, my, run, heading, out = b.naive(w, me, out)
	default:
		mx, my, run, heading, out = b.random(w, me, out)
	}
	out = b.answerPrompts(w, me, out)
	qx, qy := int16(math.Round(mx*1000)), int16(math.Round(my*1000))
	if qx != b.lastMX || qy != b.lastMY || run != b.lastRun {
		out = append(out, engine.Input{Kind: engine.InputMove, MoveX: qx, MoveY: qy, Run: run})
		b.lastMX, b.lastMY, b.lastRun = qx, qy, run
	}
	if heading != b.lastHeading {
		out = append(out, engine.Input{Kind: engine.InputLook, Heading: heading})
		b.lastHeading = heading
	}
	for i := range out {
		out[i].Tick, out[i].Participant = w.Tick(), b.ID
	}
	return out
}

// answerPrompts answers each fired prompt after a human-like pause: the
// good bot picks a correct option, the naive one a wrong one, random any.
func (b *Bot) answerPrompts(w *engine.World, me *engine.Person, out []engine.Input) []engine.Input {
	sc := w.Scenario()
	for i := range sc.Injects {
		inj := &sc.Injects[i]
		if inj.Prompt == nil || me.Answer(inj.ID) != "" {
			continue
		}
		fired, ok := w.InjectFired(inj.ID)
		if !ok {
			continue
		}
		at, planned := b.answerAt[inj.ID]
		if !planned {
			at = fired + uint64(w.TickHz())*uint64(2+b.rng.IntN(6))
			b.answerAt[inj.ID] = at
		}
		if w.Tick() < at {
			continue
		}
		opts := inj.Prompt.Options
		var pick string
		switch b.Policy {
		case "good":
			for _, o := range opts {
				if o.Correct {
					pick = o.ID
					break
				}
			}
		case "naive":
			for _, o := range opts {
				if !o.Correct {
					pick = o.ID
					break
				}
			}
		}
		if pick == "" {
			pick = opts[b.rng.IntN(len(opts))].ID
		}
		out = append(out, engine.Input{Kind: engine.InputAnswer, Action: inj.ID, Target: pick})
	}
	return out
}

// steer returns a unit direction toward the nearest of the places along
// the field, or toward the place centre in a straight line when the field
// gives no direction.
func steer(w *engine.World, me *engine.Person, avoidWater bool, places ...string) (float64, float64, bool) {
	f := w.Nav(avoidWater, places...)
	if dx, dy, ok := f.Direction(me.X, me.Y); ok {
		return dx, dy, true
	}
	// On a goal cell whose centre is inside the place while the person is
	// not: step straight toward the nearest place's centre.
	best, bx, by := math.Inf(1), 0.0, 0.0
	for _, id := range places {
		if _, cx, cy, ok := w.Place(id); ok {
			if _, _, d := towards(me, cx, cy); d < best {
				best, bx, by = d, cx, cy
			}
		}
	}
	if math.IsInf(best, 1) || best < 0.5 {
		return 0, 0, false
	}
	dx, dy, _ := towards(me, bx, by)
	return dx, dy, true
}

// towards returns the unit vector from the participant to (x, y) and the
// distance.
func towards(me *engine.Person, x, y float64) (float64, float64, float64) {
	dx, dy := x-me.X, y-me.Y
	d := math.Sqrt(float64(dx*dx) + float64(dy*dy)) // unfused: bots decide alike on every machine
	if d == 0 {
		return 0, 0, 0
	}
	return dx / d, dy / d, d
}

// inAny reports whether the participant stands in any of the places.
func inAny(w *engine.World, me *engine.Person, places []string) bool {
	for _, id := range places {
		if i := w.PlaceIndex(id); i >= 0 && me.InPlace(i) {
			return true
		}
	}
	return false
}

func (b *Bot) act(action, target string) engine.Input {
	return engine.Input{Kind: engine.InputAct, Action: action, Target: target}
}

// random wanders: a new direction every few seconds, sometimes standing.
func (b *Bot) random(w *engine.World, me *engine.Person, out []engine.Input) (float64, float64, bool, int32, []engine.Input) {
	if w.Tick() >= b.wanderUntil {
		b.wanderUntil = w.Tick() + uint64(w.TickHz())*uint64(2+b.rng.IntN(8))
		if b.rng.IntN(4) == 0 {
			b.lastDir = [2]float64{}
		} else {
			a := b.rng.Float64() * (2 * math.Pi) // one product: x*2 would become x+x and fuse
			b.lastDir = [2]float64{dmath.Sin(a), -dmath.Cos(a)}
		}
		b.lastLook = int32(b.rng.IntN(36000))
	}
	return b.lastDir[0], b.lastDir[1], b.rng.IntN(3) == 0, b.lastLook, out
}
