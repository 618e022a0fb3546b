package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/replay"
	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

type jsonOutcome struct {
	Scenario     string `json:"scenario"`
	Seed         uint64 `json:"seed"`
	TickHz       int    `json:"tick_hz"`
	Ticks        uint64 `json:"ticks"`
	FinalHash    string `json:"final_hash"`
	Participants []struct {
		ID        int    `json:"id"`
		Name      string `json:"name"`
		Policy    string `json:"policy"`
		Score     int    `json:"score"`
		Outcome   string `json:"outcome"`
		Breakdown []struct {
			Rule     string `json:"rule"`
			Tick     uint64 `json:"tick"`
			Points   int    `json:"points"`
			ReasonEN string `json:"reason_en"`
			ReasonZH string `json:"reason_zh"`
		} `json:"breakdown"`
	} `json:"participants"`
}

func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return out.String(), errb.String(), code
}

// TestRunAndReplay is the CLI round trip: run a drill to JSON with a replay
// file, replay it to the same hash, and see a tampered replay fail.
func TestRunAndReplay(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rep := filepath.Join(dir, "heat.rdr")
	out, errs, code := runCLI(t, "run", "heat", "--bots", "good:3,naive:3,random:2", "--seed", "5", "--json", "--replay", rep)
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, errs)
	}
	var o jsonOutcome
	if err := json.Unmarshal([]byte(out), &o); err != nil {
		t.Fatalf("run --json: %v\n%s", err, out)
	}
	if o.Scenario != "heat" || o.Seed != 5 || o.TickHz != 20 || o.Ticks != 15*60*20 || len(o.FinalHash) != 16 || len(o.Participants) != 8 {
		t.Fatalf("unexpected outcome header: %+v", o)
	}
	for _, p := range o.Participants {
		if p.Name == "" || p.Policy == "" || p.Outcome == "" || len(p.Breakdown) == 0 {
			t.Fatalf("participant missing fields: %+v", p)
		}
		for _, b := range p.Breakdown {
			if b.Rule == "" || b.ReasonEN == "" || b.ReasonZH == "" {
				t.Fatalf("breakdown item missing fields: %+v", b)
			}
		}
	}
	out2, errs, code := runCLI(t, "replay", rep, "--json")
	if code != 0 {
		t.Fatalf("replay: exit %d: %s", code, errs)
	}
	var r jsonOutcome
	if err := json.Unmarshal([]byte(out2), &r); err != nil {
		t.Fatal(err)
	}
	if r.FinalHash != o.FinalHash {
		t.Fatalf("replay hash %s, run %s", r.FinalHash, o.FinalHash)
	}

	// Drop one input from the middle: the re-simulation must notice.
	tampered := filepath.Join(dir, "tampered.rdr")
	if err := writeWithoutInput(rep, tampered, 40); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := runCLI(t, "replay", tampered); code != 1 || !strings.Contains(errs, "mismatch") {
		t.Fatalf("tampered replay: exit %d, stderr %q; want exit 1 with a mismatch", code, errs)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	out, errs, code := runCLI(t, "validate", "../../scenarios/testdata/broken.yaml", "../../scenarios/flood.yaml")
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr %s", code, errs)
	}
	for _, want := range []string{
		"broken.yaml:8:11: duration:", // position, path and message
		" 8 | duration: 15 minutes",   // the offending line
		"hint:",
		"flood.yaml: ok",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "broken.yaml:"); n < 8 {
		t.Errorf("%d problems reported, want every one of the 8 in broken.yaml:\n%s", n, out)
	}
}

func TestScenariosAndDepthGrids(t *testing.T) {
	t.Parallel()
	out, _, code := runCLI(t, "scenarios")
	if code != 0 {
		t.Fatal("scenarios failed")
	}
	for _, name := range []string{"flood", "heat", "landslide"} {
		if !strings.Contains(out, name) {
			t.Errorf("scenarios lacks %s:\n%s", name, out)
		}
	}
	dir := t.TempDir()
	_, errs, code := runCLI(t, "run", "flood", "--bots", "good:2", "--stop-at", "1m", "--depth-at", "30s,1m", "--depth-dir", dir)
	if code != 0 {
		t.Fatalf("run --depth-at: exit %d: %s", code, errs)
	}
	for _, f := range []string{"depth-30s.asc", "depth-1m00s.asc"} {
		fh, err := os.Open(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		g, err := terrain.ReadASC(fh)
		fh.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		wet := 0
		for _, v := range g.V {
			if v > 0.5 {
				wet++
			}
		}
		if g.NX != 160 || g.NY != 120 || wet == 0 {
			t.Fatalf("%s: %d×%d grid with %d wet cells; want the 160×120 district with its rivers", f, g.NX, g.NY, wet)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{}, {"fly"}, {"run"}, {"run", "no-such-scenario"}, {"run", "heat", "--bots", "clever:3"}} {
		if _, _, code := runCLI(t, args...); code == 0 {
			t.Errorf("drill %v: exit 0, want an error", args)
		}
	}
}

// writeWithoutInput copies a replay file leaving out the first move input
// at or after index k.
func writeWithoutInput(src, dst string, k int) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	l, err := replay.Decode(f)
	if err != nil {
		return err
	}
	for i := k; i < len(l.Inputs); i++ {
		if l.Inputs[i].Kind == engine.InputMove {
			l.Inputs = append(l.Inputs[:i:i], l.Inputs[i+1:]...)
			break
		}
	}
	var buf bytes.Buffer
	if err := replay.Encode(&buf, l); err != nil {
		return err
	}
	return os.WriteFile(dst, buf.Bytes(), 0o644)
}
