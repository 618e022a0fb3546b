package scenarios

import (
	"errors"
	"strings"
	"testing"
)

func TestClosest(t *testing.T) {
	t.Parallel()
	fields := []string{"id", "title", "summary", "hazard", "tick_hz", "time_scale", "duration", "map", "places"}
	tests := []struct {
		in, want string
	}{
		{"duraton", "duration"},
		{"Duration", "duration"}, // case slips count as no edit
		{"durtaion", "duration"}, // transposition is one edit
		{"tick_hx", "tick_hz"},
		{"place", "places"},
		{"x", ""},          // too short to guess from
		{"weather", ""},    // nothing close
		{"spawnpoint", ""}, // far from everything
		{"time-scale", "time_scale"},
	}
	for _, tt := range tests {
		if got := closest(tt.in, fields); got != tt.want {
			t.Errorf("closest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"", "abc", 3},
		{"school", "schol", 1},
		{"school", "shcool", 1},
		{"kitten", "sitting", 3},
		{"学校", "学院", 1},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCaretIndent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line string
		col  int
		want string
	}{
		{"kind: schol", 7, "      "},
		{"kind: schol", 1, ""},
		{"\tkey: v", 7, "\t     "}, // tabs copied so both lines expand alike
		{"name: {zh: 学校, en: x}", 16, strings.Repeat(" ", 11) + "    " + "  "},
		{"short", 40, "     "}, // past the end: stop at the end
	}
	for _, tt := range tests {
		if got := caretIndent(tt.line, tt.col); got != tt.want {
			t.Errorf("caretIndent(%q, %d) = %q, want %q", tt.line, tt.col, got, tt.want)
		}
	}
}

func TestProblemString(t *testing.T) {
	t.Parallel()
	p := &Problem{
		File: "drill.yaml", Line: 12, Col: 11, Path: "places[0].kind",
		Msg: `"schol" is not a known kind`, Hint: `did you mean "school"?`,
		source: "    kind: schol",
	}
	want := `drill.yaml:12:11: places[0].kind: "schol" is not a known kind
 12 |     kind: schol
    |           ^
    = hint: did you mean "school"?
`
	if got := p.String(); got != want {
		t.Errorf("String():\n%s\nwant:\n%s", got, want)
	}
	w := &Problem{File: "drill.yaml", Line: 1, Col: 1, Msg: "no modeline", Severity: Warning, source: "id: x"}
	if got, want := w.Headline(), "drill.yaml:1:1: warning: no modeline"; got != want {
		t.Errorf("warning headline = %q, want %q", got, want)
	}
	nofile := &Problem{File: "gone.yaml", Msg: "no such file", Hint: "check the name"}
	if got, want := nofile.String(), "gone.yaml: no such file\n   = hint: check the name\n"; got != want {
		t.Errorf("String() without a line = %q, want %q", got, want)
	}
}

func TestProblemsErr(t *testing.T) {
	t.Parallel()
	warn := &Problem{File: "a.yaml", Line: 1, Col: 1, Msg: "w", Severity: Warning}
	bad := &Problem{File: "a.yaml", Line: 2, Col: 1, Msg: "e", Severity: Error}
	if err := (Problems{warn}).Err(); err != nil {
		t.Errorf("warnings alone: Err() = %v, want nil", err)
	}
	err := (Problems{warn, bad}).Err()
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 2 {
		t.Fatalf("Err() = %v, want both problems as Problems", err)
	}
	if got := err.Error(); !strings.Contains(got, "a.yaml:1:1: warning: w") || !strings.Contains(got, "a.yaml:2:1: e") {
		t.Errorf("Error() = %q, want every problem", got)
	}
}

func TestSuggestSeconds(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"15 minutes", "15m"},
		{"1 hour 30 minutes", "1h30m"},
		{"1 h, 30 min", "1h30m"},
		{"90 sec", "90s"},
		{"2.5 hrs", "2.5h"},
		{"10分钟", "10m"},
		{"15m", ""},         // already right
		{"fifteen min", ""}, // no number to keep
		{"15 fortnights", ""},
	}
	for _, tt := range tests {
		if got := suggestSeconds(tt.in); got != tt.want {
			t.Errorf("suggestSeconds(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
