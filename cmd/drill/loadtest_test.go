package main

import (
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/rescuedrill/rescuedrill/internal/loadtest"
)

// TestLoadtestSmall runs drill loadtest for real, small: 2 drills × 3 bots
// for 3 s, once with the server in the process and once with --bots-only
// against a separate server, and checks that the report's numbers are
// there and sane — every figure the load goal names is non-zero and
// within physical bounds. (The figures themselves are benchmarks: see
// docs/BENCHMARKS.md; nothing here is timed against a limit.)
func TestLoadtestSmall(t *testing.T) {
	t.Parallel()
	small := []string{"loadtest", "--drills", "2", "--bots", "3", "--duration", "3s", "--warmup", "1s", "--json"}
	for _, tc := range []struct {
		name     string
		botsOnly bool
		source   string
	}{
		{"in-process", false, "exact"},
		{"bots-only", true, "histogram"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := small
			if tc.botsOnly {
				ds := inProcessServer(t, t.TempDir())
				args = append(args[:len(args):len(args)], "--bots-only", "--server", ds.ln.Addr().String(), "--cert-hash", hex.EncodeToString(ds.hash[:]))
			}
			out, errs, code := runCLI(t, args...)
			if code != 0 && code != 3 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var r loadtest.Report
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("%v: %s\n%s", err, out, errs)
			}
			if want := map[bool]string{false: "in-process", true: "bots-only"}[tc.botsOnly]; r.Mode != want {
				t.Errorf("mode %q, want %q", r.Mode, want)
			}
			if r.Participants != 6 || r.Drills != 2 || r.TickHz != 20 {
				t.Errorf("participants %d drills %d tick_hz %d, want 6, 2, 20", r.Participants, r.Drills, r.TickHz)
			}
			// The histogram says −1 for "beyond its last bucket (100 ms)":
			// a real answer on a starved machine (or under -race).
			beyond := func(v float64) float64 {
				if v == -1 && tc.source == "histogram" {
					return 1e9
				}
				return v
			}
			p50, p99 := beyond(r.Tick.P50), beyond(r.Tick.P99)
			if r.Tick.Source != tc.source || r.Tick.N == 0 || p50 <= 0 || p99 < p50 || tc.source == "exact" && r.Tick.Max < p99 {
				t.Errorf("tick times %+v", r.Tick)
			}
			// Two drills at 20 Hz for ~3 s: about 120 ticks between the reads
			// (fewer when other work starves the machine, never more).
			if r.Tick.Stepped == 0 || float64(r.Tick.Stepped) > r.Tick.Expected+4 {
				t.Errorf("ticks stepped %d, expected %.0f", r.Tick.Stepped, r.Tick.Expected)
			}
			// Snapshots arrive at up to 20 a second (one a tick), each tens to
			// hundreds of bytes: between 1 and 1,000 kbit/s.
			if r.SnapsPerSec <= 0 || r.SnapsPerSec > 21 || r.DecodeErrors != 0 {
				t.Errorf("snapshots %.1f/s, %d decode errors", r.SnapsPerSec, r.DecodeErrors)
			}
			if r.Down.AvgKbps < 1 || r.Down.AvgKbps > 1000 || r.Down.P99Kbps < r.Down.P50Kbps || r.Down.ServerKbps < 1 {
				t.Errorf("downstream %+v", r.Down)
			}
			if r.Up.ServerKbps <= 0 || r.Up.PosesPerSec <= 0 || r.Up.PosesPerSec > 61 {
				t.Errorf("upstream %+v", r.Up)
			}
			// Every bot turns every 1.5–2.5 s; an echo takes at least part of a
			// tick and less than the 3 s timeout.
			if r.Echo.N == 0 || r.Echo.P50 <= 0 || r.Echo.Max >= 3000 {
				t.Errorf("input-to-echo %+v (lost %d)", r.Echo, r.EchoLost)
			}
			if r.Prompt != "q_orange" || r.Answer.N == 0 || r.Answer.P50 <= 0 {
				t.Errorf("answers to %q: %+v (refused %d)", r.Prompt, r.Answer, r.AnswerRefused)
			}
			if r.Server.CPUSeconds <= 0 || r.Server.ProcessCPUSeconds <= 0 {
				t.Errorf("cpu %+v", r.Server)
			}
			if r.JoinFailed != 0 {
				t.Errorf("%d bots could not join", r.JoinFailed)
			}
			if code == 3 && r.Goals.Met || code == 0 && !r.Goals.Met {
				t.Errorf("exit %d with goals met %v", code, r.Goals.Met)
			}
		})
	}
}
