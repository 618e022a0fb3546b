package engine

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/rescuedrill/rescuedrill/engine/heat"
	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// Scoring follows the HSEEP exercise evaluation guide: the scenario's
// objectives hold critical tasks, each task has a rule evaluated over the
// drill's events and state, and every decision is kept with the tick it was
// made and a reason in both languages. Scores are part of the world's state,
// so a replay reproduces them exactly.

// Item is one scored task for one participant.
type Item struct {
	Rule       string `json:"rule"` // objective/task
	Kind       string `json:"kind"` // the task's rule kind
	Tick       uint64 `json:"tick"`
	Points     int    `json:"points"`
	Max        int    `json:"max"`
	Applicable bool   `json:"applicable"`
	ReasonEN   string `json:"reason_en"`
	ReasonZH   string `json:"reason_zh"`
}

// ObjectiveResult rates one objective for one participant: P (performed
// without challenges), S (some), M (major challenges), U (unable).
type ObjectiveResult struct {
	ID     string `json:"id"`
	Title  Text   `json:"title"`
	Rating string `json:"rating"`
	Points int    `json:"points"`
	Max    int    `json:"max"`
}

// Result is a participant's score with its explanation.
type Result struct {
	ID         int32             `json:"id"`
	Name       string            `json:"name"`
	Policy     string            `json:"policy"`
	Score      int               `json:"score"`
	Outcome    string            `json:"outcome"`
	Breakdown  []Item            `json:"breakdown"`
	Objectives []ObjectiveResult `json:"objectives"`
}

// Rating turns a share of points into P/S/M/U.
func Rating(points, max int) string {
	if max == 0 {
		return "-"
	}
	f := float64(points) / float64(max)
	switch {
	case f >= 0.9:
		return "P"
	case f >= 0.6:
		return "S"
	case f >= 0.3:
		return "M"
	}
	return "U"
}

type taskRef struct {
	obj, idx int
	t        *Task
	key      string // objective/task
}

type taskState struct {
	decided    bool
	applicable bool
	points     int
	tick       uint64
	en, zh     string
	// scratch for rules that watch over time
	startX, startY float64
	started        bool
}

type scorer struct {
	w      *World
	tasks  []taskRef
	st     [][]taskState // [participant][task]
	warnAt [5]uint64     // first tick a warning of at least colour k was issued (+1; 0 = never)
	evAt   map[string]uint64
	stage  []heat.Stage // worst heat stage per participant
}

var warnRank = map[string]int{"blue": 1, "yellow": 2, "orange": 3, "red": 4}

func newScorer(w *World) *scorer {
	s := &scorer{w: w, evAt: map[string]uint64{}}
	for oi := range w.sc.Objectives {
		o := &w.sc.Objectives[oi]
		for ti := range o.Tasks {
			s.tasks = append(s.tasks, taskRef{obj: oi, idx: ti, t: &o.Tasks[ti], key: o.ID + "/" + o.Tasks[ti].ID})
		}
	}
	return s
}

// triggerTick returns when a task's clock started, and whether it has.
func (s *scorer) triggerTick(t *Task, p *Person) (uint64, bool) {
	if t.After == nil {
		return p.Joined, true
	}
	return s.fired(t.After)
}

// fired returns when a trigger first happened, and whether it has.
func (s *scorer) fired(tr *Trigger) (uint64, bool) {
	switch {
	case tr.Warning != "":
		at := s.warnAt[warnRank[tr.Warning]]
		return at - 1, at > 0
	case tr.Inject != "":
		return s.w.InjectFired(tr.Inject)
	case tr.Event != "":
		at, ok := s.evAt[tr.Event]
		return at, ok
	}
	return 0, false
}

// missedDeadline decides a task at zero when what it asks was done only
// after its "before" trigger had happened, and reports whether it did.
func (s *scorer) missedDeadline(p *Person, ti int, done uint64, what Text) bool {
	t := s.tasks[ti].t
	if t.Before == nil {
		return false
	}
	at, ok := s.fired(t.Before)
	if !ok || at > done {
		return false
	}
	ev := triggerText(t.Before)
	s.decide(p, ti, 0, true,
		fmt.Sprintf("Did %s only after %s: it had to be done before.", what.EN, ev.EN),
		fmt.Sprintf("在%s之后才%s：应在此之前完成。", ev.ZH, what.ZH))
	return true
}

