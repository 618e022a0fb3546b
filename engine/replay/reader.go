package replay

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sort"

	"github.com/rescuedrill/rescuedrill/engine"
)

// Log is a decoded replay file. Inputs are in file order, which is
// non-decreasing tick order; each checkpoint's place among them follows
// from the ticks (see Checkpoint).
type Log struct {
	// Version is the format version of the file the log was read from
	// when that is older than this package's Version (1: a file without
	// wall-clock records), and 0 for the current one. Encode writes the
	// log in it, so an old file re-encodes to its very bytes.
	Version     int
	Header      Header
	Walls       []Wall // when the drill started, paused, resumed, ended (version 2 on)
	Inputs      []engine.Input
	Checkpoints []Checkpoint
	End         *End // nil while the drill runs, or if it was cut short
}

// version is the format version l is written in.
func (l *Log) version() int {
	if l.Version == 0 {
		return Version
	}
	return l.Version
}

// InputsAt returns the inputs of one tick in the order they were logged,
// which is the order the world applied them. The slice aliases l.Inputs
// and is capped, so appending to it cannot clobber the next tick.
func (l *Log) InputsAt(tick uint64) []engine.Input {
	lo := sort.Search(len(l.Inputs), func(i int) bool { return l.Inputs[i].Tick >= tick })
	hi := lo
	for hi < len(l.Inputs) && l.Inputs[hi].Tick == tick {
		hi++
	}
	if lo == hi {
		return nil
	}
	return l.Inputs[lo:hi:hi]
}

// Decode reads a whole replay file.
//
// A bad magic, version or header record yields a nil Log and an error
// wrapping ErrBadHeader. After the header, Decode keeps every good record
// and stops at the first bad one: it returns the partial Log with a
// *RecordError giving the bad record's offset, wrapping ErrTornTail (cut
// short, impossible length, checksum mismatch) or ErrBadRecord (well
// framed but against the rules). A read error from r is returned wrapped,
// with the partial Log, and is neither of those: it says nothing about the
// file, so it must not lead anyone to truncate it.
//
// Decode allocates in proportion to the bytes actually present (plus at
// most one 64 KiB read chunk), never to a length a file merely claims.
func Decode(r io.Reader) (*Log, error) {
	d := decoder{r: bufio.NewReader(r)}
	l, err := d.header()
	if err != nil {
		return nil, err
	}
	for {
		start := d.off
		kind, p, err := d.frame(MaxPayload)
		if err == io.EOF {
			return l, nil
		}
		if err != nil {
			return l, err
		}
		if reason := d.record(l, kind, p); reason != "" {
			return l, &RecordError{Offset: start, Err: ErrBadRecord, Reason: reason}
		}
	}
}

// decoder tracks the offset of the stream so errors can say where the good
// prefix ends.
type decoder struct {
	r   *bufio.Reader
	off int64  // bytes of whole, good records consumed so far
	buf []byte // payload scratch, reused across records
	ord order
	ver int // the file's format version
}

