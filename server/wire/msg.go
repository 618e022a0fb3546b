package wire

// Version is the protocol version a Hello carries and a Welcome confirms.
const Version = 1

// Type is the first byte of every message, on a stream (after the frame
// length) and in a datagram.
type Type uint8

// Message types. 0x01–0x3f come from clients, 0x40–0x7f from the server,
// 0x80–0x8f are the datagram payloads (also carried in frames when
// datagrams are not available). Ping and Pong go both ways.
const (
	TypeHello   Type = 0x01
	TypeChoice  Type = 0x02
	TypeCommand Type = 0x03
	TypePing    Type = 0x04
	TypePong    Type = 0x05
	TypeLeave   Type = 0x06

	TypeWelcome    Type = 0x41
	TypeTerrain    Type = 0x42
	TypePrompt     Type = 0x43
	TypeWarning    Type = 0x44
	TypeMessage    Type = 0x45
	TypeChoiceAck  Type = 0x46
	TypeScore      Type = 0x47
	TypeResults    Type = 0x48
	TypeError      Type = 0x49
	TypeCommandAck Type = 0x4a
	TypePhase      Type = 0x4b
	TypeRoster     Type = 0x4c
	TypeMirror     Type = 0x4d // optional feature: lockstep mirror (Hello.Mirror)
	TypeInputs     Type = 0x4e
	// optional feature: the class's result without names (Hello.Class)
	TypeClassSummary Type = 0x4f

	TypePose     Type = 0x80
	TypeSnapshot Type = 0x81
)

var typeNames = map[Type]string{
	TypeHello: "hello", TypeChoice: "choice", TypeCommand: "command", TypePing: "ping",
	TypePong: "pong", TypeLeave: "leave", TypeWelcome: "welcome", TypeTerrain: "terrain",
	TypePrompt: "prompt", TypeWarning: "warning", TypeMessage: "message", TypeChoiceAck: "choice_ack",
	TypeScore: "score", TypeResults: "results", TypeError: "error", TypeCommandAck: "command_ack",
	TypePhase: "phase", TypeRoster: "roster", TypePose: "pose", TypeSnapshot: "snapshot",
	TypeMirror: "mirror", TypeInputs: "inputs", TypeClassSummary: "class_summary",
}

func (t Type) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return "unknown"
}

// Known reports whether t is a message type of this version.
func (t Type) Known() bool { _, ok := typeNames[t]; return ok }

// FromClient reports whether a client may send t.
func (t Type) FromClient() bool {
	switch t {
	case TypeHello, TypeChoice, TypeCommand, TypePing, TypePong, TypeLeave, TypePose:
		return true
	}
	return false
}

// FromServer reports whether the server may send t.
func (t Type) FromServer() bool {
	return t == TypePing || t == TypePong || (t.Known() && !t.FromClient())
}

// Limits the decoders enforce (docs/protocol.md §3). A field or count past
// its limit is a CodeLimit error, before anything is allocated for it.
const (
	MaxClientFrame = 4 << 10 // bytes in one frame a client sends
	MaxServerFrame = 4 << 20 // bytes in one frame the server sends (Welcome, Terrain)
	MaxDatagram    = 1452    // bytes a datagram may ever have (Ethernet MTU − IPv6 − UDP − QUIC)
	MinBudget      = 256     // smallest datagram budget the snapshot encoder accepts
	DefaultBudget  = 1150    // safe QUIC datagram payload before path MTU discovery

	MaxJoinCode    = 16
	MaxName        = 64 // display name bytes (engine.MaxNameLen)
	MaxID          = 64 // inject, option, action, object, NPC and place IDs (engine.MaxIDLen)
	MaxLang        = 16
	MaxFacToken    = 64
	MaxTextLen     = 2048 // bytes of one language of a Text
	MaxReason      = 1024
	MaxErrorText   = 1024
	MaxOptions     = 16
	MaxItems       = 256
	MaxObjectives  = 64
	MaxSlots       = 64 // participant slots (engine.MaxParticipants)
	MaxNPCs        = 4096
	MaxScenario    = 1 << 20
	MaxGridSide    = 2048
	MaxGridCells   = 1 << 20
	MaxCellMM      = 1000000 // 1 km cells
	MaxEncodedGrid = 3 << 20 // bytes of an encoded elevation or land-use grid
	MaxTick        = 1 << 40 // a tick number (far beyond any drill)
)

// Text is a piece of text in Chinese (zh-CN) and English.
type Text struct {
	ZH string
	EN string
}

// Message is one control message (or a Pose or a Snapshot carried in a
// frame). Marshal writes it; DecodeMessage reads it.
type Message interface {
	Type() Type
	appendPayload(b []byte) []byte
	decode(r *reader)
}

