package wire

import (
	"encoding/binary"
	"unicode/utf8"
)

// MaxVarint is the largest value a varint field may carry: 2^53−1, the
// largest integer a JavaScript number holds exactly, so a TypeScript
// decoder never needs BigInt for a varint.
const MaxVarint = 1<<53 - 1

// Encoding helpers. Every multi-byte fixed-width integer is little-endian.
// A uvarint is unsigned LEB128 (7 bits per byte, low group first, high bit
// set on every byte but the last), minimal length, at most 8 bytes (53
// bits). An svarint is the zigzag mapping (0,−1,1,−2,… → 0,1,2,3,…) of a
// signed value written as a uvarint.

func putU8(b []byte, v uint8) []byte   { return append(b, v) }
func putU16(b []byte, v uint16) []byte { return binary.LittleEndian.AppendUint16(b, v) }
func putU32(b []byte, v uint32) []byte { return binary.LittleEndian.AppendUint32(b, v) }
func putU64(b []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(b, v) }
func putI16(b []byte, v int16) []byte  { return putU16(b, uint16(v)) }

func putUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func zigzag(v int64) uint64   { return uint64(v<<1) ^ uint64(v>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

func putSvarint(b []byte, v int64) []byte { return putUvarint(b, zigzag(v)) }

func putBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func putString(b []byte, s string) []byte {
	b = putUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func putBytes(b []byte, p []byte) []byte {
	b = putUvarint(b, uint64(len(p)))
	return append(b, p...)
}

func putText(b []byte, t Text) []byte { return putString(putString(b, t.ZH), t.EN) }

// reader decodes a payload. The first failure sticks: later reads return
// zero values, and err reports the first problem, so decoders read a whole
// message and check once. Nothing is allocated before its length has been
// checked against both the limit and the bytes that remain.
type reader struct {
	b   []byte
	off int
	err *Error
}

func (r *reader) fail(c Code, format string, args ...any) {
	if r.err == nil {
		r.err = errf(c, format, args...)
	}
}

func (r *reader) remaining() int { return len(r.b) - r.off }

func (r *reader) need(n int, what string) bool {
	if r.err != nil {
		return false
	}
	if n > r.remaining() {
		r.fail(CodeTruncated, "%s: need %d bytes, %d left", what, n, r.remaining())
		return false
	}
	return true
}

func (r *reader) u8(what string) uint8 {
	if !r.need(1, what) {
		return 0
	}
	v := r.b[r.off]
	r.off++
	return v
}

func (r *reader) u16(what string) uint16 {
	if !r.need(2, what) {
		return 0
	}
	v := binary.LittleEndian.Uint16(r.b[r.off:])
	r.off += 2
	return v
}

func (r *reader) i16(what string) int16 { return int16(r.u16(what)) }

func (r *reader) u32(what string) uint32 {
	if !r.need(4, what) {
		return 0
	}
	v := binary.LittleEndian.Uint32(r.b[r.off:])
	r.off += 4
	return v
}

func (r *reader) u64(what string) uint64 {
	if !r.need(8, what) {
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b[r.off:])
	r.off += 8
	return v
}

func (r *reader) fixed(n int, what string) []byte {
	if !r.need(n, what) {
		return nil
	}
	v := r.b[r.off : r.off+n]
	r.off += n
	return v
}

// uvarint reads a minimal LEB128 value of at most 53 bits.
func (r *reader) uvarint(what string) uint64 {
	if r.err != nil {
		return 0
	}
	var v uint64
	for i := 0; ; i++ {
		if r.off >= len(r.b) {
			r.fail(CodeTruncated, "%s: varint cut short", what)
			return 0
		}
		c := r.b[r.off]
		r.off++
		if i == 7 && c >= 0x10 {
			r.fail(CodeMalformed, "%s: varint beyond 53 bits", what)
			return 0
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			if c == 0 && i > 0 {
				r.fail(CodeMalformed, "%s: varint not minimal", what)
				return 0
			}
			return v
		}
	}
}

// uv reads a uvarint and checks it against max (inclusive).
func (r *reader) uv(what string, max uint64) uint64 {
	v := r.uvarint(what)
	if r.err == nil && v > max {
		r.fail(CodeBadValue, "%s: %d > %d", what, v, max)
		return 0
	}
	return v
}

// count reads a uvarint element count, checks it against max and against
// the bytes left (each element takes at least minSize bytes).
func (r *reader) count(what string, max, minSize int) int {
	v := r.uvarint(what)
	if r.err != nil {
		return 0
	}
	if v > uint64(max) {
		r.fail(CodeLimit, "%s: %d > limit %d", what, v, max)
		return 0
	}
	if minSize > 0 && v*uint64(minSize) > uint64(r.remaining()) {
		r.fail(CodeTruncated, "%s: %d elements cannot fit in %d bytes", what, v, r.remaining())
		return 0
	}
	return int(v)
}

func (r *reader) svarint(what string) int64 { return unzigzag(r.uvarint(what)) }

func (r *reader) boolean(what string) bool {
	v := r.u8(what)
	if v > 1 {
		r.fail(CodeBadValue, "%s: bool is %d", what, v)
	}
	return v == 1
}

func (r *reader) bytes(what string, max int) []byte {
	n := r.count(what, max, 1)
	if r.err != nil {
		return nil
	}
	return r.fixed(n, what)
}

func (r *reader) str(what string, max int) string {
	p := r.bytes(what, max)
	if r.err != nil {
		return ""
	}
	if !utf8.Valid(p) {
		r.fail(CodeBadValue, "%s: not UTF-8", what)
		return ""
	}
	return string(p)
}

func (r *reader) text(what string, max int) Text {
	zh := r.str(what+".zh", max)
	en := r.str(what+".en", max)
	return Text{ZH: zh, EN: en}
}

// end checks that the whole payload was used.
func (r *reader) end(what string) *Error {
	if r.err == nil && r.off != len(r.b) {
		r.fail(CodeMalformed, "%s: %d trailing bytes", what, len(r.b)-r.off)
	}
	return r.err
}
