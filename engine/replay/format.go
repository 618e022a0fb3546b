// Package replay reads and writes the input log of a drill: the scenario,
// the seed and every input, plus the world's state hash at checkpoints and
// at the end. Scenario + seed + inputs reproduce a drill bit for bit, so
// `drill replay` re-simulates a file and compares hashes, and the server
// appends to the same format as its crash-safe journal.
//
// The byte layout is specified in docs/replay-format.md. In short: a magic,
// a version, then framed records (kind, length, payload, CRC-32C). Each
// record is checksummed on its own so that a journal torn by a crash can be
// read up to its last whole record and truncated there.
//
// The package is pure: it encodes to an io.Writer and decodes from an
// io.Reader. It opens no files and never syncs; durability is the caller's
// business.
package replay

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/bits"
)

// Magic opens every replay file. The trailing digit is part of the name,
// not the version: the version follows as a uvarint.
const Magic = "RDRPLAY1"

// Version is the format version this package writes. It reads this one and
// every older one (see MinVersion): version 2 is version 1 plus Wall records,
// so a version 1 file is read as it always was. Files get a new version
// rather than a new record kind alone, so that a build that knows only
// version 1 refuses a version 2 journal whole (a bad header, left as it is)
// instead of taking the first Wall record for damage and truncating there.
const Version = 2

// MinVersion is the oldest format version this package reads.
const MinVersion = 1

// Limits bound every length in a file, so that a hostile or corrupt file
// cannot make the decoder allocate more than about MaxSourceLen bytes.
// Input strings are bounded by the engine's own limits (engine.MaxIDLen,
// engine.MaxNameLen).
const (
	MaxScenarioLen      = 256     // scenario name: a built-in name or a file name
	MaxSourceLen        = 1 << 20 // scenario YAML embedded in the header
	MaxEngineVersionLen = 64
	MaxTickHz           = 1000
	MaxPayload          = 64 << 10 // payload of any record but the header
)

// maxHeaderPayload is the largest header payload that the field limits
// allow: three length-prefixed fields, a fixed seed and a tick rate.
const maxHeaderPayload = 3*binary.MaxVarintLen64 + MaxScenarioLen + MaxSourceLen + MaxEngineVersionLen + 8 + binary.MaxVarintLen64

// Record kinds. Zero is never a kind, so a zero-filled tail (what some file
// systems leave after a crash) can never pass as a record.
const (
	kindHeader     byte = 1
	kindInput      byte = 2
	kindCheckpoint byte = 3
	kindEnd        byte = 4
	kindWall       byte = 5 // version 2 on
)

var (
	// ErrBadHeader is wrapped by every error about the magic, the version
	// or the header record. A file with a bad header holds nothing usable.
	ErrBadHeader = errors.New("replay: bad header")

	// ErrTornTail is wrapped (inside a *RecordError) when a record is cut
	// short, claims an impossible length or fails its checksum: what a
	// crash during an append leaves behind.
	ErrTornTail = errors.New("replay: torn or corrupt tail")

	// ErrBadRecord is wrapped (inside a *RecordError) when a record passed
	// its checksum but breaks the format's rules: an unknown kind, a field
	// out of range, ticks going backwards, a record after End. Unlike a torn
	// tail this points at a buggy or hostile writer, not at a crash. The
	// Writer wraps it too when it refuses to write such a record.
	ErrBadRecord = errors.New("replay: invalid record")
)

// RecordError locates the first bad record of a file. Decode returns it
// together with every good record before it, so a journal can be truncated
// to Offset and appended to again.
type RecordError struct {
	Offset int64  // where the bad record starts: the length of the good prefix
	Err    error  // ErrTornTail or ErrBadRecord
	Reason string // what exactly was wrong, for people
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("%v at offset %d: %s", e.Err, e.Offset, e.Reason)
}

func (e *RecordError) Unwrap() error { return e.Err }

// Header describes the drill a log belongs to. It carries the scenario
// source itself, not a path to it, so a replay file is self-contained.
type Header struct {
	Scenario      string // built-in scenario name or file name, for people
	Source        []byte // the scenario YAML as loaded
	Seed          uint64
	TickHz        int    // simulation ticks per second, 1..MaxTickHz
	EngineVersion string // version of the engine that wrote the log
}

