package engine_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

// TestNoFusedMultiplyAddInEngine compiles every engine package for arm64
// (and for amd64 with FMA, GOAMD64=v3) and reads the assembly: no function
// may contain a fused multiply-add. Go fuses x*y+z there unless the product
// is rounded with an explicit float64(), and a fused result differs in its
// last bit from amd64's, which would break replays across machines. This
// finds a missed guard at compile time, before any golden hash has to.
func TestNoFusedMultiplyAddInEngine(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("cross-compiles the engine; skipped in -short mode")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool in PATH")
	}
	const mod = "github.com/rescuedrill/rescuedrill/engine"
	fused := map[string][]string{ // GOARCH → fused instructions
		"arm64": {"FMADDD", "FMSUBD", "FNMADDD", "FNMSUBD"},
		"amd64": {"VFMADD", "VFMSUB", "VFNMADD", "VFNMSUB"},
	}
	for _, arch := range []string{"arm64", "amd64"} {
		t.Run(arch, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(goTool, "build", "-gcflags="+mod+"/...=-S", "./...")
			cmd.Dir = "."
			cmd.Env = append(os.Environ(), "GOARCH="+arch, "GOAMD64=v3", "CGO_ENABLED=0")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil {
				t.Fatalf("go build: %v\n%s", err, out.Bytes())
			}
			bad := map[string]bool{}
			fn, funcs := "", 0
			sc := bufio.NewScanner(&out)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				line := sc.Text()
				if head, _, ok := strings.Cut(line, " STEXT"); ok && !strings.HasPrefix(line, "\t") {
					fn = head
					funcs++
					continue
				}
				for _, ins := range fused[arch] {
					if strings.Contains(line, "\t"+ins) && strings.HasPrefix(fn, mod) {
						bad[fn] = true
					}
				}
			}
			if funcs < 100 {
				t.Fatalf("read only %d function listings: the assembly was not printed (build cache?)", funcs)
			}
			if len(bad) > 0 {
				var names []string
				for n := range bad {
					names = append(names, n)
				}
				sort.Strings(names)
				t.Fatalf("fused multiply-add on %s in:\n  %s\nround the product first: float64(a*b) + c", arch, strings.Join(names, "\n  "))
			}
		})
	}
}
