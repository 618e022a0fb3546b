package report

import (
	"errors"
	"fmt"
	"github.com/rescuedrill/rescuedrill/internal/walltime"
	"math"
	"sort"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/replay"
	"github.com/rescuedrill/rescuedrill/engine/warning"
)

// Options shape a collection.
type Options struct {
	DrillID string
	// Start is when the drill started (from the results store); zero when
	// unknown, as for a bare replay file.
	Start time.Time
	// Names overrides display names by slot (the store's, which a teacher
	// may have corrected); the join inputs' names are used otherwise.
	Names map[int32]string
	// NoMaps skips the relief and hazard images (the xAPI and CAP exports
	// need none of them).
	NoMaps bool
	// TrackEvery is the track's sampling interval in ticks (default: one
	// drill second).
	TrackEvery uint64
}

// ErrMismatch means the re-simulation did not reach the recorded hash: the
// log and this engine disagree, and a report from it would be wrong.
var ErrMismatch = errors.New("report: the replay does not reproduce the recorded drill")

// maxMoments bounds the hazard snapshots.
const maxMoments = 4

type collector struct {
	w      *engine.World
	d      *Data
	opts   Options
	people map[int32]*Participant
	order  []int32
	level  map[string]string // hazard → level in force
	moment map[string]bool   // which key moments were taken
}

// Collect re-simulates log on setup and gathers the report's data. It
// checks every checkpoint and the end hash on the way, like a replay.
func Collect(setup engine.Setup, log *replay.Log, opts Options) (*Data, error) {
	w, err := engine.NewWorld(setup, log.Header.Seed)
	if err != nil {
		return nil, err
	}
	if w.TickHz() != log.Header.TickHz {
		return nil, fmt.Errorf("report: recorded at %d Hz but the scenario runs at %d Hz", log.Header.TickHz, w.TickHz())
	}
	if opts.TrackEvery == 0 {
		opts.TrackEvery = uint64(w.TickHz())
	}
	sc := w.Scenario()
	c := &collector{w: w, opts: opts, people: map[int32]*Participant{},
		level: map[string]string{}, moment: map[string]bool{},
		d: &Data{DrillID: opts.DrillID, Scenario: log.Header.Scenario, Title: sc.Title, Summary: sc.Summary,
			Hazard: sc.Hazard, Start: opts.Start, Seed: log.Header.Seed, TickHz: w.TickHz()}}
	// The journal's own start record beats the store's: it is when tick 0
	// ran, by the clock that timed the pauses.
	c.d.Times = walltime.FromLog(log.Walls, w.TickHz(), opts.Start)
	if len(log.Walls) > 0 {
		c.d.Start = c.d.Times.Start()
	}
	c.d.Staged = staged(sc, log.Header.Seed, w.TickHz())
	if !opts.NoMaps {
		c.d.Map = mapView(w)
	}

	cps, in := log.Checkpoints, log.Inputs
	last := uint64(0)
	if len(in) > 0 {
		last = in[len(in)-1].Tick
	}
	if log.End != nil && log.End.Tick > last {
		last = log.End.Tick
	}
	if n := len(log.Walls); n > 0 && log.Walls[n-1].Tick > last+1 {
		last = log.Walls[n-1].Tick - 1 // paused at tick W: it had run to W-1
	}
	for !w.Done() && (log.End != nil || w.Tick() <= last) {
		k := 0
		for k < len(in) && in[k].Tick == w.Tick() {
			k++
		}
		evs := w.Step(in[:k])
		in = in[k:]
		c.observe(w.Tick()-1, evs)
		for len(cps) > 0 && cps[0].Tick == w.Tick()-1 {
			if h := w.Hash(); h != cps[0].Hash {
				return nil, fmt.Errorf("%w: tick %d: recorded %016x, replayed %016x", ErrMismatch, w.Tick(), cps[0].Hash, h)
			}
			cps = cps[1:]
		}
		if log.End != nil && w.Tick() == log.End.Tick {
			break
		}
	}
	h := w.Hash()
	if log.End != nil && (w.Tick() != log.End.Tick || h != log.End.Hash) {
		return nil, fmt.Errorf("%w at the end (tick %d): recorded %016x, replayed %016x", ErrMismatch, w.Tick(), log.End.Hash, h)
	}
	if !w.Done() && w.Tick() > 0 {
		// Stopped early (--stop-at) or cut short: the last tick replayed
		// ends the tracks and is the last moment.
		for _, q := range w.People() {
			if p := c.people[q.ID]; p != nil {
				p.Track = append(p.Track, Point{q.X, q.Y})
			}
		}
		c.takeMoment("end", w.Tick()-1, Text{ZH: "记录结束", EN: "End of the record"})
	}
	c.d.ReplayOK = log.End != nil
	c.d.Ticks = w.Tick()
	c.d.FinalHash = fmt.Sprintf("%016x", h)
	c.finish()
	return c.d, nil
}

