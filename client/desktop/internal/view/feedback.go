package view

import (
	"fmt"
	"strings"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// Verdict is how one scored task went.
type Verdict int

const (
	Right     Verdict = iota // full points
	Partly                   // some points (late, or part of the task)
	Wrong                    // no points
	NotScored                // its trigger never came: not counted
)

// Line is one row of the end-of-drill feedback.
type Line struct {
	Verdict Verdict
	Task    string // the task's title from the scenario, or its rule ID
	Points  string // "10/10"
	Reason  string // why, from the engine's scoring, in the pupil's language
}

// Feedback is the results scene's content.
type Feedback struct {
	Score      int64
	Outcome    string
	Lines      []Line  // wrong first (what to learn), then partly, right, not scored
	ClassAvg   float64 // from the server's class summary, to a tenth of a point
	ClassN     int     // how many the average is over; 0: not known
	ClassBots  bool    // the class was bots (no person played)
	ClassSafe  int     // how many of them reached safety
	Objectives []string
}

// FeedbackFor builds the feedback of the participant in slot from the
// results the client received (its own), with task titles looked up in
// titles ("objective/task" → text), and the class average from the
// server's class summary (nil: not known). Which results the average is
// over (people, or bots when only bots played) is the server's rule
// (docs/protocol.md §4.13): the pupil's machine never gets the others'.
func FeedbackFor(results []wire.Result, class *wire.ClassSummary, slot uint32, titles map[string]wire.Text, lang Lang) (Feedback, bool) {
	var f Feedback
	var mine *wire.Result
	for i := range results {
		if results[i].Slot == slot {
			mine = &results[i]
		}
	}
	if mine == nil {
		return f, false
	}
	f.Score, f.Outcome = mine.Score, mine.Outcome
	for _, it := range mine.Items {
		l := Line{Task: it.Rule, Points: fmt.Sprintf("%d/%d", it.Points, it.Max)}
		if t, ok := titles[it.Rule]; ok {
			l.Task = lang.Pick(t)
		}
		l.Reason = lang.Two(it.ReasonZH, it.ReasonEN)
		switch {
		case !it.Applicable:
			l.Verdict, l.Points = NotScored, "–"
		case it.Points >= int64(it.Max):
			l.Verdict = Right
		case it.Points > 0:
			l.Verdict = Partly
		default:
			l.Verdict = Wrong
		}
		f.Lines = append(f.Lines, l)
	}
	// Stable sort by verdict order Wrong, Partly, Right, NotScored.
	rank := [...]int{Right: 2, Partly: 1, Wrong: 0, NotScored: 3}
	for i := 1; i < len(f.Lines); i++ {
		for j := i; j > 0 && rank[f.Lines[j].Verdict] < rank[f.Lines[j-1].Verdict]; j-- {
			f.Lines[j], f.Lines[j-1] = f.Lines[j-1], f.Lines[j]
		}
	}
	for _, o := range mine.Objectives {
		f.Objectives = append(f.Objectives, fmt.Sprintf("%s  %s  %d/%d", o.Rating, lang.Pick(o.Title), o.Points, o.Max))
	}
	f.ClassAvg, f.ClassN, f.ClassBots, f.ClassSafe = ClassOf(class)
	return f, true
}

// ClassOf reads the class summary: average (tenths to points), how many
// it covers, whether they were bots, how many reached safety.
func ClassOf(c *wire.ClassSummary) (avg float64, n int, bots bool, safe int) {
	if c == nil {
		return 0, 0, false, 0
	}
	for _, o := range c.Outcomes {
		if o.Outcome == "safe" {
			safe = int(o.Count)
		}
	}
	return float64(c.AvgTenths) / 10, int(c.N), c.Bots, safe
}

// TaskTitles maps "objective/task" to the task's title from the scenario
// (nil scenario: an empty map, and the feedback shows rule IDs).
func TaskTitles(sc *engine.Scenario) map[string]wire.Text {
	m := map[string]wire.Text{}
	if sc == nil {
		return m
	}
	for _, o := range sc.Objectives {
		for _, t := range o.Tasks {
			m[o.ID+"/"+t.ID] = wire.Text{ZH: t.Title.ZH, EN: t.Title.EN}
		}
	}
	return m
}

// VerdictMark is the mark printed before a line: a symbol and a word, so
// the verdict does not rest on the green/red colour alone.
func VerdictMark(v Verdict, lang Lang) string {
	switch v {
	case Right:
		return "✓ " + lang.T("right")
	case Partly:
		return "◐ " + lang.Two("部分做到", "Partly")
	case Wrong:
		return "× " + lang.T("wrong")
	}
	return "– " + lang.T("not_scored")
}

// OutcomeText translates the engine's outcome keys.
func OutcomeText(o string, lang Lang) string {
	t, ok := outcomes[o]
	if !ok {
		return strings.ReplaceAll(o, "_", " ")
	}
	return lang.Pick(t)
}

var outcomes = map[string]wire.Text{
	"safe":      {ZH: "安全", EN: "Safe"},
	"active":    {ZH: "安全", EN: "Safe"},
	"swept":     {ZH: "被水冲走", EN: "Swept away"},
	"buried":    {ZH: "被掩埋", EN: "Buried"},
	"collapsed": {ZH: "中暑倒下", EN: "Collapsed from heat"},
	"left":      {ZH: "中途离开", EN: "Left the drill"},
	"unsafe":    {ZH: "未到达安全地点", EN: "Not in a safe place"},
}
