package server

import (
	"sync"

	"github.com/rescuedrill/rescuedrill/server/wire"
)

// choiceLedger remembers every participant's choices by sequence number
// for the life of a drill (bounded), so resends are answered, not re-applied.
type choiceLedger struct {
	mu sync.Mutex
	m  map[choiceKey]*choiceRec
}

type choiceKey struct {
	slot int32
	seq  uint64
}

type choiceRec struct {
	done chan struct{}
	ack  wire.ChoiceAck
}

// maxLedger bounds the ledger: 64 participants × 1 000 choices each is far
// beyond any drill; past it new choices are still applied, just not deduplicated.
const maxLedger = 64_000

// begin returns the record for a choice and whether it is new.
func (l *choiceLedger) begin(slot int32, seq uint64) (*choiceRec, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[choiceKey]*choiceRec{}
	}
	k := choiceKey{slot, seq}
	if r, ok := l.m[k]; ok {
		return r, false
	}
	r := &choiceRec{done: make(chan struct{})}
	if len(l.m) < maxLedger {
		l.m[k] = r
	}
	return r, true
}

// finish records the answer and wakes anyone waiting on a resend.
func (l *choiceLedger) finish(r *choiceRec, ack wire.ChoiceAck) {
	l.mu.Lock()
	r.ack = ack
	l.mu.Unlock()
	close(r.done)
}
