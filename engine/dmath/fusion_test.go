package dmath

import (
	"bufio"
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// fmaInstr matches the fused multiply-add family in the compiler's
// assembly listing: FMADDD, FMSUBD, FNMADDD, FNMSUBD (arm64) and
// VFMADD231SD, VFNMSUB132SD, ... (amd64 with GOAMD64=v3).
var fmaInstr = regexp.MustCompile(`\tV?FN?M(ADD|SUB)[0-9A-Z]*\t`)

// TestNoFusedMultiplyAdd compiles the package for the targets on which Go
// contracts x*y + z into an FMA (arm64, and amd64 at GOAMD64=v3), and fails
// if any function of this package contains a fused multiply-add. It also
// compiles testdata/fmaprobe, which adds dmath's results the way callers do,
// to check that no product escapes through an inlined function into a
// caller's sum.
//
// It reads the compiler's own listing (-gcflags=-S) rather than a
// disassembly, because Go's x86 disassembler does not decode the
// VEX-encoded FMAs. The go command caches the listing with the object file
// and replays it, so repeated runs cost little.
//
// This is the static half of the determinism check, and the stronger half:
// it caught two fusions (in Atan's and Tan's denominators) that no input of
// the golden test happened to expose under qemu.
func TestNoFusedMultiplyAdd(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("cross-compiles the package; skipped in -short mode")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool in PATH")
	}

	pkgPath := reflect.TypeFor[fn1]().PkgPath()
	probePath := pkgPath + "/testdata/fmaprobe"
	funcs := packageFuncs(t)

	targets := []struct{ goarch, goamd64 string }{
		{"arm64", ""},
		{"amd64", "v3"},
	}
	for _, tg := range targets {
		t.Run(tg.goarch+tg.goamd64, func(t *testing.T) {
			t.Parallel()
			build := exec.Command(goTool, "build", "-gcflags=-S", ".", "./testdata/fmaprobe")
			build.Env = append(os.Environ(), "GOARCH="+tg.goarch, "GOAMD64="+tg.goamd64, "CGO_ENABLED=0")
			var listing bytes.Buffer
			build.Stdout, build.Stderr = &listing, &listing
			if err := build.Run(); err != nil {
				t.Fatalf("go build: %v\n%s", err, listing.Bytes())
			}

			seen := make(map[string]bool)
			var fn string // the function whose listing is being read
			sc := bufio.NewScanner(&listing)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				line := sc.Text()
				// Headers read "pkg.Exp STEXT size=..." (or pkg.Exp.func1).
				if head, _, ok := strings.Cut(line, " STEXT"); ok && !strings.HasPrefix(line, "\t") {
					fn = ""
					if name, ok := strings.CutPrefix(head, probePath+"."); ok {
						fn = "fmaprobe." + name
					} else if name, ok := strings.CutPrefix(head, pkgPath+"."); ok {
						fn, _, _ = strings.Cut(name, ".")
					}
					seen[fn] = true
					continue
				}
				if !fmaInstr.MatchString(line) {
					continue
				}
				switch {
				case fn == "fmaprobe.Fused":
					seen["fused"] = true
				case funcs[fn] || fn == "fmaprobe.Sums":
					t.Errorf("%s contains a fused multiply-add:\n%s", fn, line)
				}
			}
			if err := sc.Err(); err != nil {
				t.Fatal(err)
			}
			if !seen["fused"] {
				t.Errorf("no FMA found in fmaprobe.Fused: the listing was not understood")
			}
			for _, name := range []string{"Exp", "Log", "Pow", "Cbrt", "Pow73", "Sin", "Cos", "Tan", "Atan2", "Erfc", "Hypot", "fmaprobe.Sums"} {
				if !seen[name] {
					t.Errorf("%s not found in the listing", name)
				}
			}
		})
	}
}

// packageFuncs returns the names of the functions declared in the
// package's non-test files.
func packageFuncs(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	names := make(map[string]bool)
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				names[fd.Name.Name] = true
			}
		}
	}
	return names
}
