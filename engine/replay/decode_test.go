package replay

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine"
)

// frame builds a record by hand, with a correct checksum, so tests can make
// records the Writer would refuse to write.
func frame(kind byte, payload []byte) []byte {
	b := []byte{kind}
	b = binary.AppendUvarint(b, uint64(len(payload)))
	b = append(b, payload...)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)))
}

func inputPayload(in engine.Input) []byte { return appendInput(nil, &in) }

func tickHash(tick, hash uint64) []byte { return appendTickHash(nil, tick, hash) }

// headerBytes is a valid file with no records.
func headerBytes(t testing.TB) []byte { return encode(t, &Log{Header: sampleHeader()}) }

func cat(bs ...[]byte) []byte { return bytes.Join(bs, nil) }

func TestDecodeRejectsRecord(t *testing.T) {
	t.Parallel()
	good := frame(kindInput, inputPayload(engine.Input{Tick: 5, Kind: engine.InputLeave}))
	cp := frame(kindCheckpoint, tickHash(5, 1))
	end := frame(kindEnd, tickHash(5, 1))
	validInput := inputPayload(engine.Input{Tick: 6, Kind: engine.InputAct})
	tests := []struct {
		name    string
		prefix  []byte // good records before the bad one
		bad     []byte
		wantErr error
	}{
		{"decreasing input tick", good, frame(kindInput, inputPayload(engine.Input{Tick: 4})), ErrBadRecord},
		{"input at a checkpointed tick", cat(good, cp), frame(kindInput, inputPayload(engine.Input{Tick: 5})), ErrBadRecord},
		{"checkpoint tick repeated", cp, frame(kindCheckpoint, tickHash(5, 2)), ErrBadRecord},
		{"checkpoint before an input", good, frame(kindCheckpoint, tickHash(4, 2)), ErrBadRecord},
		{"end before an input", good, frame(kindEnd, tickHash(4, 2)), ErrBadRecord},
		{"record after end", end, frame(kindInput, inputPayload(engine.Input{Tick: 9})), ErrBadRecord},
		{"second header", good, frame(kindHeader, appendHeader(nil, &Header{TickHz: 1})), ErrBadRecord},
		{"unknown kind", good, frame(9, nil), ErrBadRecord},
		{"kind zero", good, frame(0, nil), ErrBadRecord},
		{"empty input", good, frame(kindInput, nil), ErrBadRecord},
		{"trailing byte", good, frame(kindInput, append(bytes.Clone(validInput), 0)), ErrBadRecord},
		{"checkpoint trailing byte", good, frame(kindCheckpoint, append(tickHash(6, 0), 0)), ErrBadRecord},
		{"checkpoint hash short", good, frame(kindCheckpoint, tickHash(6, 0)[:5]), ErrBadRecord},
		{"run byte 2", good, frame(kindInput, func() []byte {
			b := bytes.Clone(validInput)
			b[5] = 2 // tick, participant, kind, move x, move y: one byte each here
			return b
		}()), ErrBadRecord},
		{"non-shortest tick", good, frame(kindInput, append([]byte{0x86, 0x00}, validInput[1:]...)), ErrBadRecord},
		{"participant over 32 bits", good, frame(kindInput, cat([]byte{6}, binary.AppendUvarint(nil, 1<<32), validInput[2:])), ErrBadRecord},
		{"move x over 16 bits", good, frame(kindInput, cat(validInput[:3], appendZigzag(nil, 1<<15), validInput[4:])), ErrBadRecord},
		{"move y under 16 bits", good, frame(kindInput, cat(validInput[:4], appendZigzag(nil, -1<<15-1), validInput[5:])), ErrBadRecord},
		{"varint over 64 bits", good, frame(kindInput, bytes.Repeat([]byte{0xff}, 11)), ErrBadRecord},
		{"action too long", good, frame(kindInput, cat(validInput[:7], appendString(nil, strings.Repeat("a", engine.MaxIDLen+1)), []byte{0, 0})), ErrBadRecord},
		{"target too long", good, frame(kindInput, cat(validInput[:8], appendString(nil, strings.Repeat("a", engine.MaxNameLen+1)), []byte{0})), ErrBadRecord},
		{"policy too long", good, frame(kindInput, cat(validInput[:9], appendString(nil, strings.Repeat("a", engine.MaxIDLen+1)))), ErrBadRecord},
		{"string past payload", good, frame(kindInput, cat(validInput[:9], []byte{5, 'a'})), ErrBadRecord},
		{"checksum wrong", good, func() []byte { b := frame(kindEnd, tickHash(6, 0)); b[len(b)-1] ^= 1; return b }(), ErrTornTail},
		{"length over limit", good, cat([]byte{kindInput}, binary.AppendUvarint(nil, MaxPayload+1)), ErrTornTail},
		{"length over 64 bits", good, cat([]byte{kindInput}, bytes.Repeat([]byte{0xff}, 12)), ErrTornTail},
		{"length not shortest", good, func() []byte {
			b := cat([]byte{kindEnd, 0x89, 0x00}, tickHash(6, 0))
			return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
		}(), ErrTornTail},
		{"zero-filled tail", good, make([]byte, 512), ErrTornTail},
		{"half a record, then a whole one", good, frame(kindEnd, tickHash(6, 0))[:6], ErrTornTail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			start := cat(headerBytes(t), tt.prefix)
			want, err := Decode(bytes.NewReader(start))
			if err != nil {
				t.Fatalf("the good prefix does not decode: %v", err)
			}
			got, err := Decode(bytes.NewReader(cat(start, tt.bad, good)))
			var re *RecordError
			if !errors.As(err, &re) || !errors.Is(err, tt.wantErr) {
				t.Fatalf("got %v, want %v", err, tt.wantErr)
			}
			if re.Offset != int64(len(start)) {
				t.Fatalf("bad record reported at offset %d, want %d", re.Offset, len(start))
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("partial log\n %+v\nwant the good prefix\n %+v", got, want)
			}
		})
	}
}