// Marshal appends the type byte and payload of m to b.
func Marshal(b []byte, m Message) []byte {
	b = append(b, byte(m.Type()))
	return m.appendPayload(b)
}

// DecodeMessage decodes one message: a type byte and its payload, with no
// frame length (the frame layer has checked the size). Errors are *Error.
func DecodeMessage(b []byte) (Message, error) {
	if len(b) == 0 {
		return nil, errf(CodeTruncated, "empty message")
	}
	m := newMessage(Type(b[0]))
	if m == nil {
		return nil, errf(CodeUnknownType, "type 0x%02x", b[0])
	}
	r := &reader{b: b, off: 1}
	m.decode(r)
	if err := r.end(m.Type().String()); err != nil {
		return nil, err
	}
	return m, nil
}

func newMessage(t Type) Message {
	switch t {
	case TypeHello:
		return new(Hello)
	case TypeChoice:
		return new(Choice)
	case TypeCommand:
		return new(Command)
	case TypePing:
		return new(Ping)
	case TypePong:
		return new(Pong)
	case TypeLeave:
		return new(Leave)
	case TypeWelcome:
		return new(Welcome)
	case TypeTerrain:
		return new(Terrain)
	case TypePrompt:
		return new(Prompt)
	case TypeWarning:
		return new(Warning)
	case TypeMessage:
		return new(Notice)
	case TypeChoiceAck:
		return new(ChoiceAck)
	case TypeScore:
		return new(Score)
	case TypeResults:
		return new(Results)
	case TypeError:
		return new(ErrorMsg)
	case TypeCommandAck:
		return new(CommandAck)
	case TypePhase:
		return new(PhaseChange)
	case TypeRoster:
		return new(Roster)
	case TypeMirror:
		return new(Mirror)
	case TypeInputs:
		return new(Inputs)
	case TypeClassSummary:
		return new(ClassSummary)
	case TypePose:
		return new(Pose)
	case TypeSnapshot:
		return new(SnapshotData)
	}
	return nil
}

// Role is what a connection joins as.
type Role uint8

const (
	RoleParticipant Role = 1 // moves, acts and answers
	RoleSpectator   Role = 2 // receives state, sends no moves (a teacher's screen)
	RoleFacilitator Role = 3 // runs the drill; needs the facilitator token
)

// Phase is a drill's lifecycle state.
type Phase uint8

const (
	PhaseLobby   Phase = 0
	PhaseRunning Phase = 1
	PhasePaused  Phase = 2
	PhaseEnded   Phase = 3
)

// Token is a participant token: a random (version 4) UUID in its 16 bytes.
type Token [16]byte

// Hello is the first message a client sends on its control stream: it
// joins a drill (with a join code) or rejoins it (with its token).
type Hello struct {
	Version     uint64 // Version; a different value ends decoding with CodeBadVersion
	Role        Role
	JoinCode    string // ≤ MaxJoinCode
	Name        string // display name, ≤ MaxName
	Lang        string // BCP 47 tag for texts ("zh-CN", "en"), ≤ MaxLang
	Datagrams   bool   // the client can receive datagrams
	HasToken    bool   // rejoin with Token
	Token       Token
	FacToken    string // facilitator token (RoleFacilitator), ≤ MaxFacToken
	TerrainHash uint64 // hash of a Terrain the client has cached, 0 for none
	// Mirror asks for the lockstep mirror feature (flags bit 2): a Mirror
	// message after the Welcome, then every applied input as Inputs.
	Mirror bool
	// Risk asks for the landslide risk layer (flags bit 3; granted to
	// spectators and facilitators: Welcome.Layers bit 2) and XR for the
	// other participants' head and hand poses (flags bit 4: snapshot
	// section bit 6). Optional features of version 1 (§5.8).
	Risk, XR bool
	// Aim asks for where the other participants' hands point too (flags
	// bit 5, only with XR: XR entity mask bits 6–7; aim.go).
	Aim bool
	// Class asks for the ClassSummary before the Results (flags bit 6,
	// §4.13): a pupil's class average without everyone's names.
	Class bool
}

func (*Hello) Type() Type { return TypeHello }

func (m *Hello) appendPayload(b []byte) []byte {
	b = putUvarint(b, m.Version)
	b = putU8(b, uint8(m.Role))
	b = putString(b, m.JoinCode)
	b = putString(b, m.Name)
	b = putString(b, m.Lang)
	var f uint8
	if m.Datagrams {
		f |= 1
	}
	if m.HasToken {
		f |= 2
	}
	if m.Mirror {
		f |= 4
	}
	if m.Risk {
		f |= 8
	}
	if m.XR {
		f |= 16
	}
	if m.Aim {
		f |= 32
	}
	if m.Class {
		f |= 64
	}
	b = putU8(b, f)
	if m.HasToken {
		b = append(b, m.Token[:]...)
	}
	b = putString(b, m.FacToken)
	return putU64(b, m.TerrainHash)
}