func (h *Header) validate() error {
	switch {
	case len(h.Scenario) > MaxScenarioLen:
		return fmt.Errorf("%w: scenario name is %d bytes, limit %d", ErrBadHeader, len(h.Scenario), MaxScenarioLen)
	case len(h.Source) > MaxSourceLen:
		return fmt.Errorf("%w: scenario source is %d bytes, limit %d", ErrBadHeader, len(h.Source), MaxSourceLen)
	case h.TickHz < 1 || h.TickHz > MaxTickHz:
		return fmt.Errorf("%w: tick rate %d Hz out of range 1..%d", ErrBadHeader, h.TickHz, MaxTickHz)
	case len(h.EngineVersion) > MaxEngineVersionLen:
		return fmt.Errorf("%w: engine version is %d bytes, limit %d", ErrBadHeader, len(h.EngineVersion), MaxEngineVersionLen)
	}
	return nil
}

// Checkpoint is the world's state hash once it has applied every input of
// tick Tick. A replay that disagrees with a checkpoint has diverged within
// the window since the checkpoint before.
type Checkpoint struct {
	Tick uint64
	Hash uint64
}

// End marks a drill that finished: its final tick and state hash. A journal
// of a drill still running (or cut short by a crash) has no End.
type End struct {
	Tick uint64
	Hash uint64
}

// WallKind says what happened at a Wall record's wall-clock time.
type WallKind uint8

const (
	WallStart  WallKind = 1 // the facilitator started the drill
	WallPause  WallKind = 2 // the drill paused: ticks stop, the wall clock goes on
	WallResume WallKind = 3 // the drill runs again (after a pause, or after a restart)
	WallEnd    WallKind = 4 // the drill ended
)

func (k WallKind) String() string {
	switch k {
	case WallStart:
		return "start"
	case WallPause:
		return "pause"
	case WallResume:
		return "resume"
	case WallEnd:
		return "end"
	}
	return fmt.Sprintf("WallKind(%d)", uint8(k))
}

