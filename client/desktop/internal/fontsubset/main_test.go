package main

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/font/sfnt"

	"github.com/rescuedrill/rescuedrill/assets/fonts"
)

// TestFontCoversText fails when the client's own words or the warnings'
// action guides have a character the shipped font subset lacks (it would
// draw as nothing), and lists what other text (scenarios, the engine's
// reasons, map names — other people's files, which change without this
// package) lacks, without failing their work: regenerate the subset as
// the package comment says.
func TestFontCoversText(t *testing.T) {
	t.Parallel()
	f, err := sfnt.Parse(fonts.NotoSansSC)
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join("..", "..", "..", "..")
	missing := func(rs []rune) string {
		var buf sfnt.Buffer
		var out []rune
		for _, r := range rs {
			if gi, err := f.GlyphIndex(&buf, r); err != nil || gi == 0 {
				out = append(out, r)
			}
		}
		return string(out)
	}
	own, err := collect(root, "client/desktop", "engine/warning")
	if err != nil {
		t.Fatal(err)
	}
	if len(own) < 300 {
		t.Fatalf("only %d characters found: wrong root?", len(own))
	}
	if m := missing(own); m != "" {
		t.Errorf("the font subset lacks %d characters of the client and the warnings: %q", len([]rune(m)), m)
	}
	all, err := Needed(root)
	if err != nil {
		t.Fatal(err)
	}
	if m := missing(all); m != "" {
		t.Logf("other text has %d characters the font subset lacks (regenerate it): %q", len([]rune(m)), m)
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
