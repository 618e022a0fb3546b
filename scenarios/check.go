package scenarios

import (
	"fmt"
	"github.com/rescuedrill/rescuedrill/engine/warning"
	"slices"
	"strings"

	"github.com/rescuedrill/rescuedrill/engine"
)

// The semantic checks cover what the schema cannot say: that IDs are
// unique and references resolve, that each scoring rule has the fields it
// needs, that times run forward. They read the decoded Scenario and build
// the JSON pointer of each value they judge, which the tree turns into a
// source position.

// idSet is the IDs of one list, with the pointer of each first use.
type idSet struct {
	what string // "place", for messages
	ptr  map[string]string
	ids  []string // in file order, for hints
}

func (d *Document) semanticChecks() {
	sc := d.Scenario
	if sc.Duration <= 0 {
		d.errAt("/duration", "the drill must last more than 0 seconds", "write how long it runs: duration: 15m")
	}
	d.checkHazardSection(sc)
	d.checkMapRef(&sc.Map)

	places := d.uniqueIDs("place", "/places", len(sc.Places), func(i int) string { return sc.Places[i].ID })
	objects := d.uniqueIDs("object", "/objects", len(sc.Objects), func(i int) string { return sc.Objects[i].ID })
	npcs := d.uniqueIDs("NPC", "/npcs", len(sc.NPCs), func(i int) string { return sc.NPCs[i].ID })
	injects := d.uniqueIDs("inject", "/injects", len(sc.Injects), func(i int) string { return sc.Injects[i].ID })
	d.uniqueIDs("objective", "/objectives", len(sc.Objectives), func(i int) string { return sc.Objectives[i].ID })

	for i := range sc.Places {
		d.checkPlaceShape(i, &sc.Places[i])
	}
	d.ref(places, "/spawn/place", sc.Spawn.Place)
	for i, n := range sc.NPCs {
		p := fmt.Sprintf("/npcs/%d", i)
		d.ref(places, p+"/place", n.Place)
		if n.Lure != "" {
			d.ref(places, p+"/lure", n.Lure)
		}
	}
	for i := range sc.Injects {
		d.checkInject(i, &sc.Injects[i])
	}
	for i := range sc.Objectives {
		o := &sc.Objectives[i]
		p := fmt.Sprintf("/objectives/%d", i)
		d.uniqueIDs("task", p+"/tasks", len(o.Tasks), func(j int) string { return o.Tasks[j].ID })
		for j := range o.Tasks {
			d.checkTask(fmt.Sprintf("%s/tasks/%d", p, j), &o.Tasks[j], places, objects, npcs, injects)
		}
	}
	if g := sc.Guide; g != nil {
		d.refs(places, "/guide/refuge", g.Refuge)
		d.refs(places, "/guide/trap", g.Trap)
		d.refs(objects, "/guide/prepare", g.Prepare)
	}
	d.checkSeries(sc)
}

// checkHazardSection: the hazard names the model that runs, and the model
// needs its section (flood: for a flood drill, and so on).
func (d *Document) checkHazardSection(sc *engine.Scenario) {
	missing := ""
	hint := ""
	switch sc.Hazard {
	case "flood":
		if sc.Flood == nil {
			missing, hint = "flood", "add a flood: section with rain_mm_per_h and boundaries"
		}
	case "landslide":
		if sc.Landslide == nil {
			missing, hint = "landslide", "add a landslide: section with rain_mm_per_h and soils"
		}
	case "heat":
		if sc.Heat == nil {
			missing, hint = "heat", "add a heat: section with air_temp_c and humidity_pct"
		}
	}
	if missing != "" {
		d.errAtPos("/"+missing, d.valPos("/hazard"),
			fmt.Sprintf("hazard is %s but there is no %s: section", sc.Hazard, missing), hint)
	}
	if sc.Landslide != nil && len(sc.Landslide.Soils) == 0 {
		d.errAt("/landslide/soils", "the landslide model needs at least one soil zone",
			"add soils: with zone 1 and its cohesion_kpa, friction_deg, unit_weight_kn_m3, depth_m, ks_mm_per_h")
	}
}

func (d *Document) checkMapRef(m *engine.MapRef) {
	files := m.Elev != "" || m.LandUse != "" || m.Soil != ""
	switch {
	case m.Name != "" && files:
		d.errAt("/map/name", "give either a built-in map name or map files, not both",
			"remove name: to use your own files, or the file fields to use the built-in map")
	case m.Name == "" && m.Elev == "":
		d.errAtPos("/map/name", d.valPos("/map"), "the map needs a built-in name or an elevation file",
			"name: flood-district (drill scenarios lists the built-in maps), or elevation: my-town.asc")
	}
}

