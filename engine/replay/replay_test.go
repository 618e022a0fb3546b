package replay

import (
	"bytes"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const sampleYAML = "name: small\nmap: riverside-8x8\nduration: 60s\n"

func sampleHeader() Header {
	return Header{
		Scenario:      "small",
		Source:        []byte(sampleYAML),
		Seed:          0x0123456789abcdef,
		TickHz:        20,
		EngineVersion: "0.1.0-test",
	}
}

// sampleLog holds every input kind, two checkpoints and an end, small
// enough to read in a hex dump.
func sampleLog() *Log {
	return &Log{
		Header: sampleHeader(),
		Inputs: []engine.Input{
			{Tick: 0, Participant: 0, Kind: engine.InputJoin, Target: "Li Wei"},
			{Tick: 0, Participant: 1, Kind: engine.InputJoin, Target: "bot-1", Policy: "cautious"},
			{Tick: 1, Participant: 0, Kind: engine.InputMove, MoveX: -707, MoveY: 707, Run: true},
			{Tick: 1, Participant: 1, Kind: engine.InputLook, Heading: 27000},
			{Tick: 3, Participant: 0, Kind: engine.InputAct, Action: "open_gate", Target: "gate-3"},
			{Tick: 4, Participant: 1, Kind: engine.InputAnswer, Action: "q-evacuate", Target: "opt-b"},
			{Tick: 5, Participant: 1, Kind: engine.InputLeave},
		},
		Checkpoints: []Checkpoint{{Tick: 1, Hash: 0xa8c7f832281a39c5}, {Tick: 5, Hash: 0x1122334455667788}},
		End:         &End{Tick: 6, Hash: 0xfedcba9876543210},
	}
}

func encode(t testing.TB, l *Log) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, l); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", engine.MaxIDLen)
	name := strings.Repeat("n", engine.MaxNameLen)
	tests := []struct {
		name string
		log  *Log
	}{
		{"header only", &Log{Header: sampleHeader()}},
		{"every input kind", sampleLog()},
		{"running journal without end", func() *Log { l := sampleLog(); l.End = nil; return l }()},
		{"checkpoints and end only", &Log{
			Header:      sampleHeader(),
			Checkpoints: []Checkpoint{{0, 1}, {100, 2}, {200, 3}},
			End:         &End{200, 4},
		}},
		{"empty header fields", &Log{Header: Header{TickHz: 1}}},
		{"limits", &Log{
			Header: Header{
				Scenario:      strings.Repeat("s", MaxScenarioLen),
				Source:        bytes.Repeat([]byte{0xff}, MaxSourceLen),
				Seed:          math.MaxUint64,
				TickHz:        MaxTickHz,
				EngineVersion: strings.Repeat("v", MaxEngineVersionLen),
			},
			Inputs: []engine.Input{{
				Tick: math.MaxUint64, Participant: math.MaxInt32, Kind: engine.InputAct,
				MoveX: math.MinInt16, MoveY: math.MaxInt16, Heading: math.MaxInt32,
				Action: long, Target: name, Policy: long,
			}},
			End: &End{math.MaxUint64, math.MaxUint64},
		}},
		// The world drops and counts invalid inputs, so the log must carry
		// them exactly for a replay to count them too.
		{"invalid inputs carried verbatim", &Log{
			Header: sampleHeader(),
			Inputs: []engine.Input{
				{Tick: 7, Participant: -1, Kind: 0, Heading: -1},
				{Tick: 7, Participant: math.MinInt32, Kind: 255, MoveX: 5000, MoveY: -5000, Heading: 36000},
				{Tick: 8, Kind: engine.InputMove, Action: "\x00\xff not utf-8", Target: "嘉陵江"},
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkRoundTrip(t, tt.log)
		})
	}
}