// triggerText names a trigger for a reason.
func triggerText(tr *Trigger) Text {
	colours := map[string]Text{"blue": {ZH: "蓝色预警", EN: "the blue warning"}, "yellow": {ZH: "黄色预警", EN: "the yellow warning"},
		"orange": {ZH: "橙色预警", EN: "the orange warning"}, "red": {ZH: "红色预警", EN: "the red warning"}}
	events := map[string]Text{"slide_started": {ZH: "滑坡发生", EN: "the landslide started"},
		"cue_appeared": {ZH: "征兆出现", EN: "the first warning sign"}, "npc_collapsed": {ZH: "同伴倒下", EN: "the classmate collapsed"},
		"npc_symptoms": {ZH: "同伴出现症状", EN: "the classmate showed symptoms"}}
	switch {
	case tr.Warning != "":
		return colours[tr.Warning]
	case tr.Event != "":
		return events[tr.Event]
	}
	return Text{ZH: "事件“" + tr.Inject + "”", EN: "inject " + tr.Inject}
}

// observe updates scoring with one tick's events, then checks the rules
// that watch state.
func (s *scorer) observe(evs []Event) {
	w := s.w
	s.grow()
	for i := range evs {
		e := &evs[i]
		switch e.Kind {
		case EvWarning:
			r := warnRank[e.Level]
			for k := 1; k <= r; k++ {
				if s.warnAt[k] == 0 {
					s.warnAt[k] = e.Tick + 1
				}
			}
		case EvSlideStarted:
			s.firstEvent("slide_started", e.Tick)
		case EvCueAppeared:
			s.firstEvent("cue_appeared", e.Tick)
			s.firstEvent("cue:"+e.Ref, e.Tick)
		case EvCollapsed:
			if e.Who < 0 {
				s.firstEvent("npc_collapsed", e.Tick)
			}
		case EvSymptoms:
			if e.Who < 0 {
				s.firstEvent("npc_symptoms", e.Tick)
			}
		}
		if e.Who >= 0 && int(e.Who) < len(s.st) {
			s.onEvent(e)
		}
	}
	for pi, p := range w.people {
		if p.HasBody && p.Body.Stage > s.stage[pi] {
			s.stage[pi] = p.Body.Stage
		}
		for ti := range s.tasks {
			s.poll(p, ti)
		}
	}
}

// grow adds scoring state for participants who joined since the last call.
func (s *scorer) grow() {
	for len(s.st) < len(s.w.people) {
		s.st = append(s.st, make([]taskState, len(s.tasks)))
		s.stage = append(s.stage, heat.StageNormal)
	}
}

func (s *scorer) firstEvent(k string, tick uint64) {
	if _, ok := s.evAt[k]; !ok {
		s.evAt[k] = tick
	}
}

