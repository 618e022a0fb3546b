package client

import (
	"context"
	"reflect"
	"testing"

	"github.com/rescuedrill/rescuedrill/server/wire"
)

// TestClassSummaryLive: two people and a bot play a drill to its end. The
// participant that asked (Options.ClassSummary) gets a ClassEvent right
// before its ResultsEvent, averaging the two people only (the bot left
// out) with their outcome counts — the facilitator's full results are the
// reference; the participant that did not ask gets none, and neither has
// a decode error. A spectator that asks gets the same summary.
func TestClassSummaryLive(t *testing.T) {
	s := startServer(t)
	e, fac := s.drill(t)
	ctx := ctx5(t)
	if _, _, err := e.Drill.Join(context.Background(), "Robo", "good"); err != nil {
		t.Fatal(err)
	}
	var frec, prec, qrec, srec recorder
	f := s.dial(t, Options{Role: wire.RoleFacilitator, JoinCode: e.Code, Name: "teacher", FacilitatorToken: fac, OnEvent: frec.on})
	p := s.dial(t, Options{JoinCode: e.Code, Name: "小红", Lang: "zh-CN", Datagrams: true, ClassSummary: true, OnEvent: prec.on})
	q := s.dial(t, Options{JoinCode: e.Code, Name: "Sam", Lang: "en", Datagrams: true, OnEvent: qrec.on})
	// a teacher's screen that asks gets the same summary beside everyone's results
	s.dial(t, Options{Role: wire.RoleSpectator, JoinCode: e.Code, Name: "screen", ClassSummary: true, OnEvent: srec.on})
	if ack, err := f.Start(ctx); err != nil || ack.Result != wire.Accepted {
		t.Fatalf("start: %+v %v", ack, err)
	}
	eventually(t, "three in the roster", func() bool { return len(p.Roster()) == 3 })
	p.SetIntent(1000, 0, true, 9000) // p runs off, q stays: different scores are likelier
	prec.wait(t, "running", func(e Event) bool { pe, ok := e.(PhaseEvent); return ok && pe.Phase == wire.PhaseRunning })
	if ack, err := f.End(ctx); err != nil || ack.Result != wire.Accepted {
		t.Fatalf("end: %+v %v", ack, err)
	}
	all := frec.wait(t, "results", func(e Event) bool { _, ok := e.(ResultsEvent); return ok }).(ResultsEvent).Results
	if len(all) != 3 {
		t.Fatalf("facilitator results: %+v", all)
	}
	// What the summary must say, from everyone's results: people only.
	sum, n, outcomes := int64(0), 0, map[string]int{}
	for _, r := range all {
		if r.Policy == "" {
			sum, n = sum+r.Score, n+1
			outcomes[r.Outcome]++
		}
	}
	prec.wait(t, "results", func(e Event) bool { _, ok := e.(ResultsEvent); return ok })
	evs := prec.all()
	var class *ClassEvent
	for i, ev := range evs {
		if c, ok := ev.(ClassEvent); ok {
			if class != nil {
				t.Fatal("two ClassEvents before the end's results")
			}
			class = &c
			if i+1 >= len(evs) {
				t.Fatal("ClassEvent is the last event")
			}
			if _, ok := evs[i+1].(ResultsEvent); !ok {
				t.Fatalf("after the ClassEvent came %T, want the ResultsEvent", evs[i+1])
			}
		}
	}
	if class == nil {
		t.Fatalf("no ClassEvent: %s", describe(evs))
	}
	if class.N != 2 || class.Bots || class.Max != 100 || class.AvgTenths != (20*sum+2)/4 || len(class.Outcomes) != len(outcomes) {
		t.Fatalf("class summary %+v; people's scores sum to %d, outcomes %v", class.ClassSummary, sum, outcomes)
	}
	for o, c := range outcomes {
		if class.Count(o) != c {
			t.Errorf("outcome %s: %d, want %d", o, class.Count(o), c)
		}
	}
	if want := float64(class.AvgTenths) / 10; class.Average() != want {
		t.Errorf("Average %v", class.Average())
	}
	sc := srec.wait(t, "class summary", func(e Event) bool { _, ok := e.(ClassEvent); return ok }).(ClassEvent)
	if !reflect.DeepEqual(sc.ClassSummary, class.ClassSummary) {
		t.Fatalf("spectator's summary %+v, participant's %+v", sc.ClassSummary, class.ClassSummary)
	}
	qrec.wait(t, "results", func(e Event) bool { _, ok := e.(ResultsEvent); return ok })
	if k := count[ClassEvent](&qrec); k != 0 {
		t.Fatalf("the participant that did not ask got %d ClassEvents", k)
	}
	if k := count[ClassEvent](&frec); k != 0 {
		t.Fatalf("the facilitator got %d ClassEvents", k)
	}
	// A rejoin after the end (a link that dropped as the drill ended)
	// gets what the end gave: the summary and its results again.
	prec.wait(t, "the end's disconnect", func(e Event) bool { _, ok := e.(DisconnectedEvent); return ok })
	if err := p.Reconnect(ctx5(t)); err != nil {
		t.Fatalf("rejoin after the end: %v", err)
	}
	if ph := p.Phase(); ph != wire.PhaseEnded {
		t.Fatalf("rejoined after the end in phase %v", ph)
	}
	eventually(t, "a second summary and results", func() bool { return count[ClassEvent](&prec) == 2 && count[ResultsEvent](&prec) == 2 })
	for _, c := range []*Client{p, q} {
		if st := c.Stats(); st.DecodeErrors != 0 {
			t.Fatalf("decode errors: %+v", st)
		}
	}
}