// checkRoundTrip encodes l, decodes it back to the same log, and checks
// that re-encoding the decoded log gives the same bytes.
func checkRoundTrip(t *testing.T, l *Log) {
	t.Helper()
	b := encode(t, l)
	got, err := Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if !reflect.DeepEqual(got, l) {
		t.Fatalf("round trip changed the log:\n got %+v\nwant %+v", got, l)
	}
	if again := encode(t, got); !bytes.Equal(again, b) {
		t.Fatal("re-encoding a decoded log changed its bytes")
	}
}

// TestWriterMatchesEncode checks that a journal written record by record as
// a drill runs is byte for byte the file Encode makes of the finished log.
func TestWriterMatchesEncode(t *testing.T) {
	t.Parallel()
	l := sampleLog()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, l.Header)
	if err != nil {
		t.Fatal(err)
	}
	in := l.Inputs
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, x := range in[:4] {
		must(w.Input(x))
	}
	must(w.Checkpoint(l.Checkpoints[0].Tick, l.Checkpoints[0].Hash))
	for _, x := range in[4:] {
		must(w.Input(x))
	}
	must(w.Checkpoint(l.Checkpoints[1].Tick, l.Checkpoints[1].Hash))
	must(w.End(l.End.Tick, l.End.Hash))
	if !bytes.Equal(buf.Bytes(), encode(t, l)) {
		t.Fatal("Writer and Encode disagree")
	}
}

