package authoring

import (
	"fmt"
	"strings"

	"github.com/rescuedrill/rescuedrill/engine"
)

// reachability warns about places no path reaches from the spawn place,
// on dry ground, using the engine's own navigation fields: a refuge
// behind a wall of buildings or off a cliff nobody can climb.
func (d *dryRun) reachability() {
	w, err := engine.NewWorld(d.setup(), 1)
	if err != nil {
		return // the dry run reports it
	}
	// The engine's own cells of the place: where its navigation aims and
	// its spawns fall back to, so this check cannot drift from the drill.
	spawn := w.PlaceCells(d.sc.Spawn.Place)
	if len(spawn) == 0 {
		d.warn("/spawn/place", "the spawn place has no walkable ground", "move it off buildings and walls")
		return
	}
	refuge := map[string]bool{}
	for _, id := range d.sc.Guide.Refuge {
		refuge[id] = true
	}
	for i, p := range d.sc.Places {
		if p.ID == d.sc.Spawn.Place {
			continue
		}
		nav := w.Nav(false, p.ID)
		ok := false
		for _, c := range spawn {
			if nav.Reachable(c) {
				ok = true
				break
			}
		}
		if ok {
			continue
		}
		msg := fmt.Sprintf("no path reaches %s from the spawn place %s", p.ID, d.sc.Spawn.Place)
		if p.Safe || refuge[p.ID] {
			msg = fmt.Sprintf("the safe place %s cannot be reached from the spawn place %s: nobody can get to safety", p.ID, d.sc.Spawn.Place)
		}
		d.warn(fmt.Sprintf("/places/%d", i), msg,
			"buildings and walls (land use 4 and 5) block the way: leave a road or path open, or move the place")
	}
}

// judge turns what the runs saw into warnings: objectives never scored,
// traps nobody entered, hazards that touched nobody.
func (d *dryRun) judge() {
	for i, obj := range d.sc.Objectives {
		for j := range obj.Tasks {
			t := &obj.Tasks[j]
			key := obj.ID + "/" + t.ID
			ptr := fmt.Sprintf("/objectives/%d/tasks/%d", i, j)
			if why, ok := d.all.goodLost[key]; ok {
				d.warn(ptr, fmt.Sprintf("good bots lost points on %s: %s", key, why),
					"a task the right choices cannot fully score is impossible or too tight: check within, places and the guide")
			}
			if d.all.scored[key] && !d.all.notFull[key] && (t.Rule == "avoid_place" || t.Rule == "avoid_water") {
				d.warn(ptr, fmt.Sprintf("every bot, naive ones included, scored full marks on %s: the task does not tell right from wrong", key),
					"put its places where the mistake is made (guide.trap), or tighten max_hazard")
			}
			if d.all.scored[key] {
				continue
			}
			d.warn(ptr,
				fmt.Sprintf("task %s was never scored in the dry run: %s", key, d.whyUnscored(t)),
				"a task whose condition never happens is left out of every score; make it happen or drop the task")
		}
	}
	hazard := d.sc.Hazard
	ptr := "/" + hazard
	switch {
	case hazard == "landslide" && !d.all.slide && len(d.all.cues) == 0:
		d.warn(ptr, "no slope showed a warning sign or failed in the dry run", "more or longer rain, wetter soil (initial_saturation_pct), a soil grid with colluvium on steep ground, or a larger time_scale")
	case hazard == "flood" && len(d.all.wetPlaces) == 0:
		d.warn(ptr, "the flood reached none of the places in the dry run", "raise the river stage above the low ground, rain harder, or move the places to where the water goes (drill explore shows it)")
	}
	if !d.all.reached {
		d.warn(ptr, fmt.Sprintf("the %s never reached any participant in the dry run: nobody stood in water, was caught by debris or fell ill", hazard),
			"put the trap where the hazard strikes, or make the hazard stronger")
	}
}

// whyUnscored names the missing condition of a task that never scored.
func (d *dryRun) whyUnscored(t *engine.Task) string {
	switch t.Rule {
	case "notice":
		if t.Cue == "symptom" {
			return "no NPC showed heat-illness symptoms"
		}
		if t.Cue == "any" {
			return "no landslide warning sign appeared"
		}
		return fmt.Sprintf("no %s appeared", t.Cue)
	case "escape_sideways":
		return "no slope failed"
	case "answer":
		return fmt.Sprintf("the prompt %s never fired", t.Prompt)
	}
	if t.After != nil {
		return d.whyNotTriggered(t.After)
	}
	return "nobody's result included it"
}

func (d *dryRun) whyNotTriggered(a *engine.Trigger) string {
	switch {
	case a.Warning != "":
		r := rankOf[a.Warning]
		for k := r; k <= 4; k++ {
			if d.all.warned[k] {
				return "its trigger came, but no participant's result scored it"
			}
		}
		return fmt.Sprintf("no %s or higher warning was issued (after: {warning: %s})", a.Warning, a.Warning)
	case a.Inject != "":
		return fmt.Sprintf("the inject %s never fired", a.Inject)
	case a.Event != "":
		what := map[string]string{"slide_started": "no slope failed", "cue_appeared": "no landslide warning sign appeared",
			"npc_symptoms": "no NPC showed symptoms", "npc_collapsed": "no NPC collapsed"}[a.Event]
		return strings.TrimSpace(what + " (after: {event: " + a.Event + "})")
	}
	return "its trigger never came"
}
