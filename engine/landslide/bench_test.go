package landslide

import "testing"

// BenchmarkAdvance256 times one minute of hazard time on a 256×256 hillside
// (5 m cells, 32° above a terrace), one hydrology sub-step per Advance.
//
//	rain:    heavy rain on a slope still far from failure: water balance,
//	         FS and the cue scans that find nothing.
//	warning: the whole slope sits between FS 1.03 and 1.08, so every cue
//	         pass labels one 51 000-cell cluster.
func BenchmarkAdvance256(b *testing.B) {
	big := hill{nx: 256, ny: 256, foot: 200, pr: 40, pc: 120, patch: 16, dx: 5}
	for _, bc := range []struct {
		name string
		rain float64
		m0   float64
	}{
		{"rain", heavyRain, 0.25},
		{"warning", 0, 0.7},
	} {
		b.Run(bc.name, func(b *testing.B) {
			build := func() *Model {
				return big.model(b, bc.rain, DefaultParams(), func(_ []uint8, m0 []float64) {
					for i := range m0 {
						m0[i] = bc.m0
					}
				})
			}
			m := build()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if i%200 == 199 {
					// Start afresh before the rain could fail the slope.
					b.StopTimer()
					m = build()
					b.StartTimer()
				}
				if ev := m.Advance(60); len(m.slides) > 0 {
					b.Fatalf("the benchmark slope failed: %d events", len(ev))
				}
			}
		})
	}
}
