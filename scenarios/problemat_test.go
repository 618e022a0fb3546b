package scenarios

import (
	"strings"
	"testing"
)

// TestProblemAt: a problem built from a JSON pointer carries the line,
// column, path and source line validate would show, and is not recorded
// in the document.
func TestProblemAt(t *testing.T) {
	t.Parallel()
	src := []byte("id: x\nobjectives:\n  - id: a\n    tasks:\n      - id: t1\n        rule: unharmed\n")
	d := Validate("x.yaml", src)
	before := len(d.Problems)
	for _, tc := range []struct {
		ptr, path string
		line, col int
	}{
		{"/objectives/0/tasks/0", "objectives[0].tasks[0]", 5, 7},
		{"/objectives/0/tasks/0/rule", "objectives[0].tasks[0].rule", 6, 9},
		{"/objectives", "objectives", 2, 1},
	} {
		p := d.ProblemAt(Warning, tc.ptr, "look", "hint")
		if p.Line != tc.line || p.Col != tc.col || p.Path != tc.path || p.File != "x.yaml" {
			t.Errorf("ProblemAt(%s) = %s (path %q), want x.yaml:%d:%d (path %q)", tc.ptr, p.Position(), p.Path, tc.line, tc.col, tc.path)
		}
		if !strings.Contains(p.String(), strings.Split(string(src), "\n")[tc.line-1]) {
			t.Errorf("ProblemAt(%s) does not quote its line:\n%s", tc.ptr, p)
		}
	}
	if len(d.Problems) != before {
		t.Error("ProblemAt recorded the problem in the document")
	}
}
