package engine

// Input is one participant's intent for one tick. Inputs are the only thing
// that enters the world from outside: the scenario, the seed and the input
// log together reproduce a drill bit for bit.
//
// Values are integers on purpose: the wire, the journal and the replay file
// carry them exactly, and the engine turns them into floats the same way on
// every machine.
type Input struct {
	Tick        uint64    // the tick this input is applied at
	Participant int32     // participant slot, assigned in join order from 0
	Kind        InputKind // what the participant does
	// Move: desired direction in thousandths (each in −1000..1000; the
	// vector is clamped to length 1000) and Run to run instead of walk.
	MoveX, MoveY int16
	Run          bool
	// Look: view heading in hundredths of a degree clockwise from north.
	Heading int32
	// Act/Answer: an action kind or a prompt inject ID, and its target or
	// chosen option ID. Join: Target is the display name, Policy the bot
	// policy ("" for a human).
	Action string
	Target string
	Policy string
}

// InputKind says which fields of an Input matter.
type InputKind uint8

const (
	InputJoin   InputKind = iota + 1 // Target = display name, Policy = bot policy or ""
	InputLeave                       // the participant left (scored as is)
	InputMove                        // MoveX, MoveY, Run
	InputLook                        // Heading
	InputAct                         // Action, Target (object / NPC / place ID or "")
	InputAnswer                      // Action = prompt inject ID, Target = option ID
	// Facilitator inputs change the drill for everyone. They travel in the
	// same log as participants' inputs, so live injects replay exactly;
	// Participant is ignored and should be 0.
	InputInject // Action = scenario inject ID: fire it now
	InputWarn   // Action = hazard (rainstorm, high_temp, geological), Target = level (blue … red, none)
	InputEnd    // the facilitator ends the drill now: every open task is decided
)

func (k InputKind) String() string {
	switch k {
	case InputJoin:
		return "join"
	case InputLeave:
		return "leave"
	case InputMove:
		return "move"
	case InputLook:
		return "look"
	case InputAct:
		return "act"
	case InputAnswer:
		return "answer"
	case InputInject:
		return "inject"
	case InputWarn:
		return "warn"
	case InputEnd:
		return "end"
	}
	return "unknown"
}

// Limits on input fields, enforced by Validate so a hostile or broken
// client cannot grow the state or the log without bound.
const (
	MaxNameLen   = 64
	MaxIDLen     = 64
	MaxMoveMilli = 1000
)

// Validate reports whether an input is well formed. The world drops
// invalid inputs (and counts them) instead of failing.
func (in *Input) Validate() error {
	switch in.Kind {
	case InputJoin, InputLeave, InputMove, InputLook, InputAct, InputAnswer, InputInject, InputWarn, InputEnd:
	default:
		return errInput("unknown input kind")
	}
	if in.Participant < 0 {
		return errInput("negative participant")
	}
	if in.MoveX < -MaxMoveMilli || in.MoveX > MaxMoveMilli || in.MoveY < -MaxMoveMilli || in.MoveY > MaxMoveMilli {
		return errInput("move out of range")
	}
	if in.Heading < 0 || in.Heading >= 36000 {
		return errInput("heading out of range 0..35999")
	}
	if len(in.Action) > MaxIDLen || len(in.Policy) > MaxIDLen {
		return errInput("id too long")
	}
	if len(in.Target) > MaxNameLen {
		return errInput("target or name too long")
	}
	return nil
}

type errInput string

func (e errInput) Error() string { return "invalid input: " + string(e) }
