package wire

import (
	"bufio"
	"errors"
	"io"
)

// Framing on the control stream: uvarint L (1 ≤ L ≤ the direction's
// limit), then L bytes: a type byte and the payload.

// AppendFrame appends m as a frame to b.
func AppendFrame(b []byte, m Message) []byte {
	body := Marshal(nil, m)
	b = putUvarint(b, uint64(len(body)))
	return append(b, body...)
}

// AppendRawFrame frames an already marshalled message (a Snapshot or Pose
// payload on the stream fallback).
func AppendRawFrame(b []byte, msg []byte) []byte {
	b = putUvarint(b, uint64(len(msg)))
	return append(b, msg...)
}

// SplitFrame reads one frame from the front of b. It returns the message
// bytes (type + payload, aliasing b) and how many bytes of b the frame
// took; n == 0 with a nil error means b holds no whole frame yet. A length
// of 0 or above max is an error before anything is buffered.
func SplitFrame(b []byte, max int) (msg []byte, n int, err error) {
	var l uint64
	for i := 0; ; i++ {
		if i >= len(b) {
			return nil, 0, nil
		}
		c := b[i]
		if i == 3 && c >= 0x80 { // 4 uvarint bytes hold 2^28 > any frame limit
			return nil, 0, errf(CodeTooLarge, "frame length varint too long")
		}
		l |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			if c == 0 && i > 0 {
				return nil, 0, errf(CodeMalformed, "frame length not minimal")
			}
			if l == 0 {
				return nil, 0, errf(CodeMalformed, "empty frame")
			}
			if l > uint64(max) {
				return nil, 0, errf(CodeTooLarge, "frame of %d bytes > %d", l, max)
			}
			h := i + 1
			if uint64(len(b)-h) < l {
				return nil, 0, nil
			}
			return b[h : h+int(l)], h + int(l), nil
		}
	}
}

// FrameReader reads frames from a stream with a size limit.
type FrameReader struct {
	r   *bufio.Reader
	max int
	buf []byte
}

// NewFrameReader reads frames of at most max bytes from r.
func NewFrameReader(r io.Reader, max int) *FrameReader {
	return &FrameReader{r: bufio.NewReader(r), max: max}
}

// Next returns the next frame's message bytes (type + payload). The slice
// is reused by the next call. io.EOF means the stream ended between
// frames; a stream that ends inside a frame gives CodeTruncated.
func (f *FrameReader) Next() ([]byte, error) {
	var l uint64
	for i := 0; ; i++ {
		c, err := f.r.ReadByte()
		if err != nil {
			if i == 0 {
				return nil, err
			}
			return nil, errf(CodeTruncated, "stream ended in a frame length")
		}
		if i == 3 && c >= 0x80 {
			return nil, errf(CodeTooLarge, "frame length varint too long")
		}
		l |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			if c == 0 && i > 0 {
				return nil, errf(CodeMalformed, "frame length not minimal")
			}
			break
		}
	}
	if l == 0 {
		return nil, errf(CodeMalformed, "empty frame")
	}
	if l > uint64(f.max) {
		return nil, errf(CodeTooLarge, "frame of %d bytes > %d", l, f.max)
	}
	if cap(f.buf) < int(l) {
		f.buf = make([]byte, l)
	}
	f.buf = f.buf[:l]
	if _, err := io.ReadFull(f.r, f.buf); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errf(CodeTruncated, "stream ended inside a %d-byte frame", l)
		}
		return nil, err
	}
	return f.buf, nil
}

// ReadMessage reads and decodes the next frame.
func (f *FrameReader) ReadMessage() (Message, error) {
	b, err := f.Next()
	if err != nil {
		return nil, err
	}
	return DecodeMessage(b)
}

// DecodeDatagram decodes a datagram: a Pose or a Snapshot (returned as
// *SnapshotData for the SnapshotDecoder). Anything else, or a datagram over
// MaxDatagram, is an error.
func DecodeDatagram(b []byte) (Message, error) {
	if len(b) > MaxDatagram {
		return nil, errf(CodeTooLarge, "datagram of %d bytes > %d", len(b), MaxDatagram)
	}
	if len(b) == 0 {
		return nil, errf(CodeTruncated, "empty datagram")
	}
	if t := Type(b[0]); t != TypePose && t != TypeSnapshot {
		return nil, errf(CodeUnknownType, "datagram type 0x%02x", b[0])
	}
	return DecodeMessage(b)
}
