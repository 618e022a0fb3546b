package main

import (
	"fmt"
	"io"

	"github.com/rescuedrill/rescuedrill/engine"
)

// timeline prints the drill's key events as they happen: warnings,
// messages, prompts, warning signs, slides, harm and collapses. Moves and
// place crossings are left out; this is the MSEL view a controller wants.
func timeline(w io.Writer, hz int) func(tick uint64, evs []engine.Event) {
	return func(tick uint64, evs []engine.Event) {
		for _, e := range evs {
			at := engine.Seconds(float64(e.Tick) / float64(hz)).String()
			who := "-"
			switch {
			case e.Who >= 0:
				who = fmt.Sprintf("p%d", e.Who)
			case e.NPC != "":
				who = e.NPC
			}
			switch e.Kind {
			case engine.EvWarning, engine.EvMessage, engine.EvPrompt, engine.EvCueAppeared,
				engine.EvSlideStarted, engine.EvSlideStopped, engine.EvSwept, engine.EvBuried,
				engine.EvSymptoms, engine.EvCollapsed, engine.EvRecovered, engine.EvDrillEnded:
				fmt.Fprintf(w, "%8s  %-14s %-12s %s %s %.2f\n", at, e.Kind, who, e.Ref, e.Level, e.Value)
			}
		}
	}
}
