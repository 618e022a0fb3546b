package webclient

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/rescuedrill/rescuedrill/server/wire"
)

// TestJSFeaturesMatchGo runs test/features.test.mjs over the Go golden
// vectors of the optional features (docs/protocol.md §5.8) and checks what
// JavaScript decoded against Go's SnapshotDecoder — the XR poses, the risk
// and debris layers of both snapshots — and that the Hello JavaScript
// built decodes in Go to one asking for the risk layer and XR poses.
func TestJSFeaturesMatchGo(t *testing.T) {
	t.Parallel()
	out := runVectors(t, "test/features.test.mjs")
	type xr struct {
		ID, Yaw, Pitch, Height int
		Hands                  bool
		Left, Right            []int
	}
	type state struct {
		ID, Tick     int
		XR           []xr
		Risk, Debris [][]int
	}
	var js []state
	readJSON(t, filepath.Join(out, "features.json"), &js)
	g := wire.Grid{NX: 5, NY: 4, CellMM: 5000}
	d := wire.NewSnapshotDecoder(g, wire.LayerDebris|wire.LayerRisk)
	var want []state
	rows := func(f *wire.Field) [][]int {
		var out [][]int
		for r := 0; r < g.NY; r++ {
			row := []int{}
			for c := 0; c < g.NX; c++ {
				row = append(row, int(f.At(c, r)))
			}
			out = append(out, row)
		}
		return out
	}
	for i, name := range []string{"snapshot_features_full", "snapshot_features_delta"} {
		s, err := d.Decode(readHexFile(t, filepath.Join(goldenDir(), name+".hex")))
		if err != nil {
			t.Fatal(err)
		}
		st := state{ID: i + 1, Tick: int(s.Tick), Risk: rows(s.Risk), Debris: rows(s.Debris)}
		for _, e := range s.XR {
			st.XR = append(st.XR, xr{int(e.ID), int(e.Yaw), int(e.Pitch), int(e.Height), e.Hands,
				[]int{int(e.Left[0]), int(e.Left[1]), int(e.Left[2])}, []int{int(e.Right[0]), int(e.Right[1]), int(e.Right[2])}})
		}
		want = append(want, st)
	}
	if !reflect.DeepEqual(js, want) {
		t.Errorf("JS decoded the feature snapshots as\n%+v\nGo as\n%+v", js, want)
	}
	m, err := wire.DecodeMessage(readHexFile(t, filepath.Join(out, "js_hello_features.hex")))
	if err != nil {
		t.Fatal(err)
	}
	h := m.(*wire.Hello)
	wantHello := &wire.Hello{Version: 1, Role: wire.RoleSpectator, JoinCode: "K7QX2M", Name: "Ms Li", Lang: "zh-CN", Datagrams: true, Risk: true, XR: true}
	if !reflect.DeepEqual(h, wantHello) {
		t.Errorf("JS's Hello decodes in Go as %+v, want %+v", h, wantHello)
	}
}