// uniqueIDs reports empty and repeated IDs in the list at listPtr and
// returns the set for reference checks.
func (d *Document) uniqueIDs(what, listPtr string, n int, id func(int) string) *idSet {
	s := &idSet{what: what, ptr: map[string]string{}}
	for i := range n {
		p := fmt.Sprintf("%s/%d/id", listPtr, i)
		v := id(i)
		if v == "" {
			d.errAt(p, fmt.Sprintf("the %s has an empty id", what), "give it a short unique id such as school-gate")
			continue
		}
		if first, dup := s.ptr[v]; dup {
			at := d.valPos(first)
			d.errAt(p, fmt.Sprintf("%s id %q is already used at line %d", what, v, at.line),
				"IDs must be unique in their list: rename one of them")
			continue
		}
		s.ptr[v] = p
		s.ids = append(s.ids, v)
	}
	return s
}

// ref checks that the ID at ptr names something in set.
func (d *Document) ref(set *idSet, ptr, id string) bool {
	if id == "" {
		return false // missing; the schema or a rule check reports it
	}
	if _, ok := set.ptr[id]; ok {
		return true
	}
	d.errAt(ptr, fmt.Sprintf("no %s has id %q", set.what, id), refHint(set, id))
	return false
}

func (d *Document) refs(set *idSet, listPtr string, ids []string) {
	for i, id := range ids {
		d.ref(set, fmt.Sprintf("%s/%d", listPtr, i), id)
	}
}

func refHint(set *idSet, id string) string {
	if c := closest(id, set.ids); c != "" {
		return fmt.Sprintf("did you mean %q?", c)
	}
	if len(set.ids) == 0 {
		return fmt.Sprintf("the scenario defines no %s yet", set.what)
	}
	if len(set.ids) > 12 {
		return fmt.Sprintf("use the id of one of the %d %ss defined in the file", len(set.ids), set.what)
	}
	return fmt.Sprintf("%s ids: %s", set.what, strings.Join(set.ids, ", "))
}

// checkPlaceShape: exactly one of rect and circle, the right way round.
// Lengths are the schema's business; a wrong-length list is skipped here.
func (d *Document) checkPlaceShape(i int, p *engine.PlaceSpec) {
	ptr := fmt.Sprintf("/places/%d", i)
	switch {
	case p.Rect != nil && p.Circle != nil:
		d.errAt(ptr+"/circle", "a place has either rect or circle, not both", "remove one of them")
	case p.Rect == nil && p.Circle == nil:
		d.errAtPos(ptr+"/rect", d.valPos(ptr), "the place has no shape",
			"add rect: [x0, y0, x1, y1] or circle: [x, y, radius], in metres from the map's north-west corner")
	}
	if r := p.Rect; len(r) == 4 {
		if !(r[0] < r[2]) || !(r[1] < r[3]) {
			d.errAt(ptr+"/rect", fmt.Sprintf("rect %v has x0 ≥ x1 or y0 ≥ y1", r),
				"write [west x, north y, east x, south y]: y grows southward")
		}
	}
	if c := p.Circle; len(c) == 3 && !(c[2] > 0) {
		d.errAt(ptr+"/circle/2", fmt.Sprintf("the radius %v must be more than 0", c[2]), "circle: [x, y, radius] in metres")
	}
	if p.Safe && p.Danger {
		d.errAt(ptr+"/danger", "a place cannot be both safe and danger", "keep the one that is true for this hazard")
	}
}

// checkInject: the kind says which payload the inject carries, and only
// that one; it must fire while the drill runs.
func (d *Document) checkInject(i int, in *engine.Inject) {
	p := fmt.Sprintf("/injects/%d", i)
	payloads := []struct {
		kind, field string
		set         bool
	}{
		{"warning", "warning", in.Warning != nil},
		{"message", "message", in.Message != nil},
		{"prompt", "prompt", in.Prompt != nil},
	}
	for _, pl := range payloads {
		switch {
		case in.Kind == pl.kind && !pl.set:
			d.errAtPos(p+"/"+pl.field, d.valPos(p+"/kind"),
				fmt.Sprintf("an inject of kind %s needs a %s: section", in.Kind, pl.field), payloadHint(pl.field))
		case in.Kind != "" && in.Kind != pl.kind && pl.set:
			d.errAt(p+"/"+pl.field, fmt.Sprintf("%s: is not used by an inject of kind %s", pl.field, in.Kind),
				fmt.Sprintf("remove it, or change kind to %s", pl.kind))
		}
	}
	if pr := in.Prompt; pr != nil && in.Kind == "prompt" {
		op := p + "/prompt/options"
		d.uniqueIDs("option", op, len(pr.Options), func(j int) string { return pr.Options[j].ID })
		if len(pr.Options) < 2 {
			d.errAt(op, "a prompt needs at least two options", "add options: each with id, text and, for the right ones, correct: true")
		} else if !slices.ContainsFunc(pr.Options, func(o engine.PromptOption) bool { return o.Correct }) {
			d.errAt(op, "no option is marked correct", "add correct: true to the right option(s)")
		}
	}
	if wi := in.Warning; wi != nil && in.Kind == "warning" {
		h, okH := warning.ParseHazard(wi.Hazard)
		l, okL := warning.ParseLevel(wi.Level)
		if okH && okL && !warning.Allowed(h, l) {
			d.errAt(p+"/warning/level", fmt.Sprintf("there is no %s %s warning", wi.Level, wi.Hazard),
				"high-temperature warnings start at yellow (CMA): use yellow, orange or red")
		}
	}
	if dur := d.Scenario.Duration; dur > 0 && !d.flagged["/duration"] && in.At > dur {
		d.errAt(p+"/at", fmt.Sprintf("fires at %s, after the drill ends at %s", in.At, dur),
			"make it earlier, or the duration longer")
	}
}

