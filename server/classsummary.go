package server

import (
	"sort"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// maxScore is the best score a participant can reach: the engine scores
// out of 100 (engine/scoring.go), as the running Score says.
const maxScore = 100

// sendClassSummary sends the class's result without names (§4.13) to a
// participant that asked for it, right before its Results, so a pupil's
// screen can compare without anyone's names or scores reaching it.
func (ss *session) sendClassSummary(res []engine.Result) {
	if !ss.class {
		return
	}
	_ = ss.send(classSummary(res))
}

// classSummary summarises res. The class is the people when people played
// (a bot's Policy is set) — bots in a pupils' drill are extras, not
// classmates — and the bots when only bots played (a test or a demo).
func classSummary(res []engine.Result) *wire.ClassSummary {
	m := &wire.ClassSummary{Max: maxScore}
	var people, bots []engine.Result
	for _, r := range res {
		if r.Policy == "" {
			people = append(people, r)
		} else {
			bots = append(bots, r)
		}
	}
	class := people
	if len(people) == 0 {
		class, m.Bots = bots, len(bots) > 0
	}
	if len(class) > wire.MaxSlots { // cannot happen (engine.MaxParticipants); keep the message valid
		class = class[:wire.MaxSlots]
	}
	m.N = uint32(len(class))
	sum := int64(0)
	counts := map[string]uint32{}
	for _, r := range class {
		sum += int64(r.Score)
		counts[r.Outcome]++
	}
	m.AvgTenths = avgTenths(sum, int64(len(class)))
	for o, c := range counts {
		if len(o) <= wire.MaxID {
			m.Outcomes = append(m.Outcomes, wire.OutcomeCount{Outcome: o, Count: c})
		}
	}
	// Most frequent first, ties by key: map order must not reach the bytes.
	sort.Slice(m.Outcomes, func(i, j int) bool {
		a, b := m.Outcomes[i], m.Outcomes[j]
		return a.Count > b.Count || (a.Count == b.Count && a.Outcome < b.Outcome)
	})
	if len(m.Outcomes) > wire.MaxClassOutcomes {
		m.Outcomes = m.Outcomes[:wire.MaxClassOutcomes]
	}
	return m
}

// avgTenths is 10·sum/n rounded half away from zero, in integers so that
// every server (and the document's example) gets the same number.
func avgTenths(sum, n int64) int64 {
	if n == 0 {
		return 0
	}
	if sum < 0 {
		return -avgTenths(-sum, n)
	}
	return (20*sum + n) / (2 * n)
}
