package engine

import (
	"fmt"
	"strings"

	"github.com/rescuedrill/rescuedrill/engine/flood"
	"github.com/rescuedrill/rescuedrill/engine/heat"
	"github.com/rescuedrill/rescuedrill/engine/landslide"
	"github.com/rescuedrill/rescuedrill/engine/series"
	"github.com/rescuedrill/rescuedrill/engine/statehash"
	"github.com/rescuedrill/rescuedrill/engine/terrain"
	"github.com/rescuedrill/rescuedrill/engine/warning"
)

// hazards holds the physical models the scenario switches on and the
// warning machinery fed by them.
type hazards struct {
	flood     *flood.Model
	floodRain series.Series // mm/h over hazard time
	slide     *landslide.Model
	slideRain series.Series // mm/h
	slideTick uint64        // ticks between landslide updates
	slideAcc  float64       // hazard seconds not yet given to the landslide model
	rainSet   float64       // flood rain rate last set, mm/h
	weather   *heat.Weather

	rain    *warning.RainTracker
	temp    *warning.HeatTracker
	issuer  *warning.Issuer
	auto    [3]bool // rainstorm, high_temp, geological follow thresholds
	level   int     // highest current warning colour rank over all hazards
	since   [5]uint64
	slideOn bool
	cueSeen map[string]bool // lookup only
	maxFS   float64
}

// Cue is a precursor sign of a landslide in the world, where a participant
// can see or hear it.
type Cue struct {
	Kind      string // crack, muddy_spring, tilting_trees, rumbling, small_rockfall, bulging_toe
	X, Y      float64
	Tick      uint64
	Intensity float64 // 0–1, grows toward failure
}

func (w *World) initHazards() error {
	sc, h := w.sc, &w.haz
	h.cueSeen = map[string]bool{}
	n := w.nx * w.ny
	for _, a := range sc.Warnings.Auto {
		switch a {
		case "rainstorm":
			h.auto[0] = true
		case "high_temp":
			h.auto[1] = true
		case "geological":
			h.auto[2] = true
		}
	}
	h.rain = warning.NewRainTracker()
	h.temp = warning.NewHeatTracker(0)
	if sc.Heat != nil {
		h.temp = warning.NewHeatTracker(sc.Heat.DaysAbove35)
	}
	h.issuer = warning.NewIssuer()
	if f := sc.Flood; f != nil {
		manning := make([]float64, n)
		blocked := make([]bool, n)
		for i := 0; i < n; i++ {
			lu := w.m.LandUseAt(i)
			manning[i] = terrain.Manning(lu)
			blocked[i] = terrain.Blocked(lu)
		}
		fm, err := flood.New(w.nx, w.ny, w.cell, w.m.Elev.V, manning, blocked, flood.DefaultParams())
		if err != nil {
			return fmt.Errorf("engine: flood: %w", err)
		}
		if f.InitialLevel > 0 {
			depth := make([]float64, n)
			for i := 0; i < n; i++ {
				if !blocked[i] && w.m.LandUseAt(i) == terrain.Water && f.InitialLevel > w.m.Elev.V[i] {
					depth[i] = f.InitialLevel - w.m.Elev.V[i]
				}
			}
			if err := fm.SetInitial(depth); err != nil {
				return fmt.Errorf("engine: flood initial level: %w", err)
			}
		}
		for _, b := range f.Boundaries {
			fb, err := floodBoundary(b)
			if err != nil {
				return err
			}
			if err := fm.AddBoundary(fb); err != nil {
				return fmt.Errorf("engine: flood boundary %s %d–%d: %w", b.Edge, b.From, b.To, err)
			}
		}
		if f.DrainsMMPerH > 0 {
			if err := fm.SetDrains(f.DrainsMMPerH / 3.6e6); err != nil {
				return err
			}
		}
		h.flood = fm
		h.floodRain = toSeries(f.RainMMPerH)
	}
	if l := sc.Landslide; l != nil {
		// Zones the scenario gives no soil for are treated as bedrock (zone
		// 0, which never fails): a trainer names only the soils that matter.
		maxZone := 0
		for _, s := range l.Soils {
			maxZone = max(maxZone, s.Zone)
		}
		soils := make([]landslide.Soil, maxZone+1)
		initial := make([]float64, maxZone+1)
		given := make([]bool, maxZone+1)
		for _, s := range l.Soils {
			soils[s.Zone] = landslide.Soil{Cohesion: s.CohesionKPa, FrictionDeg: s.FrictionDeg, UnitWeight: s.UnitWeight,
				Depth: s.DepthM, Ks: s.KsMMPerH / 3.6e6, Porosity: 0.25, SuctionHead: 0.1}
			initial[s.Zone] = s.InitialSatPct / 100
			given[s.Zone] = true
		}
		for z := 1; z <= maxZone; z++ {
			if !given[z] {
				soils[z] = soils[0] // never referenced: its cells are remapped below
			}
		}
		p := landslide.DefaultParams()
		p.Type = slideType(l.SlideType)
		p.WorstCase = l.WorstCase
		zone := make([]uint8, n)
		sat := make([]float64, n)
		for i := range zone {
			z := 0
			if w.m.Soil != nil {
				z = int(w.m.Soil[i])
			}
			if z <= maxZone && given[z] {
				zone[i] = uint8(z)
				sat[i] = initial[z]
			}
		}
		p.M0 = sat
		lm, err := landslide.New(w.nx, w.ny, w.cell, w.m.Elev.V, zone, soils, p)
		if err != nil {
			return fmt.Errorf("engine: landslide: %w", err)
		}
		h.slide = lm
		h.slideRain = toSeries(l.RainMMPerH)
		h.slideTick = uint64(w.hz / 4) // 4 Hz is plenty for soil water
	}
	if ht := sc.Heat; ht != nil {
		h.weather = &heat.Weather{AirTemp: toSeries(ht.AirTempC), RH: toSeries(ht.HumidityPct),
			Solar: toSeries(ht.SolarWm2), Wind: toSeries(ht.WindMS)}
	}
	return nil
}

