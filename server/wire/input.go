package wire

import "github.com/rescuedrill/rescuedrill/engine"

// PoseInputs turns a participant's Pose into the engine inputs for tick:
// a move when the intent differs from prev (nil for the first Pose) and a
// look when the heading does.
func PoseInputs(p, prev *Pose, tick uint64, slot int32) []engine.Input {
	var out []engine.Input
	if prev == nil || p.MoveX != prev.MoveX || p.MoveY != prev.MoveY || p.Run != prev.Run {
		out = append(out, engine.Input{Tick: tick, Participant: slot, Kind: engine.InputMove, MoveX: p.MoveX, MoveY: p.MoveY, Run: p.Run})
	}
	if prev == nil || p.Heading != prev.Heading {
		out = append(out, engine.Input{Tick: tick, Participant: slot, Kind: engine.InputLook, Heading: int32(p.Heading)})
	}
	return out
}

// ChoiceInput turns a Choice into the engine input for tick.
func ChoiceInput(c *Choice, tick uint64, slot int32) engine.Input {
	k := engine.InputAct
	if c.Kind == ChoiceAnswer {
		k = engine.InputAnswer
	}
	return engine.Input{Tick: tick, Participant: slot, Kind: k, Action: c.Action, Target: c.Target}
}
