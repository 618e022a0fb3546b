package wire

import (
	"bytes"
	"io"
	"testing"
)

// TestStreamFallbackFrames pins the stream fallback (docs/protocol.md
// §1.1): a Pose or Snapshot sent on the control stream is a frame whose
// message bytes are byte for byte the datagram, and the frame reader hands
// them back as the same messages the datagram decoder gives.
func TestStreamFallbackFrames(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, datagram string }{
		{"pose_frame", "pose_min"},
		{"pose_xr_frame", "pose"},
		{"snapshot_frame", "snapshot_delta"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dg := readGolden(t, tc.datagram)
			frame := AppendRawFrame(nil, dg)
			golden(t, tc.name, frame)
			if len(dg) < 128 && (frame[0] != byte(len(dg)) || !bytes.Equal(frame[1:], dg)) {
				t.Fatalf("frame %x is not length %d + the datagram", frame, len(dg))
			}
			fromFrame, err := NewFrameReader(bytes.NewReader(frame), MaxServerFrame).ReadMessage()
			if err != nil {
				t.Fatal(err)
			}
			fromDatagram, err := DecodeDatagram(dg)
			if err != nil {
				t.Fatal(err)
			}
			if fromFrame.Type() != fromDatagram.Type() || !bytes.Equal(Marshal(nil, fromFrame), Marshal(nil, fromDatagram)) {
				t.Fatalf("frame decodes to %v, datagram to %v", fromFrame, fromDatagram)
			}
			if sd, ok := fromFrame.(*SnapshotData); ok && !bytes.Equal(sd.Data, dg) {
				t.Fatal("a snapshot frame's payload is not the datagram")
			}
		})
	}
}

// chunkReader returns the bytes in the chunk sizes a network gives, so the
// frame reader sees frames split anywhere.
type chunkReader struct {
	b     []byte
	sizes []byte
	i     int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := 1
	if len(r.sizes) > 0 {
		n = int(r.sizes[r.i%len(r.sizes)])%64 + 1
		r.i++
	}
	n = min(n, len(p), len(r.b))
	copy(p, r.b[:n])
	r.b = r.b[n:]
	return n, nil
}

// FuzzFrameReader reads a whole stream of frames, arriving in arbitrary
// chunks, with the FrameReader (what the server and the client run on the
// control stream) and checks it agrees frame by frame with SplitFrame on
// the same bytes: the same messages, then the same error code or a clean
// end. Pose and Snapshot frames (the stream fallback) must decode exactly
// as the datagram decoder decodes their bytes.
func FuzzFrameReader(f *testing.F) {
	var all []byte
	for _, s := range goldenSeeds(f) {
		all = AppendRawFrame(all, s)
		f.Add(AppendRawFrame(nil, s), []byte{3, 17})
	}
	f.Add(all, []byte{0, 5, 63})
	f.Add([]byte{0x80, 0x20, 0x80}, []byte{1})                // a 4 096-byte frame, cut short
	f.Add([]byte{0x81, 0x20, 0x81}, []byte{1})                // 4 097: too large
	f.Add([]byte{0x80, 0x80, 0x80, 0x80, 0x01}, []byte{0})    // length varint too long
	f.Add([]byte{0x02, 0x7f, 0x00, 0x01, 0x00}, []byte{0})    // unknown type, then an empty frame
	f.Add(AppendRawFrame(nil, []byte{0x80, 0x00}), []byte{0}) // truncated pose
	f.Fuzz(func(t *testing.T, stream, sizes []byte) {
		fr := NewFrameReader(&chunkReader{b: stream, sizes: sizes}, MaxClientFrame)
		rest := stream
		for {
			want, n, werr := SplitFrame(rest, MaxClientFrame)
			got, gerr := fr.Next()
			if werr != nil {
				mustBeProtocolError(t, gerr)
				if CodeOf(gerr) != CodeOf(werr) {
					t.Fatalf("reader: %v, splitter: %v", gerr, werr)
				}
				return
			}
			if n == 0 { // the stream ends: cleanly between frames, else truncated
				if len(rest) == 0 && gerr != io.EOF {
					t.Fatalf("clean end read as %v", gerr)
				}
				if len(rest) > 0 && CodeOf(gerr) != CodeTruncated {
					t.Fatalf("a stream ending inside a frame read as %v", gerr)
				}
				return
			}
			if gerr != nil || !bytes.Equal(got, want) {
				t.Fatalf("reader %x (%v), splitter %x", got, gerr, want)
			}
			rest = rest[n:]
			m, err := DecodeMessage(got)
			mustBeProtocolError(t, err)
			if typ := Type(got[0]); err == nil && (typ == TypePose || typ == TypeSnapshot) {
				d, derr := DecodeDatagram(got)
				if len(got) <= MaxDatagram && (derr != nil || !bytes.Equal(Marshal(nil, d), Marshal(nil, m))) {
					t.Fatalf("%v frame %x decodes differently as a datagram: %v", typ, got, derr)
				}
			}
		}
	})
}

// FuzzDecodeMessage decodes single messages of any type and size, as the
// client does with the server's frames of up to 4 MiB (Welcome, Terrain,
// Results — larger than FuzzDecodeFrame's client frame limit lets
// through): no panic, only *Error, and what decodes re-encodes to bytes
// that decode to the same encoding.
func FuzzDecodeMessage(f *testing.F) {
	for _, s := range goldenSeeds(f) {
		f.Add(s)
	}
	for _, c := range classSummaryBad { // ClassSummary past its limits (§4.13)
		f.Add(c.b)
	}
	f.Add(classSummaryAtLimits)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeMessage(b)
		mustBeProtocolError(t, err)
		if err != nil {
			return
		}
		again := Marshal(nil, m)
		m2, err := DecodeMessage(again)
		if err != nil {
			t.Fatalf("re-encoded %v does not decode: %v", m.Type(), err)
		}
		if !bytes.Equal(Marshal(nil, m2), again) {
			t.Fatalf("%v: encoding not stable", m.Type())
		}
	})
}
