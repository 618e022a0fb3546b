package report

import (
	"io"
	"testing"
)

// BenchmarkRender is the HTML of a 40-participant report from collected
// data (the re-simulation is the engine's cost, measured by its own
// benchmarks).
func BenchmarkRender(b *testing.B) {
	d, err := record("landslide", "good:20,naive:20", 7)
	if err != nil {
		b.Fatal(err)
	}
	data, err := Collect(d.setup, d.log, Options{})
	if err != nil {
		b.Fatal(err)
	}
	var w countWriter
	b.ResetTimer()
	for b.Loop() {
		if err := Render(&w, data, LangBoth); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(w.n)/float64(b.N), "bytes/report")
}

type countWriter struct{ n int }

func (c *countWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