func toSeries(pts []SeriesPoint) series.Series {
	s := make(series.Series, len(pts))
	for i, p := range pts {
		s[i] = series.Point{T: float64(p.At), V: p.Value}
	}
	return s
}

func floodBoundary(b BoundarySpec) (flood.Boundary, error) {
	fb := flood.Boundary{From: b.From, To: b.To + 1}
	switch b.Edge {
	case "north":
		fb.Edge = flood.North
	case "south":
		fb.Edge = flood.South
	case "east":
		fb.Edge = flood.East
	case "west":
		fb.Edge = flood.West
	default:
		return fb, fmt.Errorf("engine: flood boundary edge %q", b.Edge)
	}
	switch b.Kind {
	case "level":
		fb.Kind = flood.WaterLevel
	case "discharge":
		fb.Kind = flood.Discharge
	case "free":
		fb.Kind = flood.FreeOutflow
		fb.Slope = 0.001
	default:
		return fb, fmt.Errorf("engine: flood boundary kind %q", b.Kind)
	}
	for _, p := range b.Series {
		fb.Series = append(fb.Series, flood.Point{T: float64(p.At), V: p.Value})
	}
	return fb, nil
}

func slideType(s string) landslide.SlideType {
	switch s {
	case "rockfall":
		return landslide.Rockfall
	case "debris_flow":
		return landslide.DebrisFlow
	case "earthflow":
		return landslide.Earthflow
	case "translational":
		return landslide.Translational
	}
	return landslide.DefaultParams().Type // debris flow: what rain-fed slides above schools usually become
}

// stepHazards advances every model by one tick of hazard time and turns
// what happened into events.
func (w *World) stepHazards() {
	h := &w.haz
	dt := float64(w.scale) / float64(w.hz)
	t := w.HazardTime()
	var rainMMH float64
	if h.flood != nil {
		rainMMH = h.floodRain.At(t)
		// Rain is re-read once a drill second: setting it is not free (the
		// model folds its configuration into the hash), and rain curves in
		// scenarios change over minutes, not ticks.
		if w.tick%uint64(w.hz) == 0 && rainMMH != h.rainSet {
			_ = h.flood.SetRain(rainMMH / 3.6e6)
			h.rainSet = rainMMH
		}
		_ = h.flood.Advance(dt)
	}
	if h.slide != nil {
		rainMMH = h.slideRain.At(t)
		h.slideAcc += dt
		if w.tick%h.slideTick == 0 {
			h.slide.SetRain(rainMMH / 3.6e6)
			for _, e := range h.slide.Advance(h.slideAcc) {
				w.slideEvent(e)
			}
			h.slideAcc = 0
		}
	}
	// Rain is always recorded: the geological warning reads it too, even
	// when the rainstorm warning is scripted rather than automatic.
	h.rain.Add(dt, float64(rainMMH*dt)/3600)
	var wx []warning.Reading
	if h.auto[0] {
		wx = append(wx, warning.Reading{Hazard: warning.Rainstorm, Level: h.rain.Level()})
	}
	if h.auto[1] && h.weather != nil {
		h.temp.Observe(t, h.weather.AirTemp.At(t))
		wx = append(wx, warning.Reading{Hazard: warning.HighTemp, Level: h.temp.Level()})
	}
	if h.auto[2] && h.slide != nil {
		wx = append(wx, warning.Reading{Hazard: warning.Geological, Level: w.geoLevel()})
	}
	for _, iw := range h.issuer.Update(t, wx) {
		w.warningEvent(iw)
	}
}

