package bot

import (
	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/dmath"
)

// drinkEvery is how often (drill seconds) the good bot drinks in the heat.
const drinkEvery = 120

// good plays as the guidance says. It works through the scenario's tasks in
// a fixed priority: look at what needs noticing, care for people in need,
// prepare, then go to refuge.
func (b *Bot) good(w *engine.World, me *engine.Person, out []engine.Input) (float64, float64, bool, int32, []engine.Input) {
	sc := w.Scenario()
	heading := me.Heading
	// Look at the newest warning sign or symptomatic NPC not yet noticed.
	if x, y, ok := b.somethingToNotice(w, me); ok {
		heading = engine.HeadingTo(me.X, me.Y, x, y)
	}
	// Actions that need no walking.
	for oi := range sc.Objectives {
		for ti := range sc.Objectives[oi].Tasks {
			t := &sc.Objectives[oi].Tasks[ti]
			if t.Rule != "action" || b.done[t.Action+"/"+t.Target] || !w.TaskTriggered(t, me) {
				continue
			}
			switch t.Action {
			case engine.ActCall120:
				b.done[t.Action+"/"+t.Target] = true
				out = append(out, b.act(t.Action, t.Target))
			case engine.ActReportHazard:
				if len(w.Cues()) > 0 && me.Noticed(w.Cues()[len(w.Cues())-1].Kind) {
					b.done[t.Action+"/"+t.Target] = true
					out = append(out, b.act(t.Action, ""))
				}
			}
		}
	}
	if me.Water > 0 && w.DrillTime() >= b.nextDrink && me.HasBody {
		b.nextDrink = w.DrillTime() + drinkEvery
		out = append(out, b.act(engine.ActDrink, ""))
	}
	// Care for an NPC who needs it.
	if n := b.careTarget(w, me); n != nil {
		if dx, dy, d := approach(w, me, n.X, n.Y); d > 2 {
			return dx, dy, true, heading, out
		}
		for _, a := range b.careActions(w, me, n) {
			out = append(out, b.act(a, n.ID))
		}
		return 0, 0, false, engine.HeadingTo(me.X, me.Y, n.X, n.Y), out
	}
	// Prepare: act on the guide's objects before leaving.
	if sc.Guide != nil && !b.gone {
		for _, id := range sc.Guide.Prepare {
			if b.done["prep/"+id] {
				continue
			}
			x, y, _, ok := w.ObjectState(id)
			if !ok {
				b.done["prep/"+id] = true
				continue
			}
			if dx, dy, d := approach(w, me, x, y); d > 2 {
				return dx, dy, false, heading, out
			}
			b.done["prep/"+id] = true
			out = append(out, b.act(prepAction(sc, id), id))
			return 0, 0, false, heading, out
		}
	}
	// Go to refuge when the guide says.
	if sc.Guide != nil && (b.gone || goTime(w, me, sc.Guide.GoAt)) {
		b.gone = true
		if inAny(w, me, sc.Guide.Refuge) {
			if me.HasBody && !me.Resting {
				out = append(out, b.act(engine.ActRest, ""))
			}
			return 0, 0, false, heading, out
		}
		dx, dy, ok := steer(w, me, true, sc.Guide.Refuge...)
		if !ok {
			dx, dy, ok = steer(w, me, false, sc.Guide.Refuge...)
		}
		if ok {
			return dx, dy, urgent(w), heading, out
		}
	}
	return 0, 0, false, heading, out
}

// naive makes the common mistakes.
func (b *Bot) naive(w *engine.World, me *engine.Person, out []engine.Input) (float64, float64, bool, int32, []engine.Input) {
	sc := w.Scenario()
	if sc.Hazard == "heat" {
		// Keeps playing: laps around where it started, at a run.
		a := float64(w.Tick()) / float64(w.TickHz()) / 6
		return dmath.Cos(a), dmath.Sin(a), true, me.Heading, out
	}
	if !b.gone && !(w.WarningLevel() >= 4 && w.DrillTime() > b.redSeen(w)+30) && !w.SlideStarted() {
		return 0, 0, false, me.Heading, out
	}
	b.gone = true
	// Goes back for belongings first, when there are any.
	for i := range sc.Objects {
		o := &sc.Objects[i]
		if o.Kind != "belongings" || b.done["bel/"+o.ID] {
			continue
		}
		if dx, dy, d := approach(w, me, o.At[0], o.At[1]); d > 2 {
			return dx, dy, false, me.Heading, out
		}
		b.done["bel/"+o.ID] = true
		out = append(out, b.act(engine.ActTakeBelongings, o.ID))
		return 0, 0, false, me.Heading, out
	}
	if sc.Guide == nil || len(sc.Guide.Trap) == 0 {
		return 0, 0, false, me.Heading, out
	}
	// Waits where it is until the slope actually moves, then panics and
	// runs the easy way: downhill, along the slide's path.
	if sc.Hazard == "landslide" && !w.SlideStarted() {
		return 0, 0, false, me.Heading, out
	}
	if inAny(w, me, sc.Guide.Trap) {
		return 0, 0, false, me.Heading, out
	}
	if dx, dy, ok := steer(w, me, false, sc.Guide.Trap...); ok {
		return dx, dy, true, me.Heading, out
	}
	return 0, 0, false, me.Heading, out
}

