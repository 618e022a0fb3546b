package engine

// Event is something that happened in a tick: the world's only output
// besides its state. Scoring, reports, the server's broadcasts and the
// golden transcripts are all built from events.
type Event struct {
	Tick  uint64
	Kind  EventKind
	Who   int32  // participant slot, or -1 when no participant is involved
	NPC   string // NPC ID (with an index for crowd members, "crowd#3"), if any
	Ref   string // place, inject, object, prompt, cue or hazard ID the event is about
	Level string // warning colour, hazard class, option ID … depending on Kind
	X, Y  float64
	Value float64 // depth, seconds, score … depending on Kind
	OK    bool    // for actions and answers: whether it counted
}

// EventKind names what happened.
type EventKind uint8

const (
	EvJoined EventKind = iota + 1
	EvLeft
	EvWarning      // Ref = hazard, Level = colour
	EvMessage      // Ref = inject ID
	EvPrompt       // Ref = inject ID
	EvAnswered     // Who, Ref = prompt ID, Level = option, OK = correct
	EvEnteredPlace // Who, Ref = place ID
	EvLeftPlace    // Who, Ref = place ID
	EvEnteredWater // Who, Level = hazard class, Value = depth
	EvSwept        // Who or NPC swept off their feet by moving water
	EvCueAppeared  // Ref = cue kind, X/Y where
	EvNoticed      // Who, Ref = cue kind or NPC ID
	EvSlideStarted // Ref = slide ID, X/Y source
	EvSlideStopped // Ref = slide ID
	EvBuried       // Who or NPC caught by debris
	EvAction       // Who, Ref = action, Level = target, OK = had an effect
	EvHelped       // Who helped NPC
	EvSymptoms     // NPC or Who shows heat-illness symptoms; Level = stage
	EvCollapsed    // NPC or Who collapsed (heat stroke)
	EvRecovered    // NPC or Who recovered after first aid
	EvTaskDone     // Who, Ref = objective/task, Value = points
	EvDrillEnded
)

var eventNames = [...]string{
	EvJoined: "joined", EvLeft: "left", EvWarning: "warning", EvMessage: "message",
	EvPrompt: "prompt", EvAnswered: "answered", EvEnteredPlace: "entered_place",
	EvLeftPlace: "left_place", EvEnteredWater: "entered_water", EvSwept: "swept",
	EvCueAppeared: "cue_appeared", EvNoticed: "noticed", EvSlideStarted: "slide_started",
	EvSlideStopped: "slide_stopped", EvBuried: "buried", EvAction: "action", EvHelped: "helped",
	EvSymptoms: "symptoms", EvCollapsed: "collapsed", EvRecovered: "recovered",
	EvTaskDone: "task_done", EvDrillEnded: "drill_ended",
}

func (k EventKind) String() string {
	if int(k) < len(eventNames) && eventNames[k] != "" {
		return eventNames[k]
	}
	return "unknown"
}