// observe takes one tick's events.
func (c *collector) observe(tick uint64, evs []engine.Event) {
	w := c.w
	for i := range evs {
		e := &evs[i]
		switch e.Kind {
		case engine.EvJoined:
			if _, ok := c.people[e.Who]; !ok {
				p := &Participant{Joined: e.Tick}
				p.ID, p.Name, p.Policy = e.Who, e.Ref, e.Level
				if n, ok := c.opts.Names[e.Who]; ok {
					p.Name = n
				}
				c.people[e.Who] = p
				c.order = append(c.order, e.Who)
			}
		case engine.EvWarning:
			c.warning(e)
		case engine.EvEnteredPlace:
			if p := c.people[e.Who]; p != nil && !p.Safe {
				if spec, _, _, ok := w.Place(e.Ref); ok && spec.Safe {
					p.Safe, p.SafeTick = true, e.Tick
				}
			}
		case engine.EvSwept, engine.EvBuried, engine.EvCollapsed:
			if p := c.people[e.Who]; p != nil && !p.Harmed {
				p.Harmed, p.HarmKind, p.HarmTick = true, e.Kind.String(), e.Tick
				p.HarmWhy = c.harmWhy(e)
			}
			c.takeMoment("harm", tick, Text{ZH: "首次有人受困", EN: "First person harmed"})
		case engine.EvSlideStarted:
			c.takeMoment("slide", tick, Text{ZH: "滑坡发生", EN: "The landslide starts"})
		}
		if keyEvent(c, e) {
			ev := Event{Tick: e.Tick, Kind: e.Kind.String(), Who: e.Who, NPC: e.NPC, Ref: e.Ref, Level: e.Level,
				Value: e.Value, OK: e.OK}
			ev.Text = c.describe(e)
			c.d.Events = append(c.d.Events, ev)
			if p := c.people[e.Who]; p != nil && (e.Kind == engine.EvAnswered || e.Kind == engine.EvAction || e.Kind == engine.EvHelped) {
				p.Decisions = append(p.Decisions, ev)
			}
		}
	}
	if tick%c.opts.TrackEvery == 0 || w.Done() {
		for _, q := range w.People() {
			if p := c.people[q.ID]; p != nil {
				p.Track = append(p.Track, Point{q.X, q.Y})
			}
		}
	}
	if w.Done() {
		c.takeMoment("end", tick, Text{ZH: "演练结束", EN: "End of the drill"})
	}
}

// keyEvent picks the timeline's events: everything about the class, and
// each participant's choices and harm. Moves and most place crossings are
// left out; entering a safe or a dangerous place is kept once per place.
func keyEvent(c *collector, e *engine.Event) bool {
	switch e.Kind {
	case engine.EvWarning, engine.EvMessage, engine.EvPrompt, engine.EvCueAppeared, engine.EvSlideStarted,
		engine.EvSwept, engine.EvBuried, engine.EvSymptoms, engine.EvCollapsed, engine.EvRecovered,
		engine.EvAnswered, engine.EvAction, engine.EvHelped, engine.EvDrillEnded, engine.EvLeft:
		return true
	case engine.EvEnteredPlace:
		p := c.people[e.Who]
		spec, _, _, ok := c.w.Place(e.Ref)
		if p == nil || !ok || !(spec.Safe || spec.Danger) {
			return false
		}
		for _, d := range p.Decisions {
			if d.Kind == "entered_place" && d.Ref == e.Ref {
				return false
			}
		}
		p.Decisions = append(p.Decisions, Event{Tick: e.Tick, Kind: "entered_place", Ref: e.Ref})
		return true
	}
	return false
}

func (c *collector) warning(e *engine.Event) {
	h, _ := warning.ParseHazard(e.Ref)
	l, _ := warning.ParseLevel(e.Level)
	prev := c.level[e.Ref]
	if prev == "" {
		prev = "none"
	}
	c.level[e.Ref] = e.Level
	g, _ := warning.GuideFor(h, l)
	c.d.Warnings = append(c.d.Warnings, Warning{Tick: e.Tick, Hazard: e.Ref, Level: e.Level, Prev: prev,
		Title: warning.Title(h, l), Guide: g.Criteria, Public: g.Public, School: g.School})
	if l == warning.Red || (l == warning.Orange && !c.moment["red"]) {
		key := "warn-" + e.Level
		c.takeMoment(key, e.Tick, Text{ZH: warning.Title(h, l).ZH + "发布", EN: warning.Title(h, l).EN + " issued"})
	}
}

