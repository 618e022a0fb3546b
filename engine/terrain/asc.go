package terrain

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ASCError is a problem in an ESRI ASCII grid, located by 1-based line and
// byte column (Col 0 when the whole line is at fault). Authors fix map files
// by hand, so every message says where and what.
type ASCError struct {
	Line, Col int
	Msg       string
}

func (e *ASCError) Error() string {
	if e.Col > 0 {
		return fmt.Sprintf("asc: line %d col %d: %s", e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("asc: line %d: %s", e.Line, e.Msg)
}

func ascErr(line, col int, format string, args ...any) error {
	return &ASCError{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// token is a whitespace-separated word and its 1-based byte column.
type token struct {
	s   string
	col int
}

// splitTokens splits a line on spaces, tabs and stray CRs.
func splitTokens(line []byte, dst []token) []token {
	dst = dst[:0]
	i := 0
	for i < len(line) {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		j := i
		for j < len(line) && !isSpace(line[j]) {
			j++
		}
		if j > i {
			dst = append(dst, token{string(line[i:j]), i + 1})
		}
		i = j
	}
	return dst
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\v' || b == '\f' }

// header keys, lower-cased. dx/dy are what GDAL writes for non-square cells.
const (
	keyNCols  = "ncols"
	keyNRows  = "nrows"
	keyXLLCor = "xllcorner"
	keyXLLCen = "xllcenter"
	keyYLLCor = "yllcorner"
	keyYLLCen = "yllcenter"
	keyCell   = "cellsize"
	keyNoData = "nodata_value"
)

// ReadASC reads an ESRI ASCII grid as LISFLOOD-FP, QGIS/GDAL and ArcGIS
// write it:
//
//	ncols        160
//	nrows        120
//	xllcorner    0        (or xllcenter: the centre of the south-west cell)
//	yllcorner    0        (or yllcenter)
//	cellsize     5
//	NODATA_value -9999    (optional; DefaultNoData when absent)
//	<nrows lines of ncols numbers, north row first>
//
// Keys are case-insensitive and may come in any order. Each data row must be
// on its own line, as those tools write it, so that a short or long row is
// reported at the line where it is. Blank lines are skipped. Cells must be
// square (a dx/dy header is refused). Values must be finite, except that a
// file whose NODATA_value is nan (as GDAL writes for float rasters) has its
// NaN cells and NoData replaced by DefaultNoData, because the engine keeps
// every value finite.
func ReadASC(r io.Reader) (*Grid, error) {
	sc := bufio.NewScanner(r)
	// A row of 4096 values at 20 bytes each is 80 KB; allow generous lines.
	sc.Buffer(make([]byte, 64*1024), 4<<20)

	type hv struct {
		v    float64
		line int
	}
	hdr := map[string]hv{}
	var toks []token
	line := 0
	var g *Grid
	row := 0
	nanNoData := false

	for sc.Scan() {
		line++
		b := sc.Bytes()
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // UTF-8 BOM
		}
		toks = splitTokens(b, toks)
		if len(toks) == 0 {
			continue
		}
		if g == nil && isHeaderKey(toks[0].s) {
			key := strings.ToLower(toks[0].s)
			switch key {
			case keyNCols, keyNRows, keyXLLCor, keyXLLCen, keyYLLCor, keyYLLCen, keyCell, keyNoData:
			case "dx", "dy":
				return nil, ascErr(line, toks[0].col, "%s: non-square cells are not supported; resample to one cellsize", toks[0].s)
			default:
				return nil, ascErr(line, toks[0].col, "unknown header key %q", toks[0].s)
			}
			if len(toks) != 2 {
				return nil, ascErr(line, 0, "header %s wants one value, got %d", toks[0].s, len(toks)-1)
			}
			if prev, dup := hdr[key]; dup {
				return nil, ascErr(line, toks[0].col, "%s given again (first on line %d)", toks[0].s, prev.line)
			}
			v, err := strconv.ParseFloat(toks[1].s, 64)
			if err != nil {
				return nil, ascErr(line, toks[1].col, "%s value %q is not a number", toks[0].s, toks[1].s)
			}
			if math.IsNaN(v) && key == keyNoData {
				nanNoData = true
				v = DefaultNoData
			} else if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, ascErr(line, toks[1].col, "%s value %q is not finite", toks[0].s, toks[1].s)
			}
			hdr[key] = hv{v, line}
			continue
		}
		if g == nil {
			var err error
			if g, err = ascHeader(line, func(k string) (float64, int, bool) {
				h, ok := hdr[k]
				return h.v, h.line, ok
			}); err != nil {
				return nil, err
			}
		}
		if row == g.NY {
			return nil, ascErr(line, toks[0].col, "data after the last of %d rows", g.NY)
		}
		if len(toks) != g.NX {
			return nil, ascErr(line, 0, "row %d has %d values, want %d", row+1, len(toks), g.NX)
		}
		for _, t := range toks {
			v, err := strconv.ParseFloat(t.s, 64)
			if err != nil {
				return nil, ascErr(line, t.col, "row %d: value %q is not a number", row+1, t.s)
			}
			if math.IsNaN(v) && nanNoData {
				v = g.NoData
			} else if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, ascErr(line, t.col, "row %d: value %q is not finite", row+1, t.s)
			}
			g.V = append(g.V, v)
		}
		row++
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, ascErr(line+1, 0, "line longer than 4 MiB")
		}
		return nil, fmt.Errorf("asc: line %d: %w", line+1, err)
	}
	if g == nil {
		// A header-only file: report the missing header keys, or the missing
		// data. An empty file is reported at line 1.
		if _, err := ascHeader(max(line, 1), func(k string) (float64, int, bool) {
			h, ok := hdr[k]
			return h.v, h.line, ok
		}); err != nil {
			return nil, err
		}
		return nil, ascErr(max(line, 1), 0, "no data rows after the header")
	}
	if row < g.NY {
		return nil, ascErr(line, 0, "file ends after %d of %d rows", row, g.NY)
	}
	return g, nil
}

// isHeaderKey reports whether a line starting with s is a header line: it
// starts with a letter and is not one of the words ParseFloat reads as a
// number (GDAL writes "nan" cells when NODATA_value is nan).
func isHeaderKey(s string) bool {
	c := s[0] | 0x20
	if c < 'a' || c > 'z' {
		return false
	}
	switch strings.ToLower(s) {
	case "nan", "inf", "infinity":
		return false
	}
	return true
}

// ascHeader checks the collected header at the first data line and makes
// the grid. get returns a key's value, its line, and whether it was given.
func ascHeader(line int, get func(string) (float64, int, bool)) (*Grid, error) {
	need := func(k string) (float64, int, error) {
		v, l, ok := get(k)
		if !ok {
			return 0, 0, ascErr(line, 0, "header has no %s before the data", k)
		}
		return v, l, nil
	}
	count := func(k string) (int, error) {
		v, l, err := need(k)
		if err != nil {
			return 0, err
		}
		if v != math.Trunc(v) || v < 1 || v > MaxCells {
			return 0, ascErr(l, 0, "%s %v is not a positive whole number up to %d", k, v, MaxCells)
		}
		return int(v), nil
	}
	nx, err := count(keyNCols)
	if err != nil {
		return nil, err
	}
	ny, err := count(keyNRows)
	if err != nil {
		return nil, err
	}
	if nx*ny > MaxCells {
		return nil, ascErr(line, 0, "%d×%d grid exceeds %d cells", nx, ny, MaxCells)
	}
	cell, cl, err := need(keyCell)
	if err != nil {
		return nil, err
	}
	if !(cell > 0) {
		return nil, ascErr(cl, 0, "cellsize %v must be positive", cell)
	}
	corner := func(cor, cen string) (float64, error) {
		vc, lc, okc := get(cor)
		ve, le, oke := get(cen)
		switch {
		case okc && oke:
			return 0, ascErr(max(lc, le), 0, "both %s and %s given", cor, cen)
		case okc:
			return vc, nil
		case oke:
			// The centre of the corner cell is half a cell in from the corner.
			return ve - float64(cell/2), nil // cell/2 becomes cell*0.5: keep it unfused
		}
		return 0, ascErr(line, 0, "header has no %s or %s before the data", cor, cen)
	}
	g := &Grid{NX: nx, NY: ny, Cell: cell, NoData: DefaultNoData}
	if g.XLL, err = corner(keyXLLCor, keyXLLCen); err != nil {
		return nil, err
	}
	if g.YLL, err = corner(keyYLLCor, keyYLLCen); err != nil {
		return nil, err
	}
	if v, _, ok := get(keyNoData); ok {
		g.NoData = v
	}
	// Grow V row by row rather than trusting the header with one big
	// allocation: a truncated file then costs only what it holds.
	g.V = make([]float64, 0, min(nx*ny, 1<<16))
	return g, nil
}

// WriteASC writes g as an ESRI ASCII grid with a corner header, one row per
// line, north row first. Values are written with the given number of
// decimals; decimals < 0 writes the shortest text that reads back to the
// same float64. NODATA cells are written exactly as the NODATA_value.
func WriteASC(w io.Writer, g *Grid, decimals int) error {
	if g.NX < 1 || g.NY < 1 || len(g.V) != g.NX*g.NY {
		return fmt.Errorf("asc: grid is %d×%d but holds %d values", g.NX, g.NY, len(g.V))
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "ncols        %d\n", g.NX)
	fmt.Fprintf(bw, "nrows        %d\n", g.NY)
	fmt.Fprintf(bw, "xllcorner    %s\n", fmtNum(g.XLL, -1))
	fmt.Fprintf(bw, "yllcorner    %s\n", fmtNum(g.YLL, -1))
	fmt.Fprintf(bw, "cellsize     %s\n", fmtNum(g.Cell, -1))
	fmt.Fprintf(bw, "NODATA_value %s\n", fmtNum(g.NoData, -1))
	buf := make([]byte, 0, 32)
	for r := 0; r < g.NY; r++ {
		for c := 0; c < g.NX; c++ {
			if c > 0 {
				bw.WriteByte(' ')
			}
			v := g.V[r*g.NX+c]
			d := decimals
			if v == g.NoData {
				d = -1
			}
			buf = appendNum(buf[:0], v, d)
			bw.Write(buf)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

func fmtNum(v float64, decimals int) string { return string(appendNum(nil, v, decimals)) }

// appendNum formats v in plain decimal (never exponent form, which some
// grid readers reject) and drops the sign of a zero, so -0.001 written with
// two decimals reads "0.00" rather than "-0.00".
func appendNum(dst []byte, v float64, decimals int) []byte {
	start := len(dst)
	dst = strconv.AppendFloat(dst, v, 'f', decimals, 64)
	if dst[start] == '-' {
		allZero := true
		for _, b := range dst[start+1:] {
			if b != '0' && b != '.' {
				allZero = false
				break
			}
		}
		if allZero {
			dst = append(dst[:start], dst[start+1:]...)
		}
	}
	return dst
}