func (m *Hello) decode(r *reader) {
	m.Version = r.uvarint("hello.version")
	if r.err == nil && m.Version != Version {
		r.fail(CodeBadVersion, "protocol version %d, this server speaks %d", m.Version, Version)
		return
	}
	m.Role = Role(r.u8("hello.role"))
	if r.err == nil && (m.Role < RoleParticipant || m.Role > RoleFacilitator) {
		r.fail(CodeBadValue, "hello.role %d", m.Role)
	}
	m.JoinCode = r.str("hello.join_code", MaxJoinCode)
	m.Name = r.str("hello.name", MaxName)
	m.Lang = r.str("hello.lang", MaxLang)
	f := r.u8("hello.flags")
	if f&^127 != 0 || f&48 == 32 { // aim (32) only with XR poses (16)
		r.fail(CodeBadValue, "hello.flags 0x%02x", f)
	}
	m.Datagrams, m.HasToken, m.Mirror = f&1 != 0, f&2 != 0, f&4 != 0
	m.Risk, m.XR, m.Aim, m.Class = f&8 != 0, f&16 != 0, f&32 != 0, f&64 != 0
	if m.HasToken {
		copy(m.Token[:], r.fixed(16, "hello.token"))
	}
	m.FacToken = r.str("hello.fac_token", MaxFacToken)
	m.TerrainHash = r.u64("hello.terrain_hash")
}

// ChoiceKind says what a Choice does.
type ChoiceKind uint8

const (
	ChoiceAct    ChoiceKind = 1 // Action on Target (engine.InputAct)
	ChoiceAnswer ChoiceKind = 2 // Action = prompt inject ID, Target = option ID (engine.InputAnswer)
)

// Choice is a participant's act or answer. The server replies with a
// ChoiceAck of the same Seq once the choice is journalled (or rejected).
type Choice struct {
	Seq      uint64 // client sequence number, increasing per connection
	Kind     ChoiceKind
	Action   string // ≤ MaxID
	Target   string // ≤ MaxID
	TickHint uint64 // the tick the client saw when the choice was made
}

func (*Choice) Type() Type { return TypeChoice }

func (m *Choice) appendPayload(b []byte) []byte {
	b = putUvarint(b, m.Seq)
	b = putU8(b, uint8(m.Kind))
	b = putString(b, m.Action)
	b = putString(b, m.Target)
	return putUvarint(b, m.TickHint)
}

func (m *Choice) decode(r *reader) {
	m.Seq = r.uvarint("choice.seq")
	m.Kind = ChoiceKind(r.u8("choice.kind"))
	if r.err == nil && m.Kind != ChoiceAct && m.Kind != ChoiceAnswer {
		r.fail(CodeBadValue, "choice.kind %d", m.Kind)
	}
	m.Action = r.str("choice.action", MaxID)
	m.Target = r.str("choice.target", MaxID)
	m.TickHint = r.uv("choice.tick_hint", MaxTick)
}

// Result of a ChoiceAck or CommandAck.
const (
	Accepted uint8 = 0
	Rejected uint8 = 1
)

// Reasons a choice or command is rejected (ChoiceAck.Reason, CommandAck.Reason).
const (
	ReasonNone        uint8 = 0
	ReasonNotRunning  uint8 = 1 // the drill is in the lobby, paused or ended
	ReasonUnknown     uint8 = 2 // unknown prompt, option, action, object or inject
	ReasonAlready     uint8 = 3 // already answered / already done / already in that phase
	ReasonNotAllowed  uint8 = 4 // spectators choose nothing; left or harmed participants cannot act
	ReasonDuplicate   uint8 = 5 // this Seq was seen before (the first ack stands)
	ReasonRateLimited uint8 = 6 // too many choices; try again
	ReasonInvalid     uint8 = 7 // fields out of range (engine validation)
	ReasonBadState    uint8 = 8 // command not valid in this phase (resume while running …)
)

// ChoiceAck answers a Choice. It is sent only after the choice is durable
// in the drill's journal (Accepted) or when it was refused (Rejected).
type ChoiceAck struct {
	Seq    uint64
	Result uint8 // Accepted or Rejected
	Reason uint8 // ReasonNone when accepted
	Tick   uint64
}

func (*ChoiceAck) Type() Type { return TypeChoiceAck }

