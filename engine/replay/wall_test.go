package replay

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine"
)

// v1 marks a log as a version 1 file: what every journal and replay file
// written before Wall records existed is.
func v1(l *Log) *Log {
	l.Version = 1
	return l
}

// t0 is 2026-06-03T09:30:00+08:00 in Unix nanoseconds.
const t0 = int64(1780450200) * 1e9

// walledLog is sampleLog as a served drill journals it: started at tick 0,
// paused at tick 2 for 90 s, resumed, ended at tick 6.
func walledLog() *Log {
	l := sampleLog()
	l.Walls = []Wall{
		{Tick: 0, Kind: WallStart, UnixNano: t0},
		{Tick: 2, Kind: WallPause, UnixNano: t0 + 100e6},
		{Tick: 2, Kind: WallResume, UnixNano: t0 + 90_100e6},
		{Tick: 6, Kind: WallEnd, UnixNano: t0 + 90_300e6},
	}
	return l
}

func TestWallRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		log  *Log
	}{
		{"start pause resume end", walledLog()},
		{"walls only", &Log{Header: sampleHeader(), Walls: []Wall{{0, WallStart, 0}, {0, WallPause, -1}, {0, WallResume, math.MaxInt64}}}},
		{"before 1970 and at the limits", &Log{Header: sampleHeader(), Walls: []Wall{{0, WallStart, math.MinInt64}, {math.MaxUint64, WallEnd, math.MaxInt64}}}},
		{"resumed after a restart without a pause record", func() *Log {
			l := walledLog()
			l.Walls = append(l.Walls[:1], Wall{Tick: 4, Kind: WallResume, UnixNano: t0 + 3_600e9})
			l.Walls = append(l.Walls, Wall{Tick: 6, Kind: WallEnd, UnixNano: t0 + 3_601e9})
			return l
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkRoundTrip(t, tt.log)
		})
	}
}

// TestWallWriterMatchesEncode: a journal written as the drill runs — start,
// the inputs, a pause between ticks, resume, end — is the file Encode makes.
func TestWallWriterMatchesEncode(t *testing.T) {
	t.Parallel()
	l := walledLog()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, l.Header)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	wall := func(i int) { must(w.Wall(l.Walls[i].Kind, l.Walls[i].Tick, l.Walls[i].UnixNano)) }
	wall(0)
	for _, x := range l.Inputs[:4] {
		must(w.Input(x))
	}
	must(w.Checkpoint(l.Checkpoints[0].Tick, l.Checkpoints[0].Hash))
	wall(1)
	wall(2)
	for _, x := range l.Inputs[4:] {
		must(w.Input(x))
	}
	must(w.Checkpoint(l.Checkpoints[1].Tick, l.Checkpoints[1].Hash))
	wall(3)
	must(w.End(l.End.Tick, l.End.Hash))
	if !bytes.Equal(buf.Bytes(), encode(t, l)) {
		t.Fatal("Writer and Encode disagree")
	}
}

// TestWallRefused: Encode merges a Log's walls among its inputs by tick, so
// only their own order, their kind and End can be wrong (a file's order is
// checked by TestWallDecodeRejects).
func TestWallRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		mod  func(l *Log)
	}{
		{"in a version 1 log", func(l *Log) { l.Version = 1 }},
		{"after end", func(l *Log) { l.Walls[3].Tick = 7 }},
		{"ticks going back", func(l *Log) { l.Walls[0].Tick = 3 }},
		{"unknown kind", func(l *Log) { l.Walls[1].Kind = 9 }},
		{"kind zero", func(l *Log) { l.Walls[1].Kind = 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := walledLog()
			tt.mod(l)
			var buf bytes.Buffer
			if err := Encode(&buf, l); !errors.Is(err, ErrBadRecord) {
				t.Fatalf("Encode: got %v, want ErrBadRecord", err)
			}
			if buf.Len() != 0 {
				t.Fatalf("a refused log wrote %d bytes", buf.Len())
			}
		})
	}
}

// TestWallDecodeRejects: the reader applies the same rules to a file, and
// a version 1 file with a kind-5 record is what it always was, damage.
func TestWallDecodeRejects(t *testing.T) {
	t.Parallel()
	in5 := frame(kindInput, inputPayload(engine.Input{Tick: 5, Kind: engine.InputLeave}))
	wall := func(tick uint64, k WallKind) []byte {
		return frame(kindWall, appendWall(nil, &Wall{Tick: tick, Kind: k, UnixNano: t0}))
	}
	v1Header := encode(t, v1(&Log{Header: sampleHeader()}))
	tests := []struct {
		name         string
		header, pre  []byte
		bad          []byte
		wantGoodWall bool
	}{
		{"wall in a version 1 file", v1Header, in5, wall(6, WallPause), false},
		{"wall at an input's tick", nil, in5, wall(5, WallPause), false},
		{"input before the wall's tick", nil, cat(in5, wall(7, WallPause)), frame(kindInput, inputPayload(engine.Input{Tick: 6})), true},
		{"unknown wall kind", nil, in5, wall(6, 5), false},
		{"wall trailing byte", nil, in5, frame(kindWall, append(appendWall(nil, &Wall{Tick: 6, Kind: WallPause}), 0)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := tt.header
			if h == nil {
				h = headerBytes(t)
			}
			start := cat(h, tt.pre)
			want, err := Decode(bytes.NewReader(start))
			if err != nil {
				t.Fatalf("the good prefix does not decode: %v", err)
			}
			if (len(want.Walls) > 0) != tt.wantGoodWall {
				t.Fatalf("good prefix walls %v", want.Walls)
			}
			got, err := Decode(bytes.NewReader(cat(start, tt.bad)))
			var re *RecordError
			if !errors.As(err, &re) || !errors.Is(err, ErrBadRecord) {
				t.Fatalf("got %v, want ErrBadRecord", err)
			}
			if re.Offset != int64(len(start)) {
				t.Fatalf("bad record at offset %d, want %d", re.Offset, len(start))
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("partial log\n %+v\nwant\n %+v", got, want)
			}
		})
	}
}

// TestResumeV1StaysV1: a journal begun by an older build and resumed after
// an upgrade goes on in version 1 and refuses Wall records rather than
// writing what its header says it cannot hold.
func TestResumeV1StaysV1(t *testing.T) {
	t.Parallel()
	l := v1(sampleLog())
	l.End = nil
	var buf bytes.Buffer
	buf.Write(encode(t, l))
	w, err := ResumeWriter(&buf, l)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Wall(WallResume, 6, t0); !errors.Is(err, ErrBadRecord) {
		t.Fatalf("Wall on a version 1 journal: %v, want ErrBadRecord", err)
	}
	if err := w.End(6, 1); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(bytes.NewReader(buf.Bytes()))
	if err != nil || got.Version != 1 || got.End == nil {
		t.Fatalf("resumed v1 journal: %+v, %v", got, err)
	}
}
