package view

import (
	"time"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// ToastFor is how long a notice or an action result stays on screen.
const ToastFor = 8 * time.Second

// Toast is a short message over the map.
type Toast struct {
	Text  string
	Until time.Time
	Good  bool // an accepted action (drawn with a tick), else information
}

// Model is the play scene's state, fed by the client's events (Apply) and
// by each frame's view (Observe). The window's Update calls these; Draw
// only reads the fields.
type Model struct {
	Lang      Lang
	Slot      int32 // −1 for a spectator
	Phase     wire.Phase
	Levels    [3]uint8 // warnings in force, from the snapshot globals
	Prompts   []wire.Prompt
	Toasts    []Toast
	Score     int64
	ScoreMax  uint64
	Results   []wire.Result
	Class     *wire.ClassSummary // the class's result without names (§4.13), before Results
	Harmed    bool               // the pupil's own status is not active
	Connected bool
	Roster    []wire.RosterEntry

	seenLevels bool
}

// NewModel starts a model for a participant in slot (−1: spectator).
func NewModel(lang Lang, slot int32) *Model { return &Model{Lang: lang, Slot: slot, Connected: true} }

// Apply folds one client event into the model. It returns a sound cue when
// a warning was raised.
func (m *Model) Apply(ev client.Event, now time.Time) (Cue, bool) {
	switch e := ev.(type) {
	case client.PromptEvent:
		for _, p := range m.Prompts {
			if p.Inject == e.Inject {
				return Cue{}, false
			}
		}
		m.Prompts = append(m.Prompts, e.Prompt)
	case client.NoticeEvent:
		m.toast(m.Lang.Pick(e.Text), false, now)
	case client.WarningEvent:
		if e.Hazard >= 1 && e.Hazard <= 3 {
			prev := m.Levels[e.Hazard-1]
			m.Levels[e.Hazard-1] = e.Level
			m.seenLevels = true
			return CueFor(prev, e.Level)
		}
	case client.ScoreEvent:
		m.Score, m.ScoreMax = e.Score.Score, e.Max
	case client.ClassEvent:
		c := e.ClassSummary
		m.Class = &c
	case client.ResultsEvent:
		m.Results = e.Results
		m.SetPhase(wire.PhaseEnded) // results are only sent at the end
	case client.PhaseEvent:
		m.SetPhase(e.Phase)
	case client.RosterEvent:
		m.Roster = e.Roster
	case client.ChoiceAckEvent:
		if e.Choice.Kind == wire.ChoiceAnswer {
			m.dropPrompt(e.Choice.Action)
			if e.Result == wire.Accepted {
				m.toast(m.Lang.T("answered"), true, now)
			}
		} else {
			m.toast(ActLabel(e.Choice.Action, m.Lang)+" · "+ackWord(e.ChoiceAck, m.Lang), e.Result == wire.Accepted, now)
		}
	case client.DisconnectedEvent:
		m.Connected = false
	case client.ConnectedEvent:
		m.Connected = true
	}
	return Cue{}, false
}

func ackWord(a wire.ChoiceAck, lang Lang) string {
	if a.Result == wire.Accepted {
		return lang.T("ok")
	}
	return lang.T("rejected")
}

// ActLabel is the button text of an engine action name.
func ActLabel(act string, lang Lang) string {
	key := map[string]string{"switch_off_power": "act_power", "take_water": "act_water", "drink": "act_drink",
		"help": "act_help", "give_water": "act_give", "move_to_shade": "act_shade", "report_hazard": "act_report",
		"call_120": "act_call", "take_belongings": "act_belongings", "rest": "act_rest"}[act]
	if key == "" {
		return act
	}
	return lang.T(key)
}

// Observe folds a frame's view into the model: the warning levels in
// force (a raise also sounds when the Warning message was missed, e.g.
// during a reconnect) and whether the pupil was harmed.
//
// The phase is not taken from the view: it is drawn a few snapshots late
// and would undo the end the Phase message already announced (the
// window sets Phase from Client.Phase).
func (m *Model) Observe(v client.View, now time.Time) (Cue, bool) {
	if p, ok := v.Participant(m.Slot); ok {
		m.Harmed = p.Status != 0
	}
	prev := m.Levels
	m.Levels = v.Globals.Warnings
	if !m.seenLevels {
		// The first view after joining: sound for what is already in force.
		m.seenLevels = true
		prev = [3]uint8{}
	}
	return LevelRaised(prev, m.Levels)
}

// SetPhase follows the drill's phase; the end is final. (A snapshot
// decoded after the Phase message can still carry the running phase, and
// the client library then reports the drill running again.)
func (m *Model) SetPhase(p wire.Phase) {
	if m.Phase != wire.PhaseEnded {
		m.Phase = p
	}
}

// Prompt is the open question (the oldest unanswered), if any.
func (m *Model) Prompt() (wire.Prompt, bool) {
	if len(m.Prompts) == 0 {
		return wire.Prompt{}, false
	}
	return m.Prompts[0], true
}

// Answered closes a prompt as soon as the pupil chose (the ack may take a
// tick; a rejected answer is not asked again: the engine keeps the first).
func (m *Model) Answered(inject string) { m.dropPrompt(inject) }

func (m *Model) dropPrompt(inject string) {
	for i, p := range m.Prompts {
		if p.Inject == inject {
			m.Prompts = append(m.Prompts[:i], m.Prompts[i+1:]...)
			return
		}
	}
}

func (m *Model) toast(s string, good bool, now time.Time) {
	m.Toasts = append(m.Toasts, Toast{Text: s, Until: now.Add(ToastFor), Good: good})
	if len(m.Toasts) > 4 {
		m.Toasts = m.Toasts[len(m.Toasts)-4:]
	}
}

// Expire drops toasts whose time is over.
func (m *Model) Expire(now time.Time) {
	k := 0
	for _, t := range m.Toasts {
		if now.Before(t.Until) {
			m.Toasts[k] = t
			k++
		}
	}
	m.Toasts = m.Toasts[:k]
}

// Finished reports whether the results scene should show: the drill ended
// and the results came, or the pupil was harmed (the drill is over for
// them; the final results follow when it ends).
func (m *Model) Finished() bool {
	return (m.Phase == wire.PhaseEnded && len(m.Results) > 0) || (m.Harmed && m.Slot >= 0)
}
