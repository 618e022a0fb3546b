package drill

import (
	"encoding/binary"
	"errors"
	"sort"
	"sync"

	"github.com/rescuedrill/rescuedrill/engine"
)

// MaxInputLog bounds the bytes of a drill's in-memory input log (a move is
// about 10 bytes, so this holds millions of inputs: far beyond a one-hour
// class). Past it the log stops and mirror clients are refused.
const MaxInputLog = 64 << 20

// ErrLogFull means the input log went past MaxInputLog.
var ErrLogFull = errors.New("drill: input log over its bound; no mirror for this drill")

// inputLog keeps every input the world applied, compactly encoded, so a
// mirror client (docs/protocol.md §4.12) can catch up from tick 0 whenever
// it joins and never depends on frames it might have missed. The drill
// goroutine appends; sessions read concurrently.
type inputLog struct {
	mu       sync.RWMutex
	buf      []byte
	idx      []logTick // one per tick with inputs, increasing
	tick     uint64    // every input of every tick < tick is in the log
	hash     uint64    // state hash at hashTick (a checkpoint or the end), if hasHash
	hashTick uint64
	hasHash  bool
	full     bool
}

type logTick struct {
	tick uint64
	off  int
}

// add records the inputs applied at one step (all of tick, the world's
// tick before the step) and the world's tick after it.
func (l *inputLog) add(batch []engine.Input, after uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(batch) > 0 && !l.full {
		l.idx = append(l.idx, logTick{tick: batch[0].Tick, off: len(l.buf)})
		for i := range batch {
			l.buf = appendRecord(l.buf, &batch[i])
		}
		if len(l.buf) > MaxInputLog {
			l.full, l.buf, l.idx = true, nil, nil
		}
	}
	l.tick = after
}

func (l *inputLog) setHash(tick, hash uint64) {
	l.mu.Lock()
	l.hash, l.hashTick, l.hasHash = hash, tick, true
	l.mu.Unlock()
}

// Applied is what InputsSince returns.
type Applied struct {
	Inputs  []engine.Input // applied at ticks ≥ the tick asked for, in order
	Tick    uint64         // every input of every tick < Tick is included
	Hash    uint64         // the world's hash at Tick, when HasHash
	HasHash bool
}

// InputsSince returns the inputs the world applied at ticks ≥ from, up to
// the tick the world has reached. It is safe to call from any goroutine.
func (d *Drill) InputsSince(from uint64) (Applied, error) {
	l := &d.log
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.full {
		return Applied{}, ErrLogFull
	}
	a := Applied{Tick: l.tick}
	if l.hasHash && l.hashTick == l.tick {
		a.Hash, a.HasHash = l.hash, true
	}
	i := sort.Search(len(l.idx), func(i int) bool { return l.idx[i].tick >= from })
	if i == len(l.idx) {
		return a, nil
	}
	b := l.buf[l.idx[i].off:]
	for len(b) > 0 {
		var in engine.Input
		b = readRecord(b, &in)
		a.Inputs = append(a.Inputs, in)
	}
	return a, nil
}

func appendRecord(b []byte, in *engine.Input) []byte {
	b = binary.AppendUvarint(b, in.Tick)
	b = binary.AppendUvarint(b, uint64(uint32(in.Participant)))
	b = append(b, byte(in.Kind))
	b = binary.AppendVarint(b, int64(in.MoveX))
	b = binary.AppendVarint(b, int64(in.MoveY))
	run := byte(0)
	if in.Run {
		run = 1
	}
	b = append(b, run)
	b = binary.AppendUvarint(b, uint64(uint32(in.Heading)))
	for _, s := range [...]string{in.Action, in.Target, in.Policy} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// readRecord decodes what appendRecord wrote (the log is ours: no checks).
func readRecord(b []byte, in *engine.Input) []byte {
	u := func() uint64 { v, n := binary.Uvarint(b); b = b[n:]; return v }
	s := func() int64 { v, n := binary.Varint(b); b = b[n:]; return v }
	in.Tick = u()
	in.Participant = int32(uint32(u()))
	in.Kind = engine.InputKind(b[0])
	b = b[1:]
	in.MoveX, in.MoveY = int16(s()), int16(s())
	in.Run = b[0] == 1
	b = b[1:]
	in.Heading = int32(uint32(u()))
	str := func() string { n := int(u()); v := string(b[:n]); b = b[n:]; return v }
	in.Action = str()
	in.Target = str()
	in.Policy = str()
	return b
}