func (b *Bot) redSeen(w *engine.World) float64 {
	if t, ok := w.WarningSince(4); ok {
		return float64(t) / float64(w.TickHz())
	}
	return 1e18
}

// somethingToNotice returns the position of a cue or a symptomatic NPC the
// bot has not noticed yet and could see from here.
func (b *Bot) somethingToNotice(w *engine.World, me *engine.Person) (float64, float64, bool) {
	cues := w.Cues()
	for i := len(cues) - 1; i >= 0; i-- {
		c := cues[i]
		if !me.Noticed(c.Kind) && near(me, c.X, c.Y, 300) {
			return c.X, c.Y, true
		}
	}
	for _, n := range w.NPCs() {
		if n.Symptoms != "" && !me.Noticed(n.ID) && near(me, n.X, n.Y, 60) {
			return n.X, n.Y, true
		}
	}
	return 0, 0, false
}

// careTarget picks the NPC the good bot should go to: a symptomatic or
// collapsed classmate, or an elder a task asks to help once its trigger has
// come. It returns nil when nobody needs the bot.
func (b *Bot) careTarget(w *engine.World, me *engine.Person) *engine.NPC {
	sc := w.Scenario()
	for oi := range sc.Objectives {
		for ti := range sc.Objectives[oi].Tasks {
			t := &sc.Objectives[oi].Tasks[ti]
			if t.Rule != "help" || t.Target == "" || !w.TaskTriggered(t, me) {
				continue
			}
			n := w.NPC(t.Target)
			if n == nil || b.done["care/"+n.ID] {
				continue
			}
			if n.Kind == "classmate" && n.Symptoms == "" && !n.FirstAid {
				continue
			}
			return n
		}
	}
	return nil
}

// careActions lists what to do on reaching an NPC, once.
func (b *Bot) careActions(w *engine.World, me *engine.Person, n *engine.NPC) []string {
	b.done["care/"+n.ID] = true
	if n.Kind != "classmate" {
		return []string{engine.ActHelp}
	}
	acts := []string{engine.ActMoveToShade, engine.ActHelp}
	if me.Water > 0 && n.Status == engine.StatusActive {
		acts = append(acts, engine.ActGiveWater)
	}
	return acts
}

// goTime reports whether the guide's moment to leave has come.
func goTime(w *engine.World, me *engine.Person, at string) bool {
	switch at {
	case "", "start":
		return true
	case "cue":
		return len(w.Cues()) > 0 || w.SlideStarted()
	}
	rank := map[string]int{"blue": 1, "yellow": 2, "orange": 3, "red": 4}[at]
	return w.WarningLevel() >= rank || w.SlideStarted()
}

// urgent: run when the warning is red or a slide is moving.
func urgent(w *engine.World) bool { return w.WarningLevel() >= 4 || w.SlideStarted() }

func prepAction(sc *engine.Scenario, id string) string {
	for i := range sc.Objects {
		if sc.Objects[i].ID == id {
			switch sc.Objects[i].Kind {
			case "power_switch":
				return engine.ActSwitchOffPower
			case "water":
				return engine.ActTakeWater
			case "belongings":
				return engine.ActTakeBelongings
			}
		}
	}
	return engine.ActTakeWater
}

func near(me *engine.Person, x, y, d float64) bool {
	dx, dy := x-me.X, y-me.Y
	return float64(dx*dx)+float64(dy*dy) <= float64(d*d)
}

// approach returns a direction toward a point and the distance to it. Close
// by it walks straight; further away it follows the navigation field of the
// places around the point, so walls and buildings are walked round.
func approach(w *engine.World, me *engine.Person, x, y float64) (float64, float64, float64) {
	dx, dy, d := towards(me, x, y)
	if d <= 8 {
		return dx, dy, d
	}
	for _, id := range w.PlaceAt(x, y) {
		if i := w.PlaceIndex(id); i >= 0 && me.InPlace(i) {
			return dx, dy, d // already in the target's place: the field is flat here
		}
	}
	if ids := w.PlaceAt(x, y); len(ids) > 0 {
		if fx, fy, ok := w.Nav(true, ids...).Direction(me.X, me.Y); ok {
			return fx, fy, d
		}
	}
	return dx, dy, d
}