func (m *ChoiceAck) appendPayload(b []byte) []byte {
	b = putUvarint(b, m.Seq)
	b = putU8(b, m.Result)
	b = putU8(b, m.Reason)
	return putUvarint(b, m.Tick)
}

func (m *ChoiceAck) decode(r *reader) {
	m.Seq = r.uvarint("choice_ack.seq")
	m.Result = r.u8("choice_ack.result")
	m.Reason = r.u8("choice_ack.reason")
	if r.err == nil && (m.Result > Rejected || m.Reason > ReasonBadState) {
		r.fail(CodeBadValue, "choice_ack result %d reason %d", m.Result, m.Reason)
	}
	m.Tick = r.uv("choice_ack.tick", MaxTick)
}

// Op is a facilitator operation.
type Op uint8

const (
	OpStart  Op = 1
	OpPause  Op = 2
	OpResume Op = 3
	OpEnd    Op = 4
	OpInject Op = 5 // fire the scenario inject Inject
	OpWarn   Op = 6 // issue a warning: Hazard at Level
)

// Command is a facilitator operation. Only a connection that joined as
// RoleFacilitator with a valid token may send it (else CodeForbidden).
type Command struct {
	Seq    uint64
	Op     Op
	Inject string // OpInject: inject ID (≤ MaxID); "" otherwise
	Hazard uint8  // OpWarn: 1 rainstorm, 2 high_temp, 3 geological; 0 otherwise
	Level  uint8  // OpWarn: 0 none (lift) … 4 red
}

func (*Command) Type() Type { return TypeCommand }

func (m *Command) appendPayload(b []byte) []byte {
	b = putUvarint(b, m.Seq)
	b = putU8(b, uint8(m.Op))
	b = putString(b, m.Inject)
	b = putU8(b, m.Hazard)
	return putU8(b, m.Level)
}

func (m *Command) decode(r *reader) {
	m.Seq = r.uvarint("command.seq")
	m.Op = Op(r.u8("command.op"))
	if r.err == nil && (m.Op < OpStart || m.Op > OpWarn) {
		r.fail(CodeBadValue, "command.op %d", m.Op)
	}
	m.Inject = r.str("command.inject", MaxID)
	m.Hazard = r.u8("command.hazard")
	m.Level = r.u8("command.level")
	if r.err == nil && (m.Hazard > 3 || m.Level > 4) {
		r.fail(CodeBadValue, "command hazard %d level %d", m.Hazard, m.Level)
	}
}

// CommandAck answers a Command once it has been journalled or refused.
type CommandAck struct {
	Seq    uint64
	Result uint8
	Reason uint8
	Tick   uint64
}

func (*CommandAck) Type() Type { return TypeCommandAck }

func (m *CommandAck) appendPayload(b []byte) []byte {
	return (*ChoiceAck)(m).appendPayload(b)
}

func (m *CommandAck) decode(r *reader) { (*ChoiceAck)(m).decode(r) }

// Ping asks the peer for a Pong with the same nonce (RTT, keep-alive).
type Ping struct{ Nonce uint64 }

func (*Ping) Type() Type                      { return TypePing }
func (m *Ping) appendPayload(b []byte) []byte { return putUvarint(b, m.Nonce) }
func (m *Ping) decode(r *reader)              { m.Nonce = r.uvarint("ping.nonce") }
func (*Pong) Type() Type                      { return TypePong }
func (*Leave) Type() Type                     { return TypeLeave }
func (*Leave) appendPayload(b []byte) []byte  { return b }
func (*Leave) decode(*reader)                 {}
func (m *Pong) appendPayload(b []byte) []byte { return putUvarint(putUvarint(b, m.Nonce), m.Tick) }
func (m *Pong) decode(r *reader) {
	m.Nonce = r.uvarint("pong.nonce")
	m.Tick = r.uv("pong.tick", MaxTick)
}
func (*PhaseChange) Type() Type { return TypePhase }
func (m *PhaseChange) appendPayload(b []byte) []byte {
	return putUvarint(putU8(b, uint8(m.Phase)), m.Tick)
}
func (m *PhaseChange) decode(r *reader) {
	m.Phase = Phase(r.u8("phase.phase"))
	if r.err == nil && m.Phase > PhaseEnded {
		r.fail(CodeBadValue, "phase %d", m.Phase)
	}
	m.Tick = r.uv("phase.tick", MaxTick)
}

// Pong answers a Ping; Tick is the sender's current tick (0 from a client).
type Pong struct {
	Nonce uint64
	Tick  uint64
}

// Leave says the participant leaves the drill for good (engine.InputLeave);
// the server then closes the connection normally.
type Leave struct{}

// PhaseChange announces a lifecycle change of the drill.
type PhaseChange struct {
	Phase Phase
	Tick  uint64
}
