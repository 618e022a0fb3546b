package wire

// ClassSummary is the class's result without names (docs/protocol.md
// §4.13): sent right before Results to a participant whose Hello set flags
// bit 6, so a pupil's screen can say "your score vs the class average"
// without receiving everyone's names and scores (before it existed the
// desktop client opened a second, spectator connection for that).
type ClassSummary struct {
	// N is how many participants the summary covers: the people when
	// people played, else (Bots) the bots.
	N    uint32
	Bots bool
	// AvgTenths is the mean score in tenths of a point, rounded half away
	// from zero (725 = 72.5); 0 when N is 0.
	AvgTenths int64
	Max       uint64 // the best possible score (100)
	// Outcomes counts each outcome (engine outcome keys: "safe" is how many
	// reached safety), most frequent first, ties by key; at most
	// MaxClassOutcomes, their counts summing to at most N.
	Outcomes []OutcomeCount
}

// OutcomeCount is how many of the class ended with Outcome.
type OutcomeCount struct {
	Outcome string // ≤ MaxID
	Count   uint32 // 1 … MaxSlots
}

// MaxClassOutcomes bounds ClassSummary.Outcomes (the engine has 7 outcomes).
const MaxClassOutcomes = 16

func (*ClassSummary) Type() Type { return TypeClassSummary }

func (m *ClassSummary) appendPayload(b []byte) []byte {
	b = putUvarint(b, uint64(m.N))
	b = putBool(b, m.Bots)
	b = putSvarint(b, m.AvgTenths)
	b = putUvarint(b, m.Max)
	b = putUvarint(b, uint64(len(m.Outcomes)))
	for _, o := range m.Outcomes {
		b = putString(b, o.Outcome)
		b = putUvarint(b, uint64(o.Count))
	}
	return b
}

func (m *ClassSummary) decode(r *reader) {
	n := r.uvarint("class.n")
	if r.err == nil && n > MaxSlots {
		r.fail(CodeLimit, "class.n: %d > limit %d", n, MaxSlots)
		return
	}
	m.N = uint32(n)
	m.Bots = r.boolean("class.bots")
	m.AvgTenths = r.svarint("class.avg")
	m.Max = r.uvarint("class.max")
	k := r.count("class.outcomes", MaxClassOutcomes, 2)
	if k == 0 {
		return
	}
	m.Outcomes = make([]OutcomeCount, k)
	sum := uint64(0)
	for i := range m.Outcomes {
		o := &m.Outcomes[i]
		o.Outcome = r.str("class.outcome", MaxID)
		c := r.uv("class.count", MaxSlots)
		if r.err == nil && c == 0 {
			r.fail(CodeBadValue, "class.count 0")
		}
		o.Count, sum = uint32(c), sum+c
	}
	if r.err == nil && sum > n {
		r.fail(CodeBadValue, "class outcome counts sum to %d > n %d", sum, n)
	}
}
