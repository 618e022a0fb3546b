package webclient

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rescuedrill/rescuedrill/server/wire"
)

// needNode returns the node binary, skipping when it is missing outside CI
// (under CI=true a missing node fails the test).
func needNode(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("node not installed")
		}
		t.Fatal("node not installed (CI): .ci/need-browser.sh installs it")
	}
	return p
}

// runVectors runs a node test script over the Go golden vectors
// (WIRE_GOLDEN) and returns the folder where it wrote what it decoded and
// encoded (WIRE_OUT) for the Go side to check.
func runVectors(t *testing.T, script string) string {
	t.Helper()
	node := needNode(t)
	out := t.TempDir()
	cmd := exec.Command(node, "--test", script)
	cmd.Env = append(os.Environ(), "WIRE_GOLDEN="+goldenDir(), "WIRE_OUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node --test %s: %v\n%s", script, err, b)
	}
	return out
}

func goldenDir() string { return filepath.Join("..", "..", "server", "wire", "testdata", "golden") }

func readHexFile(t *testing.T, path string) []byte {
	t.Helper()
	s, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := hex.DecodeString(strings.Join(strings.Fields(string(s)), ""))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return b
}

// TestJSWireMatchesGo runs the JavaScript protocol tests (test/wire.test.mjs)
// over the Go golden vectors — each control message decodes and re-encodes
// to the same bytes in JS — then checks here what JS decoded and encoded:
// the snapshots' state equals Go's SnapshotDecoder's, the terrain equals
// Go's decode, and the client messages JS built decode in Go to the values
// JS meant and re-encode in Go to the same bytes.
func TestJSWireMatchesGo(t *testing.T) {
	t.Parallel()
	out := runVectors(t, "test/wire.test.mjs")

	t.Run("snapshots", func(t *testing.T) {
		type ent struct {
			ID, X, Y, Heading, Status, Flags, Stage int
		}
		type state struct {
			ID, Tick, Phase int
			Warnings        []int
			Participants    []ent
			NPCs            []ent `json:"npcs"`
			Water           [][]int
		}
		var js []state
		readJSON(t, filepath.Join(out, "snapshots.json"), &js)
		g := wire.Grid{NX: 5, NY: 4, CellMM: 5000}
		d := wire.NewSnapshotDecoder(g, 1)
		var want []state
		for i, name := range []string{"snapshot_full", "snapshot_delta"} {
			s, err := d.Decode(readHexFile(t, filepath.Join(goldenDir(), name+".hex")))
			if err != nil {
				t.Fatal(err)
			}
			st := state{ID: i + 1, Tick: int(s.Tick), Phase: int(s.Globals.Phase)}
			for _, w := range s.Globals.Warnings {
				st.Warnings = append(st.Warnings, int(w))
			}
			conv := func(es []wire.Entity) []ent {
				out := []ent{}
				for _, e := range es {
					out = append(out, ent{int(e.ID), int(e.X), int(e.Y), int(e.Heading), int(e.Status), int(e.Flags), int(e.Stage)})
				}
				return out
			}
			st.Participants, st.NPCs = conv(s.Participants), conv(s.NPCs)
			for r := 0; r < g.NY; r++ {
				row := []int{}
				for c := 0; c < g.NX; c++ {
					row = append(row, int(s.Water.At(c, r)))
				}
				st.Water = append(st.Water, row)
			}
			want = append(want, st)
		}
		if !reflect.DeepEqual(js, want) {
			t.Errorf("JS decoded the snapshots as\n%+v\nGo as\n%+v", js, want)
		}
	})

	t.Run("terrain", func(t *testing.T) {
		var js struct {
			Hash   string
			Grid   struct{ NX, NY, CellMM int }
			BaseCM int64
			Elev   []uint16
		}
		readJSON(t, filepath.Join(out, "terrain.json"), &js)
		m, err := wire.DecodeMessage(readHexFile(t, filepath.Join(goldenDir(), "terrain.hex")))
		if err != nil {
			t.Fatal(err)
		}
		tr := m.(*wire.Terrain)
		if js.Grid.NX != tr.Grid.NX || js.Grid.NY != tr.Grid.NY || js.Grid.CellMM != int(tr.Grid.CellMM) || js.BaseCM != tr.BaseCM || !reflect.DeepEqual(js.Elev, tr.Elev) {
			t.Errorf("terrain: JS %+v, Go %+v", js, tr)
		}
	})

	var token wire.Token
	for i := range token {
		token[i] = byte(i * 17)
	}
	want := map[string]wire.Message{
		"hello": &wire.Hello{Version: 1, Role: wire.RoleParticipant, JoinCode: "ABC123", Name: "小明 Ming", Lang: "zh-CN",
			Datagrams: true, HasToken: true, Token: token, TerrainHash: 0x1234567890abcdef},
		"hello_fac": &wire.Hello{Version: 1, Role: wire.RoleFacilitator, JoinCode: "XYZ", Name: "teacher", Lang: "en", FacToken: "secret-token"},
		"choice":    &wire.Choice{Seq: 7, Kind: wire.ChoiceAnswer, Action: "ask_evacuate", Target: "go_up", TickHint: 1234},
		"command":   &wire.Command{Seq: 3, Op: wire.OpWarn, Hazard: 1, Level: 4},
		"pose": &wire.Pose{Ack: 300, AckBits: 0xfffffffe, Seq: 99, TickHint: 1 << 33, MoveX: -1000, MoveY: 707, Heading: 35999, Run: true,
			Head: &wire.XRPose{X: 1, Y: 1650, Z: -20, Rot: wire.PackQuat(0, 0.38268343, 0, 0.92387953)},
			Hands: &[2]wire.XRPose{{X: -200, Y: 1100, Z: -300, Rot: wire.PackQuat(0, 0, 0, 1)},
				{X: 200, Y: 1100, Z: -300, Rot: wire.PackQuat(0.5, 0.5, 0.5, 0.5)}}},
		"pong":  &wire.Pong{Nonce: 1 << 40},
		"leave": &wire.Leave{},
	}
	for name, w := range want {
		t.Run("js_"+name, func(t *testing.T) {
			b := readHexFile(t, filepath.Join(out, "js_"+name+".hex"))
			got, err := wire.DecodeMessage(b)
			if err != nil {
				t.Fatalf("Go cannot decode JS's %s: %v", name, err)
			}
			if !reflect.DeepEqual(got, w) {
				t.Errorf("JS's %s decodes in Go as %+v, want %+v", name, got, w)
			}
			if gb := wire.Marshal(nil, w); string(gb) != string(b) {
				t.Errorf("%s: Go encodes % x, JS % x", name, gb, b)
			}
		})
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
