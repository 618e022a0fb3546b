package server

import (
	"reflect"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

func oc(o string, n uint32) wire.OutcomeCount { return wire.OutcomeCount{Outcome: o, Count: n} }

func TestClassSummaryRule(t *testing.T) {
	t.Parallel()
	p := func(score int, outcome string) engine.Result { return engine.Result{Score: score, Outcome: outcome} }
	b := func(score int, outcome string) engine.Result {
		return engine.Result{Score: score, Outcome: outcome, Policy: "good"}
	}
	for _, c := range []struct {
		name string
		res  []engine.Result
		want *wire.ClassSummary
	}{
		{"people only, bots left out", []engine.Result{p(80, "safe"), b(100, "safe"), p(65, "unsafe")},
			&wire.ClassSummary{N: 2, AvgTenths: 725, Max: 100, Outcomes: []wire.OutcomeCount{oc("safe", 1), oc("unsafe", 1)}}},
		{"only bots", []engine.Result{b(10, "swept"), b(11, "swept"), b(90, "safe")},
			&wire.ClassSummary{N: 3, Bots: true, AvgTenths: 370, Max: 100, Outcomes: []wire.OutcomeCount{oc("swept", 2), oc("safe", 1)}}},
		{"rounds half away from zero", []engine.Result{p(0, "a"), p(0, "a"), p(0, "a"), p(1, "a")}, // 0.25 → 0.3
			&wire.ClassSummary{N: 4, AvgTenths: 3, Max: 100, Outcomes: []wire.OutcomeCount{oc("a", 4)}}},
		{"negative", []engine.Result{p(-1, "a"), p(0, "a"), p(0, "a"), p(0, "a")}, // −0.25 → −0.3
			&wire.ClassSummary{N: 4, AvgTenths: -3, Max: 100, Outcomes: []wire.OutcomeCount{oc("a", 4)}}},
		{"rounds down below the half", []engine.Result{p(1, "b"), p(0, "a"), p(0, "c")}, // 0.333 → 0.3
			&wire.ClassSummary{N: 3, AvgTenths: 3, Max: 100, Outcomes: []wire.OutcomeCount{oc("a", 1), oc("b", 1), oc("c", 1)}}},
		{"nobody", nil, &wire.ClassSummary{Max: 100}},
	} {
		if got := classSummary(c.res); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
}
