package main

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docStep is one marked step of docs/authoring.md: an HTML comment
// <!-- doc-test: KIND [ARG] --> and the fenced block under it.
type docStep struct {
	kind, arg string
	body      string
	line      int
}

var docMark = regexp.MustCompile(`^<!-- doc-test: (\w+)(?: (\w+))? -->$`)

func docSteps(t *testing.T, path string) []docStep {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var steps []docStep
	var cur *docStep
	in := false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil:
			if m := docMark.FindStringSubmatch(line); m != nil {
				cur = &docStep{kind: m[1], arg: m[2], line: n}
			}
		case !in && strings.HasPrefix(line, "```"):
			in = true
		case in && line == "```":
			steps = append(steps, *cur)
			cur, in = nil, false
		case in:
			cur.body += line + "\n"
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return steps
}

// replaceSection swaps a top-level YAML section (its key line up to the
// next line that starts at column 0) for the block the guide shows.
func replaceSection(src, key, block string) (string, bool) {
	lines := strings.Split(src, "\n")
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(l, key+":") {
			start = i
			break
		}
	}
	if start < 0 {
		return src, false
	}
	end := start + 1
	for end < len(lines) && (lines[end] == "" || lines[end][0] == ' ') {
		end++
	}
	out := append(append(append([]string{}, lines[:start]...), strings.Split(strings.TrimRight(block, "\n"), "\n")...), "")
	return strings.Join(append(out, lines[end:]...), "\n"), true
}

// TestAuthoringGuide follows docs/authoring.md on the example map: it runs
// every command the guide marks, applies every edit it shows to the file
// drill new wrote, and compares the output the guide prints with what
// drill check says — so the guide cannot drift from the program.
func TestAuthoringGuide(t *testing.T) {
	guide, err := filepath.Abs(filepath.Join("..", "..", "docs", "authoring.md"))
	if err != nil {
		t.Fatal(err)
	}
	maps, err := filepath.Abs(filepath.Join("..", "..", "internal", "authoring", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	steps := docSteps(t, guide)
	if len(steps) < 6 {
		t.Fatalf("docs/authoring.md has %d marked steps; the test expects the whole walk-through", len(steps))
	}
	dir := t.TempDir()
	for _, name := range []string{"riverside.elev.asc", "riverside.landuse.asc"} {
		b, err := os.ReadFile(filepath.Join(maps, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	scenario, last := "", ""
	for _, s := range steps {
		switch s.kind {
		case "run":
			for _, cmd := range strings.Split(strings.TrimSpace(s.body), "\n") {
				args := strings.Fields(cmd)
				if len(args) < 2 || args[0] != "drill" {
					t.Fatalf("authoring.md:%d: %q is not a drill command", s.line, cmd)
				}
				out, errs, code := runCLI(t, args[1:]...)
				if code != 0 {
					t.Fatalf("authoring.md:%d: %s: exit %d\n%s%s", s.line, cmd, code, out, errs)
				}
				if args[1] == "new" {
					scenario = args[len(args)-1] + ".yaml"
				}
				last = out
			}
		case "replace":
			src, err := os.ReadFile(scenario)
			if err != nil {
				t.Fatalf("authoring.md:%d: edit before drill new: %v", s.line, err)
			}
			out, ok := replaceSection(string(src), s.arg, s.body)
			if !ok {
				t.Fatalf("authoring.md:%d: %s has no section %s:", s.line, scenario, s.arg)
			}
			if err := os.WriteFile(scenario, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
		case "output":
			if last != s.body {
				t.Errorf("authoring.md:%d: the guide shows\n%s\nbut the command printed\n%s", s.line, s.body, last)
			}
		default:
			t.Fatalf("authoring.md:%d: unknown doc-test step %q", s.line, s.kind)
		}
	}
}
