package engine

import (
	"math"

	"github.com/rescuedrill/rescuedrill/engine/dmath"
	"github.com/rescuedrill/rescuedrill/engine/heat"
	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// Status is what has become of a participant or NPC.
type Status uint8

const (
	StatusActive    Status = iota // moving and acting
	StatusSwept                   // knocked down and carried by moving water
	StatusBuried                  // caught by landslide debris
	StatusCollapsed               // collapsed with heat stroke
	StatusLeft                    // left the drill
)

var statusNames = [...]string{"active", "swept", "buried", "collapsed", "left"}

func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "unknown"
}

// Harmed reports whether the status means the person came to harm.
func (s Status) Harmed() bool { return s == StatusSwept || s == StatusBuried || s == StatusCollapsed }

// Walking figures (m/s) for a school-age participant on flat ground: a
// brisk walk and a run a child can keep up for a few minutes.
const (
	WalkSpeed = 1.4
	RunSpeed  = 3.0
	// Moving water knocks a child off their feet once depth × velocity
	// reaches about 0.6 m²/s (AIDR Guideline 7-3: H3/H4, after Cox et al.
	// 2010), and still water above 1.1 m is too deep to stand in.
	sweptDV    = 0.6
	sweptDepth = 1.1
	// Debris depth (m) that buries a person.
	buryDepth = 0.3
	// Reach for acting on objects and people, and view distances.
	reach       = 3.0
	cueView     = 45.0
	symptomView = 30.0
	viewCos     = 0.8191520442889918 // cos 35°: half-angle of attention
)

// Person is a participant. Fields are exported for bots, the server and
// reports to read; only the world writes them.
type Person struct {
	ID      int32
	Name    string
	Policy  string // bot policy, "" for a human
	X, Y    float64
	Heading int32 // hundredths of a degree clockwise from north
	MoveX   int16
	MoveY   int16
	Run     bool
	Resting bool
	Status  Status
	Joined  uint64
	Water   int // bottles carried

	HasBody bool      // heat drills model the body
	Body    heat.Body // core temperature, sweat, stage

	// Flood water where the participant stands now: depth (m), speed (m/s)
	// and FD2321 hazard rating; zero on dry ground.
	Depth, Speed, Rating float64
	// Worst flood exposure so far, for scoring and the report.
	WorstRating float64
	WorstDepth  float64
	WorstSpeed  float64

	inPlace []bool
	answers [][2]string // prompt ID, option ID in answer order
	noticed []string    // cue kinds and NPC IDs noticed, in order
	harmAt  uint64
}

func (p *Person) init(w *World) {
	p.inPlace = make([]bool, len(w.places))
	if w.weatherOn() {
		p.HasBody = true
		p.Body = newChildBody()
	}
}

// Answer returns the option chosen for a prompt, or "".
func (p *Person) Answer(prompt string) string {
	for _, a := range p.answers {
		if a[0] == prompt {
			return a[1]
		}
	}
	return ""
}

// Noticed reports whether the participant has noticed a cue kind or NPC.
func (p *Person) Noticed(ref string) bool {
	for _, n := range p.noticed {
		if n == ref {
			return true
		}
	}
	return false
}

// InPlace reports whether the participant is inside a place (by index).
func (p *Person) InPlace(i int) bool { return p.inPlace[i] }

// HeadingVector is the unit view direction (x east, y south).
func HeadingVector(centiDeg int32) (float64, float64) {
	rad := float64(centiDeg) * (math.Pi / 18000)
	return dmath.Sin(rad), -dmath.Cos(rad)
}

// HeadingTo returns the heading in hundredths of a degree from (x0,y0) to
// (x1,y1): what a client or bot sends to look at something.
func HeadingTo(x0, y0, x1, y1 float64) int32 {
	a := dmath.Atan2(x1-x0, -(y1-y0)) * (18000 / math.Pi)
	h := int32(math.Round(a))
	for h < 0 {
		h += 36000
	}
	return h % 36000
}

// stepPeople moves every active participant and applies harm.
func (w *World) stepPeople() {
	dt := 1 / float64(w.hz)
	checkView := w.tick%4 == 0 // attention is sampled at 5 Hz at 20 Hz ticks
	for _, p := range w.people {
		if p.Status == StatusLeft {
			continue
		}
		if p.Status == StatusActive {
			w.move(p, dt)
		}
		w.updatePlaces(p)
		if p.Status == StatusActive {
			w.exposeToWater(p)
			w.exposeToDebris(p)
		}
		if p.HasBody {
			w.stepBody(p, dt)
		}
		if checkView && p.Status == StatusActive {
			w.look(p)
		}
	}
}

