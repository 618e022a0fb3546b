package replay

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/rescuedrill/rescuedrill/engine"
)

// Writer appends records to a log. Each record goes out in a single Write
// call, so a crash tears at most the record being written, and the reader
// can cut the file back to the last whole one.
//
// The Writer neither buffers nor syncs: wrap the destination in a
// bufio.Writer for a file written at the end of a drill, or call Sync on
// the file after the records that must survive a crash.
type Writer struct {
	w   io.Writer
	ord order
	pay []byte // payload scratch
	rec []byte // framed record scratch
	// err is the first write error. It sticks: after a short write the
	// stream ends in a torn record, and anything appended behind it would
	// be unreadable, so the Writer refuses to go on.
	err error
}

// NewWriter writes the magic, the version and the header record to w.
func NewWriter(w io.Writer, h Header) (*Writer, error) {
	if err := h.validate(); err != nil {
		return nil, err
	}
	wr := &Writer{w: w}
	wr.pay = appendHeader(wr.pay[:0], &h)
	start := binary.AppendUvarint([]byte(Magic), Version)
	if err := wr.write(start, kindHeader); err != nil {
		return nil, err
	}
	return wr, nil
}

// ResumeWriter returns a Writer that appends to an existing log whose
// records are l, as Decode returned them after a crash (with the file
// truncated to the RecordError's Offset when there was a torn tail). It
// writes nothing itself.
func ResumeWriter(w io.Writer, l *Log) (*Writer, error) {
	wr := &Writer{w: w}
	if err := replayOrder(&wr.ord, l); err != nil {
		return nil, err
	}
	if wr.ord.ended {
		return nil, fmt.Errorf("%w: the log has ended; nothing can be appended", ErrBadRecord)
	}
	return wr, nil
}

// replayOrder runs l's records through o in the order Encode writes them,
// so a hand-built Log gets the same checks as a stream of Writer calls.
func replayOrder(o *order, l *Log) error {
	i := 0
	check := func(reason string) error {
		if reason != "" {
			return fmt.Errorf("%w: %s", ErrBadRecord, reason)
		}
		return nil
	}
	for _, c := range l.Checkpoints {
		for ; i < len(l.Inputs) && l.Inputs[i].Tick <= c.Tick; i++ {
			if err := check(o.input(l.Inputs[i].Tick)); err != nil {
				return err
			}
		}
		if err := check(o.checkpoint(c.Tick)); err != nil {
			return err
		}
	}
	for ; i < len(l.Inputs); i++ {
		if err := check(o.input(l.Inputs[i].Tick)); err != nil {
			return err
		}
	}
	if l.End != nil {
		return check(o.end(l.End.Tick))
	}
	return nil
}

// Input appends one input. Inputs must come in non-decreasing tick order,
// after the checkpoint of the tick before theirs.
//
// An input whose strings exceed engine.MaxIDLen or engine.MaxNameLen cannot
// be logged. The world would drop and count it, and a replay without it
// would diverge; so such inputs must be refused before they reach the
// world. Every other field is logged as is, valid or not, because the
// world's handling of invalid inputs is part of the state a replay must
// reproduce.
func (w *Writer) Input(in engine.Input) error {
	if err := inputStringsOK(&in); err != nil {
		return err
	}
	w.pay = appendInput(w.pay[:0], &in)
	return w.record(kindInput, (*order).input, in.Tick)
}

// Checkpoint appends the world's state hash once it has applied every input
// of tick. Checkpoint ticks must increase.
func (w *Writer) Checkpoint(tick, hash uint64) error {
	w.pay = appendTickHash(w.pay[:0], tick, hash)
	return w.record(kindCheckpoint, (*order).checkpoint, tick)
}

// End appends the final tick and state hash. Nothing may follow it.
func (w *Writer) End(tick, hash uint64) error {
	w.pay = appendTickHash(w.pay[:0], tick, hash)
	return w.record(kindEnd, (*order).end, tick)
}

// record writes the payload already in w.pay as a record of kind, if the
// order rules allow a record of that kind at tick.
func (w *Writer) record(kind byte, check func(*order, uint64) string, tick uint64) error {
	if w.err != nil {
		return w.err
	}
	// Check the order on a copy: a refused record must not advance it.
	o := w.ord
	if reason := check(&o, tick); reason != "" {
		return fmt.Errorf("%w: %s", ErrBadRecord, reason)
	}
	if err := w.write(nil, kind); err != nil {
		return err
	}
	w.ord = o
	return nil
}

