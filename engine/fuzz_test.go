package engine_test

import (
	"encoding/binary"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine"
)

// FuzzStepInputs feeds the world arbitrary inputs — any kind, slot, tick,
// range, string — for a few ticks. Whatever a hostile or broken client
// sends, the world must not panic, must count what it refuses, and two
// worlds fed the same bytes must agree on the hash.
func FuzzStepInputs(f *testing.F) {
	f.Add([]byte{1, 0, 0, 0, 0, 0, 3, 0, 232, 3, 0, 0, 0})
	f.Add([]byte{5, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9})
	f.Add([]byte{})
	s := smallFlood(f)
	strs := []string{"", "q1", "up", "down", "help", "call_120", "switch_off_power", "rainstorm", "red", "high_temp", "blue", "shelter", "x\x00y"}
	f.Fuzz(func(t *testing.T, data []byte) {
		play := func() *engine.World {
			w, err := engine.NewWorld(s, 1)
			if err != nil {
				t.Fatal(err)
			}
			b := data
			for tick := 0; tick < 40; tick++ {
				var in []engine.Input
				for len(b) >= 13 && len(in) < 8 {
					x := engine.Input{
						Tick:        w.Tick() + uint64(b[0]%3), // this tick, or one or two ahead (dropped)
						Participant: int32(int8(b[1])) % 70,
						Kind:        engine.InputKind(b[2] % 12),
						MoveX:       int16(binary.LittleEndian.Uint16(b[3:])),
						MoveY:       int16(binary.LittleEndian.Uint16(b[5:])),
						Run:         b[7]&1 == 1,
						Heading:     int32(binary.LittleEndian.Uint16(b[8:])) - 1000,
						Action:      strs[int(b[10])%len(strs)],
						Target:      strs[int(b[11])%len(strs)],
						Policy:      strs[int(b[12])%len(strs)],
					}
					if b[0]%3 == 0 {
						x.Tick = w.Tick() // most inputs are for this tick
					}
					in = append(in, x)
					b = b[13:]
				}
				w.Step(in)
			}
			return w
		}
		a, c := play(), play()
		if a.Hash() != c.Hash() {
			t.Fatal("same inputs, different hashes")
		}
		for _, r := range a.Results() {
			if r.Score < 0 || r.Score > 100 {
				t.Fatalf("score %d out of 0..100", r.Score)
			}
		}
	})
}
