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

	TypePose     Type = 0x80
	TypeSnapshot Type = 0x81
)

var typeNames = map[Type]string{
	TypeHello: "hello", TypeChoice: "choice", TypeCommand: "command", TypePing: "ping",
	TypePong: "pong", TypeLeave: "leave", TypeWelcome: "welcome", TypeTerrain: "terrain",
	TypePrompt: "prompt", TypeWarning: "warning", TypeMessage: "message", TypeChoiceAck: "choice_ack",
	TypeScore: "score", TypeResults: "results", TypeError: "error", TypeCommandAck: "command_ack",
	TypePhase: "phase", TypeRoster: "roster", TypePose: "pose", TypeSnapshot: "snapshot",
	TypeMirror: "mirror", TypeInputs: "inputs",
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
	if f&^31 != 0 {
		r.fail(CodeBadValue, "hello.flags 0x%02x", f)
	}
	m.Datagrams, m.HasToken, m.Mirror = f&1 != 0, f&2 != 0, f&4 != 0
	m.Risk, m.XR = f&8 != 0, f&16 != 0
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

// NPCKind is the kind of a non-player character.
type NPCKind uint8

const (
	NPCOther     NPCKind = 0
	NPCCrowd     NPCKind = 1
	NPCElder     NPCKind = 2
	NPCClassmate NPCKind = 3
)

// NPCInfo names the NPC with a given index in snapshots.
type NPCInfo struct {
	ID   string // "crowd#3", "elder", ≤ MaxID
	Kind NPCKind
}

// Roster flags.
const (
	RosterBot  uint8 = 1 // a bot policy plays this slot
	RosterLeft uint8 = 2 // the participant left
	RosterAway uint8 = 4 // disconnected; may rejoin with the token
)

// RosterEntry names the participant in a slot.
type RosterEntry struct {
	Slot  uint32 // < MaxSlots
	Name  string
	Flags uint8
}

func putRoster(b []byte, es []RosterEntry) []byte {
	b = putUvarint(b, uint64(len(es)))
	for _, e := range es {
		b = putUvarint(b, uint64(e.Slot))
		b = putString(b, e.Name)
		b = putU8(b, e.Flags)
	}
	return b
}

func readRoster(r *reader, what string) []RosterEntry {
	n := r.count(what, MaxSlots, 3)
	if n == 0 {
		return nil
	}
	es := make([]RosterEntry, n)
	for i := range es {
		es[i].Slot = uint32(r.uv(what+".slot", MaxSlots-1))
		es[i].Name = r.str(what+".name", MaxName)
		es[i].Flags = r.u8(what + ".flags")
		if es[i].Flags&^7 != 0 {
			r.fail(CodeBadValue, "%s.flags 0x%02x", what, es[i].Flags)
		}
	}
	return es
}

// Roster adds or replaces entries of the participant list (joins, leaves,
// disconnects). The Welcome carries the whole list.
type Roster struct{ Entries []RosterEntry }

func (*Roster) Type() Type                      { return TypeRoster }
func (m *Roster) appendPayload(b []byte) []byte { return putRoster(b, m.Entries) }
func (m *Roster) decode(r *reader)              { m.Entries = readRoster(r, "roster") }

// Grid is the terrain grid every tile field follows: NX × NY cells of
// CellMM millimetres, row 0 north, x east, y south.
type Grid struct {
	NX, NY int
	CellMM uint32
}

func (g Grid) Valid() bool {
	return g.NX >= 1 && g.NY >= 1 && g.NX <= MaxGridSide && g.NY <= MaxGridSide &&
		g.NX*g.NY <= MaxGridCells && g.CellMM >= 1 && g.CellMM <= MaxCellMM
}

func putGrid(b []byte, g Grid) []byte {
	return putUvarint(putUvarint(putUvarint(b, uint64(g.NX)), uint64(g.NY)), uint64(g.CellMM))
}

func readGrid(r *reader, what string) Grid {
	g := Grid{NX: int(r.uv(what+".nx", MaxGridSide)), NY: int(r.uv(what+".ny", MaxGridSide)),
		CellMM: uint32(r.uv(what+".cell_mm", MaxCellMM))}
	if r.err == nil && !g.Valid() {
		r.fail(CodeLimit, "%s: grid %d×%d cell %d mm", what, g.NX, g.NY, g.CellMM)
	}
	return g
}

// Scenario formats in a Welcome.
const (
	ScenarioJSON uint8 = 1 // encoding/json of engine.Scenario (the schema's field names)
	ScenarioYAML uint8 = 2 // the trainer's YAML source
)

// Layers in a Welcome: which tile fields snapshots carry.
const (
	LayerWater  uint8 = 1
	LayerDebris uint8 = 2
)

// Welcome answers a Hello: who the client is, the drill, its scenario and
// grid, who is there, and the full state to start from. A Terrain message
// follows unless the client already has the terrain (Hello.TerrainHash).
type Welcome struct {
	Role           Role
	Slot           int32 // participant slot, −1 for spectators and facilitators
	Token          Token // participant token for rejoining (zero if no slot)
	JoinCode       string
	TickHz         uint8 // simulation ticks per second (10–60)
	SnapshotHz     uint8 // snapshots per second (≤ TickHz)
	Phase          Phase
	Tick           uint64
	EndTick        uint64
	ScenarioID     string // ≤ MaxID
	Title          Text
	ScenarioFormat uint8  // ScenarioJSON or ScenarioYAML
	Scenario       []byte // ≤ MaxScenario
	Grid           Grid
	Layers         uint8 // LayerWater | LayerDebris | LayerRisk (only if the Hello asked)
	TerrainHash    uint64
	NPCs           []NPCInfo
	Roster         []RosterEntry
	Full           []byte // a Snapshot datagram payload with baseline 0 (§5)
}

func (*Welcome) Type() Type { return TypeWelcome }

func (m *Welcome) appendPayload(b []byte) []byte {
	b = putUvarint(b, Version)
	b = putU8(b, uint8(m.Role))
	b = putUvarint(b, uint64(m.Slot+1))
	b = append(b, m.Token[:]...)
	b = putString(b, m.JoinCode)
	b = putU8(b, m.TickHz)
	b = putU8(b, m.SnapshotHz)
	b = putU8(b, uint8(m.Phase))
	b = putUvarint(b, m.Tick)
	b = putUvarint(b, m.EndTick)
	b = putString(b, m.ScenarioID)
	b = putText(b, m.Title)
	b = putU8(b, m.ScenarioFormat)
	b = putBytes(b, m.Scenario)
	b = putGrid(b, m.Grid)
	b = putU8(b, m.Layers)
	b = putU64(b, m.TerrainHash)
	b = putUvarint(b, uint64(len(m.NPCs)))
	for _, n := range m.NPCs {
		b = putString(b, n.ID)
		b = putU8(b, uint8(n.Kind))
	}
	b = putRoster(b, m.Roster)
	return putBytes(b, m.Full)
}

func (m *Welcome) decode(r *reader) {
	if v := r.uvarint("welcome.version"); r.err == nil && v != Version {
		r.fail(CodeBadVersion, "welcome version %d", v)
		return
	}
	m.Role = Role(r.u8("welcome.role"))
	if r.err == nil && (m.Role < RoleParticipant || m.Role > RoleFacilitator) {
		r.fail(CodeBadValue, "welcome.role %d", m.Role)
	}
	m.Slot = int32(r.uv("welcome.slot", MaxSlots)) - 1
	copy(m.Token[:], r.fixed(16, "welcome.token"))
	m.JoinCode = r.str("welcome.join_code", MaxJoinCode)
	m.TickHz = r.u8("welcome.tick_hz")
	m.SnapshotHz = r.u8("welcome.snapshot_hz")
	if r.err == nil && (m.TickHz < 1 || m.TickHz > 120 || m.SnapshotHz < 1 || m.SnapshotHz > m.TickHz) {
		r.fail(CodeBadValue, "welcome tick_hz %d snapshot_hz %d", m.TickHz, m.SnapshotHz)
	}
	m.Phase = Phase(r.u8("welcome.phase"))
	if r.err == nil && m.Phase > PhaseEnded {
		r.fail(CodeBadValue, "welcome.phase %d", m.Phase)
	}
	m.Tick = r.uv("welcome.tick", MaxTick)
	m.EndTick = r.uv("welcome.end_tick", MaxTick)
	m.ScenarioID = r.str("welcome.scenario_id", MaxID)
	m.Title = r.text("welcome.title", MaxTextLen)
	m.ScenarioFormat = r.u8("welcome.scenario_format")
	if r.err == nil && m.ScenarioFormat != ScenarioJSON && m.ScenarioFormat != ScenarioYAML {
		r.fail(CodeBadValue, "welcome.scenario_format %d", m.ScenarioFormat)
	}
	m.Scenario = clone(r.bytes("welcome.scenario", MaxScenario))
	m.Grid = readGrid(r, "welcome.grid")
	m.Layers = r.u8("welcome.layers")
	if m.Layers&^7 != 0 {
		r.fail(CodeBadValue, "welcome.layers 0x%02x", m.Layers)
	}
	m.TerrainHash = r.u64("welcome.terrain_hash")
	if n := r.count("welcome.npcs", MaxNPCs, 2); n > 0 {
		m.NPCs = make([]NPCInfo, n)
		for i := range m.NPCs {
			m.NPCs[i].ID = r.str("welcome.npc.id", MaxID)
			m.NPCs[i].Kind = NPCKind(r.u8("welcome.npc.kind"))
			if r.err == nil && m.NPCs[i].Kind > NPCClassmate {
				r.fail(CodeBadValue, "welcome.npc.kind %d", m.NPCs[i].Kind)
			}
		}
	}
	m.Roster = readRoster(r, "welcome.roster")
	m.Full = clone(r.bytes("welcome.full", MaxServerFrame))
}

func clone(p []byte) []byte {
	if p == nil {
		return nil
	}
	return append([]byte{}, p...)
}

// Prompt is a decision point put to participants.
type Prompt struct {
	Inject   string // the prompt's inject ID (Choice.Action when answering)
	Tick     uint64
	Question Text
	Options  []Option
}

// Option is one answer to a Prompt.
type Option struct {
	ID   string
	Text Text
}

func (*Prompt) Type() Type { return TypePrompt }

func (m *Prompt) appendPayload(b []byte) []byte {
	b = putString(b, m.Inject)
	b = putUvarint(b, m.Tick)
	b = putText(b, m.Question)
	b = putUvarint(b, uint64(len(m.Options)))
	for _, o := range m.Options {
		b = putString(b, o.ID)
		b = putText(b, o.Text)
	}
	return b
}

func (m *Prompt) decode(r *reader) {
	m.Inject = r.str("prompt.inject", MaxID)
	m.Tick = r.uv("prompt.tick", MaxTick)
	m.Question = r.text("prompt.question", MaxTextLen)
	if n := r.count("prompt.options", MaxOptions, 3); n > 0 {
		m.Options = make([]Option, n)
		for i := range m.Options {
			m.Options[i].ID = r.str("prompt.option.id", MaxID)
			m.Options[i].Text = r.text("prompt.option.text", MaxTextLen)
		}
	}
}

// Warning is a warning issued, changed or lifted (Level 0), with the
// texts a client shows: the title and the action guide.
type Warning struct {
	ID     string // issuer-unique ("rainstorm-3"), ≤ MaxID
	Hazard uint8  // 1 rainstorm, 2 high_temp, 3 geological
	Level  uint8  // 0 none (lifted), 1 blue, 2 yellow, 3 orange, 4 red
	Prev   uint8  // level before
	Source uint8  // 0 threshold, 1 inject (script or facilitator)
	Inject string // inject ID when Source is 1
	Tick   uint64 // tick issued
	Title  Text
	Public Text // what everyone should do
	School Text // what schools should do
}

func (*Warning) Type() Type { return TypeWarning }

func (m *Warning) appendPayload(b []byte) []byte {
	b = putString(b, m.ID)
	b = append(b, m.Hazard, m.Level, m.Prev, m.Source)
	b = putString(b, m.Inject)
	b = putUvarint(b, m.Tick)
	b = putText(b, m.Title)
	b = putText(b, m.Public)
	return putText(b, m.School)
}

func (m *Warning) decode(r *reader) {
	m.ID = r.str("warning.id", MaxID)
	m.Hazard = r.u8("warning.hazard")
	m.Level = r.u8("warning.level")
	m.Prev = r.u8("warning.prev")
	m.Source = r.u8("warning.source")
	if r.err == nil && (m.Hazard < 1 || m.Hazard > 3 || m.Level > 4 || m.Prev > 4 || m.Source > 1) {
		r.fail(CodeBadValue, "warning hazard %d level %d prev %d source %d", m.Hazard, m.Level, m.Prev, m.Source)
	}
	m.Inject = r.str("warning.inject", MaxID)
	m.Tick = r.uv("warning.tick", MaxTick)
	m.Title = r.text("warning.title", MaxTextLen)
	m.Public = r.text("warning.public", MaxTextLen)
	m.School = r.text("warning.school", MaxTextLen)
}

// Notice is a scenario message inject (type "message" on the wire).
type Notice struct {
	Inject string
	Tick   uint64
	Text   Text
}

func (*Notice) Type() Type { return TypeMessage }

func (m *Notice) appendPayload(b []byte) []byte {
	return putText(putUvarint(putString(b, m.Inject), m.Tick), m.Text)
}

func (m *Notice) decode(r *reader) {
	m.Inject = r.str("message.inject", MaxID)
	m.Tick = r.uv("message.tick", MaxTick)
	m.Text = r.text("message.text", MaxTextLen)
}

// Item is one scored task with its reason (engine.Item).
type Item struct {
	Rule       string // objective/task, ≤ 2·MaxID+1
	Kind       string // rule kind, ≤ MaxID
	Tick       uint64
	Points     int64
	Max        uint64
	Applicable bool
	ReasonZH   string // ≤ MaxReason
	ReasonEN   string
}

func putItems(b []byte, items []Item) []byte {
	b = putUvarint(b, uint64(len(items)))
	for _, it := range items {
		b = putString(b, it.Rule)
		b = putString(b, it.Kind)
		b = putUvarint(b, it.Tick)
		b = putSvarint(b, it.Points)
		b = putUvarint(b, it.Max)
		b = putBool(b, it.Applicable)
		b = putString(b, it.ReasonZH)
		b = putString(b, it.ReasonEN)
	}
	return b
}

func readItems(r *reader, what string) []Item {
	n := r.count(what, MaxItems, 8)
	if n == 0 {
		return nil
	}
	items := make([]Item, n)
	for i := range items {
		it := &items[i]
		it.Rule = r.str(what+".rule", 2*MaxID+1)
		it.Kind = r.str(what+".kind", MaxID)
		it.Tick = r.uv(what+".tick", MaxTick)
		it.Points = r.svarint(what + ".points")
		it.Max = r.uvarint(what + ".max")
		it.Applicable = r.boolean(what + ".applicable")
		it.ReasonZH = r.str(what+".reason_zh", MaxReason)
		it.ReasonEN = r.str(what+".reason_en", MaxReason)
	}
	return items
}

// Score is a participant's running score with its breakdown so far.
type Score struct {
	Score int64
	Max   uint64
	Items []Item
}

func (*Score) Type() Type { return TypeScore }

func (m *Score) appendPayload(b []byte) []byte {
	return putItems(putUvarint(putSvarint(b, m.Score), m.Max), m.Items)
}

func (m *Score) decode(r *reader) {
	m.Score = r.svarint("score.score")
	m.Max = r.uvarint("score.max")
	m.Items = readItems(r, "score.items")
}

// ObjectiveResult rates one objective (engine.ObjectiveResult).
type ObjectiveResult struct {
	ID     string
	Title  Text
	Rating string // P, S, M, U or "-"
	Points int64
	Max    uint64
}

// Result is one participant's final result (engine.Result).
type Result struct {
	Slot       uint32
	Name       string
	Policy     string
	Score      int64
	Outcome    string // ≤ MaxID
	Items      []Item
	Objectives []ObjectiveResult
}

// Results are the final results of every participant, sent when the drill
// ends (participants get their own; facilitators and spectators everyone's).
type Results struct{ Results []Result }

func (*Results) Type() Type { return TypeResults }

func (m *Results) appendPayload(b []byte) []byte {
	b = putUvarint(b, uint64(len(m.Results)))
	for _, p := range m.Results {
		b = putUvarint(b, uint64(p.Slot))
		b = putString(b, p.Name)
		b = putString(b, p.Policy)
		b = putSvarint(b, p.Score)
		b = putString(b, p.Outcome)
		b = putItems(b, p.Items)
		b = putUvarint(b, uint64(len(p.Objectives)))
		for _, o := range p.Objectives {
			b = putString(b, o.ID)
			b = putText(b, o.Title)
			b = putString(b, o.Rating)
			b = putSvarint(b, o.Points)
			b = putUvarint(b, o.Max)
		}
	}
	return b
}

func (m *Results) decode(r *reader) {
	n := r.count("results", MaxSlots, 7)
	if n == 0 {
		return
	}
	m.Results = make([]Result, n)
	for i := range m.Results {
		p := &m.Results[i]
		p.Slot = uint32(r.uv("results.slot", MaxSlots-1))
		p.Name = r.str("results.name", MaxName)
		p.Policy = r.str("results.policy", MaxID)
		p.Score = r.svarint("results.score")
		p.Outcome = r.str("results.outcome", MaxID)
		p.Items = readItems(r, "results.items")
		if k := r.count("results.objectives", MaxObjectives, 6); k > 0 {
			p.Objectives = make([]ObjectiveResult, k)
			for j := range p.Objectives {
				o := &p.Objectives[j]
				o.ID = r.str("objective.id", MaxID)
				o.Title = r.text("objective.title", MaxTextLen)
				o.Rating = r.str("objective.rating", 2)
				o.Points = r.svarint("objective.points")
				o.Max = r.uvarint("objective.max")
			}
		}
	}
}

// ErrorMsg reports a protocol or session error. After an Error with a
// decode code (1–31) or most session codes the server closes the
// connection with the same code.
type ErrorMsg struct {
	Code Code
	Text string // ≤ MaxErrorText, for people
}

func (*ErrorMsg) Type() Type { return TypeError }

func (m *ErrorMsg) appendPayload(b []byte) []byte {
	return putString(putUvarint(b, uint64(m.Code)), m.Text)
}

func (m *ErrorMsg) decode(r *reader) {
	m.Code = Code(r.uv("error.code", 0xffff))
	m.Text = r.str("error.text", MaxErrorText)
}

// SnapshotData is a Snapshot carried as a message (a datagram or the
// stream fallback). Data is the whole payload including the type byte,
// ready for SnapshotDecoder.Decode; DecodeMessage checks only its size.
type SnapshotData struct{ Data []byte }

func (*SnapshotData) Type() Type { return TypeSnapshot }

func (m *SnapshotData) appendPayload(b []byte) []byte {
	if len(m.Data) == 0 {
		return b
	}
	return append(b, m.Data[1:]...)
}

func (m *SnapshotData) decode(r *reader) {
	m.Data = clone(r.b)
	r.off = len(r.b)
}