// onEvent decides event-driven rules for the participant of an event.
func (s *scorer) onEvent(e *Event) {
	p := s.w.people[e.Who]
	for ti := range s.tasks {
		tr := &s.tasks[ti]
		st := &s.st[e.Who][ti]
		if st.decided {
			continue
		}
		t := tr.t
		start, on := s.triggerTick(t, p)
		switch t.Rule {
		case "avoid_place":
			if e.Kind == EvEnteredPlace && on && contains(t.Places, e.Ref) {
				n := s.w.placeName(e.Ref)
				s.decide(p, ti, 0, true,
					fmt.Sprintf("Entered %s at %s, a place to avoid.", n.EN, s.clock(e.Tick)),
					fmt.Sprintf("在%s进入了应避开的%s。", s.clock(e.Tick), n.ZH))
			}
		case "notice":
			if e.Kind != EvNoticed {
				continue
			}
			isSymptom := e.Level == "symptom"
			if (t.Cue == "symptom") != isSymptom || (t.Cue != "any" && t.Cue != "symptom" && t.Cue != e.Ref) {
				continue
			}
			appeared := s.cueTick(t.Cue, e)
			late := t.Within > 0 && s.secs(e.Tick-appeared) > float64(t.Within)
			what := cueText(e.Ref)
			if isSymptom {
				what = Text{ZH: "同伴的中暑症状", EN: "a classmate's heat-illness symptoms"}
			}
			if late {
				s.decide(p, ti, t.Points/2, true,
					fmt.Sprintf("Noticed %s %s after it appeared (limit %s): late.", what.EN, s.dur(e.Tick-appeared), t.Within),
					fmt.Sprintf("在出现后%s才注意到%s（时限%s），偏晚。", s.durZH(e.Tick-appeared), what.ZH, t.Within))
			} else {
				s.decide(p, ti, t.Points, true,
					fmt.Sprintf("Noticed %s %s after it appeared.", what.EN, s.dur(e.Tick-appeared)),
					fmt.Sprintf("在出现后%s注意到了%s。", s.durZH(e.Tick-appeared), what.ZH))
			}
		case "action", "help":
			if !on || e.Tick < start {
				continue
			}
			var match bool
			if t.Rule == "action" {
				match = e.Kind == EvAction && e.OK && e.Ref == t.Action && (t.Target == "" || e.Level == t.Target)
			} else {
				match = (e.Kind == EvHelped && npcMatches(e.NPC, t.Target) && (t.Action == "" || t.Action == ActHelp || e.Level == t.Action || e.Level == "")) ||
					(e.Kind == EvAction && e.OK && t.Action != "" && e.Ref == t.Action && npcMatches(e.Level, t.Target))
			}
			if !match {
				continue
			}
			what := actionText(t.Action)
			if t.Rule == "help" && t.Action == "" {
				what = actionText(ActHelp)
			}
			if s.missedDeadline(p, ti, e.Tick, what) {
				continue
			}
			el := e.Tick - start
			if t.Within > 0 && s.secs(el) > float64(t.Within) {
				s.decide(p, ti, t.Points/2, true,
					fmt.Sprintf("Did %s, but %s after the cue to act (limit %s).", what.EN, s.dur(el), t.Within),
					fmt.Sprintf("完成了“%s”，但在需要行动后%s才做（时限%s）。", what.ZH, s.durZH(el), t.Within))
			} else {
				s.decide(p, ti, t.Points, true,
					fmt.Sprintf("Did %s in time (%s after the cue to act).", what.EN, s.dur(el)),
					fmt.Sprintf("及时完成了“%s”（需要行动后%s）。", what.ZH, s.durZH(el)))
			}
		case "answer":
			if e.Kind != EvAnswered || e.Ref != t.Prompt {
				continue
			}
			opt, why := s.w.optionText(t.Prompt, e.Level)
			if e.OK {
				s.decide(p, ti, t.Points, true,
					fmt.Sprintf("Chose \"%s\": correct. %s", opt.EN, why.EN),
					fmt.Sprintf("选择了“%s”：正确。%s", opt.ZH, why.ZH))
			} else {
				s.decide(p, ti, 0, true,
					fmt.Sprintf("Chose \"%s\": not the safe choice. %s", opt.EN, why.EN),
					fmt.Sprintf("选择了“%s”：不是安全的做法。%s", opt.ZH, why.ZH))
			}
		}
	}
}

// poll decides rules that watch state every tick.
func (s *scorer) poll(p *Person, ti int) {
	st := &s.st[p.ID][ti]
	if st.decided {
		return
	}
	t := s.tasks[ti].t
	switch t.Rule {
	case "reach":
		start, on := s.triggerTick(t, p)
		if !on || p.Status != StatusActive {
			return
		}
		for _, id := range t.Places {
			i := s.w.PlaceIndex(id)
			if i < 0 || !p.InPlace(i) {
				continue
			}
			n := s.w.placeName(id)
			if s.missedDeadline(p, ti, s.w.tick, Text{ZH: "到达" + n.ZH, EN: "reach " + n.EN}) {
				return
			}
			el := s.w.tick - start
			if t.Within > 0 && s.secs(el) > float64(t.Within) {
				s.decide(p, ti, t.Points/2, true,
					fmt.Sprintf("Reached %s %s after the cue to go: later than the %s limit.", n.EN, s.dur(el), t.Within),
					fmt.Sprintf("在需要转移后%s到达%s，超过了%s的时限。", s.durZH(el), n.ZH, t.Within))
			} else {
				s.decide(p, ti, t.Points, true,
					fmt.Sprintf("Reached %s %s after the cue to go (limit %s).", n.EN, s.dur(el), t.Within),
					fmt.Sprintf("在需要转移后%s到达%s（时限%s）。", s.durZH(el), n.ZH, t.Within))
			}
			return
		}
	case "escape_sideways":
		s.pollEscape(p, ti)
	}
}

