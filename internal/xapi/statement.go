// Package xapi turns a drill's results into xAPI 1.0.3 learning records
// (IEEE 9274.1.1) that a school's Learning Record Store keeps: for each
// participant "attempted" when they joined, "responded" for every decision
// (an answer to a prompt or an action), "completed" at the end, and
// "passed" or "failed" against a mastery score, with result.score.scaled,
// the duration, one registration per drill and the class as the team.
//
// Pupils appear as pseudonymous accounts ({homePage, name} with a name
// derived from the drill and slot): no e-mail, no display name, nothing a
// school would have to protect beyond what the LRS already does. Statement
// IDs are derived too (UUID version 5), so sending the same drill twice
// gives the same statements and an LRS keeps each once.
//
// Build is pure (data in, statements out); Validate checks the spec's rules
// this package relies on; Client and Queue deliver to an LRS with an
// offline queue on disk.
package xapi

import (
	"fmt"
	"github.com/rescuedrill/rescuedrill/internal/walltime"
	"math"
	"strings"
	"time"

	"github.com/rescuedrill/rescuedrill/engine/text"
)

// Version is the xAPI version spoken to the LRS.
const Version = "1.0.3"

// Verbs from the ADL vocabulary.
const (
	VerbAttempted = "http://adlnet.gov/expapi/verbs/attempted"
	VerbResponded = "http://adlnet.gov/expapi/verbs/responded"
	VerbCompleted = "http://adlnet.gov/expapi/verbs/completed"
	VerbPassed    = "http://adlnet.gov/expapi/verbs/passed"
	VerbFailed    = "http://adlnet.gov/expapi/verbs/failed"
)

// Activity types.
const (
	TypeSimulation  = "http://adlnet.gov/expapi/activities/simulation"
	TypeInteraction = "http://adlnet.gov/expapi/activities/cmi.interaction"
)

// LangMap is an xAPI language map: RFC 5646 tag → text.
type LangMap map[string]string

func langMap(t text.Text) LangMap {
	m := LangMap{}
	if t.ZH != "" {
		m["zh-CN"] = t.ZH
	}
	if t.EN != "" {
		m["en-US"] = t.EN
	}
	return m
}

// Account is an account on a system (homePage) with a name there.
type Account struct {
	HomePage string `json:"homePage"`
	Name     string `json:"name"`
}

// Actor is an Agent or a Group. This package identifies both by account
// only (one inverse functional identifier); Validate accepts the others.
type Actor struct {
	ObjectType  string   `json:"objectType,omitempty"`
	Name        string   `json:"name,omitempty"`
	Mbox        string   `json:"mbox,omitempty"`
	MboxSHA1Sum string   `json:"mbox_sha1sum,omitempty"`
	OpenID      string   `json:"openid,omitempty"`
	Account     *Account `json:"account,omitempty"`
	Member      []Actor  `json:"member,omitempty"`
}

// Verb is what the actor did.
type Verb struct {
	ID      string  `json:"id"`
	Display LangMap `json:"display,omitempty"`
}

// Definition describes an activity.
type Definition struct {
	Name            LangMap `json:"name,omitempty"`
	Description     LangMap `json:"description,omitempty"`
	Type            string  `json:"type,omitempty"`
	InteractionType string  `json:"interactionType,omitempty"`
}

// Object is the statement's object: here always an Activity.
type Object struct {
	ObjectType string      `json:"objectType,omitempty"`
	ID         string      `json:"id"`
	Definition *Definition `json:"definition,omitempty"`
}

// Score is a result's score.
type Score struct {
	Scaled *float64 `json:"scaled,omitempty"`
	Raw    *float64 `json:"raw,omitempty"`
	Min    *float64 `json:"min,omitempty"`
	Max    *float64 `json:"max,omitempty"`
}

// Result is the outcome of a statement.
type Result struct {
	Score      *Score `json:"score,omitempty"`
	Success    *bool  `json:"success,omitempty"`
	Completion *bool  `json:"completion,omitempty"`
	Response   string `json:"response,omitempty"`
	Duration   string `json:"duration,omitempty"`
}