// geoLevel rates geological-hazard risk from the rain of the last 3 and 12
// hours, the way regional rainfall thresholds do (parameters of
// warning.GeoThresholds).
func (w *World) geoLevel() warning.Level {
	return warning.DefaultGeoThresholds().Level(w.haz.rain.Sum(3*3600), w.haz.rain.Sum(12*3600))
}

// injectWarning issues a warning by script or by the facilitator, and
// reports whether the hazard and level exist.
func (w *World) injectWarning(hazard, level, id string) bool {
	hz, ok := warning.ParseHazard(hazard)
	lv, ok2 := warning.ParseLevel(level)
	if !ok || !ok2 || !warning.Allowed(hz, lv) {
		return false
	}
	for _, iw := range w.haz.issuer.Inject(w.HazardTime(), hz, lv, id) {
		w.warningEvent(iw)
	}
	return true
}

func (w *World) warningEvent(iw warning.Warning) {
	h := &w.haz
	w.emit(Event{Kind: EvWarning, Who: -1, Ref: iw.Hazard.Key(), Level: iw.Level.Key()})
	top := int(h.issuer.Highest())
	h.level = top
	for k := 1; k <= top; k++ {
		if h.since[k] == 0 {
			h.since[k] = w.tick + 1
		}
	}
}

// slideEvent turns a landslide model event into world events and cues.
func (w *World) slideEvent(e landslide.Event) {
	h := &w.haz
	switch e.Kind {
	case landslide.CueAppeared, landslide.CueIntensified:
		kind := strings.ReplaceAll(e.Cue.String(), "-", "_")
		for i := range w.cues {
			if w.cues[i].Kind == kind {
				w.cues[i].Intensity = e.Intensity
				return
			}
		}
		w.cues = append(w.cues, Cue{Kind: kind, X: e.X, Y: e.Y, Tick: w.tick, Intensity: e.Intensity})
		w.emit(Event{Kind: EvCueAppeared, Who: -1, Ref: kind, X: e.X, Y: e.Y, Value: e.Intensity})
	case landslide.SlideStarted:
		h.slideOn = true
		w.emit(Event{Kind: EvSlideStarted, Who: -1, Ref: fmt.Sprint(e.Slide), X: e.X, Y: e.Y})
		w.score.slideStarted(e.Slide)
	case landslide.SlideStopped:
		w.emit(Event{Kind: EvSlideStopped, Who: -1, Ref: fmt.Sprint(e.Slide), X: e.X, Y: e.Y})
		w.score.slideStopped(e.Slide)
	}
}

// alarm reports whether bystanders have reason to move: an orange or red
// warning, or a slide.
func (h *hazards) alarm() bool { return h.level >= 3 || h.slideOn }

func (h *hazards) depthCell(i int) float64 {
	if h.flood == nil {
		return 0
	}
	return h.flood.Depth(i)
}

// waterAt returns flood depth and velocity at a point.
func (w *World) waterAt(x, y float64) (d, vx, vy float64) {
	f := w.haz.flood
	if f == nil {
		return 0, 0, 0
	}
	d = f.DepthAt(x, y)
	if d <= 0 {
		return 0, 0, 0
	}
	vx, vy = f.VelocityAt(x, y)
	return d, vx, vy
}

func (w *World) debrisAt(x, y float64) float64 {
	if w.haz.slide == nil {
		return 0
	}
	return w.haz.slide.DebrisAt(x, y)
}

func (w *World) weatherOn() bool { return w.sc.Heat != nil }