// finish decides every task still open at the end of the drill.
func (s *scorer) finish() {
	s.observe(nil)
	for pi, p := range s.w.people {
		for ti := range s.tasks {
			if !s.st[pi][ti].decided {
				s.finishTask(p, ti)
			}
		}
	}
}

func (s *scorer) finishTask(p *Person, ti int) {
	t := s.tasks[ti].t
	_, on := s.triggerTick(t, p)
	switch t.Rule {
	case "reach":
		if !on {
			s.decide(p, ti, 0, false, "The cue to go never came in this drill: not scored.", "本次演练中未出现转移信号：不计分。")
			return
		}
		n := s.w.placeName(t.Places[0])
		s.decide(p, ti, 0, true,
			fmt.Sprintf("Did not reach %s. %s", n.EN, s.harmNote(p).EN),
			fmt.Sprintf("没有到达%s。%s", n.ZH, s.harmNote(p).ZH))
	case "avoid_place":
		if !on {
			s.decide(p, ti, 0, false, "The moment to keep away never came in this drill: not scored.", "本次演练未出现需要避开的时机：不计分。")
			return
		}
		s.decide(p, ti, t.Points, true, "Kept out of the places to avoid.", "始终避开了危险地点。")
	case "avoid_water":
		max := hazardClassRank(t.MaxHazard)
		got := hazardClassRank(hazardClass(p.WorstRating))
		if p.Status == StatusSwept || got > max {
			s.decide(p, ti, 0, true,
				fmt.Sprintf("Went into flood water %.2f m deep flowing at %.1f m/s (hazard rating %.2f, %s). %s",
					p.WorstDepth, p.WorstSpeed, p.WorstRating, hazardClassText(hazardClass(p.WorstRating)).EN, s.harmNote(p).EN),
				fmt.Sprintf("进入了水深%.2f米、流速%.1f米/秒的洪水（危险度%.2f，%s）。%s",
					p.WorstDepth, p.WorstSpeed, p.WorstRating, hazardClassText(hazardClass(p.WorstRating)).ZH, s.harmNote(p).ZH))
			return
		}
		if p.WorstDepth > 0 {
			s.decide(p, ti, t.Points, true,
				fmt.Sprintf("Kept out of dangerous water (deepest %.2f m, rating %.2f).", p.WorstDepth, p.WorstRating),
				fmt.Sprintf("远离了危险水域（最深%.2f米，危险度%.2f）。", p.WorstDepth, p.WorstRating))
			return
		}
		s.decide(p, ti, t.Points, true, "Kept out of flood water.", "始终远离洪水。")
	case "notice":
		if _, ok := s.evAt["cue_appeared"]; t.Cue != "symptom" && !ok {
			s.decide(p, ti, 0, false, "No warning sign appeared in this drill: not scored.", "本次演练未出现征兆：不计分。")
			return
		}
		if _, ok := s.evAt["npc_symptoms"]; t.Cue == "symptom" && !ok {
			s.decide(p, ti, 0, false, "Nobody showed symptoms in this drill: not scored.", "本次演练无人出现症状：不计分。")
			return
		}
		s.decide(p, ti, 0, true, "Did not look at the warning sign: it went unnoticed.", "没有注意到征兆。")
	case "action", "help":
		if !on {
			s.decide(p, ti, 0, false, "The moment to act never came in this drill: not scored.", "本次演练未出现需要行动的时机：不计分。")
			return
		}
		what := actionText(t.Action)
		if t.Rule == "help" && t.Action == "" {
			what = actionText(ActHelp)
		}
		s.decide(p, ti, 0, true, fmt.Sprintf("Did not %s.", what.EN), fmt.Sprintf("没有%s。", what.ZH))
	case "answer":
		if _, fired := s.w.InjectFired(t.Prompt); !fired {
			s.decide(p, ti, 0, false, "The question was not asked in this drill: not scored.", "本次演练未提出该问题：不计分。")
			return
		}
		s.decide(p, ti, 0, true, "Did not answer the question.", "没有回答问题。")
	case "escape_sideways":
		s.finishEscape(p, ti)
	case "stay_well":
		if st := s.stage[p.ID]; st >= heat.StageHeatExhaustion {
			s.decide(p, ti, 0, true,
				fmt.Sprintf("Heat illness: %s (core temperature up to %.1f °C). Rest in the shade and drink before you feel ill.", st.Text().EN, p.Body.PeakCoreC),
				fmt.Sprintf("出现中暑：%s（核心体温最高%.1f°C）。应在感到不适前就到阴凉处休息并补水。", st.Text().ZH, p.Body.PeakCoreC))
			return
		}
		s.decide(p, ti, t.Points, true, "Stayed well in the heat: rested, drank and kept cool.", "在高温中保持了健康：休息、补水、防暑。")
	case "unharmed":
		if p.Status.Harmed() {
			n := s.harmNote(p)
			s.decide(p, ti, 0, true, n.EN, n.ZH)
			return
		}
		s.decide(p, ti, t.Points, true, "Came through the drill unharmed.", "安全完成演练，未受伤害。")
	}
}

