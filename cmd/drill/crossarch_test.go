package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
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
// The flood drill stops after six minutes (the emulated shallow-water
// model is the slow part; by then the river is over the road and warnings,
// prompts, movement and scoring have all run); the landslide and heat drills
// run to the end, through the slope's failure and the classmate's illness.
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
			stop := "0"
			if name == "flood" {
				stop = "6m"
			}
			rep := filepath.Join(dir, name+".rdr")
			var out, errb bytes.Buffer
			args := []string{"run", name, "--bots", "good:6,naive:6,random:4", "--seed", "7", "--json", "--replay", rep}
			if stop != "0" {
				args = append(args, "--stop-at", stop)
			}
			if code := run(args, &out, &errb); code != 0 {
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