// ContextActivities relate the object to other activities.
type ContextActivities struct {
	Parent   []Object `json:"parent,omitempty"`
	Grouping []Object `json:"grouping,omitempty"`
	Category []Object `json:"category,omitempty"`
}

// Context places a statement: the drill run (registration) and the class.
type Context struct {
	Registration      string             `json:"registration,omitempty"`
	Instructor        *Actor             `json:"instructor,omitempty"`
	Team              *Actor             `json:"team,omitempty"`
	ContextActivities *ContextActivities `json:"contextActivities,omitempty"`
	Platform          string             `json:"platform,omitempty"`
	Language          string             `json:"language,omitempty"`
	Extensions        map[string]any     `json:"extensions,omitempty"`
}

// Statement is one xAPI statement.
type Statement struct {
	ID        string   `json:"id"`
	Actor     Actor    `json:"actor"`
	Verb      Verb     `json:"verb"`
	Object    Object   `json:"object"`
	Result    *Result  `json:"result,omitempty"`
	Context   *Context `json:"context,omitempty"`
	Timestamp string   `json:"timestamp"`
}

// Drill is what Build needs to know about one drill.
type Drill struct {
	// Key identifies the drill run for good (the server's drill ID, or the
	// replay's scenario, seed and final hash): the registration and every
	// statement ID derive from it.
	Key      string
	Scenario string    // scenario ID
	Title    text.Text // scenario title
	Summary  text.Text
	Start    time.Time // when tick 0 happened
	// Times, when set, gives each tick's wall-clock time with the drill's
	// pauses counted (from the journal); without it a timestamp is Start
	// plus drill time, early by any pause before it.
	Times   *walltime.Timeline
	TickHz  int
	EndTick uint64
	// HomePage is the system the pseudonymous accounts live on (an IRL:
	// the school's drill server, say); ActivityBase prefixes activity IDs.
	HomePage     string
	ActivityBase string
	Class        string // the class's name, for the team Group
	Mastery      int    // a score ≥ Mastery passes (0–100)
	Participants []Participant
}

// Participant is one pupil's part in the drill.
type Participant struct {
	Slot      int32
	Joined    uint64 // tick
	Score     int    // 0–100
	Outcome   string
	Decisions []Decision
}

// Decision is a choice a participant made.
type Decision struct {
	Tick   uint64
	Kind   string    // "answer" or "action"
	Ref    string    // prompt ID or action name
	Choice string    // the option chosen or the action's target
	OK     bool      // right answer / the action had an effect
	Name   text.Text // the decision point's name (the question)
}

var verbDisplay = map[string]LangMap{
	VerbAttempted: {"en-US": "attempted", "zh-CN": "尝试"},
	VerbResponded: {"en-US": "responded", "zh-CN": "作答"},
	VerbCompleted: {"en-US": "completed", "zh-CN": "完成"},
	VerbPassed:    {"en-US": "passed", "zh-CN": "通过"},
	VerbFailed:    {"en-US": "failed", "zh-CN": "未通过"},
}

// namespace is this package's UUID namespace for registrations (a UUID v5
// of the project's name in the URL namespace).
var namespace = NewSHA1(NamespaceURL, "https://github.com/rescuedrill/rescuedrill/xapi")

// Registration is the drill run's registration UUID.
func (d *Drill) Registration() UUID { return NewSHA1(namespace, "drill:"+d.Key) }

// Pseudonym is the account name of a participant: stable for the drill,
// meaningless outside it.
func (d *Drill) Pseudonym(slot int32) string {
	return "pupil-" + NewSHA1(d.Registration(), fmt.Sprintf("participant:%d", slot)).String()
}

func (d *Drill) at(tick uint64) string {
	if d.Times == nil {
		d.Times = walltime.FromStart(d.Start, d.TickHz)
	}
	return d.Times.At(tick).UTC().Format("2006-01-02T15:04:05.000Z")
}

