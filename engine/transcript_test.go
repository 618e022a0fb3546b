package engine_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/bot"
	"github.com/rescuedrill/rescuedrill/scenarios"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata/")

// TestTranscripts plays each built-in scenario with a small fixed cast and
// compares the drill's story — warnings, prompts, warning signs, slides,
// harm, answers, and every score with its reasons — with a golden file, as
// etcd-raft does with its interaction transcripts. Any change to physics,
// bots or scoring shows up here as a readable diff; rewrite the files with
// `go test ./engine -run Transcripts -update` once the change is intended.
func TestTranscripts(t *testing.T) {
	if testing.Short() {
		t.Skip("plays three full drills")
	}
	for _, name := range scenarios.Builtins() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := transcript(t, name)
			path := filepath.Join("testdata", name+".transcript")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("transcript of %s differs from %s (rerun with -update if intended):\n%s", name, path, firstDiff(string(want), got))
			}
		})
	}
}

func transcript(t *testing.T, name string) string {
	l, err := scenarios.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	w, err := engine.NewWorld(engine.Setup{Scenario: l.Scenario, Map: l.Map}, 1)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: seed 1, bots good, naive, random\n", name)
	var bots []*bot.Bot
	var in []engine.Input
	for i, p := range []string{"good", "naive", "random"} {
		bt, _ := bot.New(int32(i), p, 1)
		bots = append(bots, bt)
		in = append(in, bt.Join(0, p))
	}
	for !w.Done() {
		if w.Tick() > 0 {
			in = in[:0]
			for _, bt := range bots {
				in = append(in, bt.Inputs(w)...)
			}
		}
		for _, e := range w.Step(in) {
			switch e.Kind {
			case engine.EvEnteredPlace, engine.EvLeftPlace:
				continue
			case engine.EvCueAppeared:
				if e.Value < 1 && seenCue(&b, e.Ref) {
					continue
				}
			}
			fmt.Fprintf(&b, "%6d %-14s who=%d npc=%s ref=%s level=%s ok=%v value=%.3f\n",
				e.Tick, e.Kind, e.Who, e.NPC, e.Ref, e.Level, e.OK, e.Value)
		}
	}
	for _, r := range w.Results() {
		fmt.Fprintf(&b, "\n%s (%s): score %d, %s\n", r.Name, r.Policy, r.Score, r.Outcome)
		for _, o := range r.Objectives {
			fmt.Fprintf(&b, "  objective %s: %s %d/%d\n", o.ID, o.Rating, o.Points, o.Max)
		}
		for _, it := range r.Breakdown {
			fmt.Fprintf(&b, "  %d/%d %s @%d\n    en: %s\n    zh: %s\n", it.Points, it.Max, it.Rule, it.Tick, it.ReasonEN, it.ReasonZH)
		}
	}
	fmt.Fprintf(&b, "\nfinal hash %016x\n", w.Hash())
	return b.String()
}

func seenCue(b *strings.Builder, kind string) bool {
	return strings.Contains(b.String(), "ref="+kind+" ")
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var a, c string
		if i < len(wl) {
			a = wl[i]
		}
		if i < len(gl) {
			c = gl[i]
		}
		if a != c {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, a, c)
		}
	}
	return "(no line differs)"
}
