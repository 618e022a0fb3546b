package terrain

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"testing"
)

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadPNG16RoundTrip(t *testing.T) {
	t.Parallel()
	// Heights on a 1 cm lattice in [0, 655.35] map to 16-bit levels exactly
	// when zMax−zMin = 655.35, the convention the map assets use.
	const zMin, zMax = 0.0, 655.35
	want := []float64{0, 165.25, 300.01, 655.35, 12.5, 199.99}
	img := image.NewGray16(image.Rect(0, 0, 3, 2))
	for i, z := range want {
		img.SetGray16(i%3, i/3, color.Gray16{Y: uint16(math.Round(z * 100))})
	}
	g, err := ReadPNG16(bytes.NewReader(encodePNG(t, img)), 20, zMin, zMax)
	if err != nil {
		t.Fatal(err)
	}
	if g.NX != 3 || g.NY != 2 || g.Cell != 20 || g.NoData != DefaultNoData {
		t.Fatalf("grid %dx%d cell %v nodata %v", g.NX, g.NY, g.Cell, g.NoData)
	}
	for i, z := range want {
		// Row 0 of the image is row 0 (north) of the grid.
		if math.Abs(g.V[i]-z) > 1e-9 {
			t.Errorf("cell %d: %v, want %v", i, g.V[i], z)
		}
	}
}

func TestReadPNG16Endpoints(t *testing.T) {
	t.Parallel()
	img := image.NewGray16(image.Rect(0, 0, 2, 1))
	img.SetGray16(1, 0, color.Gray16{Y: 65535})
	g, err := ReadPNG16(bytes.NewReader(encodePNG(t, img)), 1, 150, 450)
	if err != nil {
		t.Fatal(err)
	}
	if g.V[0] != 150 || g.V[1] != 450 {
		t.Fatalf("endpoints %v, want [150 450]", g.V)
	}
}

func TestReadPNG8Bit(t *testing.T) {
	t.Parallel()
	img := image.NewGray(image.Rect(0, 0, 3, 1))
	img.SetGray(1, 0, color.Gray{Y: 51})
	img.SetGray(2, 0, color.Gray{Y: 255})
	g, err := ReadPNG16(bytes.NewReader(encodePNG(t, img)), 2, 100, 355)
	if err != nil {
		t.Fatal(err)
	}
	if g.V[0] != 100 || g.V[1] != 151 || g.V[2] != 355 {
		t.Fatalf("8-bit levels %v, want [100 151 355]", g.V)
	}
}

func TestReadPNG16Rejects(t *testing.T) {
	t.Parallel()
	rgba := encodePNG(t, image.NewRGBA(image.Rect(0, 0, 2, 2)))
	gray := encodePNG(t, image.NewGray16(image.Rect(0, 0, 2, 2)))
	tests := []struct {
		name             string
		data             []byte
		cell, zMin, zMax float64
		want             string
	}{
		{"colour image", rgba, 1, 0, 1, "grayscale"},
		{"not a png", []byte("ncols 3\n"), 1, 0, 1, "png:"},
		{"truncated", gray[:len(gray)/2], 1, 0, 1, "png:"},
		{"zero cell", gray, 0, 0, 1, "cell size"},
		{"reversed range", gray, 1, 10, 0, "zMin <= zMax"},
		{"NaN range", gray, 1, math.NaN(), 1, "finite"},
	}
	for _, tt := range tests {
		_, err := ReadPNG16(bytes.NewReader(tt.data), tt.cell, tt.zMin, tt.zMax)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}