func (s *scorer) decide(p *Person, ti, points int, applicable bool, en, zh string) {
	st := &s.st[p.ID][ti]
	*st = taskState{decided: true, applicable: applicable, points: points, tick: s.w.tick, en: en, zh: zh}
	if applicable {
		s.w.emit(Event{Kind: EvTaskDone, Who: p.ID, Ref: s.tasks[ti].key, Value: float64(points)})
	}
}

// Results returns every participant's score so far; after the drill ends it
// is final.
func (w *World) Results() []Result {
	s := w.score
	out := make([]Result, 0, len(w.people))
	for pi, p := range w.people {
		r := Result{ID: p.ID, Name: p.Name, Policy: p.Policy, Outcome: w.outcome(p)}
		earned, possible := 0, 0
		objPts := make([]int, len(w.sc.Objectives))
		objMax := make([]int, len(w.sc.Objectives))
		for ti, tr := range s.tasks {
			var st taskState
			if pi < len(s.st) {
				st = s.st[pi][ti]
			}
			it := Item{Rule: tr.key, Kind: tr.t.Rule, Tick: st.tick, Points: st.points, Max: tr.t.Points,
				Applicable: st.applicable || !st.decided, ReasonEN: st.en, ReasonZH: st.zh}
			if !st.decided {
				it.ReasonEN, it.ReasonZH = "Not decided yet.", "尚未判定。"
			}
			if it.Applicable {
				earned += st.points
				possible += tr.t.Points
				objPts[tr.obj] += st.points
				objMax[tr.obj] += tr.t.Points
			}
			r.Breakdown = append(r.Breakdown, it)
		}
		if possible > 0 {
			r.Score = int(math.Round(100 * float64(earned) / float64(possible)))
		}
		for oi := range w.sc.Objectives {
			o := &w.sc.Objectives[oi]
			r.Objectives = append(r.Objectives, ObjectiveResult{ID: o.ID, Title: o.Title,
				Rating: Rating(objPts[oi], objMax[oi]), Points: objPts[oi], Max: objMax[oi]})
		}
		out = append(out, r)
	}
	return out
}

// outcome sums up what became of a participant.
func (w *World) outcome(p *Person) string {
	if p.Status != StatusActive {
		return p.Status.String()
	}
	for i := range w.places {
		if w.places[i].spec.Safe && p.inPlace[i] {
			return "safe"
		}
	}
	return "unsafe"
}

func (s *scorer) hashInto(h *statehash.Hasher) {
	for _, a := range s.warnAt {
		h.U64(a)
	}
	keys := make([]string, 0, len(s.evAt))
	for k := range s.evAt {
		keys = append(keys, k)
	}
	sort.Strings(keys) // map order must never reach the hash
	for _, k := range keys {
		h.String(k)
		h.U64(s.evAt[k])
	}
	for pi := range s.st {
		h.U64(uint64(s.stage[pi]))
		for _, st := range s.st[pi] {
			h.Bool(st.decided)
			h.Bool(st.applicable)
			h.Int(st.points)
			h.U64(st.tick)
			h.String(st.en)
			h.String(st.zh)
			h.Bool(st.started)
			h.F64(st.startX)
			h.F64(st.startY)
		}
	}
}

