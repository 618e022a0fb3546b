package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func goldenSeeds(f *testing.F) [][]byte {
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.hex"))
	var out [][]byte
	for _, p := range files {
		out = append(out, readGolden(f, strings.TrimSuffix(filepath.Base(p), ".hex")))
	}
	return out
}

// mustBeProtocolError fails unless err is nil or an *Error.
func mustBeProtocolError(t *testing.T, err error) {
	if errors.Is(err, ErrNoBaseline) || errors.Is(err, ErrDuplicate) || errors.Is(err, ErrStale) {
		return
	}
	if err != nil && CodeOf(err) == CodeInternal {
		t.Fatalf("error is not an *Error: %v", err)
	}
}

// FuzzDecodeFrame feeds byte streams to the frame splitter and the
// message decoder: no panic, only *Error, and what decodes re-encodes to
// a message that decodes to the same value.
func FuzzDecodeFrame(f *testing.F) {
	for _, s := range goldenSeeds(f) {
		f.Add(AppendRawFrame(nil, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for len(b) > 0 {
			msg, n, err := SplitFrame(b, MaxClientFrame)
			mustBeProtocolError(t, err)
			if err != nil || n == 0 {
				break
			}
			b = b[n:]
			m, err := DecodeMessage(msg)
			mustBeProtocolError(t, err)
			if err != nil {
				continue
			}
			again := Marshal(nil, m)
			m2, err := DecodeMessage(again)
			if err != nil {
				t.Fatalf("re-encoded %v does not decode: %v", m.Type(), err)
			}
			if !bytes.Equal(Marshal(nil, m2), again) {
				t.Fatalf("%v: encoding not stable", m.Type())
			}
		}
		// the stream reader agrees with the splitter on the first frame
		fr := NewFrameReader(bytes.NewReader(b), MaxClientFrame)
		_, err := fr.Next()
		if err != nil && err.Error() != "EOF" {
			mustBeProtocolError(t, err)
		}
	})
}

// FuzzDecodeDatagram decodes datagrams (Pose, Snapshot envelope).
func FuzzDecodeDatagram(f *testing.F) {
	for _, s := range goldenSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeDatagram(b)
		mustBeProtocolError(t, err)
		if p, ok := m.(*Pose); ok {
			if got, err := DecodeDatagram(Marshal(nil, p)); err != nil || !bytes.Equal(Marshal(nil, got), Marshal(nil, p)) {
				t.Fatalf("pose re-encoding: %v", err)
			}
		}
	})
}

// FuzzDecodeSnapshot decodes a snapshot after the golden full snapshot
// (so deltas have a baseline and temporal tiles a version), then checks
// the decoder is unharmed: the golden delta still decodes to its state
// when the fuzzed input was rejected.
func FuzzDecodeSnapshot(f *testing.F) {
	for _, s := range goldenSeeds(f) {
		if len(s) > 0 && Type(s[0]) == TypeSnapshot {
			f.Add(s)
		}
	}
	g, s0, s1 := exampleStates()
	full, delta := readGolden(f, "snapshot_full"), readGolden(f, "snapshot_delta")
	f.Fuzz(func(t *testing.T, b []byte) {
		dec := NewSnapshotDecoder(g, LayerWater|LayerDebris)
		if _, err := dec.Decode(full); err != nil {
			t.Fatal(err)
		}
		st, err := dec.Decode(b)
		mustBeProtocolError(t, err)
		if err == nil {
			for _, e := range append(append([]Entity(nil), st.Participants...), st.NPCs...) {
				if e.X < 0 || e.X >= MaxCoord || e.Y < 0 || e.Y >= MaxCoord || e.Heading >= HeadingSteps {
					t.Fatalf("entity out of range: %+v", e)
				}
			}
			return
		}
		got, err := dec.Decode(delta)
		if err != nil {
			t.Fatalf("decoder harmed by rejected input: %v", err)
		}
		checkState(t, got, s1)
		_ = s0
	})
}

// FuzzDecodeTerrain decodes Terrain payloads (the largest allocation a
// client makes).
func FuzzDecodeTerrain(f *testing.F) {
	f.Add(readGolden(f, "terrain"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 0 {
			b[0] = byte(TypeTerrain)
		}
		if len(b) >= 9 && b[1]&1 == 0 { // mostly with a valid hash, to get past it
			h := fnv.New64a()
			h.Write(b[9:])
			binary.LittleEndian.PutUint64(b[1:9], h.Sum64())
		}
		_, err := DecodeMessage(b)
		mustBeProtocolError(t, err)
	})
}

func TestFuzzCorpusCommitted(t *testing.T) {
	for _, name := range []string{"FuzzDecodeFrame", "FuzzDecodeDatagram", "FuzzDecodeSnapshot", "FuzzDecodeTerrain", "FuzzDecodeInputs", "FuzzFrameReader", "FuzzDecodeMessage", "FuzzDecodeAimSnapshot"} {
		if _, err := os.Stat(filepath.Join("testdata", "fuzz", name)); err != nil {
			t.Logf("no committed corpus for %s yet", name)
		}
	}
}

// FuzzDecodeInputs decodes Mirror and Inputs payloads (the mirror feature,
// §4.12): no panic, only *Error, and what decodes re-encodes the same.
func FuzzDecodeInputs(f *testing.F) {
	f.Add(readGolden(f, "inputs"))
	f.Add(readGolden(f, "mirror"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 0 && Type(b[0]) != TypeMirror {
			b[0] = byte(TypeInputs)
		}
		m, err := DecodeMessage(b)
		mustBeProtocolError(t, err)
		if err != nil {
			return
		}
		again := Marshal(nil, m)
		m2, err := DecodeMessage(again)
		if err != nil || !bytes.Equal(Marshal(nil, m2), again) {
			t.Fatalf("%v: re-encoding: %v", m.Type(), err)
		}
	})
}
