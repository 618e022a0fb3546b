package client

import "github.com/rescuedrill/rescuedrill/server/wire"

// ClassEvent: the class's result without names (protocol §4.13), delivered
// right before the participant's ResultsEvent when Options.ClassSummary
// asked for it: how many it covers (the people, or the bots when only bots
// played), the average score and the count of each outcome. It lets a
// pupil's screen compare with the class without a spectator connection
// that would bring every classmate's name and score to the pupil's device.
type ClassEvent struct{ wire.ClassSummary }

func (ClassEvent) isEvent() {}

// Average is the class's mean score (AvgTenths / 10).
func (e ClassEvent) Average() float64 { return float64(e.AvgTenths) / 10 }

// Count is how many of the class ended with outcome ("safe": reached safety).
func (e ClassEvent) Count(outcome string) int {
	for _, o := range e.Outcomes {
		if o.Outcome == outcome {
			return int(o.Count)
		}
	}
	return 0
}
