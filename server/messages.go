package server

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/warning"
	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// The server's messages built from the engine: events, scores, results,
// the roster and the phase.

// eventMessage turns an engine event into the control message clients
// show, or nil for events carried by snapshots alone.
func (ss *session) eventMessage(ctx context.Context, e *engine.Event) wire.Message {
	sc := ss.entry.Setup.Scenario
	switch e.Kind {
	case engine.EvPrompt:
		for _, in := range sc.Injects {
			if in.ID == e.Ref && in.Prompt != nil {
				p := &wire.Prompt{Inject: in.ID, Tick: e.Tick, Question: wtext(in.Prompt.Question)}
				for _, o := range in.Prompt.Options {
					p.Options = append(p.Options, wire.Option{ID: o.ID, Text: wtext(o.Text)})
				}
				return p
			}
		}
	case engine.EvMessage:
		for _, in := range sc.Injects {
			if in.ID == e.Ref && in.Message != nil {
				return &wire.Notice{Inject: in.ID, Tick: e.Tick, Text: wtext(*in.Message)}
			}
		}
	case engine.EvWarning:
		h, _ := warning.ParseHazard(e.Ref)
		l, _ := warning.ParseLevel(e.Level)
		g, _ := warning.GuideFor(h, l)
		title := warning.Title(h, l)
		return &wire.Warning{ID: fmt.Sprintf("%s-%d", e.Ref, e.Tick), Hazard: uint8(h), Level: uint8(l), Tick: e.Tick,
			Title: wire.Text{ZH: title.ZH, EN: title.EN}, Public: wire.Text{ZH: g.Public.ZH, EN: g.Public.EN},
			School: wire.Text{ZH: g.School.ZH, EN: g.School.EN}}
	case engine.EvTaskDone:
		if e.Who == ss.slot && ss.slot >= 0 {
			return ss.score(ctx)
		}
	case engine.EvJoined, engine.EvLeft:
		flags := uint8(0)
		if e.Kind == engine.EvLeft {
			flags |= wire.RosterLeft
		}
		if e.Kind == engine.EvJoined && e.Level != "" {
			flags |= wire.RosterBot
		}
		name := e.Ref
		if e.Kind == engine.EvLeft {
			name = ""
		}
		return &wire.Roster{Entries: []wire.RosterEntry{{Slot: uint32(e.Who), Name: name, Flags: flags}}}
	}
	return nil
}

// score is the participant's running score.
func (ss *session) score(ctx context.Context) wire.Message {
	var out *wire.Score
	_ = ss.entry.Drill.View(ctx, func(w *engine.World, _ drill.State) error {
		res := w.Results()
		if int(ss.slot) < len(res) {
			r := res[ss.slot]
			out = &wire.Score{Score: int64(r.Score), Max: 100, Items: items(r.Breakdown)}
		}
		return nil
	})
	if out == nil {
		return nil
	}
	return out
}

// sendResults sends the final results: a participant their own, a
// facilitator or spectator everyone's.
func (ss *session) sendResults(res []engine.Result) {
	var m wire.Results
	for _, r := range res {
		if ss.role == wire.RoleParticipant && r.ID != ss.slot {
			continue
		}
		wr := wire.Result{Slot: uint32(r.ID), Name: r.Name, Policy: r.Policy, Score: int64(r.Score), Outcome: r.Outcome, Items: items(r.Breakdown)}
		for _, o := range r.Objectives {
			wr.Objectives = append(wr.Objectives, wire.ObjectiveResult{ID: o.ID, Title: wtext(o.Title), Rating: o.Rating, Points: int64(o.Points), Max: uint64(o.Max)})
		}
		m.Results = append(m.Results, wr)
	}
	_ = ss.send(&m)
}

func phaseOf(s drill.State) wire.Phase {
	return [...]wire.Phase{wire.PhaseLobby, wire.PhaseRunning, wire.PhasePaused, wire.PhaseEnded}[s]
}

func rosterOf(w *engine.World) []wire.RosterEntry {
	var out []wire.RosterEntry
	for _, p := range w.People() {
		var f uint8
		if p.Policy != "" {
			f |= wire.RosterBot
		}
		if p.Status == engine.StatusLeft {
			f |= wire.RosterLeft
		}
		out = append(out, wire.RosterEntry{Slot: uint32(p.ID), Name: p.Name, Flags: f})
	}
	return out
}

func items(b []engine.Item) []wire.Item {
	out := make([]wire.Item, 0, len(b))
	for _, it := range b {
		out = append(out, wire.Item{Rule: it.Rule, Kind: it.Kind, Tick: it.Tick, Points: int64(it.Points), Max: uint64(it.Max),
			Applicable: it.Applicable, ReasonZH: it.ReasonZH, ReasonEN: it.ReasonEN})
	}
	return out
}

func wtext(t engine.Text) wire.Text { return wire.Text{ZH: t.ZH, EN: t.EN} }

// tokenString and tokenBytes convert a participant token between the
// drill's UUID text and the wire's 16 bytes.
func tokenString(t wire.Token) string {
	h := hex.EncodeToString(t[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func tokenBytes(s string) wire.Token {
	var t wire.Token
	b, _ := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	copy(t[:], b)
	return t
}
