package engine

import "github.com/rescuedrill/rescuedrill/engine/heat"

// Action names a participant can send with InputAct.
const (
	ActSwitchOffPower = "switch_off_power"
	ActTakeWater      = "take_water"
	ActDrink          = "drink"
	ActCall120        = "call_120"
	ActReportHazard   = "report_hazard"
	ActHelp           = "help"
	ActGiveWater      = "give_water"
	ActMoveToShade    = "move_to_shade"
	ActRest           = "rest"
	ActTakeBelongings = "take_belongings"
)

// maxWater is how many bottles a participant can carry.
const maxWater = 3

// act performs an action. Every action produces an EvAction whose OK says
// whether it had an effect, so scoring and the report can tell a real
// "switched off the power" from a button pressed in the wrong room.
func (w *World) act(p *Person, action, target string) {
	if p.Status != StatusActive {
		w.emit(Event{Kind: EvAction, Who: p.ID, Ref: action, Level: target})
		return
	}
	ok := false
	switch action {
	case ActSwitchOffPower:
		// Every participant who reaches the switch and turns it off has done
		// the right thing, even if a classmate got there first.
		if o := w.nearObject(p, target, "power_switch"); o != nil {
			o.used, ok, target = true, true, o.spec.ID
		}
	case ActTakeWater:
		if p.Water < maxWater {
			if o := w.nearObject(p, target, "water"); o != nil && (o.spec.Count == 0 || o.left > 0) {
				if o.spec.Count > 0 {
					o.left--
				}
				p.Water++
				ok, target = true, o.spec.ID
			} else if w.inKind(p.X, p.Y, "water_station") {
				p.Water++
				ok = true
			}
		}
	case ActDrink:
		if p.Water > 0 {
			p.Water--
			if p.HasBody {
				p.Body.WaterDrunkKg += bottleKg
			}
			ok = true
		}
	case ActCall120:
		ok = true // a phone always dials; scoring decides whether it was needed
	case ActReportHazard:
		// A "safety sentinel" report counts when a cue is in view.
		hx, hy := HeadingVector(p.Heading)
		for i := range w.cues {
			if inView(p.X, p.Y, hx, hy, w.cues[i].X, w.cues[i].Y, cueRange(w.cues[i].Kind)) {
				ok, target = true, w.cues[i].Kind
				break
			}
		}
	case ActHelp, ActGiveWater, ActMoveToShade:
		if n := w.nearNPC(p, target); n != nil {
			ok = w.helpNPC(p, n, action)
			target = n.ID
		}
	case ActRest:
		p.Resting, p.MoveX, p.MoveY = true, 0, 0
		ok = true
	case ActTakeBelongings:
		if o := w.nearObject(p, target, "belongings"); o != nil {
			o.used, ok, target = true, true, o.spec.ID
		}
	default:
		w.dropped++
		return
	}
	w.emit(Event{Kind: EvAction, Who: p.ID, Ref: action, Level: target, OK: ok, X: p.X, Y: p.Y})
}

// nearObject returns the named object, or the nearest object of a kind,
// within reach of the participant.
func (w *World) nearObject(p *Person, id, kind string) *object {
	var best *object
	bestD := reach * reach
	for i := range w.objects {
		o := &w.objects[i]
		if (id != "" && o.spec.ID != id) || (id == "" && o.spec.Kind != kind) {
			continue
		}
		dx, dy := o.x-p.X, o.y-p.Y
		if d := float64(dx*dx) + float64(dy*dy); d <= bestD {
			best, bestD = o, d
		}
	}
	return best
}

// nearNPC returns the named NPC, or the nearest NPC, within reach.
func (w *World) nearNPC(p *Person, id string) *NPC {
	var best *NPC
	bestD := reach * reach
	for _, n := range w.npcs {
		if id != "" && n.ID != id {
			continue
		}
		dx, dy := n.X-p.X, n.Y-p.Y
		if d := float64(dx*dx) + float64(dy*dy); d <= bestD {
			best, bestD = n, d
		}
	}
	return best
}

// helpNPC applies a helping action to an NPC and reports whether it did
// anything: an elder or a crowd member follows the helper; a classmate with
// heat illness is moved to shade, given water and cooled.
func (w *World) helpNPC(p *Person, n *NPC, action string) bool {
	switch n.Kind {
	case "elder", "crowd":
		if action != ActHelp || n.Status != StatusActive {
			return false
		}
		// The first helper leads; others who come to help are credited too.
		if n.Leader < 0 {
			n.Leader = p.ID
		}
		w.emit(Event{Kind: EvHelped, Who: p.ID, NPC: n.ID, Ref: n.ID, X: n.X, Y: n.Y})
		return true
	case "classmate":
		if !n.HasBody {
			return false
		}
		switch action {
		case ActGiveWater:
			if p.Water == 0 || n.Body.Stage >= heat.StageHeatStroke {
				return false // never give water to someone who is not fully conscious
			}
			p.Water--
			n.Body.WaterDrunkKg += bottleKg
		case ActMoveToShade:
			n.FirstAid = true
			n.Leader = p.ID
		case ActHelp:
			n.FirstAid = true
		}
		w.emit(Event{Kind: EvHelped, Who: p.ID, NPC: n.ID, Ref: n.ID, Level: action, X: n.X, Y: n.Y})
		return true
	}
	return false
}

// bottleKg is the water in one bottle a participant carries.
const bottleKg = 0.5

// newChildBody is a 12-year-old pupil: 40 kg, 1.50 m, not acclimatised.
func newChildBody() heat.Body { return heat.NewBody(40, 1.50, false) }

// newClassmateBody is the classmate who will fall ill: slighter, already
// warm and a little dry from the morning's events, in sports kit.
func newClassmateBody() heat.Body {
	b := heat.NewBody(34, 1.42, false)
	b.ClothingClo = 0.3
	b.CoreC, b.PeakCoreC = 37.6, 37.6
	b.SweatLossKg = 0.5
	return b
}
