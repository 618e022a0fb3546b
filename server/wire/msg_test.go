package wire

import (
	"bytes"
	"encoding/hex"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func tok(b byte) (t Token) {
	for i := range t {
		t[i] = b + byte(i)
	}
	return t
}

// sampleMessages has one fully populated value of every message type.
func sampleMessages() map[string]Message {
	head := XRPose{X: 10, Y: 1450, Z: -25, Rot: PackQuat(0.1, 0.7, 0, 0.7)}
	hands := [2]XRPose{{X: -250, Y: 1000, Z: -300, Rot: PackQuat(0, 0, 0, 1)}, {X: 250, Y: 1010, Z: -310, Rot: PackQuat(0.5, 0.5, 0.5, 0.5)}}
	items := []Item{
		{Rule: "evacuate/reach_shelter", Kind: "reach", Tick: 9000, Points: 30, Max: 30, Applicable: true,
			ReasonZH: "7分30秒到达体育馆避难点", ReasonEN: "reached the gym shelter at 7:30"},
		{Rule: "evacuate/avoid_underpass", Kind: "avoid_place", Tick: 0, Points: 0, Max: 20,
			ReasonZH: "进入了下穿通道", ReasonEN: "entered the underpass"},
	}
	return map[string]Message{
		"hello": &Hello{Version: Version, Role: RoleParticipant, JoinCode: "K7QX2M", Name: "小明", Lang: "zh-CN",
			Datagrams: true, HasToken: true, Token: tok(0x10), TerrainHash: 0x0123456789abcdef},
		"hello_facilitator": &Hello{Version: Version, Role: RoleFacilitator, JoinCode: "K7QX2M", Name: "Ms Li", Lang: "en", FacToken: "f-4b1d9c"},
		"choice":            &Choice{Seq: 7, Kind: ChoiceAnswer, Action: "prompt_leave", Target: "stairs", TickHint: 4321},
		"command":           &Command{Seq: 3, Op: OpWarn, Hazard: 1, Level: 4},
		"command_inject":    &Command{Seq: 4, Op: OpInject, Inject: "msg_underpass"},
		"ping":              &Ping{Nonce: 0xdeadbeef},
		"pong":              &Pong{Nonce: 0xdeadbeef, Tick: 1200},
		"leave":             &Leave{},
		"welcome": &Welcome{Role: RoleParticipant, Slot: 5, Token: tok(0x20), JoinCode: "K7QX2M", TickHz: 20, SnapshotHz: 20,
			Phase: PhaseRunning, Tick: 1200, EndTick: 18000, ScenarioID: "flood",
			Title: Text{ZH: "两江暴雨洪水避险", EN: "Rising rivers"}, ScenarioFormat: ScenarioJSON,
			Scenario: []byte(`{"id":"flood"}`), Grid: Grid{NX: 160, NY: 120, CellMM: 5000}, Layers: LayerWater,
			TerrainHash: 42, NPCs: []NPCInfo{{ID: "crowd#0", Kind: NPCCrowd}, {ID: "elder", Kind: NPCElder}},
			Roster: []RosterEntry{{Slot: 0, Name: "good-01", Flags: RosterBot}, {Slot: 5, Name: "小明"}},
			Full:   []byte{0x81, 1, 0, 0, 0}},
		"terrain": &Terrain{Grid: Grid{NX: 3, NY: 2, CellMM: 5000}, BaseCM: 16050,
			Elev: []uint16{0, 5, 5, 10, 10, NoElev}, LandUse: []uint8{1, 1, 2, 2, 2, 0}},
		"prompt": &Prompt{Inject: "prompt_leave", Tick: 2400, Question: Text{ZH: "水漫上了路面，怎么走？", EN: "Water is over the road. Which way?"},
			Options: []Option{{ID: "underpass", Text: Text{ZH: "走下穿通道", EN: "Take the underpass"}}, {ID: "stairs", Text: Text{ZH: "走梯道上坡", EN: "Climb the stairs"}}}},
		"warning": &Warning{ID: "rainstorm-3", Hazard: 1, Level: 3, Prev: 2, Source: 1, Inject: "warn_orange", Tick: 3600,
			Title: Text{ZH: "暴雨橙色预警信号", EN: "Rainstorm Orange Warning"}, Public: Text{ZH: "避开低洼地带", EN: "Keep out of low ground"},
			School: Text{ZH: "停课", EN: "Suspend classes"}},
		"message":     &Notice{Inject: "msg_river", Tick: 600, Text: Text{ZH: "江水上涨", EN: "The river is rising"}},
		"choice_ack":  &ChoiceAck{Seq: 7, Result: Rejected, Reason: ReasonAlready, Tick: 4322},
		"command_ack": &CommandAck{Seq: 3, Result: Accepted, Tick: 4330},
		"score":       &Score{Score: 30, Max: 100, Items: items},
		"results": &Results{Results: []Result{{Slot: 5, Name: "小明", Score: 30, Outcome: "safe", Items: items,
			Objectives: []ObjectiveResult{{ID: "evacuate", Title: Text{ZH: "撤离", EN: "Evacuate"}, Rating: "S", Points: 30, Max: 50}}}}},
		"error":        &ErrorMsg{Code: CodeForbidden, Text: "participants cannot start the drill"},
		"phase":        &PhaseChange{Phase: PhasePaused, Tick: 5000},
		"roster":       &Roster{Entries: []RosterEntry{{Slot: 6, Name: "Ana", Flags: RosterAway}}},
		"pose":         &Pose{Ack: 130, AckBits: 0xfffffffe, Seq: 981, TickHint: 1198, MoveX: 600, MoveY: -800, Heading: 27000, Run: true, Head: &head, Hands: &hands},
		"pose_min":     &Pose{Seq: 1, Heading: 9000},
		"hello_mirror": &Hello{Version: Version, Role: RoleParticipant, JoinCode: "K7QX2M", Name: "good-01", Lang: "en", Datagrams: true, Mirror: true},
		"mirror":       &Mirror{Seed: 7, Engine: "rescuedrill-engine/1", Scenario: "heat", Source: []byte("id: heat\n")},
		"inputs": &Inputs{Tick: 1201, HasHash: true, Hash: 0x0123456789abcdef, Inputs: []engine.Input{
			{Tick: 1199, Participant: 2, Kind: engine.InputJoin, Target: "小明"},
			{Tick: 1200, Participant: 0, Kind: engine.InputMove, MoveX: 600, MoveY: -800, Run: true},
			{Tick: 1200, Participant: 0, Kind: engine.InputLook, Heading: 27000},
			{Tick: 1200, Participant: 5, Kind: engine.InputAnswer, Action: "q_symptoms", Target: "cool_call"}}},
		"inputs_empty":  &Inputs{Tick: 1220},
		"class_summary": exampleClassSummary(),
	}
}

func TestRoundTripEveryMessage(t *testing.T) {
	seen := map[Type]bool{}
	for name, m := range sampleMessages() {
		b := Marshal(nil, m)
		got, err := DecodeMessage(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if tm, ok := m.(*Terrain); ok {
			tm.Hash = got.(*Terrain).Hash
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("%s: round trip\n got %+v\nwant %+v", name, got, m)
		}
		if again := Marshal(nil, got); !bytes.Equal(again, b) {
			t.Errorf("%s: re-encoding differs", name)
		}
		seen[m.Type()] = true
		// every strict prefix fails with an *Error, never panics
		for i := 0; i < len(b); i++ {
			if _, err := DecodeMessage(b[:i]); err == nil {
				if m.Type() != TypeSnapshot {
					t.Errorf("%s: prefix of %d/%d bytes decoded", name, i, len(b))
				}
			} else if CodeOf(err) == CodeInternal {
				t.Errorf("%s: prefix error %v is not an *Error", name, err)
			}
		}
		// trailing bytes are an error
		if _, err := DecodeMessage(append(b, 0)); err == nil && m.Type() != TypeSnapshot {
			t.Errorf("%s: trailing byte accepted", name)
		}
	}
	for typ := range typeNames {
		if !seen[typ] && typ != TypeSnapshot {
			t.Errorf("no sample for %v", typ)
		}
	}
}

func TestFrames(t *testing.T) {
	var stream []byte
	msgs := sampleMessages()
	names := []string{"hello", "choice", "pose", "welcome", "ping"}
	for _, n := range names {
		stream = AppendFrame(stream, msgs[n])
	}
	// SplitFrame, byte by byte arrival
	var got []Message
	buf := []byte{}
	for i := 0; i < len(stream); i++ {
		buf = append(buf, stream[i])
		for {
			msg, n, err := SplitFrame(buf, MaxServerFrame)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
			m, err := DecodeMessage(msg)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, m)
			buf = buf[n:]
		}
	}
	fr := NewFrameReader(bytes.NewReader(stream), MaxServerFrame)
	for i, n := range names {
		if !reflect.DeepEqual(got[i], msgs[n]) {
			t.Errorf("split %s differs", n)
		}
		m, err := fr.ReadMessage()
		if err != nil || !reflect.DeepEqual(m, msgs[n]) {
			t.Errorf("reader %s: %v", n, err)
		}
	}
	if _, err := fr.Next(); err == nil || !strings.Contains(err.Error(), "EOF") {
		t.Errorf("end of stream: %v", err)
	}
	// limits
	big := AppendRawFrame(nil, make([]byte, MaxClientFrame+1))
	if _, _, err := SplitFrame(big, MaxClientFrame); CodeOf(err) != CodeTooLarge {
		t.Errorf("oversized frame: %v", err)
	}
	if _, err := NewFrameReader(bytes.NewReader(big[:3]), MaxClientFrame).Next(); CodeOf(err) != CodeTooLarge {
		t.Errorf("oversized frame before its body arrives: %v", err)
	}
	if _, err := NewFrameReader(bytes.NewReader([]byte{5, 1, 2}), MaxClientFrame).Next(); CodeOf(err) != CodeTruncated {
		t.Errorf("truncated frame: %v", err)
	}
	if _, _, err := SplitFrame([]byte{0}, 10); CodeOf(err) != CodeMalformed {
		t.Errorf("empty frame: %v", err)
	}
	if _, err := DecodeMessage([]byte{0x7f}); CodeOf(err) != CodeUnknownType {
		t.Errorf("unknown type: %v", err)
	}
	if _, err := DecodeDatagram(Marshal(nil, msgs["hello"])); CodeOf(err) != CodeUnknownType {
		t.Errorf("hello as datagram: %v", err)
	}
}

func TestBadInputCodes(t *testing.T) {
	cases := []struct {
		name string
		b    []byte
		code Code
	}{
		{"version 2", []byte{0x01, 2}, CodeBadVersion},
		{"role 9", []byte{0x01, 1, 9}, CodeBadValue},
		{"name too long", append([]byte{0x01, 1, 1, 0, 65}, make([]byte, 65)...), CodeLimit},
		{"bad utf8", []byte{0x01, 1, 1, 0, 1, 0xff}, CodeBadValue},
		{"varint not minimal", []byte{0x04, 0x80, 0x00}, CodeMalformed},
		{"varint over 53 bits", []byte{0x04, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x10}, CodeMalformed},
		{"bool 2", boolTwo(), CodeBadValue},
		{"pose move 1001", Marshal(nil, &Pose{MoveX: 1001}), CodeBadValue},
		{"pose heading 36000", Marshal(nil, &Pose{Heading: 36000}), CodeBadValue},
		{"choice kind 0", Marshal(nil, &Choice{}), CodeBadValue},
		{"options count beyond limit", []byte{0x43, 0, 0, 0, 0, 17}, CodeLimit},
		{"items count beyond bytes", []byte{0x47, 0, 0, 100}, CodeTruncated},
		{"hello flag bit 5", append([]byte{0x01, 1, 1, 0, 0, 0, 0x20, 0}, make([]byte, 8)...), CodeBadValue},
		{"inputs tick beyond the message tick", Marshal(nil, &Inputs{Tick: 5, Inputs: []engine.Input{{Tick: 6, Kind: engine.InputLeave}}}), CodeBadValue},
		{"inputs ticks going back", Marshal(nil, &Inputs{Tick: 9, Inputs: []engine.Input{{Tick: 5, Kind: engine.InputLeave}, {Tick: 4, Kind: engine.InputLeave}}}), CodeBadValue},
		{"inputs kind 0", Marshal(nil, &Inputs{Tick: 9, Inputs: []engine.Input{{Tick: 5}}}), CodeBadValue},
		{"inputs move 1001", Marshal(nil, &Inputs{Tick: 9, Inputs: []engine.Input{{Tick: 5, Kind: engine.InputMove, MoveX: 1001}}}), CodeBadValue},
		{"inputs participant 64", Marshal(nil, &Inputs{Tick: 9, Inputs: []engine.Input{{Tick: 5, Participant: 64, Kind: engine.InputLeave}}}), CodeBadValue},
		{"inputs count beyond limit", []byte{0x4e, 9, 0, 0x81, 0x40}, CodeLimit},
	}
	for _, c := range cases {
		_, err := DecodeMessage(c.b)
		var e *Error
		if !errors.As(err, &e) || e.Code != c.code {
			t.Errorf("%s: got %v, want code %v", c.name, err, c.code)
		}
	}
}

func TestQuat(t *testing.T) {
	for _, q := range [][4]float64{{0, 0, 0, 1}, {0.1, 0.7, 0, 0.7}, {-0.5, 0.5, -0.5, 0.5}, {0.9, -0.1, 0.3, -0.2}} {
		x, y, z, w := UnpackQuat(PackQuat(q[0], q[1], q[2], q[3]))
		n := 0.0
		for _, v := range q {
			n += v * v
		}
		n = 1 / sqrt(n)
		dot := (x*q[0] + y*q[1] + z*q[2] + w*q[3]) * n
		if dot < 0 {
			dot = -dot
		}
		if dot < 0.9999 {
			t.Errorf("%v: unpacked %v %v %v %v (dot %v)", q, x, y, z, w, dot)
		}
	}
}

// golden compares b with testdata/golden/name.hex (rewritten with -update).
func golden(t *testing.T, name string, b []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".hex")
	var sb strings.Builder
	for i := 0; i < len(b); i += 32 {
		sb.WriteString(hex.EncodeToString(b[i:min(i+32, len(b))]))
		sb.WriteByte('\n')
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != sb.String() {
		t.Errorf("%s: bytes differ from the golden file; the format changed?\n got %s\nwant %s", name, sb.String(), want)
	}
}

// readGolden returns the bytes of a golden file.
func readGolden(t testing.TB, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", "golden", name+".hex"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := hex.DecodeString(strings.ReplaceAll(string(b), "\n", ""))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGoldenMessages(t *testing.T) {
	msgs := sampleMessages()
	for _, name := range []string{"hello", "welcome", "choice", "choice_ack", "command", "warning", "prompt", "error", "pose", "pose_min", "terrain", "score",
		"hello_mirror", "mirror", "inputs"} {
		golden(t, name, Marshal(nil, msgs[name]))
	}
}

// boolTwo is a Score whose one item has applicable = 2.
func boolTwo() []byte {
	b := Marshal(nil, &Score{Items: []Item{{Rule: "a", Kind: "b", ReasonZH: "c", ReasonEN: "d"}}})
	// type, score, max, count, rule(2), kind(2), tick, points, max, applicable …
	b[1+1+1+1+2+2+1+1+1] = 2
	return b
}

func TestEngineInputs(t *testing.T) {
	p := &Pose{MoveX: 500, MoveY: -500, Heading: 9000, Run: true}
	in := PoseInputs(p, nil, 10, 3)
	if len(in) != 2 || in[0].Validate() != nil || in[1].Validate() != nil || in[1].Heading != 9000 {
		t.Fatalf("%+v", in)
	}
	if in := PoseInputs(p, p, 11, 3); len(in) != 0 {
		t.Fatalf("unchanged pose gave %+v", in)
	}
	c := ChoiceInput(&Choice{Kind: ChoiceAnswer, Action: "prompt_leave", Target: "stairs"}, 12, 3)
	if c.Validate() != nil || c.Target != "stairs" {
		t.Fatalf("%+v", c)
	}
}
