package wire

import (
	"reflect"
	"testing"
)

// Tests of the class summary (docs/protocol.md §4.13, Hello flag bit 6).

// exampleClassSummary is §9.3's worked example: 31 pupils averaging 72.5
// of 100, 27 of them safe, 3 not in a safe place, 1 swept away.
func exampleClassSummary() *ClassSummary {
	return &ClassSummary{N: 31, AvgTenths: 725, Max: 100, Outcomes: []OutcomeCount{
		{Outcome: "safe", Count: 27}, {Outcome: "unsafe", Count: 3}, {Outcome: "swept", Count: 1}}}
}

func exampleClassHello() *Hello {
	return &Hello{Version: Version, Role: RoleParticipant, JoinCode: "K7QX2M", Name: "Ming", Lang: "zh-CN",
		Datagrams: true, Class: true}
}

func TestClassSummaryGolden(t *testing.T) {
	t.Parallel()
	for name, m := range map[string]Message{"class_summary": exampleClassSummary(), "hello_class": exampleClassHello(),
		"class_summary_bots":  &ClassSummary{N: 3, Bots: true, AvgTenths: -5, Max: 100, Outcomes: []OutcomeCount{{Outcome: "buried", Count: 3}}},
		"class_summary_empty": &ClassSummary{Max: 100}} {
		golden(t, name, Marshal(nil, m))
		got, err := DecodeMessage(readGolden(t, name))
		if err != nil || !reflect.DeepEqual(got, m) {
			t.Errorf("%s decodes to %+v, %v; want %+v", name, got, err, m)
		}
	}
}

// A Hello without bit 6 is byte for byte the Hello of before the feature.
func TestClassHelloBitOnly(t *testing.T) {
	t.Parallel()
	h := exampleClassHello()
	with := Marshal(nil, h)
	h.Class = false
	without := Marshal(nil, h)
	if len(with) != len(without) {
		t.Fatalf("lengths %d, %d", len(with), len(without))
	}
	for i := range with {
		if with[i] != without[i] && !(i == len(with)-10 && with[i] == without[i]|64) {
			t.Errorf("byte %d: %02x vs %02x", i, with[i], without[i])
		}
	}
}

// classSummaryBad are ClassSummary payloads past each limit (also seeds
// of FuzzDecodeMessage).
var classSummaryBad = []struct {
	name string
	b    []byte
	code Code
}{
	{"n over 64", []byte{0x4f, 65, 0, 0, 100, 0}, CodeLimit},
	{"bots not a bool", []byte{0x4f, 1, 2, 0, 100, 0}, CodeBadValue},
	{"17 outcomes", append([]byte{0x4f, 64, 0, 0, 100, 17}, make([]byte, 34)...), CodeLimit},
	{"outcome count 0", []byte{0x4f, 1, 0, 0, 100, 1, 1, 'x', 0}, CodeBadValue},
	{"count over 64", []byte{0x4f, 1, 0, 0, 100, 1, 1, 'x', 65}, CodeBadValue},
	{"counts sum over n", []byte{0x4f, 2, 0, 0, 100, 2, 1, 'x', 2, 1, 'y', 1}, CodeBadValue},
	{"outcome over 64 bytes", append([]byte{0x4f, 1, 0, 0, 100, 1, 65}, make([]byte, 66)...), CodeLimit},
	{"outcomes cut", []byte{0x4f, 3, 0, 0, 100, 2, 1, 'x', 2}, CodeTruncated},
	{"trailing byte", []byte{0x4f, 0, 0, 0, 100, 0, 0}, CodeMalformed},
}

// classSummaryAtLimits decodes: n 64, a bot class, average −100.0, counts
// summing to n.
var classSummaryAtLimits = []byte{0x4f, 64, 1, 0xcf, 0x0f, 100, 2, 1, 'x', 63, 1, 'y', 1}

func TestClassSummaryErrors(t *testing.T) {
	t.Parallel()
	for _, c := range classSummaryBad {
		_, err := DecodeMessage(c.b)
		if err == nil || CodeOf(err) != c.code {
			t.Errorf("%s: %v, want %v", c.name, err, c.code)
		}
	}
	m, err := DecodeMessage(classSummaryAtLimits)
	if err != nil {
		t.Fatal(err)
	}
	if c := m.(*ClassSummary); c.N != 64 || !c.Bots || c.AvgTenths != -1000 || len(c.Outcomes) != 2 {
		t.Fatalf("%+v", c)
	}
}

// The bytes of §9.3 are the golden files' (a changed format changes both).
func TestClassSummaryWorkedExampleInDoc(t *testing.T) {
	t.Parallel()
	checkWorkedExample(t, "9.3", "hello_class", "class_summary")
}