func TestDecodeRejectsHeader(t *testing.T) {
	t.Parallel()
	h := sampleHeader()
	hdr := appendHeader(nil, &h)
	start := binary.AppendUvarint([]byte(Magic), Version)
	tests := []struct {
		name string
		file []byte
	}{
		{"empty", nil},
		{"magic only", []byte(Magic)},
		{"wrong magic", cat([]byte("RDRPLAY2"), start[8:], frame(kindHeader, hdr))},
		{"version from the future", cat([]byte(Magic), []byte{Version + 1}, frame(kindHeader, hdr))},
		{"version 0", cat([]byte(Magic), []byte{0}, frame(kindHeader, hdr))},
		{"version not shortest", cat([]byte(Magic), []byte{0x81, 0x00}, frame(kindHeader, hdr))},
		{"no header record", start},
		{"header cut short", cat(start, frame(kindHeader, hdr)[:20])},
		{"header checksum", func() []byte { b := cat(start, frame(kindHeader, hdr)); b[len(b)-2] ^= 0x40; return b }()},
		{"first record is an input", cat(start, frame(kindInput, inputPayload(engine.Input{})))},
		{"tick rate zero", cat(start, frame(kindHeader, appendHeader(nil, &Header{})))},
		{"tick rate too high", cat(start, frame(kindHeader, appendHeader(nil, &Header{TickHz: MaxTickHz + 1})))},
		{"scenario name too long", cat(start, frame(kindHeader, appendHeader(nil, &Header{TickHz: 1, Scenario: strings.Repeat("s", MaxScenarioLen+1)})))},
		{"engine version too long", cat(start, frame(kindHeader, appendHeader(nil, &Header{TickHz: 1, EngineVersion: strings.Repeat("v", MaxEngineVersionLen+1)})))},
		{"source too long", cat(start, frame(kindHeader, appendHeader(nil, &Header{TickHz: 1, Source: make([]byte, MaxSourceLen+1)})))},
		{"trailing byte", cat(start, frame(kindHeader, append(bytes.Clone(hdr), 0)))},
		{"seed short", cat(start, frame(kindHeader, cat(appendString(nil, "s"), []byte{0}, []byte{1, 2, 3})))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l, err := Decode(bytes.NewReader(tt.file))
			if !errors.Is(err, ErrBadHeader) {
				t.Fatalf("got %v, want ErrBadHeader", err)
			}
			if l != nil {
				t.Fatalf("got a log %+v from a bad header", l)
			}
		})
	}
}

// boundaries writes the sample log record by record and returns the file and
// the offset after the header and after every record.
func boundaries(t *testing.T) (file []byte, ends []int) {
	t.Helper()
	l := sampleLog()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, l.Header)
	if err != nil {
		t.Fatal(err)
	}
	ends = append(ends, buf.Len())
	step := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		ends = append(ends, buf.Len())
	}
	for i, in := range l.Inputs {
		if i == 4 {
			step(w.Checkpoint(l.Checkpoints[0].Tick, l.Checkpoints[0].Hash))
		}
		step(w.Input(in))
	}
	step(w.Checkpoint(l.Checkpoints[1].Tick, l.Checkpoints[1].Hash))
	step(w.End(l.End.Tick, l.End.Hash))
	return buf.Bytes(), ends
}

// TestTornAtEveryOffset cuts a valid file at every byte, as a crash during
// an append could: Decode must keep exactly the whole records before the
// cut and report where they end.
func TestTornAtEveryOffset(t *testing.T) {
	t.Parallel()
	file, ends := boundaries(t)
	if ends[len(ends)-1] != len(file) {
		t.Fatal("boundaries do not cover the file")
	}
	for cut := 0; cut <= len(file); cut++ {
		l, err := Decode(bytes.NewReader(file[:cut]))
		if cut < ends[0] {
			if l != nil || !errors.Is(err, ErrBadHeader) {
				t.Fatalf("cut %d inside the header: got %v, %v; want nil, ErrBadHeader", cut, l, err)
			}
			continue
		}
		good := 0
		for _, e := range ends {
			if e <= cut {
				good = e
			}
		}
		if good == cut {
			if err != nil {
				t.Fatalf("cut %d on a record boundary: %v", cut, err)
			}
		} else {
			var re *RecordError
			if !errors.As(err, &re) || !errors.Is(err, ErrTornTail) {
				t.Fatalf("cut %d: got %v, want ErrTornTail", cut, err)
			}
			if re.Offset != int64(good) {
				t.Fatalf("cut %d: torn at %d, want %d", cut, re.Offset, good)
			}
		}
		// What survived is exactly the good prefix, byte for byte.
		if b := encode(t, l); !bytes.Equal(b, file[:good]) {
			t.Fatalf("cut %d: the partial log re-encodes to %d bytes, want the %d-byte good prefix", cut, len(b), good)
		}
	}
}

