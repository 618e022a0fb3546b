package xapi

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/engine/text"
)

func sampleDrill() *Drill {
	return &Drill{
		Key: "d-42", Scenario: "flood", Title: text.Text{ZH: "滨江洪水", EN: "Riverside flood"},
		Summary: text.Text{ZH: "涨水", EN: "The river rises"},
		Start:   time.Date(2026, 6, 3, 9, 30, 0, 0, time.FixedZone("CST", 8*3600)), TickHz: 20, EndTick: 18000,
		HomePage: "https://drills.school.example", ActivityBase: "https://drills.school.example/xapi/",
		Class: "Class 3-2", Mastery: 80,
		Participants: []Participant{
			{Slot: 0, Joined: 0, Score: 95, Outcome: "safe", Decisions: []Decision{
				{Tick: 2400, Kind: "answer", Ref: "q_where", Choice: "hill", OK: true, Name: text.Text{ZH: "去哪里？", EN: "Where to?"}},
				{Tick: 2500, Kind: "action", Ref: "switch_off_power", Choice: "switch", OK: true},
			}},
			{Slot: 1, Joined: 40, Score: 35, Outcome: "swept", Decisions: []Decision{
				{Tick: 2410, Kind: "answer", Ref: "q_where", Choice: "basement", OK: false, Name: text.Text{ZH: "去哪里？", EN: "Where to?"}},
			}},
			{Slot: 2, Joined: 100, Score: 80, Outcome: "safe"},
		},
	}
}