// TestGolden pins the byte format: if this fails, the format changed, and
// old replay files and journals no longer read. Bump Version instead, or
// rewrite the file with -update only when the change is intended.
func TestGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		make func(t *testing.T) []byte
		want *Log
		torn bool // the file ends in a torn record
	}{
		// Version 1 files (no Wall records) were written before version 2
		// and must keep decoding to the same log and re-encoding to the
		// same bytes.
		{"small.rdr", func(t *testing.T) []byte { return encode(t, v1(sampleLog())) }, v1(sampleLog()), false},
		{"journal-torn.rdr", tornJournal, func() *Log {
			l := v1(sampleLog())
			l.Inputs, l.Checkpoints, l.End = l.Inputs[:4], l.Checkpoints[:1], nil
			return l
		}(), true},
		{"walls.rdr", func(t *testing.T) []byte { return encode(t, walledLog()) }, walledLog(), false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join("testdata", tt.file)
			b := tt.make(t)
			if *update {
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			golden, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(b, golden) {
				t.Fatalf("encoding drifted from %s:\n got %x\nwant %x", path, b, golden)
			}
			got, err := Decode(bytes.NewReader(golden))
			if !tt.torn && err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if tt.torn {
				// The good prefix is exactly the encoding of what survived.
				var re *RecordError
				if !errors.As(err, &re) || !errors.Is(err, ErrTornTail) {
					t.Fatalf("Decode error %v, want ErrTornTail", err)
				}
				if want := int64(len(encode(t, tt.want))); re.Offset != want {
					t.Fatalf("torn at offset %d, want %d", re.Offset, want)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("decoded\n %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// tornJournal is a journal cut by a crash in the middle of an input record:
// the first checkpoint, then half of the next input.
func tornJournal(t *testing.T) []byte {
	l := v1(sampleLog())
	l.Inputs, l.Checkpoints, l.End = l.Inputs[:5], l.Checkpoints[:1], nil
	b := encode(t, l)
	return b[:len(b)-7]
}

func TestInputsAt(t *testing.T) {
	t.Parallel()
	l := sampleLog()
	tests := []struct {
		tick uint64
		want []engine.Input
	}{
		{0, l.Inputs[0:2]},
		{1, l.Inputs[2:4]},
		{2, nil},
		{3, l.Inputs[4:5]},
		{5, l.Inputs[6:7]},
		{6, nil},
		{math.MaxUint64, nil},
	}
	for _, tt := range tests {
		got := l.InputsAt(tt.tick)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("InputsAt(%d) = %+v, want %+v", tt.tick, got, tt.want)
		}
		if len(got) != cap(got) {
			t.Errorf("InputsAt(%d): cap %d > len %d lets appends clobber later ticks", tt.tick, cap(got), len(got))
		}
	}
}

func TestWriterRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(w *Writer) error // valid records first
		bad   func(w *Writer) error
	}{
		{"decreasing input tick",
			func(w *Writer) error { return w.Input(engine.Input{Tick: 5, Kind: engine.InputLeave}) },
			func(w *Writer) error { return w.Input(engine.Input{Tick: 4, Kind: engine.InputLeave}) }},
		{"input at a checkpointed tick",
			func(w *Writer) error { return w.Checkpoint(5, 1) },
			func(w *Writer) error { return w.Input(engine.Input{Tick: 5, Kind: engine.InputLeave}) }},
		{"checkpoint tick repeated",
			func(w *Writer) error { return w.Checkpoint(5, 1) },
			func(w *Writer) error { return w.Checkpoint(5, 2) }},
		{"checkpoint before an input's tick",
			func(w *Writer) error { return w.Input(engine.Input{Tick: 5, Kind: engine.InputLeave}) },
			func(w *Writer) error { return w.Checkpoint(4, 1) }},
		{"end before a checkpoint",
			func(w *Writer) error { return w.Checkpoint(5, 1) },
			func(w *Writer) error { return w.End(4, 1) }},
		{"end before an input",
			func(w *Writer) error { return w.Input(engine.Input{Tick: 5, Kind: engine.InputLeave}) },
			func(w *Writer) error { return w.End(4, 1) }},
		{"input after end",
			func(w *Writer) error { return w.End(5, 1) },
			func(w *Writer) error { return w.Input(engine.Input{Tick: 6, Kind: engine.InputLeave}) }},
		{"second end",
			func(w *Writer) error { return w.End(5, 1) },
			func(w *Writer) error { return w.End(6, 1) }},
		{"action too long", nil,
			func(w *Writer) error { return w.Input(engine.Input{Action: strings.Repeat("a", engine.MaxIDLen+1)}) }},
		{"target too long", nil,
			func(w *Writer) error { return w.Input(engine.Input{Target: strings.Repeat("a", engine.MaxNameLen+1)}) }},
		{"policy too long", nil,
			func(w *Writer) error { return w.Input(engine.Input{Policy: strings.Repeat("a", engine.MaxIDLen+1)}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			w, err := NewWriter(&buf, sampleHeader())
			if err != nil {
				t.Fatal(err)
			}
			if tt.setup != nil {
				if err := tt.setup(w); err != nil {
					t.Fatalf("setup: %v", err)
				}
			}
			before := buf.Len()
			if err := tt.bad(w); !errors.Is(err, ErrBadRecord) {
				t.Fatalf("got %v, want ErrBadRecord", err)
			}
			if buf.Len() != before {
				t.Fatalf("a refused record wrote %d bytes", buf.Len()-before)
			}
			if _, err := Decode(bytes.NewReader(buf.Bytes())); err != nil {
				t.Fatalf("the log is no longer readable after a refusal: %v", err)
			}
		})
	}
}

func TestBadHeaderRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		h    func(h *Header)
	}{
		{"tick rate zero", func(h *Header) { h.TickHz = 0 }},
		{"tick rate too high", func(h *Header) { h.TickHz = MaxTickHz + 1 }},
		{"scenario name too long", func(h *Header) { h.Scenario = strings.Repeat("s", MaxScenarioLen+1) }},
		{"source too long", func(h *Header) { h.Source = make([]byte, MaxSourceLen+1) }},
		{"engine version too long", func(h *Header) { h.EngineVersion = strings.Repeat("v", MaxEngineVersionLen+1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := sampleHeader()
			tt.h(&h)
			var buf bytes.Buffer
			if _, err := NewWriter(&buf, h); !errors.Is(err, ErrBadHeader) {
				t.Fatalf("NewWriter: got %v, want ErrBadHeader", err)
			}
			if buf.Len() != 0 {
				t.Fatalf("a refused header wrote %d bytes", buf.Len())
			}
			if err := Encode(&buf, &Log{Header: h}); !errors.Is(err, ErrBadHeader) {
				t.Fatalf("Encode: got %v, want ErrBadHeader", err)
			}
		})
	}
}

func TestEncodeRefusesUnorderedLog(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		mod  func(l *Log)
	}{
		{"inputs out of order", func(l *Log) { l.Inputs[0], l.Inputs[6] = l.Inputs[6], l.Inputs[0] }},
		{"checkpoints out of order", func(l *Log) { l.Checkpoints[0], l.Checkpoints[1] = l.Checkpoints[1], l.Checkpoints[0] }},
		{"end before last input", func(l *Log) { l.End.Tick = 4 }},
		{"oversize action", func(l *Log) { l.Inputs[6].Action = strings.Repeat("a", engine.MaxIDLen+1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := sampleLog()
			tt.mod(l)
			var buf bytes.Buffer
			if err := Encode(&buf, l); !errors.Is(err, ErrBadRecord) {
				t.Fatalf("got %v, want ErrBadRecord", err)
			}
			if buf.Len() != 0 {
				t.Fatalf("a refused log wrote %d bytes", buf.Len())
			}
		})
	}
}

// failWriter accepts n bytes, then fails, as a full disk would.
type failWriter struct{ n int }

var errDiskFull = errors.New("disk full")

func (f *failWriter) Write(b []byte) (int, error) {
	if len(b) > f.n {
		k := f.n
		f.n = 0
		return k, errDiskFull
	}
	f.n -= len(b)
	return len(b), nil
}

func TestWriteErrorSticks(t *testing.T) {
	t.Parallel()
	// Room for the header and a few bytes of the first record.
	hdr := len(encode(t, &Log{Header: sampleHeader()}))
	w, err := NewWriter(&failWriter{n: hdr + 3}, sampleHeader())
	if err != nil {
		t.Fatal(err)
	}
	in := engine.Input{Tick: 1, Kind: engine.InputLeave}
	if err := w.Input(in); !errors.Is(err, errDiskFull) {
		t.Fatalf("first write: got %v, want the disk error", err)
	}
	// Anything appended behind a torn record would be lost to a reader.
	if err := w.Checkpoint(2, 0); !errors.Is(err, errDiskFull) {
		t.Fatalf("after a failed write: got %v, want the same error", err)
	}
	if _, err := NewWriter(&failWriter{n: 3}, sampleHeader()); !errors.Is(err, errDiskFull) {
		t.Fatalf("header write: got %v, want the disk error", err)
	}
}

// TestResumeJournal is the server's crash recovery: decode the journal, cut
// it to the good prefix, and append from there.
func TestResumeJournal(t *testing.T) {
	t.Parallel()
	full := sampleLog()
	b := encode(t, full)
	// Crash: the record after the first checkpoint is half written.
	l, err := Decode(bytes.NewReader(tornJournal(t)))
	var re *RecordError
	if !errors.As(err, &re) || !errors.Is(err, ErrTornTail) {
		t.Fatalf("got %v, want a torn tail", err)
	}
	journal := bytes.NewBuffer(bytes.Clone(b[:re.Offset]))
	w, err := ResumeWriter(journal, l)
	if err != nil {
		t.Fatal(err)
	}
	// The resumed writer knows the checkpoint at tick 1.
	if err := w.Input(engine.Input{Tick: 1, Kind: engine.InputLeave}); !errors.Is(err, ErrBadRecord) {
		t.Fatalf("input at checkpointed tick: got %v, want ErrBadRecord", err)
	}
	for _, in := range full.Inputs[4:] {
		if err := w.Input(in); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Checkpoint(5, full.Checkpoints[1].Hash); err != nil {
		t.Fatal(err)
	}
	if err := w.End(full.End.Tick, full.End.Hash); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(journal.Bytes(), b) {
		t.Fatal("resumed journal differs from one written without a crash")
	}
	ended, err := Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ResumeWriter(&bytes.Buffer{}, ended); !errors.Is(err, ErrBadRecord) {
		t.Fatalf("resuming an ended log: got %v, want ErrBadRecord", err)
	}
}