// TestBitFlips flips every bit of a valid file in turn. CRC-32C catches
// every single-bit error, so each flip must be reported at the start of the
// record that holds it, with everything before it kept.
func TestBitFlips(t *testing.T) {
	t.Parallel()
	file, ends := boundaries(t)
	for i := range file {
		for bit := range 8 {
			b := bytes.Clone(file)
			b[i] ^= 1 << bit
			l, err := Decode(bytes.NewReader(b))
			if i < ends[0] {
				if l != nil || !errors.Is(err, ErrBadHeader) {
					t.Fatalf("byte %d bit %d in the header: got %v, want ErrBadHeader", i, bit, err)
				}
				continue
			}
			start := 0
			for _, e := range ends {
				if e <= i {
					start = e
				}
			}
			var re *RecordError
			if !errors.As(err, &re) || !errors.Is(err, ErrTornTail) {
				t.Fatalf("byte %d bit %d: got %v, want ErrTornTail", i, bit, err)
			}
			if re.Offset != int64(start) {
				t.Fatalf("byte %d bit %d: reported at %d, want the record start %d", i, bit, re.Offset, start)
			}
			if got := encode(t, l); !bytes.Equal(got, file[:start]) {
				t.Fatalf("byte %d bit %d: the partial log is not the good prefix", i, bit)
			}
		}
	}
}

// TestHostileLengthsDoNotAllocate feeds lengths that a naive decoder would
// trust. It is not parallel on purpose: it measures the heap, and parallel
// tests stay paused while sequential ones run.
func TestHostileLengthsDoNotAllocate(t *testing.T) {
	hdr := headerBytes(t)
	start := binary.AppendUvarint([]byte(Magic), Version)
	tests := []struct {
		name    string
		file    []byte
		wantErr error
	}{
		{"header claims a megabyte, holds 3 bytes", cat(start, []byte{kindHeader}, binary.AppendUvarint(nil, maxHeaderPayload), []byte{1, 2, 3}), ErrBadHeader},
		{"header claims 2^62 bytes", cat(start, []byte{kindHeader}, binary.AppendUvarint(nil, 1<<62)), ErrBadHeader},
		{"record claims 2^40 bytes", cat(hdr, []byte{kindInput}, binary.AppendUvarint(nil, 1<<40), make([]byte, 100)), ErrTornTail},
		{"record claims just over the limit", cat(hdr, []byte{kindInput}, binary.AppendUvarint(nil, MaxPayload+1), make([]byte, 100)), ErrTornTail},
		{"string claims 2^60 bytes", cat(hdr, frame(kindInput, cat(make([]byte, 7), binary.AppendUvarint(nil, 1<<60)))), ErrBadRecord},
		{"source claims 2^60 bytes", cat(start, frame(kindHeader, cat([]byte{0}, binary.AppendUvarint(nil, 1<<60)))), ErrBadHeader},
	}
	// A generous bound: the read buffer, the scratch chunk and the error
	// values, but nowhere near what the lengths claim.
	const budget = 256 << 10
	for _, tt := range tests {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Decode(bytes.NewReader(tt.file))
		runtime.ReadMemStats(&after)
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.wantErr)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > budget {
			t.Errorf("%s: allocated %d bytes, budget %d", tt.name, n, budget)
		}
	}
}

// errReader fails after its bytes run out, as a disk that goes bad would.
type errReader struct {
	b   []byte
	err error
}

func (r *errReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, r.err
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

// TestReadErrorIsNotTorn: a read error says nothing about the file, so it
// must not pass for a torn tail that a server would truncate away.
func TestReadErrorIsNotTorn(t *testing.T) {
	t.Parallel()
	file, ends := boundaries(t)
	errIO := errors.New("input/output error")
	for _, cut := range []int{3, ends[0], ends[2] + 1} {
		l, err := Decode(&errReader{b: file[:cut], err: errIO})
		if !errors.Is(err, errIO) {
			t.Fatalf("cut %d: got %v, want the read error", cut, err)
		}
		if errors.Is(err, ErrTornTail) || errors.Is(err, ErrBadRecord) || errors.Is(err, ErrBadHeader) {
			t.Fatalf("cut %d: a read error passed for a bad file: %v", cut, err)
		}
		if cut >= ends[0] && l == nil {
			t.Fatalf("cut %d: the records read before the error were dropped", cut)
		}
	}
}