// write frames w.pay as a record of kind, behind prefix, in one Write.
func (w *Writer) write(prefix []byte, kind byte) error {
	b := append(w.rec[:0], prefix...)
	start := len(b)
	b = append(b, kind)
	b = binary.AppendUvarint(b, uint64(len(w.pay)))
	b = append(b, w.pay...)
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(b[start:], castagnoli))
	w.rec = b
	n, err := w.w.Write(b)
	if err == nil && n != len(b) {
		err = io.ErrShortWrite
	}
	if err != nil {
		w.err = fmt.Errorf("replay: write: %w", err)
		return w.err
	}
	return nil
}

func inputStringsOK(in *engine.Input) error {
	switch {
	case len(in.Action) > engine.MaxIDLen:
		return fmt.Errorf("%w: input action is %d bytes, limit %d", ErrBadRecord, len(in.Action), engine.MaxIDLen)
	case len(in.Target) > engine.MaxNameLen:
		return fmt.Errorf("%w: input target is %d bytes, limit %d", ErrBadRecord, len(in.Target), engine.MaxNameLen)
	case len(in.Policy) > engine.MaxIDLen:
		return fmt.Errorf("%w: input policy is %d bytes, limit %d", ErrBadRecord, len(in.Policy), engine.MaxIDLen)
	}
	return nil
}

func appendHeader(b []byte, h *Header) []byte {
	b = appendString(b, h.Scenario)
	b = binary.AppendUvarint(b, uint64(len(h.Source)))
	b = append(b, h.Source...)
	b = binary.LittleEndian.AppendUint64(b, h.Seed)
	b = binary.AppendUvarint(b, uint64(h.TickHz))
	return appendString(b, h.EngineVersion)
}

// appendInput writes every field whatever the kind, so an input survives
// the log exactly as it entered the world. Ticks are absolute, not deltas:
// each record can be read on its own, and a resumed journal needs no state
// to go on. Participant and Heading go through uint32 so that out-of-range
// negative values, which the world rejects, are still carried exactly.
func appendInput(b []byte, in *engine.Input) []byte {
	b = binary.AppendUvarint(b, in.Tick)
	b = binary.AppendUvarint(b, uint64(uint32(in.Participant)))
	b = append(b, byte(in.Kind))
	b = appendZigzag(b, int64(in.MoveX))
	b = appendZigzag(b, int64(in.MoveY))
	run := byte(0)
	if in.Run {
		run = 1
	}
	b = append(b, run)
	b = binary.AppendUvarint(b, uint64(uint32(in.Heading)))
	b = appendString(b, in.Action)
	b = appendString(b, in.Target)
	return appendString(b, in.Policy)
}

func appendTickHash(b []byte, tick, hash uint64) []byte {
	b = binary.AppendUvarint(b, tick)
	return binary.LittleEndian.AppendUint64(b, hash)
}

// Encode writes l as a complete file: header, then inputs and checkpoints
// merged by tick (each checkpoint after the inputs of its tick), then End
// if the log has one. Inputs must be sorted by tick; a log that breaks the
// order rules is refused with an error wrapping ErrBadRecord.
func Encode(w io.Writer, l *Log) error {
	if l == nil {
		return errors.New("replay: nil log")
	}
	// Check the whole log before writing a byte, so a refused log leaves
	// nothing half written.
	var o order
	if err := replayOrder(&o, l); err != nil {
		return err
	}
	for i := range l.Inputs {
		if err := inputStringsOK(&l.Inputs[i]); err != nil {
			return err
		}
	}
	wr, err := NewWriter(w, l.Header)
	if err != nil {
		return err
	}
	i := 0
	for _, c := range l.Checkpoints {
		for ; i < len(l.Inputs) && l.Inputs[i].Tick <= c.Tick; i++ {
			if err := wr.Input(l.Inputs[i]); err != nil {
				return err
			}
		}
		if err := wr.Checkpoint(c.Tick, c.Hash); err != nil {
			return err
		}
	}
	for ; i < len(l.Inputs); i++ {
		if err := wr.Input(l.Inputs[i]); err != nil {
			return err
		}
	}
	if l.End != nil {
		return wr.End(l.End.Tick, l.End.Hash)
	}
	return nil
}
