package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse: whatever a trainer (or a corrupted download) hands the
// loader, it answers with problems, never a panic, and every problem it
// reports points inside the file. Seeds are the fixtures, valid and broken.
//
//	go test ./scenarios -run '^$' -fuzz FuzzParse -fuzztime 1m -fuzzminimizetime 3s
//
// (The seeds are whole scenario files, so minimising an interesting input
// byte by byte takes the default minute; a short limit keeps it fuzzing.)
func FuzzParse(f *testing.F) {
	seeds, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seed files: %v", err)
	}
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{"", "a: &a [*a]", "<<: *x", "? [a]\n: b", "id: !!str 12", "- - - -", "x: .nan\ny: -.inf"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		d := Validate("f.yaml", src)
		lines := strings.Count(string(src), "\n") + 1
		for _, p := range d.Problems {
			if p.Line < 1 || p.Line > lines || p.Col < 1 {
				t.Fatalf("problem outside the file (%d lines): %s", lines, p.Headline())
			}
			if !utf8.ValidString(p.String()) {
				t.Fatalf("problem text is not UTF-8: %q", p.String())
			}
		}
		if !d.Problems.HasErrors() && d.Scenario == nil {
			t.Fatal("no errors but no scenario")
		}
		if sc, err := Parse("f.yaml", src); (err == nil) != (sc != nil) {
			t.Fatalf("Parse = %v, %v: want exactly one of them", sc, err)
		}
	})
}
