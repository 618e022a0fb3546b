// Package store keeps drills and their results — scores, breakdowns,
// objective ratings, outcomes and a timeline of key events — for the
// after-action report, in SQLite (modernc.org/sqlite: pure Go, no cgo).
//
// About people it stores a display name and nothing else: no e-mail, no IP
// address, no token (participants are often children). The server owns the
// clock: every time is given by the caller, so the store never reads one.
//
// The schema grows by numbered SQL migrations embedded in the package
// (migrations/NNNN_name.sql); Open applies the missing ones, each in a
// transaction recorded in schema_version, so an older database is migrated
// when it is opened.
package store

import (
	"context"
	"errors"
	"time"
)

// Store is what the drill server needs from its results database.
type Store interface {
	// CreateDrill records a new drill (normally in the lobby state).
	CreateDrill(ctx context.Context, d Drill) error
	// UpdateDrillState moves a drill along lobby → running ⇄ paused → ended
	// at the server's time at; the first start sets StartedAt, the end sets
	// EndedAt. Setting the state a drill already has is a no-op.
	UpdateDrillState(ctx context.Context, drillID string, s State, at time.Time) error
	// AddParticipant records (or renames) a participant slot as they join.
	AddParticipant(ctx context.Context, drillID string, p Participant) error
	// SaveResults replaces a drill's results in one transaction: either all
	// of them are stored or none. With r.EndedAt set it also ends the drill.
	SaveResults(ctx context.Context, drillID string, r Results) error
	// ListDrills returns every drill, newest first.
	ListDrills(ctx context.Context) ([]DrillSummary, error)
	// Results returns one drill with its participants' results and timeline,
	// read from one consistent snapshot.
	Results(ctx context.Context, drillID string) (*DrillResults, error)
	// DeleteDrill removes a drill and everything stored about it.
	DeleteDrill(ctx context.Context, drillID string) error
	Close() error
}

// State is where a drill is in its lifecycle.
type State string

const (
	StateLobby   State = "lobby"
	StateRunning State = "running"
	StatePaused  State = "paused"
	StateEnded   State = "ended"
)

func (s State) valid() bool {
	switch s {
	case StateLobby, StateRunning, StatePaused, StateEnded:
		return true
	}
	return false
}

// canMove reports whether a drill may go from s to next.
func (s State) canMove(next State) bool {
	switch {
	case s == next:
		return true
	case s == StateEnded:
		return false
	case next == StateEnded:
		return true
	case s == StateLobby:
		return next == StateRunning
	case s == StateRunning:
		return next == StatePaused
	case s == StatePaused:
		return next == StateRunning
	}
	return false
}

// Errors the store returns (test with errors.Is).
var (
	ErrNotFound   = errors.New("store: no such drill")
	ErrExists     = errors.New("store: a drill with this id already exists")
	ErrTransition = errors.New("store: drill cannot move to that state")
	ErrInvalid    = errors.New("store: invalid value")
	ErrNewer      = errors.New("store: the database was written by a newer version of drill")
)

// Limits on what the store accepts, so a hostile client cannot fill the
// database through a name and a broken caller is told early.
const (
	MaxIDLen    = 64 // drill IDs, join codes and scenario names, in bytes
	MaxNameLen  = 64 // display names, in bytes (the engine's limit)
	MaxTimeline = 20000
)

// Drill is one drill as the facilitator created it.
type Drill struct {
	ID       string `json:"id"`
	JoinCode string `json:"join_code"`
	// Scenario is the scenario's name (a built-in name or file name);
	// ScenarioHash identifies its exact source (see SourceHash).
	Scenario     string `json:"scenario"`
	ScenarioHash string `json:"scenario_hash"`
	Seed         uint64 `json:"seed"`
	TickHz       int    `json:"tick_hz"`
	State        State  `json:"state"`
	// Times come from the server's clock and come back in UTC. StartedAt
	// and EndedAt are zero until the drill starts and ends.
	CreatedAt time.Time `json:"created_at"`
	StartedAt time.Time `json:"started_at,omitzero"`
	EndedAt   time.Time `json:"ended_at,omitzero"`
	// FinalTick and FinalHash (16 hex digits) are set by SaveResults.
	FinalTick uint64 `json:"final_tick"`
	FinalHash string `json:"final_hash,omitempty"`
	// EndReason is "" for a drill that ran to its end or was ended by its
	// facilitator, EndAbandoned for one the server ended because nobody
	// came back to it (drill serve --abandon-after).
	EndReason string `json:"end_reason,omitempty"`
}

// EndAbandoned is the EndReason of a drill nobody came back to.
const EndAbandoned = "abandoned"

// DrillSummary is a drill as ListDrills shows it.
type DrillSummary struct {
	Drill
	Participants int `json:"participants"`
}

// Participant is everything stored about a person (or a bot): the
// engine's participant slot, a display name, and a bot's policy ("" for a
// person).
type Participant struct {
	Slot   int32  `json:"id"`
	Name   string `json:"name"`
	Policy string `json:"policy,omitempty"`
}

// ParticipantResult is a participant's score with its explanation. A
// participant who joined but has no results yet has an empty Outcome.
type ParticipantResult struct {
	Participant
	Score   int    `json:"score"`
	Outcome string `json:"outcome"`
	// Unfinished marks results of a drill that did not finish (it was
	// abandoned): the engine decided every open task at that tick, so the
	// score is a record, not a grade.
	Unfinished bool        `json:"unfinished,omitempty"`
	Breakdown  []Item      `json:"breakdown,omitempty"`
	Objectives []Objective `json:"objectives,omitempty"`
}

// Item is one scored task (engine.Item).
type Item struct {
	Rule       string `json:"rule"`
	Kind       string `json:"kind"`
	Tick       uint64 `json:"tick"`
	Points     int    `json:"points"`
	Max        int    `json:"max"`
	Applicable bool   `json:"applicable"`
	ReasonEN   string `json:"reason_en"`
	ReasonZH   string `json:"reason_zh"`
}

// Objective is one objective's rating (engine.ObjectiveResult): P, S, M, U,
// or "-" when none of its tasks applied.
type Objective struct {
	ID      string `json:"id"`
	TitleEN string `json:"title_en"`
	TitleZH string `json:"title_zh"`
	Rating  string `json:"rating"`
	Points  int    `json:"points"`
	Max     int    `json:"max"`
}

// Event is one key event of the drill's timeline (from engine.Event).
type Event struct {
	Tick  uint64  `json:"tick"`
	Kind  string  `json:"kind"`
	Who   int32   `json:"who"` // participant slot, or -1 when none is involved
	NPC   string  `json:"npc,omitempty"`
	Ref   string  `json:"ref,omitempty"`
	Level string  `json:"level,omitempty"`
	Value float64 `json:"value"`
}

// Results is what a drill produced, as the server saves it.
type Results struct {
	FinalTick uint64
	FinalHash string
	// EndedAt, when set, also moves the drill to ended at that time, in the
	// same transaction. Leave it zero to save provisional results.
	EndedAt time.Time
	// EndReason, with EndedAt, says why the drill ended ("" or
	// EndAbandoned).
	EndReason    string
	Participants []ParticipantResult
	Timeline     []Event
}

// DrillResults is a drill with its results, as the report reads them.
type DrillResults struct {
	Drill        Drill               `json:"drill"`
	Participants []ParticipantResult `json:"participants"`
	Timeline     []Event             `json:"timeline,omitempty"`
}
