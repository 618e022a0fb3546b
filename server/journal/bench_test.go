package journal

import (
	"fmt"
	"sync"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine"
)

// BenchmarkAppendSync measures journal throughput on the test's temporary
// directory: b.N inputs of a typical size (a move; an answer), with one
// Sync (write + fsync) every N inputs. inputs/s is what a server can make
// durable; syncs/s is the disk's fsync rate at that batch size.
func BenchmarkAppendSync(b *testing.B) {
	for _, every := range []int{1, 10, 40, 100, 1000} {
		b.Run(fmt.Sprintf("every=%d", every), func(b *testing.B) {
			j, err := Create(b.TempDir(), "bench", testHeader())
			if err != nil {
				b.Fatal(err)
			}
			defer j.Close()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := j.Append(benchInput(i)); err != nil {
					b.Fatal(err)
				}
				if (i+1)%every == 0 {
					if err := j.Sync(); err != nil {
						b.Fatal(err)
					}
				}
			}
			if err := j.Sync(); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			st := j.Stats()
			sec := b.Elapsed().Seconds()
			b.ReportMetric(float64(b.N)/sec, "inputs/s")
			b.ReportMetric(float64(st.Syncs)/sec, "syncs/s")
			b.ReportMetric(float64(st.Bytes)/float64(b.N), "B/input")
		})
	}
}

// BenchmarkConcurrentSync: G goroutines each append one input and Sync
// before "acknowledging", as G participants of one drill sending choices
// at once. Concurrent Syncs share fsyncs; inputs/sync says how well.
func BenchmarkConcurrentSync(b *testing.B) {
	for _, g := range []int{1, 8, 40} {
		b.Run(fmt.Sprintf("writers=%d", g), func(b *testing.B) {
			j, err := Create(b.TempDir(), "bench", testHeader())
			if err != nil {
				b.Fatal(err)
			}
			defer j.Close()
			var wg sync.WaitGroup
			var mu sync.Mutex // one tick for all: keeps ticks in order
			b.ResetTimer()
			for w := 0; w < g; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := w; i < b.N; i += g {
						mu.Lock()
						err := j.Append(benchInput(0))
						mu.Unlock()
						if err == nil {
							err = j.Sync()
						}
						if err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			st := j.Stats()
			sec := b.Elapsed().Seconds()
			b.ReportMetric(float64(b.N)/sec, "inputs/s")
			b.ReportMetric(float64(st.Syncs)/sec, "syncs/s")
			b.ReportMetric(float64(st.Inputs)/float64(max(st.Syncs, 1)), "inputs/sync")
		})
	}
}

func benchInput(i int) engine.Input {
	if i%10 == 9 {
		return engine.Input{Tick: uint64(i / 40), Participant: int32(i % 40), Kind: engine.InputAnswer, Action: "prompt-shade", Target: "go-to-shade"}
	}
	return engine.Input{Tick: uint64(i / 40), Participant: int32(i % 40), Kind: engine.InputMove, MoveX: int16(i%2001 - 1000), MoveY: 707, Run: i%3 == 0}
}

// BenchmarkAppend is the cost of Append alone (no Sync; the buffer is
// written out without fsync whenever it passes flushAt).
func BenchmarkAppend(b *testing.B) {
	j, err := Create(b.TempDir(), "bench", testHeader())
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := j.Append(benchInput(i)); err != nil {
			b.Fatal(err)
		}
	}
}