// takeMoment snapshots the hazard once per kind of moment.
func (c *collector) takeMoment(key string, tick uint64, caption Text) {
	if c.moment[key] || c.opts.NoMaps {
		return
	}
	c.moment[key] = true
	if key == "warn-red" {
		c.moment["red"] = true
	}
	if len(c.d.Moments) >= maxMoments && key != "end" {
		return
	}
	if len(c.d.Moments) >= maxMoments {
		c.d.Moments = c.d.Moments[:maxMoments-1]
	}
	// Two moments a few seconds apart show the same picture: keep the first.
	for _, m := range c.d.Moments {
		if key != "end" && tick < m.Tick+uint64(10*c.w.TickHz()) && m.Tick <= tick {
			return
		}
	}
	m := Moment{Tick: tick, Caption: caption, Overlay: hazardOverlay(c.w)}
	for _, q := range c.w.People() {
		m.People = append(m.People, Point{q.X, q.Y})
		m.Harmed = append(m.Harmed, q.Status.Harmed())
	}
	c.d.Moments = append(c.d.Moments, m)
}

// finish turns the world's results into the report's summaries.
func (c *collector) finish() {
	w, d := c.w, c.d
	for _, r := range w.Results() {
		p := c.people[r.ID]
		if p == nil {
			p = &Participant{}
			c.people[r.ID] = p
			c.order = append(c.order, r.ID)
		}
		name := p.Name
		p.Result = r
		if name != "" {
			p.Name = name
		}
	}
	for _, q := range w.People() {
		if p := c.people[q.ID]; p != nil {
			p.FinalStatus = q.Status.String()
		}
	}
	sort.Slice(c.order, func(i, j int) bool { return c.order[i] < c.order[j] })
	for _, id := range c.order {
		d.Participants = append(d.Participants, *c.people[id])
	}
	d.Objectives = objectives(w.Scenario(), d.Participants)
	d.Class = class(d.Participants, d.TickHz)
}

func class(ps []Participant, hz int) Class {
	cl := Class{Count: len(ps)}
	var times []float64
	total := 0
	for _, p := range ps {
		total += p.Score
		if p.Safe {
			cl.Safe++
			times = append(times, float64(p.SafeTick-p.Joined)/float64(hz))
		}
		if p.Harmed {
			cl.Harmed++
			cl.HarmedList = append(cl.HarmedList, p)
		}
	}
	if len(ps) > 0 {
		cl.MeanScore = float64(total) / float64(len(ps))
	}
	if len(times) > 0 {
		sort.Float64s(times)
		cl.MedianSafeS = times[len(times)/2]
		if len(times)%2 == 0 {
			cl.MedianSafeS = (times[len(times)/2-1] + times[len(times)/2]) / 2
		}
		cl.MaxSafeS = times[len(times)-1]
	}
	return cl
}

// objectives rates each objective over the class and finds the tasks that
// went well (≥ 80 % of those it applied to earned full points) and those to
// improve (< 60 %), with the commonest reason they fell short.
func objectives(sc *engine.Scenario, ps []Participant) []Objective {
	var out []Objective
	for _, o := range sc.Objectives {
		ob := Objective{ID: o.ID, Title: o.Title, Ratings: map[string]int{}}
		pts, max := 0, 0
		for _, p := range ps {
			for _, r := range p.Objectives {
				if r.ID == o.ID {
					ob.Ratings[r.Rating]++
					pts += r.Points
					max += r.Max
				}
			}
		}
		ob.Rating = engine.Rating(pts, max)
		if max > 0 {
			ob.Percent = int(math.Round(100 * float64(pts) / float64(max)))
		}
		for _, t := range o.Tasks {
			key := o.ID + "/" + t.ID
			n, full := 0, 0
			reasons := map[Text]int{}
			for _, p := range ps {
				for _, it := range p.Breakdown {
					if it.Rule != key || !it.Applicable {
						continue
					}
					n++
					if it.Points == it.Max {
						full++
					} else {
						reasons[Text{ZH: it.ReasonZH, EN: it.ReasonEN}]++
					}
				}
			}
			if n == 0 {
				continue
			}
			share := float64(full) / float64(n)
			line := Text{
				ZH: fmt.Sprintf("%s：%d/%d 人完全做到", t.Title.ZH, full, n),
				EN: fmt.Sprintf("%s: %d of %d did it fully", t.Title.EN, full, n),
			}
			switch {
			case share >= 0.8:
				ob.Strength = append(ob.Strength, line)
			case share < 0.6:
				if r, k := commonest(reasons); k > 0 {
					line.ZH += fmt.Sprintf("。最常见（%d 人）：%s", k, r.ZH)
					line.EN += fmt.Sprintf(". Commonest (%d): %s", k, r.EN)
				}
				ob.Improve = append(ob.Improve, line)
			}
		}
		out = append(out, ob)
	}
	return out
}

