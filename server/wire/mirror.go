package wire

import "github.com/rescuedrill/rescuedrill/engine"

// The lockstep mirror (docs/protocol.md §4.12), an optional feature of
// version 1: a client that sets Hello.Mirror gets the drill's scenario and
// seed (Mirror) and then every input the drill applied (Inputs), so it can
// run its own engine.World bit for bit in step with the server's — what
// the network bots do to think with the engine's bot policies.

// Limits of the mirror messages.
const (
	MaxScenarioName = 256  // a built-in name or an uploaded file's name (replay.MaxScenarioLen)
	MaxEngineName   = 64   // engine.Version
	MaxInputs       = 4096 // input records in one Inputs message
)

// Mirror tells a mirror client how to build the drill's world:
// engine.NewWorld of the scenario loaded from Source (named Name) with
// Seed, at tick 0. It follows the Welcome (and Terrain).
type Mirror struct {
	Seed     uint64
	Engine   string // the server's engine.Version; a mirror of another engine diverges
	Scenario string // ≤ MaxScenarioName: a built-in name or a file name
	Source   []byte // ≤ MaxScenario: the YAML the drill was created from (scenarios.LoadSource)
}

func (*Mirror) Type() Type { return TypeMirror }

func (m *Mirror) appendPayload(b []byte) []byte {
	b = putU64(b, m.Seed)
	b = putString(b, m.Engine)
	b = putString(b, m.Scenario)
	return putBytes(b, m.Source)
}

func (m *Mirror) decode(r *reader) {
	m.Seed = r.u64("mirror.seed")
	m.Engine = r.str("mirror.engine", MaxEngineName)
	m.Scenario = r.str("mirror.scenario", MaxScenarioName)
	m.Source = clone(r.bytes("mirror.source", MaxScenario))
}

// Inputs relays applied inputs to a mirror client. After it the client
// holds every input of every tick before Tick: it may step its world while
// world.Tick() < Tick, never further. The records' ticks are ≤ Tick (a
// record of tick Tick itself starts a tick split across messages), in the
// order the drill applied them (non-decreasing ticks).
type Inputs struct {
	Tick    uint64 // the server world's tick: inputs of ticks < Tick are all sent
	HasHash bool
	Hash    uint64 // when HasHash: the server world's state hash at Tick (a checkpoint)
	Inputs  []engine.Input
}

func (*Inputs) Type() Type { return TypeInputs }

func (m *Inputs) appendPayload(b []byte) []byte {
	b = putUvarint(b, m.Tick)
	b = putBool(b, m.HasHash)
	if m.HasHash {
		b = putU64(b, m.Hash)
	}
	b = putUvarint(b, uint64(len(m.Inputs)))
	for i := range m.Inputs {
		b = AppendInput(b, &m.Inputs[i])
	}
	return b
}

// AppendInput writes one input record: tick uvarint, participant uvarint,
// kind u8, move_x svarint, move_y svarint, run bool, heading uvarint,
// action, target and policy as bytes ≤ 64 (the engine's strings exactly).
func AppendInput(b []byte, in *engine.Input) []byte {
	b = putUvarint(b, in.Tick)
	b = putUvarint(b, uint64(uint32(in.Participant)))
	b = putU8(b, uint8(in.Kind))
	b = putSvarint(b, int64(in.MoveX))
	b = putSvarint(b, int64(in.MoveY))
	b = putBool(b, in.Run)
	b = putUvarint(b, uint64(uint32(in.Heading)))
	b = putString(b, in.Action)
	b = putString(b, in.Target)
	return putString(b, in.Policy)
}

func (m *Inputs) decode(r *reader) {
	m.Tick = r.uv("inputs.tick", MaxTick)
	m.HasHash = r.boolean("inputs.has_hash")
	if m.HasHash {
		m.Hash = r.u64("inputs.hash")
	}
	n := r.count("inputs.count", MaxInputs, 10)
	if n == 0 {
		return
	}
	m.Inputs = make([]engine.Input, n)
	var prev uint64
	for i := range m.Inputs {
		in := &m.Inputs[i]
		in.Tick = r.uv("input.tick", MaxTick)
		if r.err == nil && (in.Tick < prev || in.Tick > m.Tick) {
			r.fail(CodeBadValue, "input.tick %d (previous %d, message tick %d)", in.Tick, prev, m.Tick)
		}
		prev = in.Tick
		in.Participant = int32(r.uv("input.participant", MaxSlots-1))
		in.Kind = engine.InputKind(r.u8("input.kind"))
		if r.err == nil && (in.Kind < engine.InputJoin || in.Kind > engine.InputEnd) {
			r.fail(CodeBadValue, "input.kind %d", in.Kind)
		}
		in.MoveX = int16(r.move("input.move_x"))
		in.MoveY = int16(r.move("input.move_y"))
		in.Run = r.boolean("input.run")
		in.Heading = int32(r.uv("input.heading", 35999))
		in.Action = string(r.bytes("input.action", engine.MaxIDLen))
		in.Target = string(r.bytes("input.target", engine.MaxNameLen))
		in.Policy = string(r.bytes("input.policy", engine.MaxIDLen))
	}
}

// move reads an svarint in −1000…1000.
func (r *reader) move(what string) int64 {
	v := r.svarint(what)
	if r.err == nil && (v < -engine.MaxMoveMilli || v > engine.MaxMoveMilli) {
		r.fail(CodeBadValue, "%s %d", what, v)
		return 0
	}
	return v
}