func (d *decoder) header() (*Log, error) {
	var m [len(Magic)]byte
	if _, err := io.ReadFull(d.r, m[:]); err != nil {
		return nil, headerReadErr("magic", err)
	}
	if string(m[:]) != Magic {
		return nil, fmt.Errorf("%w: not a replay file (magic %q)", ErrBadHeader, m[:])
	}
	// Read byte by byte, like every length, so the offset stays exact and
	// the shortest-form rule holds here too.
	v, n, err := d.uvarint()
	if err != nil {
		return nil, headerReadErr("version", err)
	}
	if n != uvarintLen(v) {
		return nil, fmt.Errorf("%w: version varint not in its shortest form", ErrBadHeader)
	}
	if v < MinVersion || v > Version {
		return nil, fmt.Errorf("%w: format version %d, this build reads %d to %d", ErrBadHeader, v, MinVersion, Version)
	}
	d.ver = int(v)
	d.off = int64(len(Magic) + n)
	kind, b, err := d.frame(maxHeaderPayload)
	if err != nil {
		var re *RecordError
		if errors.As(err, &re) {
			return nil, fmt.Errorf("%w: header record: %s", ErrBadHeader, re.Reason)
		}
		return nil, headerReadErr("header record", err)
	}
	if kind != kindHeader {
		return nil, fmt.Errorf("%w: first record has kind %d, want header (%d)", ErrBadHeader, kind, kindHeader)
	}
	p := payload{b: b}
	var h Header
	h.Scenario = p.string("scenario name", MaxScenarioLen)
	if src := p.bytes("scenario source", MaxSourceLen); len(src) > 0 {
		h.Source = bytes.Clone(src)
	}
	h.Seed = p.u64("seed")
	hz := p.uvarint("tick rate")
	h.EngineVersion = p.string("engine version", MaxEngineVersionLen)
	if reason := p.finish(); reason != "" {
		return nil, fmt.Errorf("%w: %s", ErrBadHeader, reason)
	}
	if hz < 1 || hz > MaxTickHz {
		return nil, fmt.Errorf("%w: tick rate %d Hz out of range 1..%d", ErrBadHeader, hz, MaxTickHz)
	}
	h.TickHz = int(hz)
	// The header buffer can be a megabyte; records get a fresh small one.
	d.buf = nil
	l := &Log{Header: h}
	if d.ver < Version {
		l.Version = d.ver
	}
	return l, nil
}

func headerReadErr(what string, err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("%w: %s cut short: %w", ErrBadHeader, what, io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("replay: reading %s: %w", what, err)
}

// record checks one well-framed record and adds it to l. It returns why the
// record is invalid, or "".
func (d *decoder) record(l *Log, kind byte, b []byte) string {
	p := payload{b: b}
	switch kind {
	case kindInput:
		var in engine.Input
		in.Tick = p.uvarint("tick")
		in.Participant = int32(p.u32("participant"))
		in.Kind = engine.InputKind(p.byte("input kind"))
		in.MoveX = p.int16("move x")
		in.MoveY = p.int16("move y")
		switch run := p.byte("run"); run {
		case 0, 1:
			in.Run = run == 1
		default:
			p.fail("run: byte %d, want 0 or 1", run)
		}
		in.Heading = int32(p.u32("heading"))
		in.Action = p.string("action", engine.MaxIDLen)
		in.Target = p.string("target", engine.MaxNameLen)
		in.Policy = p.string("policy", engine.MaxIDLen)
		if reason := p.finish(); reason != "" {
			return "input: " + reason
		}
		if reason := d.ord.input(in.Tick); reason != "" {
			return reason
		}
		l.Inputs = append(l.Inputs, in)
	case kindCheckpoint, kindEnd:
		tick := p.uvarint("tick")
		hash := p.u64("hash")
		if reason := p.finish(); reason != "" {
			return "checkpoint or end: " + reason
		}
		if kind == kindCheckpoint {
			if reason := d.ord.checkpoint(tick); reason != "" {
				return reason
			}
			l.Checkpoints = append(l.Checkpoints, Checkpoint{Tick: tick, Hash: hash})
		} else {
			if reason := d.ord.end(tick); reason != "" {
				return reason
			}
			l.End = &End{Tick: tick, Hash: hash}
		}
	case kindWall:
		if d.ver < 2 {
			return fmt.Sprintf("unknown record kind %d", kind) // as version 1 always said
		}
		var wl Wall
		wl.Tick = p.uvarint("tick")
		wl.Kind = WallKind(p.byte("wall-clock kind"))
		wl.UnixNano = p.zigzag("wall-clock time")
		if reason := p.finish(); reason != "" {
			return "wall-clock: " + reason
		}
		if wl.Kind < WallStart || wl.Kind > WallEnd {
			return fmt.Sprintf("wall-clock record of unknown kind %d", wl.Kind)
		}
		if reason := d.ord.wall(wl.Tick); reason != "" {
			return reason
		}
		l.Walls = append(l.Walls, wl)
	case kindHeader:
		return "second header"
	default:
		return fmt.Sprintf("unknown record kind %d", kind)
	}
	return ""
}

// frame reads one record's frame and checks its checksum. It returns io.EOF
// only when the stream ends exactly where a record would start, a
// *RecordError wrapping ErrTornTail for a damaged frame, or a read error.
// On success d.off moves past the record.
func (d *decoder) frame(limit int) (kind byte, b []byte, err error) {
	torn := func(format string, args ...any) error {
		return &RecordError{Offset: d.off, Err: ErrTornTail, Reason: fmt.Sprintf(format, args...)}
	}
	short := func(what string, err error) error {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return torn("%s cut short", what)
		}
		return fmt.Errorf("replay: read at offset %d: %w", d.off, err)
	}
	kind, err = d.r.ReadByte()
	if err == io.EOF {
		return 0, nil, io.EOF
	}
	if err != nil {
		return 0, nil, short("kind", err)
	}
	n, nlen, err := d.uvarint()
	if err != nil {
		return 0, nil, short("length", err)
	}
	// Checked before anything is allocated: a torn write can leave any
	// bytes here, and so can a hostile file.
	if n > uint64(limit) {
		return 0, nil, torn("record length %d over limit %d", n, limit)
	}
	if nlen != uvarintLen(n) {
		return 0, nil, torn("length varint not in its shortest form")
	}
	b, err = d.read(int(n))
	if err != nil {
		return 0, nil, short("payload", err)
	}
	var sum [4]byte
	if _, err := io.ReadFull(d.r, sum[:]); err != nil {
		return 0, nil, short("checksum", err)
	}
	// The checksum covers the frame as written: kind, length bytes, payload.
	var head [1 + binary.MaxVarintLen64]byte
	head[0] = kind
	k := 1 + binary.PutUvarint(head[1:], n)
	c := crc32.Update(crc32.Checksum(head[:k], castagnoli), castagnoli, b)
	if got := binary.LittleEndian.Uint32(sum[:]); got != c {
		return 0, nil, torn("checksum %08x, want %08x", got, c)
	}
	d.off += int64(1 + nlen + len(b) + 4)
	return kind, b, nil
}

