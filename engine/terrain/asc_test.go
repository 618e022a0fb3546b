package terrain

import (
	"bytes"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// goldenGrid is a small grid with the awkward cases a writer must handle:
// NODATA, negative values, negative zero, rounding at the last decimal.
func goldenGrid() *Grid {
	g := NewGrid(4, 3, 5)
	g.XLL, g.YLL = 500, 1000
	copy(g.V, []float64{
		165.25, 166, -9999, 170.5,
		164, 165.555, 168, -0.001,
		-3.125, 165, 167.25, 1e6,
	})
	return g
}

func TestASCRoundTripGolden(t *testing.T) {
	t.Parallel()
	g := goldenGrid()
	var buf bytes.Buffer
	if err := WriteASC(&buf, g, 2); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "roundtrip.golden.asc")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("WriteASC output differs from %s (run with -update if intended):\n%s", path, buf.String())
	}
	back, err := ReadASC(bytes.NewReader(want))
	if err != nil {
		t.Fatal(err)
	}
	if back.NX != g.NX || back.NY != g.NY || back.Cell != g.Cell || back.XLL != g.XLL || back.YLL != g.YLL || back.NoData != g.NoData {
		t.Fatalf("header: got %+v", *back)
	}
	for i, v := range g.V {
		// Two decimals: within half a centimetre, NODATA exact.
		if got := back.V[i]; math.Abs(got-v) > 0.005+1e-9 || (v == g.NoData) != (got == g.NoData) {
			t.Errorf("cell %d: wrote %v read %v", i, v, got)
		}
	}
}

func TestWriteASCShortestRoundTripsExactly(t *testing.T) {
	t.Parallel()
	g := goldenGrid()
	g.V[1] = 0.1 + 0.2 // not representable in few digits
	g.V[2] = math.SmallestNonzeroFloat64
	var buf bytes.Buffer
	if err := WriteASC(&buf, g, -1); err != nil {
		t.Fatal(err)
	}
	back, err := ReadASC(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range g.V {
		if back.V[i] != v {
			t.Errorf("cell %d: wrote %v read %v", i, v, back.V[i])
		}
	}
}

func TestWriteASCRejectsBadGrid(t *testing.T) {
	t.Parallel()
	g := NewGrid(3, 3, 1)
	g.V = g.V[:8]
	if err := WriteASC(&bytes.Buffer{}, g, 2); err == nil {
		t.Fatal("want an error for a grid short of values")
	}
}

func TestReadASCHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file           string
		nx, ny         int
		cell, xll, yll float64
		nodata         float64
		v              []float64
	}{
		// xllcenter/yllcenter are the centre of the south-west cell: the
		// corner is half a cell further out. Mixed-case keys, CRLF, a
		// blank line inside the data.
		{"lisflood.asc", 4, 3, 5, 500, 1000, -9999, []float64{
			165.25, 166, -9999, 170.5,
			164, 165.5, 168, 171,
			163.75, 165, 167.25, 169.125}},
		// GDAL writes nan NODATA for float rasters; it becomes the default.
		{"gdal_nan.asc", 3, 2, 2, 0, 0, DefaultNoData, []float64{DefaultNoData, 1.5, 2, 3, DefaultNoData, -4.25}},
		{"no_nodata.asc", 2, 2, 1, 10, 20, DefaultNoData, []float64{1, 2, 3, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			g, err := ReadASC(f)
			if err != nil {
				t.Fatal(err)
			}
			if g.NX != tt.nx || g.NY != tt.ny || g.Cell != tt.cell || g.XLL != tt.xll || g.YLL != tt.yll || g.NoData != tt.nodata {
				t.Fatalf("header: got %dx%d cell %v ll (%v,%v) nodata %v", g.NX, g.NY, g.Cell, g.XLL, g.YLL, g.NoData)
			}
			if len(g.V) != len(tt.v) {
				t.Fatalf("got %d values, want %d", len(g.V), len(tt.v))
			}
			for i := range tt.v {
				if g.V[i] != tt.v[i] {
					t.Errorf("V[%d] = %v, want %v", i, g.V[i], tt.v[i])
				}
			}
		})
	}
}

func TestReadASCBOM(t *testing.T) {
	t.Parallel()
	g, err := ReadASC(strings.NewReader("\xef\xbb\xbfncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n7\n"))
	if err != nil {
		t.Fatal(err)
	}
	if g.V[0] != 7 {
		t.Fatalf("V = %v", g.V)
	}
}

const hdr3x2 = "ncols 3\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 5\nNODATA_value -9999\n"

func TestReadASCErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in   string
		line, col  int
		msgContain string
	}{
		{"short row", hdr3x2 + "1 2 3\n4 5\n", 8, 0, "row 2 has 2 values, want 3"},
		{"long row", hdr3x2 + "1 2 3 4\n4 5 6\n", 7, 0, "row 1 has 4 values, want 3"},
		{"missing rows", hdr3x2 + "1 2 3\n", 7, 0, "file ends after 1 of 2 rows"},
		{"extra rows", hdr3x2 + "1 2 3\n4 5 6\n7 8 9\n", 9, 1, "data after the last of 2 rows"},
		{"bad value", hdr3x2 + "1 2 3\n4 x5 6\n", 8, 3, `value "x5" is not a number`},
		{"infinite value", hdr3x2 + "1 2 3\n4 5 +Inf\n", 8, 5, "not finite"},
		{"nan value without nan nodata", hdr3x2 + "1 2 3\nnan 5 6\n", 8, 1, "not finite"},
		{"unknown key", "ncols 3\nnrows 2\nxllcorner 0\nyllcorner 0\ncelsize 5\n1 2 3\n", 5, 1, `unknown header key "celsize"`},
		{"non-square", "ncols 3\nnrows 2\nxllcorner 0\nyllcorner 0\ndx 5\ndy 4\n", 5, 1, "non-square"},
		{"missing cellsize", "ncols 3\nnrows 2\nxllcorner 0\nyllcorner 0\n1 2 3\n4 5 6\n", 5, 0, "no cellsize"},
		{"missing yll", "ncols 3\nnrows 2\nxllcorner 0\ncellsize 1\n1 2 3\n4 5 6\n", 5, 0, "no yllcorner or yllcenter"},
		{"both corner and centre", "ncols 3\nnrows 2\nxllcorner 0\nxllcenter 0\nyllcorner 0\ncellsize 1\n1 2 3\n4 5 6\n", 4, 0, "both xllcorner and xllcenter"},
		{"duplicate key", "ncols 3\nNCOLS 3\n", 2, 1, "given again (first on line 1)"},
		{"key without value", "ncols\n", 1, 0, "wants one value, got 0"},
		{"key with two values", "ncols 3 4\n", 1, 0, "wants one value, got 2"},
		{"bad header number", "ncols three\n", 1, 7, `ncols value "three" is not a number`},
		{"fractional ncols", "ncols 2.5\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2\n", 1, 0, "not a positive whole number"},
		{"zero nrows", "ncols 2\nnrows 0\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2\n", 2, 0, "not a positive whole number"},
		{"huge grid", "ncols 100000\nnrows 100000\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2\n", 6, 0, "exceeds"},
		{"negative cellsize", "ncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize -1\n1\n", 5, 0, "must be positive"},
		{"infinite header", "ncols 1\nnrows 1\nxllcorner inf\n", 3, 11, "not finite"},
		{"header only", "ncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n", 5, 0, "no data rows"},
		{"empty", "", 1, 0, "no ncols"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ReadASC(strings.NewReader(tt.in))
			var ae *ASCError
			if !errors.As(err, &ae) {
				t.Fatalf("got %v, want an *ASCError", err)
			}
			if ae.Line != tt.line || ae.Col != tt.col || !strings.Contains(ae.Msg, tt.msgContain) {
				t.Fatalf("got %q (line %d col %d), want line %d col %d containing %q", err, ae.Line, ae.Col, tt.line, tt.col, tt.msgContain)
			}
		})
	}
}

func TestASCErrorText(t *testing.T) {
	t.Parallel()
	_, err := ReadASC(strings.NewReader(hdr3x2 + "1 2 3\n4 5\n"))
	if got, want := err.Error(), "asc: line 8: row 2 has 2 values, want 3"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	_, err = ReadASC(strings.NewReader(hdr3x2 + "1 2 3\n4 x5 6\n"))
	if got, want := err.Error(), `asc: line 8 col 3: row 2: value "x5" is not a number`; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// FuzzReadASC checks that no input panics and that whatever ReadASC accepts
// is a consistent grid that survives a full-precision round trip.
func FuzzReadASC(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.asc"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(hdr3x2 + "1 2 3\n4 5\n"))
	f.Add([]byte("ncols 1\nnrows 1\nxllcenter 1e308\nyllcenter -1e308\ncellsize 1e-300\n-0\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		g, err := ReadASC(bytes.NewReader(in))
		if err != nil {
			if g != nil {
				t.Fatal("grid returned with an error")
			}
			return
		}
		if g.NX < 1 || g.NY < 1 || len(g.V) != g.NX*g.NY || !(g.Cell > 0) {
			t.Fatalf("inconsistent grid %dx%d, %d values, cell %v", g.NX, g.NY, len(g.V), g.Cell)
		}
		var buf bytes.Buffer
		if err := WriteASC(&buf, g, -1); err != nil {
			t.Fatal(err)
		}
		back, err := ReadASC(&buf)
		if err != nil {
			t.Fatalf("re-reading written grid: %v\n%s", err, buf.String())
		}
		for i := range g.V {
			if back.V[i] != g.V[i] {
				t.Fatalf("cell %d: %v became %v", i, g.V[i], back.V[i])
			}
		}
	})
}
