package xapi

import "testing"

// BenchmarkBuildAndValidate: a class of 40, five decisions each.
func BenchmarkBuildAndValidate(b *testing.B) {
	d := sampleDrill()
	d.Participants = nil
	for i := int32(0); i < 40; i++ {
		p := Participant{Slot: i, Score: int(i) * 2}
		for k := 0; k < 5; k++ {
			p.Decisions = append(p.Decisions, Decision{Tick: uint64(100 * k), Kind: "answer", Ref: "q", Choice: "a"})
		}
		d.Participants = append(d.Participants, p)
	}
	for b.Loop() {
		for _, s := range Build(d) {
			if err := ValidateStatement(s); err != nil {
				b.Fatal(err)
			}
		}
	}
}
