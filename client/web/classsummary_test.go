package webclient

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/rescuedrill/rescuedrill/server/wire"
)

// TestJSClassSummaryMatchesGo runs test/classsummary.test.mjs over the Go
// golden vectors of the class summary (docs/protocol.md §4.13, §9.3) and
// checks what JavaScript decoded against Go's decoder, and that the Hello
// JavaScript built for a pupil's page decodes in Go with the class bit.
func TestJSClassSummaryMatchesGo(t *testing.T) {
	t.Parallel()
	out := runVectors(t, "test/classsummary.test.mjs")
	type outcome struct {
		Outcome string
		Count   uint32
	}
	type summary struct {
		N         uint32
		Bots      bool
		AvgTenths int64
		Max       uint64
		Outcomes  []outcome
	}
	var js map[string]summary
	readJSON(t, filepath.Join(out, "class.json"), &js)
	for _, name := range []string{"class_summary", "class_summary_bots", "class_summary_empty"} {
		m, err := wire.DecodeMessage(readHexFile(t, filepath.Join(goldenDir(), name+".hex")))
		if err != nil {
			t.Fatal(name, err)
		}
		c := m.(*wire.ClassSummary)
		want := summary{N: c.N, Bots: c.Bots, AvgTenths: c.AvgTenths, Max: c.Max, Outcomes: []outcome{}}
		for _, o := range c.Outcomes {
			want.Outcomes = append(want.Outcomes, outcome{o.Outcome, o.Count})
		}
		if got := js[name]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: JS decoded %+v, Go %+v", name, got, want)
		}
	}
	m, err := wire.DecodeMessage(readHexFile(t, filepath.Join(out, "js_hello_class.hex")))
	if err != nil {
		t.Fatal(err)
	}
	wantHello := &wire.Hello{Version: 1, Role: wire.RoleParticipant, JoinCode: "K7QX2M", Name: "Ming", Lang: "zh-CN", Datagrams: true, Class: true}
	if h := m.(*wire.Hello); !reflect.DeepEqual(h, wantHello) {
		t.Errorf("JS's Hello decodes in Go as %+v, want %+v", h, wantHello)
	}
}
