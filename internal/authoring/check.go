package authoring

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/internal/headless"
	"github.com/rescuedrill/rescuedrill/scenarios"
)

// CheckOptions shape the dry run.
type CheckOptions struct {
	Good, Naive int      // bots of each policy per run; 0 means 10
	Seeds       []uint64 // one run per seed; nil means 1, 2, 3
}

// Entry is one line of the MSEL timeline of the first dry run.
type Entry struct {
	At   float64 // drill seconds
	Kind string  // inject, warning, cue, slide, water, symptoms, harm
	What string
}

// PolicyTally counts how one bot policy fared over all the runs.
type PolicyTally struct {
	Bots, Safe, Harmed int
	MeanScore          float64
}

// Report is what Check found. Problems holds the loader's problems and
// the dry run's warnings, each at the line it is about.
type Report struct {
	File     string
	Problems scenarios.Problems
	// Ran is false when validation failed and nothing was simulated.
	Ran      bool
	Seeds    []uint64
	Timeline []Entry
	Good     PolicyTally
	Naive    PolicyTally
}

// OK reports whether the scenario has no errors (warnings allowed).
func (r *Report) OK() bool { return !r.Problems.HasErrors() }

// GoodSurvive and NaiveFail are the two things a drill must show: the
// right choices keep people safe and the wrong ones do not.
func (r *Report) GoodSurvive() bool { return r.Good.Bots > 0 && r.Good.Harmed == 0 }
func (r *Report) NaiveFail() bool {
	return r.Naive.Bots > 0 && (r.Naive.Harmed > 0 || r.Naive.MeanScore+20 <= r.Good.MeanScore)
}