func payloadHint(field string) string {
	switch field {
	case "warning":
		return "add warning: {hazard: rainstorm, level: orange}"
	case "message":
		return "add message: {zh: …, en: …}"
	}
	return "add prompt: with question: and at least two options:"
}

// checkTask: each scoring rule reads particular fields; a missing one would
// make the task unscorable, which the trainer finds out after the drill.
func (d *Document) checkTask(p string, t *engine.Task, places, objects, npcs, injects *idSet) {
	rulePos := d.valPos(p + "/rule")
	need := func(field string, missing bool, hint string) {
		if missing {
			d.errAtPos(p+"/"+field, rulePos, fmt.Sprintf("rule %s needs %s:", t.Rule, field), hint)
		}
	}
	switch t.Rule {
	case "reach":
		need("places", len(t.Places) == 0, "list the place IDs to reach: places: [shelter]")
		need("within", t.Within <= 0, "give the time limit: within: 5m")
	case "avoid_place":
		need("places", len(t.Places) == 0, "list the place IDs to keep out of: places: [underpass]")
	case "action":
		need("action", t.Action == "", "name the action: action: switch_off_power")
	case "help":
		need("target", t.Target == "", "name the NPC to help: target: grandma-li")
	case "answer":
		need("prompt", t.Prompt == "", "name the prompt inject: prompt: where-to-go")
	case "notice":
		need("cue", t.Cue == "", "name the cue: cue: crack (or any)")
	}
	d.refs(places, p+"/places", t.Places)
	if t.Target != "" {
		_, isNPC := npcs.ptr[t.Target]
		_, isObject := objects.ptr[t.Target]
		switch {
		case t.Rule == "help" && !isNPC && isObject:
			d.errAt(p+"/target", fmt.Sprintf("%q is an object; rule help needs an NPC", t.Target), refHint(npcs, t.Target))
		case t.Rule == "help" && !isNPC:
			d.ref(npcs, p+"/target", t.Target)
		case !isNPC && !isObject:
			both := &idSet{what: "NPC or object", ptr: map[string]string{}, ids: append(slices.Clone(npcs.ids), objects.ids...)}
			d.errAt(p+"/target", fmt.Sprintf("no NPC or object has id %q", t.Target), refHint(both, t.Target))
		}
	}
	if t.Prompt != "" && d.ref(injects, p+"/prompt", t.Prompt) {
		if k := d.injectKind(t.Prompt); k != "prompt" && k != "" {
			d.errAt(p+"/prompt", fmt.Sprintf("inject %q is a %s, not a prompt", t.Prompt, k), "name an inject of kind prompt")
		}
	}
	d.checkTrigger(t.After, p, "after", injects)
	d.checkTrigger(t.Before, p, "before", injects)
	if t.Before != nil && t.Rule != "reach" && t.Rule != "action" && t.Rule != "help" {
		d.errAt(p+"/before", fmt.Sprintf("before: applies to reach, action and help tasks, not %s", t.Rule),
			"remove before:, or use it on a task that asks for something to be done in time")
	}
}

// checkTrigger checks an after: or before: trigger: exactly one of
// warning, inject or event, and an inject that exists.
func (d *Document) checkTrigger(a *engine.Trigger, p, key string, injects *idSet) {
	if a == nil {
		return
	}
	set := 0
	for _, s := range []string{a.Warning, a.Inject, a.Event} {
		if s != "" {
			set++
		}
	}
	switch {
	case set == 0 && !d.flagged[p+"/"+key+"/warning"] && !d.flagged[p+"/"+key+"/event"] && !d.flagged[p+"/"+key+"/inject"]:
		hint := "for example after: {warning: orange}, or remove after: to start at the drill start"
		if key == "before" {
			hint = "for example before: {event: slide_started}"
		}
		d.errAt(p+"/"+key, key+": needs one of warning, inject or event", hint)
	case set > 1:
		d.errAt(p+"/"+key, key+": takes only one of warning, inject or event", "keep the one that matters")
	}
	if a.Inject != "" {
		d.ref(injects, p+"/"+key+"/inject", a.Inject)
	}
}

