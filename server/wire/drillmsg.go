package wire

// This file holds the messages that describe the drill itself (roster,
// Welcome, prompts, warnings, scores, results, snapshots); msg.go holds the
// message framework and the control messages (Hello, Choice, Command,
// Ping/Pong, Leave, PhaseChange). Split only to keep files readable.

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
