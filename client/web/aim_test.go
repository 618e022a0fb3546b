package webclient

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/rescuedrill/rescuedrill/server/wire"
)

// TestJSAimMatchesGo runs test/aim.test.mjs over the Go golden vectors of
// hand aim (docs/protocol.md §5.8, §9.2) and checks what JavaScript
// decoded against Go's SnapshotDecoder — every XR field including both
// hands' aim — and that the Hello JavaScript built decodes in Go to the
// participant page's: XR poses with hand aim.
func TestJSAimMatchesGo(t *testing.T) {
	t.Parallel()
	out := runVectors(t, "test/aim.test.mjs")
	type xr struct {
		ID, Yaw, Pitch, Height int
		Hands                  bool
		Left, Right            []int
		LeftAim, RightAim      wire.XRAim
	}
	type state struct {
		ID, Tick int
		XR       []xr
	}
	var js []state
	readJSON(t, filepath.Join(out, "aim.json"), &js)
	d := wire.NewSnapshotDecoder(wire.Grid{NX: 5, NY: 4, CellMM: 5000}, 0)
	d.ExpectAim(true)
	var want []state
	for i, name := range []string{"snapshot_aim_full", "snapshot_aim_delta"} {
		s, err := d.Decode(readHexFile(t, filepath.Join(goldenDir(), name+".hex")))
		if err != nil {
			t.Fatal(err)
		}
		st := state{ID: i + 1, Tick: int(s.Tick)}
		for _, e := range s.XR {
			st.XR = append(st.XR, xr{int(e.ID), int(e.Yaw), int(e.Pitch), int(e.Height), e.Hands,
				[]int{int(e.Left[0]), int(e.Left[1]), int(e.Left[2])}, []int{int(e.Right[0]), int(e.Right[1]), int(e.Right[2])},
				e.LeftAim, e.RightAim})
		}
		want = append(want, st)
	}
	if !reflect.DeepEqual(js, want) {
		t.Errorf("JS decoded the aim snapshots as\n%+v\nGo as\n%+v", js, want)
	}
	m, err := wire.DecodeMessage(readHexFile(t, filepath.Join(out, "js_hello_aim.hex")))
	if err != nil {
		t.Fatal(err)
	}
	wantHello := &wire.Hello{Version: 1, Role: wire.RoleParticipant, JoinCode: "K7QX2M", Name: "Ming", Lang: "zh-CN", Datagrams: true, XR: true, Aim: true}
	if h := m.(*wire.Hello); !reflect.DeepEqual(h, wantHello) {
		t.Errorf("JS's Hello decodes in Go as %+v, want %+v", h, wantHello)
	}
}