// commonest returns the most frequent reason; ties go to the one that sorts
// first, so the report reads the same on every run.
func commonest(m map[Text]int) (Text, int) {
	var best Text
	k := 0
	for t, n := range m {
		if n > k || (n == k && t.EN < best.EN) {
			best, k = t, n
		}
	}
	return best, k
}

// staged lists the exercise's staged variables: what the trainer set.
func staged(sc *engine.Scenario, seed uint64, hz int) []Staged {
	s := []Staged{
		{Text{ZH: "灾种", EN: "Hazard"}, sc.Hazard},
		{Text{ZH: "时长", EN: "Duration"}, sc.Duration.String()},
		{Text{ZH: "时间倍率", EN: "Time scale"}, fmt.Sprintf("×%g", max(sc.TimeScale, 1))},
		{Text{ZH: "地图", EN: "Map"}, sc.Map.Name + sc.Map.Elev},
		{Text{ZH: "随机种子", EN: "Seed"}, fmt.Sprint(seed)},
		{Text{ZH: "模拟频率", EN: "Tick rate"}, fmt.Sprintf("%d Hz", hz)},
	}
	series := func(name Text, unit string, pts []engine.SeriesPoint) {
		if len(pts) == 0 {
			return
		}
		v := ""
		for i, p := range pts {
			if i > 0 {
				v += ", "
			}
			v += fmt.Sprintf("%s: %g %s", p.At, p.Value, unit)
		}
		s = append(s, Staged{name, v})
	}
	if f := sc.Flood; f != nil {
		s = append(s, Staged{Text{ZH: "初始水位", EN: "Initial water level"}, fmt.Sprintf("%g m", f.InitialLevel)})
		series(Text{ZH: "降雨强度", EN: "Rain"}, "mm/h", f.RainMMPerH)
		for _, b := range f.Boundaries {
			series(Text{ZH: "边界 " + b.Edge + " " + b.Kind, EN: "Boundary " + b.Edge + " " + b.Kind}, "", b.Series)
		}
	}
	if l := sc.Landslide; l != nil {
		series(Text{ZH: "降雨强度", EN: "Rain"}, "mm/h", l.RainMMPerH)
		for _, so := range l.Soils {
			s = append(s, Staged{Text{ZH: fmt.Sprintf("土壤分区 %d", so.Zone), EN: fmt.Sprintf("Soil zone %d", so.Zone)},
				fmt.Sprintf("c′ %g kPa, φ′ %g°, %g m, Ks %g mm/h, %g%% saturated", so.CohesionKPa, so.FrictionDeg, so.DepthM, so.KsMMPerH, so.InitialSatPct)})
		}
	}
	if h := sc.Heat; h != nil {
		series(Text{ZH: "气温", EN: "Air temperature"}, "°C", h.AirTempC)
		series(Text{ZH: "相对湿度", EN: "Humidity"}, "%", h.HumidityPct)
		if h.DaysAbove35 > 0 {
			s = append(s, Staged{Text{ZH: "此前≥35°C天数", EN: "Days ≥ 35 °C before"}, fmt.Sprint(h.DaysAbove35)})
		}
	}
	if len(sc.Warnings.Auto) > 0 {
		s = append(s, Staged{Text{ZH: "自动预警", EN: "Automatic warnings"}, fmt.Sprint(sc.Warnings.Auto)})
	}
	for _, in := range sc.Injects {
		v := in.At.String() + " " + in.Kind
		if in.Warning != nil {
			v += " " + in.Warning.Hazard + " " + in.Warning.Level
		}
		s = append(s, Staged{Text{ZH: "脚本事件 " + in.ID, EN: "Inject " + in.ID}, v})
	}
	return s
}