// move advances a participant along their intended direction, slowed by the
// slope (Tobler's hiking function), by water, and by heat illness; blocked
// cells stop them per axis so they slide along walls.
func (w *World) move(p *Person, dt float64) {
	if p.MoveX == 0 && p.MoveY == 0 {
		return
	}
	p.Resting = false
	dx, dy := float64(p.MoveX)/1000, float64(p.MoveY)/1000
	if n := math.Sqrt(float64(dx*dx) + float64(dy*dy)); n > 1 {
		dx, dy = dx/n, dy/n
	}
	speed := WalkSpeed
	if p.Run {
		speed = RunSpeed
	}
	speed = float64(speed * w.slopeFactor(p.X, p.Y, dx, dy))
	d, vx, vy := w.waterAt(p.X, p.Y)
	if d > 0.05 {
		speed = float64(speed * math.Max(0.2, 1-d/0.8))
	}
	if p.HasBody && p.Body.Stage >= heat.StageHeatExhaustion {
		speed = float64(speed * 0.6)
	}
	nx := p.X + float64(float64(dx*speed)*dt)
	ny := p.Y + float64(float64(dy*speed)*dt)
	if d > 0.1 {
		// Moving water pushes: a share of its velocity, more as it deepens.
		push := math.Min(1, d/0.6) * 0.5
		nx += float64(float64(vx*push) * dt)
		ny += float64(float64(vy*push) * dt)
	}
	p.X, p.Y = w.slide(p.X, p.Y, nx, ny)
}

// slopeFactor is Tobler's hiking function relative to flat ground:
// exp(−3.5·(|S + 0.05| − 0.05)), S the slope along the direction of travel.
// Stairs are built to be climbed: inside a stairs place the factor is at
// least 0.55.
func (w *World) slopeFactor(x, y, dx, dy float64) float64 {
	// Probe one metre ahead (dx, dy is a unit vector, so no product is formed).
	z0 := w.m.Elev.Sample(x, y)
	z1 := w.m.Elev.Sample(x+dx, y+dy)
	s := z1 - z0
	f := dmath.Exp(-3.5 * (math.Abs(s+0.05) - 0.05))
	if f > 1 {
		f = 1
	}
	if f < 0.55 && w.inKind(x, y, "stairs") {
		f = 0.55
	}
	return f
}

// slide moves from (x0,y0) toward (x1,y1), keeping inside the map and out of
// blocked cells, trying each axis alone when the diagonal is blocked.
func (w *World) slide(x0, y0, x1, y1 float64) (float64, float64) {
	maxX, maxY := float64(float64(w.nx)*w.cell)-0.01, float64(float64(w.ny)*w.cell)-0.01
	x1 = math.Min(math.Max(x1, 0.01), maxX)
	y1 = math.Min(math.Max(y1, 0.01), maxY)
	if w.walkableAt(x1, y1) {
		return x1, y1
	}
	if w.walkableAt(x1, y0) {
		return x1, y0
	}
	if w.walkableAt(x0, y1) {
		return x0, y1
	}
	return x0, y0
}

func (w *World) cellIndex(x, y float64) int {
	c, r := int(x/w.cell), int(y/w.cell)
	if c < 0 || r < 0 || c >= w.nx || r >= w.ny {
		return -1
	}
	return r*w.nx + c
}

func (w *World) walkableAt(x, y float64) bool {
	i := w.cellIndex(x, y)
	return i >= 0 && w.walkable[i]
}

// updatePlaces emits enter and leave events as a participant crosses place
// boundaries.
func (w *World) updatePlaces(p *Person) {
	for i := range w.places {
		in := w.places[i].contains(p.X, p.Y)
		if in == p.inPlace[i] {
			continue
		}
		p.inPlace[i] = in
		k := EvLeftPlace
		if in {
			k = EvEnteredPlace
		}
		w.emit(Event{Kind: k, Who: p.ID, Ref: w.places[i].spec.ID, X: p.X, Y: p.Y})
	}
}

// exposeToWater records the worst flood exposure and knocks the participant
// down when the water is beyond what a person can stand in.
func (w *World) exposeToWater(p *Person) {
	d, vx, vy := w.waterAt(p.X, p.Y)
	if d <= 0.01 {
		p.Depth, p.Speed, p.Rating = 0, 0, 0
		return
	}
	v := math.Sqrt(float64(vx*vx) + float64(vy*vy))
	hr := hazardRating(d, v)
	p.Depth, p.Speed, p.Rating = d, v, hr
	if hr > p.WorstRating {
		prevClass := hazardClass(p.WorstRating)
		p.WorstRating, p.WorstDepth, p.WorstSpeed = hr, d, v
		if c := hazardClass(hr); c != prevClass || prevClass == "" {
			w.emit(Event{Kind: EvEnteredWater, Who: p.ID, Level: c, X: p.X, Y: p.Y, Value: d})
		}
	}
	if float64(d*v) >= sweptDV || d >= sweptDepth {
		p.Status = StatusSwept
		p.harmAt = w.tick
		w.emit(Event{Kind: EvSwept, Who: p.ID, X: p.X, Y: p.Y, Value: d})
	}
}

