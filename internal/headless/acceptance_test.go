package headless

import (
	"bytes"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/replay"
	"github.com/rescuedrill/rescuedrill/scenarios"
)

// TestBuiltinScenarios is the acceptance check, per built-in
// scenario with 20 good and 20 naive bots: every good bot scores at least
// 85 and comes through unharmed, every naive bot scores at most 40, every
// scored item gives its reason in both languages, and the recorded replay
// re-simulates to the same final hash. A lone good bot must also do well:
// every drill is playable by one person as well as by a class.
func TestBuiltinScenarios(t *testing.T) {
	if testing.Short() {
		t.Skip("plays three full drills")
	}
	names := scenarios.Builtins()
	if len(names) < 3 {
		t.Fatalf("built-in scenarios: %v, want flood, heat and landslide", names)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			l, err := scenarios.Builtin(name)
			if err != nil {
				t.Fatal(err)
			}
			s := engine.Setup{Scenario: l.Scenario, Map: l.Map}
			var buf bytes.Buffer
			wr, err := replay.NewWriter(&buf, replay.Header{Scenario: name, Source: l.Src, Seed: 3, TickHz: 20, EngineVersion: engine.Version})
			if err != nil {
				t.Fatal(err)
			}
			out, err := Run(s, name, Options{Seed: 3, Bots: []BotSpec{{"good", 20}, {"naive", 20}}, Log: wr})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range out.Participants {
				switch p.Policy {
				case "good":
					if p.Score < 85 || p.Outcome != "safe" {
						t.Errorf("%s: good bot %s scored %d (%s), want ≥ 85 and safe: %+v", name, p.Name, p.Score, p.Outcome, p.Breakdown)
					}
				case "naive":
					if p.Score > 40 {
						t.Errorf("%s: naive bot %s scored %d, want ≤ 40: %+v", name, p.Name, p.Score, p.Breakdown)
					}
				}
				for _, it := range p.Breakdown {
					if it.Applicable && (it.ReasonEN == "" || it.ReasonZH == "") {
						t.Errorf("%s: %s %s: a reason is missing: %+v", name, p.Name, it.Rule, it)
					}
				}
			}
			// One participant alone must be able to play the drill too.
			solo, err := Run(s, name, Options{Seed: 9, Bots: []BotSpec{{"good", 1}}})
			if err != nil {
				t.Fatal(err)
			}
			if p := solo.Participants[0]; p.Score < 85 || p.Outcome != "safe" {
				t.Errorf("%s: a lone good bot scored %d (%s): %+v", name, p.Score, p.Outcome, p.Breakdown)
			}
			log, err := replay.Decode(&buf)
			if err != nil {
				t.Fatal(err)
			}
			again, err := Replay(s, log, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if again.FinalHash != out.FinalHash {
				t.Fatalf("replay hash %s, run %s", again.FinalHash, out.FinalHash)
			}
		})
	}
}