func TestUUIDv5(t *testing.T) {
	t.Parallel()
	// Vectors from Python's uuid.uuid5(uuid.NAMESPACE_URL, name).
	for _, tc := range []struct{ name, want string }{
		{"https://github.com/rescuedrill/rescuedrill/xapi", "acd96b86-119d-5ec8-9e74-849fc36ec8d1"},
		{"http://example.com/a", "10379530-47d8-5772-a25e-18508c035bc8"},
	} {
		if got := NewSHA1(NamespaceURL, tc.name).String(); got != tc.want {
			t.Errorf("uuid5(url, %q) = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestDuration(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		secs float64
		want string
	}{
		{0, "PT0S"}, {12.5, "PT12.5S"}, {60, "PT1M"}, {252.5, "PT4M12.5S"}, {3600, "PT1H"},
		{3725.25, "PT1H2M5.25S"}, {900, "PT15M"}, {0.004, "PT0S"}, {-3, "PT0S"},
	} {
		if got := Duration(tc.secs); got != tc.want {
			t.Errorf("Duration(%v) = %s, want %s", tc.secs, got, tc.want)
		}
		if !durationRE.MatchString(Duration(tc.secs)) {
			t.Errorf("Duration(%v) fails the validator's pattern", tc.secs)
		}
	}
}

// TestStatementsValidate builds a drill's statements and checks each against
// the validator, and the shape the issue asks for.
func TestStatementsValidate(t *testing.T) {
	t.Parallel()
	d := sampleDrill()
	sts := Build(d)
	want := 0
	for _, p := range d.Participants {
		want += 3 + len(p.Decisions)
	}
	if len(sts) != want {
		t.Fatalf("%d statements, want %d", len(sts), want)
	}
	ids := map[string]bool{}
	reg := d.Registration().String()
	verbs := map[string]map[string]int{}
	for i, s := range sts {
		if err := ValidateStatement(s); err != nil {
			t.Errorf("statement %d (%s): %v", i, s.Verb.ID, err)
		}
		if ids[s.ID] {
			t.Errorf("duplicate id %s", s.ID)
		}
		ids[s.ID] = true
		if s.Context == nil || s.Context.Registration != reg || s.Context.Team == nil || s.Context.Team.ObjectType != "Group" {
			t.Errorf("statement %d: context %+v", i, s.Context)
		}
		b, _ := json.Marshal(s)
		for _, leak := range []string{"mbox", "Class 3-2\",\"mbox"} {
			if strings.Contains(string(b), leak) {
				t.Errorf("statement %d carries %q", i, leak)
			}
		}
		who := s.Actor.Account.Name
		if verbs[who] == nil {
			verbs[who] = map[string]int{}
		}
		verbs[who][s.Verb.ID]++
		if s.Verb.ID == VerbPassed || s.Verb.ID == VerbFailed {
			sc := *s.Result.Score.Scaled
			if sc < 0 || sc > 1 || s.Result.Duration == "" {
				t.Errorf("statement %d: result %+v", i, s.Result)
			}
		}
	}
	if len(verbs) != len(d.Participants) {
		t.Fatalf("%d actors for %d participants", len(verbs), len(d.Participants))
	}
	for _, p := range d.Participants {
		v := verbs[d.Pseudonym(p.Slot)]
		pass := VerbFailed
		if p.Score >= d.Mastery {
			pass = VerbPassed
		}
		if v[VerbAttempted] != 1 || v[VerbCompleted] != 1 || v[pass] != 1 || v[VerbResponded] != len(p.Decisions) {
			t.Errorf("slot %d: verbs %v", p.Slot, v)
		}
	}
	// Deterministic: the same drill gives the same statements; another
	// drill gives other IDs.
	if again := Build(sampleDrill()); !reflect.DeepEqual(again, sts) {
		t.Error("Build is not deterministic")
	}
	other := sampleDrill()
	other.Key = "d-43"
	if o := Build(other); o[0].ID == sts[0].ID || o[0].Context.Registration == reg {
		t.Error("two drills share IDs")
	}
}

// TestValidatorCatches breaks a good statement one rule at a time: each
// must be caught.
func TestValidatorCatches(t *testing.T) {
	t.Parallel()
	good := Build(sampleDrill())
	b, _ := json.Marshal(good[len(good)-1]) // passed/failed: has a score
	if err := Validate(b); err != nil {
		t.Fatalf("the base statement fails: %v", err)
	}
	get := func(m map[string]any, path ...string) map[string]any {
		for _, p := range path {
			m = m[p].(map[string]any)
		}
		return m
	}
	for _, tc := range []struct {
		name   string
		break_ func(m map[string]any)
		want   string
	}{
		{"two IFIs", func(m map[string]any) { get(m, "actor")["mbox"] = "mailto:a@b.example" }, "exactly one"},
		{"no IFI", func(m map[string]any) { delete(get(m, "actor"), "account") }, "exactly one"},
		{"mbox not mailto", func(m map[string]any) {
			delete(get(m, "actor"), "account")
			get(m, "actor")["mbox"] = "a@b.example"
		}, "mailto"},
		{"homePage not IRL", func(m map[string]any) { get(m, "actor", "account")["homePage"] = "school" }, "IRL"},
		{"account without name", func(m map[string]any) { delete(get(m, "actor", "account"), "name") }, "name"},
		{"verb id not IRI", func(m map[string]any) { get(m, "verb")["id"] = "passed" }, "IRI"},
		{"no verb", func(m map[string]any) { delete(m, "verb") }, "required"},
		{"object without id", func(m map[string]any) { delete(get(m, "object"), "id") }, "required"},
		{"object id not IRI", func(m map[string]any) { get(m, "object")["id"] = "flood scenario" }, "IRI"},
		{"scaled above 1", func(m map[string]any) { get(m, "result", "score")["scaled"] = 1.5 }, "[-1, 1]"},
		{"scaled below -1", func(m map[string]any) { get(m, "result", "score")["scaled"] = -1.01 }, "[-1, 1]"},
		{"raw above max", func(m map[string]any) { get(m, "result", "score")["raw"] = 101.0 }, "outside"},
		{"min not below max", func(m map[string]any) { get(m, "result", "score")["min"] = 100.0 }, "below"},
		{"bad duration", func(m map[string]any) { get(m, "result")["duration"] = "15 minutes" }, "duration"},
		{"empty duration", func(m map[string]any) { get(m, "result")["duration"] = "PT" }, "duration"},
		{"success not bool", func(m map[string]any) { get(m, "result")["success"] = "yes" }, "true or false"},
		{"bad id", func(m map[string]any) { m["id"] = "42" }, "UUID"},
		{"bad registration", func(m map[string]any) { get(m, "context")["registration"] = "drill-42" }, "UUID"},
		{"team not a Group", func(m map[string]any) { get(m, "context", "team")["objectType"] = "Agent" }, "Group"},
		{"timestamp without zone", func(m map[string]any) { m["timestamp"] = "2026-06-03T09:30:00" }, "time zone"},
		{"timestamp not a date", func(m map[string]any) { m["timestamp"] = "yesterday" }, "date-time"},
		{"unknown property", func(m map[string]any) { m["score"] = 95 }, "not defined"},
		{"bad language tag", func(m map[string]any) { get(m, "verb", "display")["chinese simplified"] = "通过" }, "language tag"},
		{"version 2", func(m map[string]any) { m["version"] = "2.0.0" }, "1.0.x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m map[string]any
			json.Unmarshal(b, &m)
			tc.break_(m)
			raw, _ := json.Marshal(m)
			err := Validate(raw)
			if err == nil {
				t.Fatalf("not caught: %s", raw)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}
