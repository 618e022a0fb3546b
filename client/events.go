package client

import "github.com/rescuedrill/rescuedrill/server/wire"

// Event is something the server told the client (or that happened to the
// connection), delivered in order on Client.Events or to Options.OnEvent.
// The concrete types are the *Event structs below; switch on them.
type Event interface{ isEvent() }

// PromptEvent: a decision point put to participants; answer it with
// Choose(ctx, wire.ChoiceAnswer, p.Inject, option ID).
type PromptEvent struct{ wire.Prompt }

// WarningEvent: a warning issued, changed or lifted (Level 0). The level in
// force is also in every View's Globals.Warnings.
type WarningEvent struct{ wire.Warning }

// NoticeEvent: a scenario message inject.
type NoticeEvent struct{ wire.Notice }

// ScoreEvent: the participant's running score after a task was decided.
type ScoreEvent struct{ wire.Score }

// ResultsEvent: the final results when the drill ends (a participant's
// own; everyone's for facilitators and spectators).
type ResultsEvent struct{ Results []wire.Result }

// RosterEvent: entries added or replaced (joins, leaves), or after a
// reconnect the Welcome's whole list. Roster is the whole list afterwards,
// sorted by slot.
type RosterEvent struct {
	Changed []wire.RosterEntry
	Roster  []wire.RosterEntry
}

// PhaseEvent: the drill moved from Prev to Phase (lobby, running, paused,
// ended), from a Phase message or the snapshot globals, whichever came
// first; each change is reported once.
type PhaseEvent struct {
	Phase, Prev wire.Phase
	Tick        uint64
}

// ErrorEvent: the server sent an Error message (Code and Text), e.g.
// forbidden for a participant's command or rate_limited before a close.
type ErrorEvent struct {
	Code wire.Code
	Text string
}

// ChoiceAckEvent: a Choice was answered (also delivered to the Choose call
// waiting for it). Each seq is reported once, however often it was sent.
type ChoiceAckEvent struct {
	wire.ChoiceAck
	Choice wire.Choice
}

// CommandAckEvent: a facilitator Command was answered.
type CommandAckEvent struct{ wire.CommandAck }

// DisconnectedEvent: the connection is gone. Err is a *ServerError when the
// server closed it with a code (drill_ended, shutdown …), nil after a
// normal close (Leave, the drill's end). Call Reconnect to rejoin.
type DisconnectedEvent struct{ Err error }

// ConnectedEvent: a Reconnect succeeded; Info is the new Welcome's.
type ConnectedEvent struct{ Info Info }

func (PromptEvent) isEvent()       {}
func (WarningEvent) isEvent()      {}
func (NoticeEvent) isEvent()       {}
func (ScoreEvent) isEvent()        {}
func (ResultsEvent) isEvent()      {}
func (RosterEvent) isEvent()       {}
func (PhaseEvent) isEvent()        {}
func (ErrorEvent) isEvent()        {}
func (ChoiceAckEvent) isEvent()    {}
func (CommandAckEvent) isEvent()   {}
func (DisconnectedEvent) isEvent() {}
func (ConnectedEvent) isEvent()    {}