// cueTick is when the cue a notice task watches first appeared.
func (s *scorer) cueTick(cue string, e *Event) uint64 {
	key := "cue:" + e.Ref
	if cue == "symptom" {
		key = "npc_symptoms"
	}
	if at, ok := s.evAt[key]; ok {
		return at
	}
	return e.Tick
}

func (s *scorer) secs(ticks uint64) float64 { return float64(ticks) / float64(s.w.hz) }

func (s *scorer) dur(ticks uint64) string { return Seconds(s.secs(ticks)).String() }

func (s *scorer) durZH(ticks uint64) string {
	t := int64(s.secs(ticks) + 0.5)
	if t >= 60 {
		return fmt.Sprintf("%d分%d秒", t/60, t%60)
	}
	return fmt.Sprintf("%d秒", t)
}

func (s *scorer) clock(tick uint64) string { return Seconds(s.secs(tick)).String() }

// harmNote says what harm came to a participant, if any.
func (s *scorer) harmNote(p *Person) Text {
	at := s.clock(p.harmAt)
	switch p.Status {
	case StatusSwept:
		return Text{EN: fmt.Sprintf("Was knocked down and carried away by flood water at %s.", at), ZH: fmt.Sprintf("在%s被洪水冲倒卷走。", at)}
	case StatusBuried:
		return Text{EN: fmt.Sprintf("Was caught by the landslide debris at %s.", at), ZH: fmt.Sprintf("在%s被滑坡体掩埋。", at)}
	case StatusCollapsed:
		return Text{EN: fmt.Sprintf("Collapsed with heat stroke at %s.", at), ZH: fmt.Sprintf("在%s因中暑倒下。", at)}
	}
	return Text{}
}

func (w *World) placeName(id string) Text {
	if i, ok := w.placeIdx[id]; ok {
		return w.places[i].spec.Name
	}
	return Text{ZH: id, EN: id}
}

func (w *World) optionText(prompt, option string) (opt, why Text) {
	k := w.injectIndex(prompt)
	if k < 0 || w.sc.Injects[k].Prompt == nil {
		return Text{ZH: option, EN: option}, Text{}
	}
	for _, o := range w.sc.Injects[k].Prompt.Options {
		if o.ID == option {
			if o.Why != nil {
				why = *o.Why
			}
			return o.Text, why
		}
	}
	return Text{ZH: option, EN: option}, Text{}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// npcMatches matches an NPC ID against a task target; a crowd's spec ID
// matches any of its members ("crowd" matches "crowd#3").
func npcMatches(id, target string) bool {
	return target == "" || id == target || strings.HasPrefix(id, target+"#")
}

var actionTexts = map[string]Text{
	ActSwitchOffPower: {ZH: "切断电源", EN: "switch off the power"},
	ActTakeWater:      {ZH: "带上饮用水", EN: "take drinking water"},
	ActDrink:          {ZH: "喝水补水", EN: "drink water"},
	ActCall120:        {ZH: "拨打120急救电话", EN: "call 120 for an ambulance"},
	ActReportHazard:   {ZH: "报告险情（安全哨兵）", EN: "report the hazard (safety sentinel)"},
	ActHelp:           {ZH: "帮助需要帮助的人", EN: "help the person in need"},
	ActGiveWater:      {ZH: "给清醒的同伴喂水", EN: "give water to the conscious classmate"},
	ActMoveToShade:    {ZH: "把同伴移到阴凉处", EN: "move the classmate into the shade"},
	ActRest:           {ZH: "在阴凉处休息", EN: "rest in the shade"},
	ActTakeBelongings: {ZH: "回去拿财物", EN: "go back for belongings"},
}

func actionText(a string) Text {
	if t, ok := actionTexts[a]; ok {
		return t
	}
	return Text{ZH: a, EN: a}
}
