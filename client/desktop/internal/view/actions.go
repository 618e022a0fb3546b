package view

import (
	"math"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// Reach is how near (m) an object or a person must be to act on it: the
// engine's reach, so a button is offered only where pressing it works.
const Reach = 3.0

// Action is one button of the action bar: a key, a label and the choice it
// sends (wire.ChoiceAct with Act on Target).
type Action struct {
	Key    string // keyboard shortcut shown on the button ("E", "H" …)
	Act    string // engine action name
	Target string // object or NPC ID; "" for actions on nobody
	Label  string
}

// ActionsNear lists what the participant at (x, y) can do: the object or
// person within reach first (E, H, G, J), then what is always possible
// (R report a hazard, C call 120) and, in heat drills, drink (Q) and rest
// (Z). The scene shows them as large buttons with their keys.
func ActionsNear(sc *engine.Scenario, npcs []wire.NPCInfo, npcViews []client.EntityView, x, y float64, lang Lang) []Action {
	var out []Action
	if sc == nil {
		return out
	}
	best, bestD := -1, Reach
	for i, o := range sc.Objects {
		if len(o.At) < 2 {
			continue
		}
		if d := math.Hypot(o.At[0]-x, o.At[1]-y); d <= bestD {
			best, bestD = i, d
		}
	}
	if best >= 0 {
		o := sc.Objects[best]
		name := lang.Two(o.Name.ZH, o.Name.EN)
		switch o.Kind {
		case "power_switch":
			out = append(out, Action{"E", engine.ActSwitchOffPower, o.ID, lang.T("act_power") + " · " + name})
		case "water":
			out = append(out, Action{"E", engine.ActTakeWater, o.ID, lang.T("act_water") + " · " + name})
		case "belongings":
			out = append(out, Action{"E", engine.ActTakeBelongings, o.ID, lang.T("act_belongings") + " · " + name})
		}
	} else if inPlaceKind(sc, "water_station", x, y) {
		out = append(out, Action{"E", engine.ActTakeWater, "", lang.T("act_water")})
	}
	nb, nd := -1, Reach
	for _, n := range npcViews {
		if n.Status != 0 {
			continue
		}
		if d := math.Hypot(n.X-x, n.Y-y); d <= nd {
			nb, nd = int(n.ID), d
		}
	}
	if nb >= 0 && nb < len(npcs) {
		id := npcs[nb].ID
		who := NPCName(sc, id, lang)
		out = append(out, Action{"H", engine.ActHelp, id, lang.T("act_help") + " · " + who})
		if sc.Heat != nil {
			out = append(out, Action{"G", engine.ActGiveWater, id, lang.T("act_give") + " · " + who},
				Action{"J", engine.ActMoveToShade, id, lang.T("act_shade") + " · " + who})
		}
	}
	out = append(out, Action{"R", engine.ActReportHazard, "", lang.T("act_report")},
		Action{"C", engine.ActCall120, "", lang.T("act_call")})
	if sc.Heat != nil {
		out = append(out, Action{"Q", engine.ActDrink, "", lang.T("act_drink")}, Action{"Z", engine.ActRest, "", lang.T("act_rest")})
	}
	return out
}

// NPCName is the scenario's name of an NPC ID ("onlookers#3" → the
// crowd's name).
func NPCName(sc *engine.Scenario, id string, lang Lang) string {
	base := id
	for i := 0; i < len(id); i++ {
		if id[i] == '#' {
			base = id[:i]
			break
		}
	}
	if sc != nil {
		for _, n := range sc.NPCs {
			if n.ID == base {
				return lang.Two(n.Name.ZH, n.Name.EN)
			}
		}
	}
	return id
}

func inPlaceKind(sc *engine.Scenario, kind string, x, y float64) bool {
	for _, p := range sc.Places {
		if p.Kind == kind && InPlace(p, x, y) {
			return true
		}
	}
	return false
}

// InPlace reports whether (x, y) is inside a place's rectangle or circle.
func InPlace(p engine.PlaceSpec, x, y float64) bool {
	switch {
	case len(p.Rect) == 4:
		return x >= math.Min(p.Rect[0], p.Rect[2]) && x <= math.Max(p.Rect[0], p.Rect[2]) &&
			y >= math.Min(p.Rect[1], p.Rect[3]) && y <= math.Max(p.Rect[1], p.Rect[3])
	case len(p.Circle) == 3:
		return math.Hypot(x-p.Circle[0], y-p.Circle[1]) <= p.Circle[2]
	}
	return false
}
