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
	w       io.Writer
	version int // the file's format version: no Wall records in version 1
	ord     order
	pay     []byte // payload scratch
	rec     []byte // framed record scratch
	// err is the first write error. It sticks: after a short write the
	// stream ends in a torn record, and anything appended behind it would
	// be unreadable, so the Writer refuses to go on.
	err error
}

// NewWriter writes the magic, the version and the header record to w.
func NewWriter(w io.Writer, h Header) (*Writer, error) {
	return newWriter(w, h, Version)
}

func newWriter(w io.Writer, h Header, version int) (*Writer, error) {
	if err := h.validate(); err != nil {
		return nil, err
	}
	wr := &Writer{w: w, version: version}
	wr.pay = appendHeader(wr.pay[:0], &h)
	start := binary.AppendUvarint([]byte(Magic), uint64(version))
	if err := wr.write(start, kindHeader); err != nil {
		return nil, err
	}
	return wr, nil
}

// ResumeWriter returns a Writer that appends to an existing log whose
// records are l, as Decode returned them after a crash (with the file
// truncated to the RecordError's Offset when there was a torn tail). It
// writes nothing itself. It goes on in the log's format version, so a
// version 1 journal resumed by this build stays version 1 (and takes no
// Wall records).
func ResumeWriter(w io.Writer, l *Log) (*Writer, error) {
	wr := &Writer{w: w, version: l.version()}
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
	if len(l.Walls) > 0 && l.version() < 2 {
		return fmt.Errorf("%w: a version %d log cannot carry wall-clock records", ErrBadRecord, l.version())
	}
	return l.records(func(kind byte, i int) error {
		var reason string
		switch kind {
		case kindWall:
			if k := l.Walls[i].Kind; k < WallStart || k > WallEnd {
				reason = fmt.Sprintf("wall-clock record of unknown kind %d", k)
			} else {
				reason = o.wall(l.Walls[i].Tick)
			}
		case kindInput:
			reason = o.input(l.Inputs[i].Tick)
		case kindCheckpoint:
			reason = o.checkpoint(l.Checkpoints[i].Tick)
		case kindEnd:
			reason = o.end(l.End.Tick)
		}
		if reason != "" {
			return fmt.Errorf("%w: %s", ErrBadRecord, reason)
		}
		return nil
	})
}

// records calls fn for every record of l after the header in file order:
// by tick, and within a tick the Wall records (the world standing at that
// tick), then the inputs, then the checkpoint; End last. The order rules
// make this the only order a valid file can have.
func (l *Log) records(fn func(kind byte, i int) error) error {
	var w, in, c int
	for w < len(l.Walls) || in < len(l.Inputs) || c < len(l.Checkpoints) {
		kind, best := byte(0), uint64(0)
		if w < len(l.Walls) {
			kind, best = kindWall, l.Walls[w].Tick
		}
		if in < len(l.Inputs) && (kind == 0 || l.Inputs[in].Tick < best) {
			kind, best = kindInput, l.Inputs[in].Tick
		}
		if c < len(l.Checkpoints) && (kind == 0 || l.Checkpoints[c].Tick < best) {
			kind = kindCheckpoint
		}
		var err error
		switch kind {
		case kindWall:
			err = fn(kind, w)
			w++
		case kindInput:
			err = fn(kind, in)
			in++
		default:
			err = fn(kind, c)
			c++
		}
		if err != nil {
			return err
		}
	}
	if l.End != nil {
		return fn(kindEnd, 0)
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

// Wall appends a wall-clock record: the drill started, paused, resumed or
// ended at unixNano, standing at tick (the next tick it steps). A version 1
// log (a journal begun by an older build) cannot carry one: ErrBadRecord,
// and the log goes on without it.
func (w *Writer) Wall(kind WallKind, tick uint64, unixNano int64) error {
	if w.version < 2 {
		return fmt.Errorf("%w: a version %d log cannot carry wall-clock records", ErrBadRecord, w.version)
	}
	if kind < WallStart || kind > WallEnd {
		return fmt.Errorf("%w: wall-clock record of unknown kind %d", ErrBadRecord, kind)
	}
	w.pay = appendWall(w.pay[:0], &Wall{Tick: tick, Kind: kind, UnixNano: unixNano})
	return w.record(kindWall, (*order).wall, tick)
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

func appendWall(b []byte, wl *Wall) []byte {
	b = binary.AppendUvarint(b, wl.Tick)
	b = append(b, byte(wl.Kind))
	return appendZigzag(b, wl.UnixNano)
}

func appendTickHash(b []byte, tick, hash uint64) []byte {
	b = binary.AppendUvarint(b, tick)
	return binary.LittleEndian.AppendUint64(b, hash)
}

// Encode writes l as a complete file in l's format version: header, then
// wall-clock records, inputs and checkpoints merged by tick (each Wall
// before the inputs of its tick, each checkpoint after them), then End
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
	wr, err := newWriter(w, l.Header, l.version())
	if err != nil {
		return err
	}
	return l.records(func(kind byte, i int) error {
		switch kind {
		case kindWall:
			return wr.Wall(l.Walls[i].Kind, l.Walls[i].Tick, l.Walls[i].UnixNano)
		case kindInput:
			return wr.Input(l.Inputs[i])
		case kindCheckpoint:
			return wr.Checkpoint(l.Checkpoints[i].Tick, l.Checkpoints[i].Hash)
		}
		return wr.End(l.End.Tick, l.End.Hash)
	})
}
