package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"

	"github.com/rescuedrill/rescuedrill/scenarios"
)

// TestReplayOnArm64 is the cross-architecture determinism check: a drill
// recorded natively is replayed by an arm64 build of drill under qemu-user,
// and both must reach the same final state hash. Go's math package and FMA
// fusion differ between amd64 and arm64, so this catches any transcendental
// or fused multiply-add that slipped into the engine.
//
// The built-in scenarios are shortened to two minutes of drill so the
// emulated run stays quick; that covers warnings, movement, water, cues and
// scoring already.
func TestReplayOnArm64(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: builds for arm64 and runs under emulation")
	}
	qemu, err := exec.LookPath("qemu-aarch64")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("qemu-aarch64 not found: the test command installs qemu-user; CI must run this check")
		}
		t.Skip("qemu-aarch64 not installed (apt-get install qemu-user)")
	}
	if runtime.GOARCH == "arm64" {
		t.Skip("already on arm64: nothing to cross-check")
	}
	dir := t.TempDir()
	armDrill := filepath.Join(dir, "drill-arm64")
	build := exec.Command("go", "build", "-o", armDrill, ".")
	build.Env = append(os.Environ(), "GOARCH=arm64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building for arm64: %v\n%s", err, out)
	}
	for _, name := range scenarios.Builtins() {
		t.Run(name, func(t *testing.T) {
			l, err := scenarios.Builtin(name)
			if err != nil {
				t.Fatal(err)
			}
			src := l.Src
			short := regexp.MustCompile(`(?m)^duration:.*$`).ReplaceAll(src, []byte("duration: 2m"))
			file := filepath.Join(dir, name+".yaml")
			if err := os.WriteFile(file, short, 0o644); err != nil {
				t.Fatal(err)
			}
			rep := filepath.Join(dir, name+".rdr")
			var out, errb bytes.Buffer
			if code := run([]string{"run", file, "--bots", "good:6,naive:6,random:4", "--seed", "7", "--json", "--replay", rep}, &out, &errb); code != 0 {
				t.Fatalf("native run: exit %d: %s", code, errb.String())
			}
			var native struct {
				FinalHash string `json:"final_hash"`
			}
			if err := json.Unmarshal(out.Bytes(), &native); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(qemu, armDrill, "replay", rep, "--json")
			b, err := cmd.Output()
			if err != nil {
				t.Fatalf("arm64 replay: %v\n%s", err, b)
			}
			var arm struct {
				FinalHash string `json:"final_hash"`
			}
			if err := json.Unmarshal(b, &arm); err != nil {
				t.Fatalf("arm64 output: %v\n%s", err, b)
			}
			if arm.FinalHash != native.FinalHash || native.FinalHash == "" {
				t.Fatalf("final hash differs: amd64 %s, arm64 %s", native.FinalHash, arm.FinalHash)
			}
		})
	}
}
