package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"testing"
)

// TestCommittedMapsAreCurrent regenerates every map in memory and compares
// it byte for byte with assets/maps, so the committed files are always
// what this generator writes: edit the generator, then `go generate
// ./assets`.
//
// Only on amd64: the generator uses package math, whose results (and Go's
// FMA fusion on arm64) may differ in the last bit across architectures,
// which could flip a rounded centimetre. The engine never runs this code.
func TestCommittedMapsAreCurrent(t *testing.T) {
	t.Parallel()
	if runtime.GOARCH != "amd64" {
		t.Skip("committed maps are generated on amd64")
	}
	files, err := render(buildAll())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "assets", "maps")
	want := map[string]bool{}
	for _, f := range files {
		want[f.name] = true
		got, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil {
			t.Errorf("%s: %v (run go generate ./assets)", f.name, err)
			continue
		}
		if !bytes.Equal(got, f.data) {
			t.Errorf("%s differs from the generator's output (run go generate ./assets)", f.name)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var extra []string
	for _, e := range entries {
		if !want[e.Name()] {
			extra = append(extra, e.Name())
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("assets/maps holds files the generator does not write: %v", extra)
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	t.Parallel()
	a, err := render(buildAll())
	if err != nil {
		t.Fatal(err)
	}
	b, err := render(buildAll())
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) {
		t.Fatalf("%d files then %d", len(a), len(b))
	}
	for i := range a {
		if a[i].name != b[i].name || !bytes.Equal(a[i].data, b[i].data) {
			t.Errorf("%s: second render differs", a[i].name)
		}
	}
}

func TestNoiseStaysInRange(t *testing.T) {
	t.Parallel()
	for i := 0; i < 10000; i++ {
		x, y := float64(i)*3.7-5000, float64(i%97)*51.3-2000
		if v := fbm(x, y, 100, 4, uint64(i)); v < -1 || v > 1 {
			t.Fatalf("fbm(%v, %v) = %v, outside [-1, 1]", x, y, v)
		}
	}
	if valueNoise(3, 4, 1) == valueNoise(3, 4, 2) && valueNoise(5, 6, 1) == valueNoise(5, 6, 2) {
		t.Error("seed does not change the noise")
	}
}
