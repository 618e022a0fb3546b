package main

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/font/sfnt"

	"github.com/rescuedrill/rescuedrill/assets/fonts"
)

// TestFontCoversText fails when the client could show a character the
// shipped font subset lacks (it would draw as an empty box): regenerate
// the subset as the package comment says.
func TestFontCoversText(t *testing.T) {
	t.Parallel()
	f, err := sfnt.Parse(fonts.NotoSansSC)
	if err != nil {
		t.Fatal(err)
	}
	need, err := Needed(filepath.Join("..", "..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if len(need) < 500 {
		t.Fatalf("only %d characters found: wrong root?", len(need))
	}
	var buf sfnt.Buffer
	var missing []rune
	for _, r := range need {
		if gi, err := f.GlyphIndex(&buf, r); err != nil || gi == 0 {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		t.Errorf("the font subset lacks %d characters: %q", len(missing), string(missing))
	}
	if n := len(fonts.NotoSansSC); n > 600<<10 {
		t.Errorf("font subset is %d bytes; keep assets small", n)
	}
}

func TestAddText(t *testing.T) {
	t.Parallel()
	set := map[rune]bool{}
	AddText(set, "abc 中文\t‘x’ \ufeff")
	for _, r := range "中文‘’" {
		if !set[r] {
			t.Errorf("%q not collected", r)
		}
	}
	if set['a'] || set[' '] || set['\ufeff'] {
		t.Error("ASCII or invisible characters collected from text")
	}
	if _, err := os.Stat(filepath.Join("..", "..", "..", "..", "go.mod")); err != nil {
		t.Fatal("tests must run from the package directory")
	}
}