func (w *World) exposeToDebris(p *Person) {
	if d := w.debrisAt(p.X, p.Y); d >= buryDepth {
		p.Status = StatusBuried
		p.harmAt = w.tick
		w.emit(Event{Kind: EvBuried, Who: p.ID, X: p.X, Y: p.Y, Value: d})
	}
}

// look checks what the participant's view direction takes in: cues within
// sight and NPCs showing symptoms.
func (w *World) look(p *Person) {
	hx, hy := HeadingVector(p.Heading)
	for i := range w.cues {
		c := &w.cues[i]
		if p.Noticed(c.Kind) {
			continue
		}
		if inView(p.X, p.Y, hx, hy, c.X, c.Y, cueRange(c.Kind)) {
			p.noticed = append(p.noticed, c.Kind)
			w.emit(Event{Kind: EvNoticed, Who: p.ID, Ref: c.Kind, X: c.X, Y: c.Y})
		}
	}
	for _, n := range w.npcs {
		if n.Symptoms == "" || p.Noticed(n.ID) {
			continue
		}
		if inView(p.X, p.Y, hx, hy, n.X, n.Y, symptomView) {
			p.noticed = append(p.noticed, n.ID)
			w.emit(Event{Kind: EvNoticed, Who: p.ID, Ref: n.ID, NPC: n.ID, Level: "symptom", X: n.X, Y: n.Y})
		}
	}
}

// cueRange is how far away a cue can be taken in: a rumbling is heard
// across the valley, falling stones are seen from a way off, cracks and a
// muddy spring only close up.
func cueRange(kind string) float64 {
	switch kind {
	case "rumbling":
		return 300
	case "small_rockfall", "tilting_trees":
		return 100
	}
	return cueView
}

// inView reports whether (tx,ty) lies within dist of (x,y) and within the
// attention cone around the unit heading (hx,hy).
func inView(x, y, hx, hy, tx, ty, dist float64) bool {
	dx, dy := tx-x, ty-y
	d2 := float64(dx*dx) + float64(dy*dy)
	if d2 > dist*dist {
		return false
	}
	if d2 < 4 { // within two metres anyone notices
		return true
	}
	dot := float64(dx*hx) + float64(dy*hy)
	return dot > 0 && float64(dot*dot) >= float64(float64(viewCos*viewCos)*d2)
}

// stepBody runs the heat-balance model once per drill second (in hazard
// time) and turns its stages into statuses and events.
func (w *World) stepBody(p *Person, dt float64) {
	if w.tick%uint64(w.hz) != 0 || p.Status == StatusLeft {
		return
	}
	act := heat.Rest
	switch {
	case p.Status != StatusActive || p.Resting:
		act = heat.Rest
	case (p.MoveX != 0 || p.MoveY != 0) && p.Run:
		act = heat.Run
	case p.MoveX != 0 || p.MoveY != 0:
		act = heat.Walk
	}
	before := p.Body.Stage
	p.Body.Step(w.scale, w.envAt(p.X, p.Y), act, false)
	if p.Body.Stage == before {
		return
	}
	switch {
	case p.Body.Stage >= heat.StageHeatStroke && p.Status == StatusActive:
		p.Status = StatusCollapsed
		p.harmAt = w.tick
		w.emit(Event{Kind: EvCollapsed, Who: p.ID, X: p.X, Y: p.Y, Value: p.Body.CoreC})
	case p.Body.Stage > before:
		w.emit(Event{Kind: EvSymptoms, Who: p.ID, Level: p.Body.Stage.String(), X: p.X, Y: p.Y, Value: p.Body.CoreC})
	}
}

func (p *Person) hashInto(h *statehash.Hasher) {
	h.I64(int64(p.ID))
	h.String(p.Name)
	h.String(p.Policy)
	h.F64(p.X)
	h.F64(p.Y)
	h.I64(int64(p.Heading))
	h.I64(int64(p.MoveX))
	h.I64(int64(p.MoveY))
	h.Bool(p.Run)
	h.Bool(p.Resting)
	h.U64(uint64(p.Status))
	h.U64(p.Joined)
	h.Int(p.Water)
	h.F64(p.Depth)
	h.F64(p.Speed)
	h.F64(p.Rating)
	h.F64(p.WorstRating)
	h.F64(p.WorstDepth)
	h.F64(p.WorstSpeed)
	h.U64(p.harmAt)
	for _, in := range p.inPlace {
		h.Bool(in)
	}
	h.Int(len(p.answers))
	for _, a := range p.answers {
		h.String(a[0])
		h.String(a[1])
	}
	h.Int(len(p.noticed))
	for _, n := range p.noticed {
		h.String(n)
	}
	if p.HasBody {
		p.Body.HashInto(h)
	}
}