// Wall records when, in wall-clock time, a drill started, paused, resumed
// or ended, at which tick. Ticks alone give drill time; a live drill that
// was paused needs these to put its events at their true times (xAPI
// timestamps, CAP sent times). They never enter the world or its hash:
// a replay ignores them. UnixNano is nanoseconds since 1970 UTC, an integer
// so the log stays exact and free of clocks and time zones.
type Wall struct {
	Tick     uint64 // the next tick the world steps (the tick it stands at)
	Kind     WallKind
	UnixNano int64
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// order enforces the time order of records, which both the Writer and the
// decoder apply so that the writer never produces what the reader rejects.
// Records are written as the world runs: the inputs of tick T, then (maybe)
// the checkpoint of tick T, then the inputs of later ticks. So the position
// of every checkpoint among the inputs follows from the ticks alone, which
// lets a Log keep inputs and checkpoints in separate slices and still
// re-encode to the very same bytes.
//
// A Wall record at tick W stands between the records of tick W-1 (its
// inputs and checkpoint) and the inputs of tick W: the world stands at
// tick W while it is paused or started. So it must come after every input
// and checkpoint of earlier ticks and before those of tick W and later,
// and its position, too, follows from the ticks.
type order struct {
	inputs, checkpoints, ended, walls   bool
	lastInput, lastCheckpoint, lastWall uint64
}

func (o *order) wall(tick uint64) string {
	switch {
	case o.ended:
		return "wall-clock record after end"
	case o.walls && tick < o.lastWall:
		return fmt.Sprintf("wall-clock tick %d before previous wall-clock tick %d", tick, o.lastWall)
	case o.inputs && tick <= o.lastInput:
		return fmt.Sprintf("wall-clock tick %d not after input tick %d", tick, o.lastInput)
	case o.checkpoints && tick <= o.lastCheckpoint:
		return fmt.Sprintf("wall-clock tick %d not after checkpoint tick %d", tick, o.lastCheckpoint)
	}
	o.walls, o.lastWall = true, tick
	return ""
}

// afterWall is why a record of tick may not follow the last Wall record.
func (o *order) afterWall(what string, tick uint64) string {
	if o.walls && tick < o.lastWall {
		return fmt.Sprintf("%s tick %d before wall-clock tick %d", what, tick, o.lastWall)
	}
	return ""
}

func (o *order) input(tick uint64) string {
	switch {
	case o.ended:
		return "input after end"
	case o.inputs && tick < o.lastInput:
		return fmt.Sprintf("input tick %d before previous input tick %d", tick, o.lastInput)
	case o.checkpoints && tick <= o.lastCheckpoint:
		return fmt.Sprintf("input tick %d not after checkpoint tick %d", tick, o.lastCheckpoint)
	case o.afterWall("input", tick) != "":
		return o.afterWall("input", tick)
	}
	o.inputs, o.lastInput = true, tick
	return ""
}

func (o *order) checkpoint(tick uint64) string {
	switch {
	case o.ended:
		return "checkpoint after end"
	case o.checkpoints && tick <= o.lastCheckpoint:
		return fmt.Sprintf("checkpoint tick %d not after previous checkpoint tick %d", tick, o.lastCheckpoint)
	case o.inputs && tick < o.lastInput:
		return fmt.Sprintf("checkpoint tick %d before input tick %d", tick, o.lastInput)
	case o.afterWall("checkpoint", tick) != "":
		return o.afterWall("checkpoint", tick)
	}
	o.checkpoints, o.lastCheckpoint = true, tick
	return ""
}

func (o *order) end(tick uint64) string {
	switch {
	case o.ended:
		return "second end"
	case o.checkpoints && tick < o.lastCheckpoint:
		return fmt.Sprintf("end tick %d before checkpoint tick %d", tick, o.lastCheckpoint)
	case o.inputs && tick < o.lastInput:
		return fmt.Sprintf("end tick %d before input tick %d", tick, o.lastInput)
	case o.afterWall("end", tick) != "":
		return o.afterWall("end", tick)
	}
	o.ended = true
	return ""
}

// uvarintLen is the length of the shortest uvarint encoding of v. The
// decoder accepts only that encoding, so every log has exactly one byte
// form and a decoded file re-encodes to the same bytes.
func uvarintLen(v uint64) int {
	if v == 0 {
		return 1
	}
	return (bits.Len64(v) + 6) / 7
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendZigzag encodes a signed value so that small magnitudes of either
// sign take one byte.
func appendZigzag(b []byte, v int64) []byte {
	return binary.AppendUvarint(b, uint64(v<<1)^uint64(v>>63))
}

// payload decodes the fields of one record. The first failure sticks and
// later reads return zero values, so decoding code reads straight through
// and checks once.
type payload struct {
	b   []byte
	err string
}

func (p *payload) fail(format string, args ...any) {
	if p.err == "" {
		p.err = fmt.Sprintf(format, args...)
	}
}

func (p *payload) uvarint(what string) uint64 {
	if p.err != "" {
		return 0
	}
	v, n := binary.Uvarint(p.b)
	switch {
	case n == 0:
		p.fail("%s: truncated", what)
		return 0
	case n < 0:
		p.fail("%s: varint overflows 64 bits", what)
		return 0
	case n != uvarintLen(v):
		p.fail("%s: varint not in its shortest form", what)
		return 0
	}
	p.b = p.b[n:]
	return v
}

func (p *payload) zigzag(what string) int64 {
	u := p.uvarint(what)
	return int64(u>>1) ^ -int64(u&1)
}

func (p *payload) u32(what string) uint32 {
	v := p.uvarint(what)
	if v > 1<<32-1 {
		p.fail("%s: %d does not fit 32 bits", what, v)
		return 0
	}
	return uint32(v)
}

func (p *payload) u64(what string) uint64 {
	if p.err != "" {
		return 0
	}
	if len(p.b) < 8 {
		p.fail("%s: truncated", what)
		return 0
	}
	v := binary.LittleEndian.Uint64(p.b)
	p.b = p.b[8:]
	return v
}

func (p *payload) byte(what string) byte {
	if p.err != "" {
		return 0
	}
	if len(p.b) < 1 {
		p.fail("%s: truncated", what)
		return 0
	}
	v := p.b[0]
	p.b = p.b[1:]
	return v
}

// bytes returns a length-prefixed field, aliasing the payload. The length
// is checked against max before anything is sliced.
func (p *payload) bytes(what string, max int) []byte {
	n := p.uvarint(what + " length")
	if p.err != "" {
		return nil
	}
	if n > uint64(max) {
		p.fail("%s: %d bytes, limit %d", what, n, max)
		return nil
	}
	if n > uint64(len(p.b)) {
		p.fail("%s: truncated", what)
		return nil
	}
	v := p.b[:n]
	p.b = p.b[n:]
	return v
}

func (p *payload) string(what string, max int) string {
	return string(p.bytes(what, max))
}

// finish reports the sticky error, or trailing bytes: a payload must be
// exactly its fields, or two files could mean the same log.
func (p *payload) finish() string {
	if p.err == "" && len(p.b) > 0 {
		p.fail("%d trailing bytes", len(p.b))
	}
	return p.err
}
