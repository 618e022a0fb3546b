package headless

import (
	"testing"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/scenarios"
)

func setup(t testing.TB, name string) engine.Setup {
	t.Helper()
	l, err := scenarios.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	return engine.Setup{Scenario: l.Scenario, Map: l.Map}
}

// BenchmarkDrill runs each built-in scenario end to end with 40 bots and
// reports how many times faster than real time it runs.
func BenchmarkDrill(b *testing.B) {
	for _, name := range scenarios.Builtins() {
		b.Run(name, func(b *testing.B) {
			s := setup(b, name)
			for i := 0; i < b.N; i++ {
				out, err := Run(s, name, Options{Seed: 1, Bots: []BotSpec{{"good", 20}, {"naive", 20}}})
				if err != nil {
					b.Fatal(err)
				}
				if i == 0 {
					b.ReportMetric(float64(s.Scenario.Duration), "drill-s")
				}
				_ = out
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(s.Scenario.Duration)/sec, "x-realtime")
		})
	}
}