// Duration writes seconds as an ISO 8601 duration (PT4M12.5S), to 0.01 s
// as the spec asks an LRS to keep.
func Duration(secs float64) string {
	if secs < 0 {
		secs = 0
	}
	cs := int64(math.Round(secs * 100))
	h, cs := cs/360000, cs%360000
	m, cs := cs/6000, cs%6000
	s := fmt.Sprintf("%d.%02d", cs/100, cs%100)
	s = strings.TrimSuffix(strings.TrimSuffix(s, "0"), "0")
	s = strings.TrimSuffix(s, ".")
	var b strings.Builder
	b.WriteString("PT")
	if h > 0 {
		fmt.Fprintf(&b, "%dH", h)
	}
	if m > 0 {
		fmt.Fprintf(&b, "%dM", m)
	}
	if s != "0" || (h == 0 && m == 0) {
		b.WriteString(s + "S")
	}
	return b.String()
}

func ptr[T any](v T) *T { return &v }

// Build makes every statement of a drill, participant by participant, in
// time order within each.
func Build(d *Drill) []Statement {
	reg := d.Registration().String()
	base := strings.TrimSuffix(d.ActivityBase, "/")
	scenario := Object{ObjectType: "Activity", ID: base + "/scenarios/" + d.Scenario,
		Definition: &Definition{Name: langMap(d.Title), Description: langMap(d.Summary), Type: TypeSimulation}}
	class := d.Class
	if class == "" {
		class = "drill " + d.Key
	}
	team := &Actor{ObjectType: "Group", Name: class,
		Account: &Account{HomePage: d.HomePage, Name: "class-" + NewSHA1(d.Registration(), "class").String()}}
	ctx := func(parent bool) *Context {
		c := &Context{Registration: reg, Team: team, Platform: "RescueDrill", Language: "zh-CN"}
		if parent {
			c.ContextActivities = &ContextActivities{Parent: []Object{{ObjectType: "Activity", ID: scenario.ID}}}
		}
		return c
	}
	var out []Statement
	for _, p := range d.Participants {
		actor := Actor{ObjectType: "Agent", Account: &Account{HomePage: d.HomePage, Name: d.Pseudonym(p.Slot)}}
		seq := 0
		add := func(verb string, obj Object, res *Result, c *Context, tick uint64) {
			id := NewSHA1(d.Registration(), fmt.Sprintf("statement:%d:%d:%s", p.Slot, seq, verb))
			seq++
			out = append(out, Statement{ID: id.String(), Actor: actor, Verb: Verb{ID: verb, Display: verbDisplay[verb]},
				Object: obj, Result: res, Context: c, Timestamp: d.at(tick)})
		}
		add(VerbAttempted, scenario, nil, ctx(false), p.Joined)
		for _, dec := range p.Decisions {
			obj := Object{ObjectType: "Activity", ID: scenario.ID + "/" + dec.Kind + "/" + dec.Ref,
				Definition: &Definition{Name: langMap(dec.Name), Type: TypeInteraction, InteractionType: "other"}}
			if dec.Kind == "answer" {
				obj.Definition.InteractionType = "choice"
			}
			add(VerbResponded, obj, &Result{Response: dec.Choice, Success: ptr(dec.OK)}, ctx(true), dec.Tick)
		}
		// The attempt's duration is drill time, joining to the end: ticks, so
		// a facilitator's pauses are not in it (docs/reports.md).
		dur := Duration(float64(d.EndTick-min(p.Joined, d.EndTick)) / float64(d.TickHz))
		score := &Score{Scaled: ptr(float64(p.Score) / 100), Raw: ptr(float64(p.Score)), Min: ptr(0.0), Max: ptr(100.0)}
		add(VerbCompleted, scenario, &Result{Score: score, Completion: ptr(true), Duration: dur, Response: p.Outcome}, ctx(false), d.EndTick)
		verb := VerbFailed
		if p.Score >= d.Mastery {
			verb = VerbPassed
		}
		add(verb, scenario, &Result{Score: score, Success: ptr(verb == VerbPassed), Completion: ptr(true), Duration: dur}, ctx(false), d.EndTick)
	}
	return out
}
