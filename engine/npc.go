package engine

import (
	"fmt"
	"math"

	"github.com/rescuedrill/rescuedrill/engine/dmath"
	"github.com/rescuedrill/rescuedrill/engine/heat"
	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// NPC is a non-player character. Three kinds carry the social and caring
// parts of a drill:
//   - crowd: bystanders who copy the people around them. Left alone after
//     the alarm they drift toward a tempting wrong place (the lure); when
//     participants near them move with purpose they follow, and a
//     participant who helps one becomes its leader. This is the social cue
//     that drives real behaviour in floods (people follow others into water).
//   - elder: an elderly neighbour who stays put until someone helps, then
//     follows that helper slowly.
//   - classmate: a pupil playing sport in the heat whose body model can
//     reach exhaustion and heat stroke; first aid (shade, water, rest) helps.
type NPC struct {
	ID       string
	Kind     string
	X, Y     float64
	Status   Status
	Leader   int32 // participant followed, or -1
	HasBody  bool
	Body     heat.Body
	Symptoms string // "", or the heat stage name once symptoms show
	FirstAid bool

	spec     *NPCSpec
	group    int // index of the NPCSpec it came from
	vx, vy   float64
	pauseTil uint64
	alarmed  bool
	lure     int // place index or -1
	homeX    float64
	homeY    float64
	phase    float64 // classmate: where on its running loop
}

const (
	crowdSpeed    = 1.3
	elderSpeed    = 0.8
	followGap     = 1.5
	socialRadius  = 15.0
	npcThinkEvery = 4 // ticks between NPC decisions
)

func (w *World) initNPCs() error {
	for g := range w.sc.NPCs {
		s := &w.sc.NPCs[g]
		pi, ok := w.placeIdx[s.Place]
		if !ok {
			return fmt.Errorf("engine: npc %s: place %q is not defined", s.ID, s.Place)
		}
		lure := -1
		if s.Lure != "" {
			if lure, ok = w.placeIdx[s.Lure]; !ok {
				return fmt.Errorf("engine: npc %s: lure %q is not defined", s.ID, s.Lure)
			}
		}
		n := 1
		if s.Kind == "crowd" && s.Count > 0 {
			n = s.Count
		}
		for k := 0; k < n; k++ {
			id := s.ID
			if s.Kind == "crowd" {
				id = fmt.Sprintf("%s#%d", s.ID, k)
			}
			x, y := w.places[pi].spawnPoint(k, w)
			npc := &NPC{ID: id, Kind: s.Kind, X: x, Y: y, Leader: -1, spec: s, group: g, lure: lure, homeX: x, homeY: y}
			if s.Kind == "classmate" && w.weatherOn() {
				npc.HasBody = true
				npc.Body = newClassmateBody()
				npc.phase = float64(k)
			}
			w.npcs = append(w.npcs, npc)
		}
	}
	return nil
}

// NPC returns an NPC by ID, or nil.
func (w *World) NPC(id string) *NPC {
	for _, n := range w.npcs {
		if n.ID == id {
			return n
		}
	}
	return nil
}

func (w *World) stepNPCs() {
	dt := 1 / float64(w.hz)
	think := w.tick%npcThinkEvery == 0
	for _, n := range w.npcs {
		if n.Status == StatusActive {
			if think {
				w.thinkNPC(n)
			}
			nx := n.X + float64(n.vx*dt)
			ny := n.Y + float64(n.vy*dt)
			n.X, n.Y = w.slide(n.X, n.Y, nx, ny)
			w.exposeNPC(n)
		}
		if n.HasBody {
			w.stepNPCBody(n)
		}
	}
}

// thinkNPC sets an NPC's velocity for the next few ticks.
func (w *World) thinkNPC(n *NPC) {
	n.vx, n.vy = 0, 0
	if n.Leader >= 0 && int(n.Leader) < len(w.people) {
		l := w.people[n.Leader]
		if l.Status == StatusActive {
			speed := crowdSpeed
			if n.Kind == "elder" {
				speed = elderSpeed
			}
			w.towards(n, l.X, l.Y, speed, followGap)
			return
		}
		n.Leader = -1
	}
	switch n.Kind {
	case "crowd":
		w.thinkCrowd(n)
	case "classmate":
		w.thinkClassmate(n)
	}
}

// thinkCrowd blends the pull of the lure with the average motion of people
// nearby, weighted by the spec's conformity, and sometimes hesitates.
func (w *World) thinkCrowd(n *NPC) {
	if !n.alarmed {
		n.alarmed = w.haz.alarm()
		if !n.alarmed {
			return
		}
	}
	if w.tick < n.pauseTil {
		return
	}
	if w.rng.Float64() < 0.02 { // hesitate: stop and look around for 1–3 s
		n.pauseTil = w.tick + uint64(w.hz) + uint64(w.rng.IntN(2*w.hz))
		return
	}
	var sx, sy float64
	cnt := 0
	add := func(x, y, vx, vy float64) {
		dx, dy := x-n.X, y-n.Y
		if float64(dx*dx)+float64(dy*dy) <= socialRadius*socialRadius && (vx != 0 || vy != 0) {
			sx += vx
			sy += vy
			cnt++
		}
	}
	for _, p := range w.people {
		if p.Status == StatusActive && (p.MoveX != 0 || p.MoveY != 0) {
			add(p.X, p.Y, float64(p.MoveX)/1000, float64(p.MoveY)/1000)
		}
	}
	for _, o := range w.npcs {
		if o != n && o.Kind == "crowd" && o.Status == StatusActive {
			add(o.X, o.Y, o.vx, o.vy)
		}
	}
	var lx, ly float64
	if n.lure >= 0 {
		f := w.Nav(false, w.places[n.lure].spec.ID) // static field: NPC paths depend on the map alone
		lx, ly, _ = f.Direction(n.X, n.Y)
	}
	c := n.spec.Conform
	if cnt == 0 {
		c = 0
	}
	sn := math.Sqrt(float64(sx*sx) + float64(sy*sy))
	if sn > 0 {
		sx, sy = sx/sn, sy/sn
	}
	dx := float64((1-c)*lx) + float64(c*sx)
	dy := float64((1-c)*ly) + float64(c*sy)
	if m := math.Sqrt(float64(dx*dx) + float64(dy*dy)); m > 0 {
		n.vx, n.vy = dx/m*crowdSpeed, dy/m*crowdSpeed
	}
}

// thinkClassmate runs laps around its starting point while healthy and
// sport is on; once symptomatic it slows, and it stops when collapsed or
// being helped.
func (w *World) thinkClassmate(n *NPC) {
	if n.FirstAid || (n.HasBody && n.Body.Stage >= heat.StageHeatExhaustion) {
		return
	}
	n.phase += 0.05
	const loop = 8.0
	tx := n.homeX + float64(loop*dmath.Cos(n.phase))
	ty := n.homeY + float64(loop*dmath.Sin(n.phase))
	w.towards(n, tx, ty, RunSpeed*0.8, 0.2)
}

// towards sets velocity toward (x, y) at speed, stopping within gap.
func (w *World) towards(n *NPC, x, y, speed, gap float64) {
	dx, dy := x-n.X, y-n.Y
	d := math.Sqrt(float64(dx*dx) + float64(dy*dy))
	if d <= gap || d == 0 {
		return
	}
	n.vx, n.vy = dx/d*speed, dy/d*speed
}

func (w *World) exposeNPC(n *NPC) {
	d, vx, vy := w.waterAt(n.X, n.Y)
	if d > 0.01 {
		v := math.Sqrt(float64(vx*vx) + float64(vy*vy))
		if float64(d*v) >= sweptDV || d >= sweptDepth {
			n.Status = StatusSwept
			n.vx, n.vy = 0, 0
			w.emit(Event{Kind: EvSwept, Who: -1, NPC: n.ID, X: n.X, Y: n.Y, Value: d})
			return
		}
	}
	if d := w.debrisAt(n.X, n.Y); d >= buryDepth {
		n.Status = StatusBuried
		n.vx, n.vy = 0, 0
		w.emit(Event{Kind: EvBuried, Who: -1, NPC: n.ID, X: n.X, Y: n.Y, Value: d})
	}
}

// stepNPCBody runs the classmate's heat balance once per drill second.
func (w *World) stepNPCBody(n *NPC) {
	if w.tick%uint64(w.hz) != 0 {
		return
	}
	act := heat.Sport
	switch {
	case n.Status != StatusActive || n.FirstAid:
		act = heat.Rest
	case n.Body.Stage >= heat.StageHeatExhaustion:
		act = heat.Walk
	}
	env := w.envAt(n.X, n.Y)
	if n.FirstAid {
		env.Shade = true
		env.Cooling = heat.WetAndFan
	}
	before := n.Body.Stage
	n.Body.Step(w.scale, env, act, n.FirstAid)
	after := n.Body.Stage
	switch {
	case after == before:
	case after >= heat.StageHeatStroke && n.Status == StatusActive:
		n.Status = StatusCollapsed
		n.vx, n.vy = 0, 0
		n.Symptoms = after.String()
		w.emit(Event{Kind: EvCollapsed, Who: -1, NPC: n.ID, X: n.X, Y: n.Y, Value: n.Body.CoreC})
	case after > before:
		n.Symptoms = after.String()
		w.emit(Event{Kind: EvSymptoms, Who: -1, NPC: n.ID, Level: after.String(), X: n.X, Y: n.Y, Value: n.Body.CoreC})
	case after < before && after < heat.StageHeatExhaustion:
		n.Symptoms = ""
		w.emit(Event{Kind: EvRecovered, Who: -1, NPC: n.ID, X: n.X, Y: n.Y, Value: n.Body.CoreC})
	}
}

func (n *NPC) hashInto(h *statehash.Hasher) {
	h.String(n.ID)
	h.F64(n.X)
	h.F64(n.Y)
	h.F64(n.vx)
	h.F64(n.vy)
	h.U64(uint64(n.Status))
	h.I64(int64(n.Leader))
	h.String(n.Symptoms)
	h.Bool(n.FirstAid)
	h.Bool(n.alarmed)
	h.U64(n.pauseTil)
	h.F64(n.phase)
	if n.HasBody {
		n.Body.HashInto(h)
	}
}
