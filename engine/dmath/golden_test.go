package dmath

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.txt from the current implementation")

const goldenPath = "testdata/golden.txt"

// goldenRandom is the number of generated arguments per function, on top
// of the edge cases.
const goldenRandom = 200

// Edge-case arguments recorded for every function: signed zeros, the
// infinities, NaN, the ends of the float64 range and of the subnormals,
// and the boundaries where the algorithms switch method.
var goldenEdges = []float64{
	0, negZero, inf, -inf, nan,
	1, -1, 0.5, 2, 3, 10, math.E, math.Pi, math.Pi / 4, -math.Pi / 2,
	math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 0x1p-1022, 0x1p-1020, 0x1p1020,
	709.78, 709.79, -745.13, -745.14, 0x1p-28, 0x1p-29, // Exp limits
	0.84375, 1.25, 1 / 0.35, 6, 27.9, 28, -6.1, // Erfc's intervals
	0.66, 2.414213562373095, 2.4142135623730951, // Atan's intervals
	1 << 29, 1<<29 + 1, 1e15, 1e300, 355, // Sin's Payne–Hanek threshold, a near-zero of sin
}

// goldenFuncs maps the names used in the golden file to the functions.
func goldenFuncs() (map[string]func(float64) float64, map[string]func(float64, float64) float64) {
	u := make(map[string]func(float64) float64)
	for _, tc := range unary {
		u[tc.name] = tc.f
	}
	b := make(map[string]func(float64, float64) float64)
	for _, tc := range binary {
		b[tc.name] = tc.f
	}
	return u, b
}

func bitsHex(x float64) string { return fmt.Sprintf("%016x", math.Float64bits(x)) }

func parseBits(s string) (float64, error) {
	u, err := strconv.ParseUint(s, 16, 64)
	return math.Float64frombits(u), err
}

// writeGolden records, for every function, the result bits of the edge
// cases and of goldenRandom arguments from the function's generator.
func writeGolden(t *testing.T) {
	var buf bytes.Buffer
	buf.WriteString("# Result bits of package dmath, which must be identical on every GOARCH.\n")
	buf.WriteString("# Each line: function, argument bits..., result bits (IEEE 754, hex).\n")
	buf.WriteString("# Generated on amd64 by: go test ./engine/dmath -run TestGolden -update\n")
	for _, tc := range unary {
		r := rand.New(rand.NewPCG(4, uint64(len(tc.name))))
		args := append([]float64(nil), goldenEdges...)
		for range goldenRandom {
			args = append(args, tc.gen(r))
		}
		for _, x := range args {
			fmt.Fprintf(&buf, "%s %s %s\n", tc.name, bitsHex(x), bitsHex(tc.f(x)))
		}
	}
	for _, tc := range binary {
		r := rand.New(rand.NewPCG(5, uint64(len(tc.name))))
		var args [][2]float64
		for i, x := range goldenEdges { // every edge meets some other edge
			args = append(args, [2]float64{x, goldenEdges[(i*7+3)%len(goldenEdges)]})
		}
		for range goldenRandom {
			x, y := tc.gen(r)
			args = append(args, [2]float64{x, y})
		}
		for _, a := range args {
			fmt.Fprintf(&buf, "%s %s %s %s\n", tc.name, bitsHex(a[0]), bitsHex(a[1]), bitsHex(tc.f(a[0], a[1])))
		}
	}
	if err := os.MkdirAll(filepath.Dir(goldenPath), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(goldenPath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestGolden recomputes every line of testdata/golden.txt and requires the
// same result bits. The file is generated on amd64; run under qemu with
// GOARCH=arm64 (see the package comment) this is the cross-architecture
// determinism check.
func TestGolden(t *testing.T) {
	if *update {
		writeGolden(t)
	}
	t.Parallel()
	f, err := os.Open(goldenPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	u, b := goldenFuncs()
	seen := make(map[string]int)
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Fields(text)
		vals := make([]float64, len(fields)-1)
		for i, s := range fields[1:] {
			if vals[i], err = parseBits(s); err != nil {
				t.Fatalf("%s:%d: %v", goldenPath, line, err)
			}
		}
		name := fields[0]
		var got float64
		var call string
		switch {
		case u[name] != nil && len(vals) == 2:
			got = u[name](vals[0])
			call = fmt.Sprintf("%s(%v)", name, vals[0])
		case b[name] != nil && len(vals) == 3:
			got = b[name](vals[0], vals[1])
			call = fmt.Sprintf("%s(%v, %v)", name, vals[0], vals[1])
		default:
			t.Fatalf("%s:%d: malformed line %q", goldenPath, line, text)
		}
		want := vals[len(vals)-1]
		// Bits, not values: NaN payloads and signed zeros count too.
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("%s:%d: %s = %v (%s), golden %v (%s)", goldenPath, line, call, got, bitsHex(got), want, bitsHex(want))
		}
		seen[name]++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for name := range u {
		if seen[name] < goldenRandom {
			t.Errorf("%s: %d golden lines, want at least %d", name, seen[name], goldenRandom)
		}
	}
	for name := range b {
		if seen[name] < goldenRandom {
			t.Errorf("%s: %d golden lines, want at least %d", name, seen[name], goldenRandom)
		}
	}
}