func (d *Document) injectKind(id string) string {
	for _, in := range d.Scenario.Injects {
		if in.ID == id {
			return in.Kind
		}
	}
	return ""
}

// checkSeries: series are interpolated in time order; a point out of order
// is almost always a typo in its time.
func (d *Document) checkSeries(sc *engine.Scenario) {
	check := func(ptr string, s []engine.SeriesPoint) {
		for k := 1; k < len(s); k++ {
			if s[k].At <= s[k-1].At {
				d.errAt(fmt.Sprintf("%s/%d/at", ptr, k),
					fmt.Sprintf("time %s is not after the previous point's %s", s[k].At, s[k-1].At),
					"times in a series must increase from one point to the next")
			}
		}
	}
	if f := sc.Flood; f != nil {
		check("/flood/rain_mm_per_h", f.RainMMPerH)
		for i, b := range f.Boundaries {
			p := fmt.Sprintf("/flood/boundaries/%d", i)
			check(p+"/series", b.Series)
			if b.To < b.From {
				d.errAt(p+"/to", fmt.Sprintf("to (%d) is before from (%d)", b.To, b.From), "from is the first cell along the edge, to the last")
			}
			if (b.Kind == "level" || b.Kind == "discharge") && len(b.Series) == 0 {
				d.errAtPos(p+"/series", d.valPos(p+"/kind"), fmt.Sprintf("a %s boundary needs a series", b.Kind),
					"add series: [{at: 0, value: …}, …] (m for level, m³/s for discharge)")
			}
		}
	}
	if l := sc.Landslide; l != nil {
		check("/landslide/rain_mm_per_h", l.RainMMPerH)
		zones := map[int]bool{}
		for i, s := range l.Soils {
			if zones[s.Zone] {
				d.errAt(fmt.Sprintf("/landslide/soils/%d/zone", i), fmt.Sprintf("soil zone %d is given twice", s.Zone), "each zone number once")
			}
			zones[s.Zone] = true
		}
	}
	if h := sc.Heat; h != nil {
		check("/heat/air_temp_c", h.AirTempC)
		check("/heat/humidity_pct", h.HumidityPct)
		check("/heat/solar_w_m2", h.SolarWm2)
		check("/heat/wind_m_s", h.WindMS)
	}
}

// ValidateAgainstMap adds the problems that need the map: places, objects
// and flood boundaries outside it. The map is nx × ny cells of cellM
// metres; x grows east and y south from its north-west corner.
func (d *Document) ValidateAgainstMap(nx, ny int, cellM float64) {
	if d.Scenario == nil || d.tree == nil {
		return
	}
	sc := d.Scenario
	w, h := float64(nx)*cellM, float64(ny)*cellM
	size := fmt.Sprintf("the map is %g m east by %g m south", w, h)
	inside := func(x0, y0, x1, y1 float64) bool { return x0 >= 0 && y0 >= 0 && x1 <= w && y1 <= h }
	for i, p := range sc.Places {
		switch {
		case len(p.Rect) == 4:
			r := p.Rect
			if !inside(r[0], r[1], r[2], r[3]) {
				d.errAt(fmt.Sprintf("/places/%d/rect", i), fmt.Sprintf("rect %v reaches outside the map", r), size)
			}
		case len(p.Circle) == 3:
			c := p.Circle
			if !inside(c[0]-c[2], c[1]-c[2], c[0]+c[2], c[1]+c[2]) {
				d.errAt(fmt.Sprintf("/places/%d/circle", i), fmt.Sprintf("circle %v reaches outside the map", c), size)
			}
		}
	}
	for i, o := range sc.Objects {
		if len(o.At) == 2 && !inside(o.At[0], o.At[1], o.At[0], o.At[1]) {
			d.errAt(fmt.Sprintf("/objects/%d/at", i), fmt.Sprintf("%v is outside the map", o.At), size)
		}
	}
	if f := sc.Flood; f != nil {
		for i, b := range f.Boundaries {
			cells := nx
			if b.Edge == "east" || b.Edge == "west" {
				cells = ny
			}
			if b.To >= cells {
				d.errAt(fmt.Sprintf("/flood/boundaries/%d/to", i),
					fmt.Sprintf("cell %d is past the %s edge, which has cells 0 to %d", b.To, b.Edge, cells-1), "")
			}
		}
	}
	d.Problems.sort()
}