// Check validates the scenario file and, when it is valid, dry-runs it
// headless with good and naive bots on each seed. The error is only for
// a run the engine refused; a scenario's mistakes are in the report.
func Check(file string, o CheckOptions) (*Report, error) {
	if o.Good == 0 {
		o.Good = 10
	}
	if o.Naive == 0 {
		o.Naive = 10
	}
	if len(o.Seeds) == 0 {
		o.Seeds = []uint64{1, 2, 3}
	}
	r := &Report{File: file, Seeds: o.Seeds}
	r.Problems = scenarios.CheckFile(file)
	if r.Problems.HasErrors() {
		return r, nil
	}
	ld, err := scenarios.LoadFile(file)
	if err != nil {
		return r, err // CheckFile just passed: only a changing file gets here
	}
	dr := newDryRun(ld)
	dr.reachability()
	// The seeds run side by side (each on its own world), then merge in
	// seed order so the report never depends on which finished first.
	runs := make([]*seen, len(o.Seeds))
	errs := make([]error, len(o.Seeds))
	var wg sync.WaitGroup
	for k, seed := range o.Seeds {
		wg.Go(func() { runs[k], errs[k] = dr.run(seed, o.Good, o.Naive) })
	}
	wg.Wait()
	for k, err := range errs {
		if err != nil {
			r.Problems = append(r.Problems, &scenarios.Problem{File: file, Msg: "the dry run failed: " + err.Error(),
				Hint: "the engine refused the scenario; this is a bug in validation too, please report it"})
			return r, nil
		}
		dr.merge(runs[k], k == 0)
	}
	r.Ran = true
	dr.judge()
	r.Timeline = dr.timeline
	r.Good, r.Naive = dr.tally["good"], dr.tally["naive"]
	for _, p := range []*PolicyTally{&r.Good, &r.Naive} {
		if p.Bots > 0 {
			p.MeanScore /= float64(p.Bots)
		}
	}
	if !r.GoodSurvive() {
		r.Problems = append(r.Problems, ld.ProblemAt(scenarios.Warning, "/guide",
			fmt.Sprintf("%d of %d good bots came to harm: the right choices do not keep people safe", r.Good.Harmed, r.Good.Bots),
			"make the refuge reachable before the hazard arrives: an earlier go_at or warning, a nearer or higher refuge"))
	}
	if !r.NaiveFail() {
		r.Problems = append(r.Problems, ld.ProblemAt(scenarios.Warning, "/objectives",
			fmt.Sprintf("naive bots all came through unharmed and scored %.0f against the good bots' %.0f: the drill does not tell right from wrong",
				r.Naive.MeanScore, r.Good.MeanScore),
			"put the trap (guide.trap) where the hazard strikes, and score the mistakes (avoid_place, avoid_water, answer)"))
	}
	r.Problems = append(r.Problems, dr.problems...)
	slices.SortStableFunc(r.Problems, func(a, b *scenarios.Problem) int {
		return cmpInt(a.Line, b.Line)*2 + cmpInt(a.Col, b.Col)/2
	})
	return r, nil
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// dryRun holds the scenario under test and, merged over every seed, what
// the drill did.
type dryRun struct {
	ld       *scenarios.Loaded
	sc       *engine.Scenario
	problems scenarios.Problems
	timeline []Entry
	tally    map[string]PolicyTally
	all      *seen
}

// seen is what one run saw; merged over the seeds by "happened in any".
type seen struct {
	timeline []Entry
	tally    map[string]PolicyTally
	cues     map[string]bool // cue kinds that appeared
	slide    bool
	symptoms bool         // an NPC showed symptoms
	warned   map[int]bool // warning ranks issued (1 blue … 4 red)
	reached  bool         // a participant met the hazard: water, debris, heat illness
	scored   map[string]bool
	// goodLost holds, per task, the first reason a good bot lost points
	// on it; fullAll the tasks on which every participant scored full.
	goodLost  map[string]string
	notFull   map[string]bool // tasks someone scored less than full on
	wetPlaces map[string]bool
}

func newSeen() *seen {
	return &seen{tally: map[string]PolicyTally{}, cues: map[string]bool{}, warned: map[int]bool{},
		scored: map[string]bool{}, wetPlaces: map[string]bool{}, goodLost: map[string]string{}, notFull: map[string]bool{}}
}

func newDryRun(ld *scenarios.Loaded) *dryRun {
	return &dryRun{ld: ld, sc: ld.Scenario, tally: map[string]PolicyTally{}, all: newSeen()}
}

func (d *dryRun) merge(s *seen, first bool) {
	if first {
		d.timeline = s.timeline
	}
	for k, v := range s.tally {
		t := d.tally[k]
		t.Bots += v.Bots
		t.Safe += v.Safe
		t.Harmed += v.Harmed
		t.MeanScore += v.MeanScore
		d.tally[k] = t
	}
	a := d.all
	a.slide = a.slide || s.slide
	a.symptoms = a.symptoms || s.symptoms
	a.reached = a.reached || s.reached
	for k, why := range s.goodLost {
		if _, ok := a.goodLost[k]; !ok || first {
			a.goodLost[k] = why
		}
	}
	for _, m := range [][2]map[string]bool{{a.cues, s.cues}, {a.scored, s.scored}, {a.wetPlaces, s.wetPlaces}, {a.notFull, s.notFull}} {
		for k := range m[1] {
			m[0][k] = true
		}
	}
	for k := range s.warned {
		a.warned[k] = true
	}
}

func (d *dryRun) setup() engine.Setup { return engine.Setup{Scenario: d.sc, Map: d.ld.Map} }

func (d *dryRun) warn(ptr, msg, hint string) {
	d.problems = append(d.problems, d.ld.ProblemAt(scenarios.Warning, ptr, msg, hint))
}

var rankOf = map[string]int{"blue": 1, "yellow": 2, "orange": 3, "red": 4}

// run plays one seed and returns what it saw, timeline included.
func (d *dryRun) run(seed uint64, good, naive int) (*seen, error) {
	s := newSeen()
	hz := d.sc.Hz()
	sec := func(tick uint64) float64 { return float64(tick) / float64(hz) }
	firstCue := map[string]bool{}
	firstHarm, firstSymptom := false, false
	slides, lastSlide := 0, 0.0
	add := func(at float64, kind, what string) { s.timeline = append(s.timeline, Entry{at, kind, what}) }
	onEvents := func(_ uint64, evs []engine.Event) {
		for _, e := range evs {
			t := sec(e.Tick)
			switch e.Kind {
			case engine.EvWarning:
				s.warned[rankOf[e.Level]] = true
				add(t, "warning", e.Ref+" "+e.Level)
			case engine.EvMessage:
				add(t, "inject", "message "+e.Ref)
			case engine.EvPrompt:
				add(t, "inject", "prompt "+e.Ref)
			case engine.EvCueAppeared:
				s.cues[e.Ref] = true
				if !firstCue[e.Ref] {
					firstCue[e.Ref] = true
					add(t, "cue", fmt.Sprintf("%s appears at (%.0f, %.0f)", e.Ref, e.X, e.Y))
				}
			case engine.EvSlideStarted:
				// A wet hillside fails in many small slides: the first one is
				// the onset, the rest are summed up at the end.
				s.slide = true
				if slides == 0 {
					add(t, "slide", fmt.Sprintf("first slide starts at (%.0f, %.0f)", e.X, e.Y))
				}
				slides++
				lastSlide = t
			case engine.EvSymptoms, engine.EvCollapsed:
				if e.NPC != "" {
					s.symptoms = true
					add(t, "symptoms", fmt.Sprintf("%s %s %s", e.NPC, e.Kind, e.Level))
				} else if e.Who >= 0 {
					s.reached = true
					if !firstSymptom {
						firstSymptom = true
						add(t, "symptoms", fmt.Sprintf("first participant with heat illness: p%d %s", e.Who, e.Level))
					}
				}
			case engine.EvEnteredWater, engine.EvBuried, engine.EvSwept:
				if e.Who >= 0 {
					s.reached = true
					if e.Kind != engine.EvEnteredWater && !firstHarm {
						firstHarm = true
						add(t, "harm", fmt.Sprintf("first participant %s: p%d", e.Kind, e.Who))
					}
				}
			}
		}
	}
	opts := headless.Options{Seed: seed, Bots: []headless.BotSpec{{Policy: "good", Count: good}, {Policy: "naive", Count: naive}},
		OnEvents: onEvents}
	if d.sc.Flood != nil {
		// Every 15 s of drill: where the water has got to. A place counts as
		// reached by the flood at 10 cm, ankle depth.
		for t := 15.0; t <= float64(d.sc.Duration); t += 15 {
			opts.AtTimes = append(opts.AtTimes, t)
		}
		opts.OnTime = func(t float64, w *engine.World) error {
			for _, p := range d.sc.Places {
				if s.wetPlaces[p.ID] {
					continue
				}
				if depth := maxDepth(w, p); depth >= 0.1 {
					s.wetPlaces[p.ID] = true
					add(t, "water", fmt.Sprintf("flood water reaches %s (%.2f m deep)", p.ID, depth))
				}
			}
			return nil
		}
	}
	out, err := headless.Run(d.setup(), d.sc.ID, opts)
	if err != nil {
		return nil, err
	}
	if slides > 1 {
		add(lastSlide, "slide", fmt.Sprintf("%d slides in all, the last starting now", slides))
	}
	for _, p := range out.Participants {
		t := s.tally[p.Policy]
		t.Bots++
		t.MeanScore += float64(p.Score)
		switch p.Outcome {
		case "safe":
			t.Safe++
		case "swept", "buried", "collapsed":
			t.Harmed++
		}
		s.tally[p.Policy] = t
		for _, it := range p.Breakdown {
			if it.Applicable {
				s.scored[it.Rule] = true
				if it.Points < it.Max {
					s.notFull[it.Rule] = true
					if _, ok := s.goodLost[it.Rule]; !ok && p.Policy == "good" {
						s.goodLost[it.Rule] = it.ReasonEN
					}
				}
			}
		}
	}
	slices.SortStableFunc(s.timeline, func(a, b Entry) int {
		switch {
		case a.At < b.At:
			return -1
		case a.At > b.At:
			return 1
		}
		return 0
	})
	return s, nil
}

// maxDepth is the deepest flood water over a place's cells (sampled at
// cell centres, so a small circle still gets its own cell).
func maxDepth(w *engine.World, p engine.PlaceSpec) float64 {
	best := 0.0
	for _, i := range w.PlaceCells(p.ID) {
		best = math.Max(best, w.Flood().Depth(i))
	}
	return best
}