// read reads exactly n bytes into the scratch buffer. It grows the buffer
// as bytes arrive, so a length claimed by a short file costs only what the
// file holds (the limit already bounds the claim).
func (d *decoder) read(n int) ([]byte, error) {
	const chunk = 64 << 10
	b := d.buf[:0]
	for len(b) < n {
		k := min(n-len(b), chunk)
		b = growTo(b, len(b)+k)
		if _, err := io.ReadFull(d.r, b[len(b)-k:]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	d.buf = b
	return b, nil
}

func growTo(b []byte, n int) []byte {
	if n <= cap(b) {
		return b[:n]
	}
	nb := make([]byte, n, max(n, 2*cap(b)))
	copy(nb, b)
	return nb
}

// uvarint reads a uvarint byte by byte and returns its value and length.
func (d *decoder) uvarint() (uint64, int, error) {
	var v uint64
	for i := 0; i < binary.MaxVarintLen64; i++ {
		c, err := d.r.ReadByte()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return 0, 0, err
		}
		if i == binary.MaxVarintLen64-1 && c > 1 {
			break
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			return v, i + 1, nil
		}
	}
	// Ten bytes and still going, or over 64 bits: report the largest value,
	// which every caller's limit rejects.
	return 1<<64 - 1, binary.MaxVarintLen64, nil
}

func (p *payload) int16(what string) int16 {
	v := p.zigzag(what)
	if v < -1<<15 || v > 1<<15-1 {
		p.fail("%s: %d does not fit 16 bits", what, v)
		return 0
	}
	return int16(v)
}