// envAt is the heat environment at a point: the weather now, in shade under
// shade places and buildings' entrances.
func (w *World) envAt(x, y float64) heat.Env {
	wx := w.haz.weather
	if wx == nil {
		return heat.Env{Ta: 25, RH: 50, Shade: true}
	}
	env := wx.At(w.HazardTime())
	env.Shade = w.inKind(x, y, "shade") || w.inKind(x, y, "building") || w.inKind(x, y, "first_aid") || w.inKind(x, y, "cool_room")
	return env
}

// WaterAt returns the flood depth and speed at a point (for clients, bots
// and reports).
func (w *World) WaterAt(x, y float64) (depth, vx, vy float64) { return w.waterAt(x, y) }

// DebrisAt returns the landslide debris depth at a point.
func (w *World) DebrisAt(x, y float64) float64 { return w.debrisAt(x, y) }

// Flood returns the flood model, or nil (read only).
func (w *World) Flood() *flood.Model { return w.haz.flood }

// Landslide returns the landslide model, or nil (read only).
func (w *World) Landslide() *landslide.Model { return w.haz.slide }

// WarningLevel is the highest warning colour in force: 0 none, 1 blue …
// 4 red.
func (w *World) WarningLevel() int { return w.haz.level }

// WarningSince returns the first tick a warning of at least the colour rank
// was issued.
func (w *World) WarningSince(rank int) (uint64, bool) {
	if rank < 1 || rank > 4 || w.haz.since[rank] == 0 {
		return 0, false
	}
	return w.haz.since[rank] - 1, true
}

// Warnings returns the warnings in force, in a fixed hazard order.
func (w *World) Warnings() []warning.Warning { return w.haz.issuer.Active() }

// SlideStarted reports whether a landslide has failed.
func (w *World) SlideStarted() bool { return w.haz.slideOn }

// TaskTriggered reports whether a task's clock has started for a person.
func (w *World) TaskTriggered(t *Task, p *Person) bool {
	_, ok := w.score.triggerTick(t, p)
	return ok
}

// Weather returns the heat environment at a point now (zero without heat).
func (w *World) Weather(x, y float64) heat.Env { return w.envAt(x, y) }

// hazardRating is the FD2321 flood hazard rating HR = d(v + 0.5) + DF with
// the urban debris factor (0 up to 0.25 m, 1 above): drills happen in towns.
func hazardRating(d, v float64) float64 { return flood.Rate(d, v, flood.Urban) }

// hazardClass names the FD2321 class of a rating as the scenario format
// spells it; "" for no water.
func hazardClass(hr float64) string {
	if hr <= 0 {
		return ""
	}
	switch flood.ClassOf(hr) {
	case flood.Low:
		return "low"
	case flood.DangerForSome:
		return "danger_for_some"
	case flood.DangerForMost:
		return "danger_for_most"
	}
	return "danger_for_all"
}

func hazardClassRank(c string) int {
	switch c {
	case "", "none":
		return 0
	case "low":
		return 1
	case "danger_for_some":
		return 2
	case "danger_for_most":
		return 3
	}
	return 4
}

func hazardClassText(c string) Text {
	switch c {
	case "low":
		return Text{ZH: "低危险（注意）", EN: "low hazard (caution)"}
	case "danger_for_some":
		return Text{ZH: "对部分人危险（含儿童）", EN: "danger for some, including children"}
	case "danger_for_most":
		return Text{ZH: "对大多数人危险", EN: "danger for most people"}
	case "danger_for_all":
		return Text{ZH: "对所有人危险", EN: "danger for all"}
	}
	return Text{ZH: "无", EN: "none"}
}

func cueText(kind string) Text {
	for k := landslide.CueKind(0); k < landslide.NumCues; k++ {
		if strings.ReplaceAll(k.String(), "-", "_") == kind {
			return Text{ZH: k.Name("zh"), EN: strings.ToLower(k.Name("en"))}
		}
	}
	return Text{ZH: kind, EN: kind}
}

func (h *hazards) hashInto(s *statehash.Hasher) {
	if h.flood != nil {
		h.flood.HashInto(s)
	}
	if h.slide != nil {
		h.slide.HashInto(s)
		s.F64(h.slideAcc)
	}
	h.rain.HashInto(s)
	h.temp.HashInto(s)
	h.issuer.HashInto(s)
	s.Int(h.level)
	for _, v := range h.since {
		s.U64(v)
	}
	s.Bool(h.slideOn)
	s.F64(h.rainSet)
}
