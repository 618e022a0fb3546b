package store

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"maps"
	"math"
	"slices"

	"github.com/rescuedrill/rescuedrill/engine"
)

// SourceHash names a scenario's exact source: the SHA-256 of its bytes in
// hex, as Drill.ScenarioHash records it.
func SourceHash(src []byte) string {
	h := sha256.Sum256(src)
	return hex.EncodeToString(h[:])
}

// ScenarioHash names everything a drill ran on, as Drill.ScenarioHash
// records it: for a scenario on a built-in map (no files) its SourceHash;
// for one on the trainer's own map the SHA-256 of the YAML and of every
// map file it came with — each path and content, length-prefixed, paths in
// byte order — so that the same YAML over a changed grid is told apart.
func ScenarioHash(src []byte, files map[string][]byte) string {
	if len(files) == 0 {
		return SourceHash(src)
	}
	h := sha256.New()
	field := func(b []byte) {
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(b))))
		h.Write(b)
	}
	field(src)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		field([]byte(name))
		field(files[name])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// FromEngine converts the engine's results (World.Results, or a headless
// Outcome's Participants) for SaveResults.
func FromEngine(rs []engine.Result) []ParticipantResult {
	out := make([]ParticipantResult, 0, len(rs))
	for _, r := range rs {
		p := ParticipantResult{
			Participant: Participant{Slot: r.ID, Name: r.Name, Policy: r.Policy},
			Score:       r.Score,
			Outcome:     r.Outcome,
		}
		for _, it := range r.Breakdown {
			p.Breakdown = append(p.Breakdown, Item{Rule: it.Rule, Kind: it.Kind, Tick: it.Tick, Points: it.Points,
				Max: it.Max, Applicable: it.Applicable, ReasonEN: it.ReasonEN, ReasonZH: it.ReasonZH})
		}
		for _, o := range r.Objectives {
			p.Objectives = append(p.Objectives, Objective{ID: o.ID, TitleEN: o.Title.EN, TitleZH: o.Title.ZH,
				Rating: o.Rating, Points: o.Points, Max: o.Max})
		}
		out = append(out, p)
	}
	return out
}

// KeyEvent reports whether an event belongs in the after-action timeline:
// warnings, messages, prompts and answers, warning signs, slides, harm,
// symptoms, help, joins and leaves, and the end. Moves, place crossings and
// task decisions (already in each breakdown) are left out.
func KeyEvent(k engine.EventKind) bool {
	switch k {
	case engine.EvJoined, engine.EvLeft, engine.EvWarning, engine.EvMessage, engine.EvPrompt, engine.EvAnswered,
		engine.EvCueAppeared, engine.EvSlideStarted, engine.EvSlideStopped, engine.EvSwept, engine.EvBuried,
		engine.EvHelped, engine.EvSymptoms, engine.EvCollapsed, engine.EvRecovered, engine.EvDrillEnded:
		return true
	}
	return false
}

// EventFrom converts one engine event. A value that is not a finite number
// becomes 0. A join event's Ref (the display name) is dropped: the name is
// kept once, in the participant's row, so deleting or correcting it there
// leaves no copy behind.
func EventFrom(e engine.Event) Event {
	v := e.Value
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	who := e.Who
	if who < 0 {
		who = -1
	}
	ref := e.Ref
	if e.Kind == engine.EvJoined {
		ref = ""
	}
	return Event{Tick: e.Tick, Kind: e.Kind.String(), Who: who, NPC: e.NPC, Ref: ref, Level: e.Level, Value: v}
}

// Timeline collects a drill's key events as the drill runs. Observe fits
// headless.Options.OnEvents and is what a server's drill loop calls after
// each World.Step. It keeps the first MaxTimeline events and counts the
// rest in Dropped.
type Timeline struct {
	Events  []Event
	Dropped int
}

// Observe takes one tick's events.
func (t *Timeline) Observe(_ uint64, evs []engine.Event) {
	for _, e := range evs {
		if !KeyEvent(e.Kind) {
			continue
		}
		if len(t.Events) >= MaxTimeline {
			t.Dropped++
			continue
		}
		t.Events = append(t.Events, EventFrom(e))
	}
}
