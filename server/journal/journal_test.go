package journal

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/replay"
	"github.com/rescuedrill/rescuedrill/scenarios"
)

// testHeader is a small valid header for tests that do not simulate.
func testHeader() replay.Header {
	return replay.Header{Scenario: "test", Source: []byte("name: test\n"), Seed: 42, TickHz: 20, EngineVersion: engine.Version}
}

// move is a distinct input per i, so tests can tell which ones survived.
func move(tick uint64, i int) engine.Input {
	return engine.Input{Tick: tick, Participant: int32(i % 40), Kind: engine.InputMove, MoveX: int16(i % 1000), MoveY: int16(-(i % 997)), Run: i%2 == 0}
}

func decodeFile(t testing.TB, path string) (*replay.Log, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return replay.Decode(f)
}

func encode(t testing.TB, l *replay.Log) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := replay.Encode(&b, l); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var heat struct {
	once   sync.Once
	loaded *scenarios.Loaded
	err    error
}

// heatSetup loads the built-in heat scenario once per test binary and
// returns a fresh Setup and a header for a journal of it.
func heatSetup(t testing.TB, seed uint64) (engine.Setup, replay.Header) {
	t.Helper()
	heat.once.Do(func() { heat.loaded, heat.err = scenarios.Builtin("heat") })
	if heat.err != nil {
		t.Fatal(heat.err)
	}
	l := heat.loaded
	return engine.Setup{Scenario: l.Scenario, Map: l.Map},
		replay.Header{Scenario: "heat", Source: l.Src, Seed: seed, TickHz: l.Scenario.TickHz, EngineVersion: engine.Version}
}

// TestDurability is the contract the server acknowledges on: once Sync has
// returned, every input appended before it is in the file, readable by a
// fresh reader, and nothing is in the file that was not appended.
func TestDurability(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j, err := Create(dir, "d1", testHeader())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "d1.rdr")
	if j.Path() != path {
		t.Fatalf("path %q, want %q", j.Path(), path)
	}
	want := &replay.Log{Header: testHeader()}
	// The header alone is durable as soon as Create returns.
	if l, err := decodeFile(t, path); err != nil || !reflect.DeepEqual(l, want) {
		t.Fatalf("after Create: %+v, %v", l, err)
	}
	i := 0
	for tick := uint64(0); tick < 30; tick++ {
		for k := 0; k < int(tick%4); k++ { // 0..3 inputs a tick, some ticks none
			in := move(tick, i)
			i++
			if err := j.Append(in); err != nil {
				t.Fatal(err)
			}
			want.Inputs = append(want.Inputs, in)
		}
		if tick%10 == 9 {
			if err := j.Checkpoint(tick, tick*1000); err != nil {
				t.Fatal(err)
			}
			want.Checkpoints = append(want.Checkpoints, replay.Checkpoint{Tick: tick, Hash: tick * 1000})
		}
		if err := j.Sync(); err != nil {
			t.Fatal(err)
		}
		l, err := decodeFile(t, path)
		if err != nil {
			t.Fatalf("tick %d: %v", tick, err)
		}
		if !reflect.DeepEqual(l, want) {
			t.Fatalf("tick %d: the file holds %d inputs, %d checkpoints; want %d, %d", tick, len(l.Inputs), len(l.Checkpoints), len(want.Inputs), len(want.Checkpoints))
		}
	}
	st := j.Stats()
	if st.Inputs != uint64(len(want.Inputs)) || st.Syncs == 0 || st.Syncs > 30 {
		t.Fatalf("stats %+v", st)
	}
	// A Sync with nothing new costs no fsync.
	if err := j.Sync(); err != nil || j.Stats().Syncs != st.Syncs {
		t.Fatalf("idle Sync: %v, %d syncs, want %d", err, j.Stats().Syncs, st.Syncs)
	}
	if err := j.End(30, 7); err != nil {
		t.Fatal(err)
	}
	want.End = &replay.End{Tick: 30, Hash: 7}
	if l, err := decodeFile(t, path); err != nil || !reflect.DeepEqual(l, want) {
		t.Fatalf("after End: %+v, %v", l, err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	// The file is the canonical encoding of the log: `drill replay` reads
	// exactly what Encode would have written.
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, encode(t, want)) {
		t.Fatal("the journal is not the canonical replay encoding of its log")
	}
	if err := j.Append(move(31, 0)); !errors.Is(err, ErrClosed) {
		t.Fatalf("Append after Close: %v, want ErrClosed", err)
	}
	if err := j.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Close: %v, want ErrClosed", err)
	}
}

func TestCreateRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j, err := Create(dir, "d", testHeader())
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if _, err := Create(dir, "d", testHeader()); !errors.Is(err, os.ErrExist) {
		t.Fatalf("second Create of the same drill: %v, want ErrExist", err)
	}
	for _, id := range []string{"", ".hidden", "a/b", `a\b`, "../up", "nul\x00"} {
		if _, err := Create(dir, id, testHeader()); err == nil {
			t.Errorf("drill ID %q accepted", id)
		}
	}
	if _, err := Create(dir, "bad", replay.Header{}); !errors.Is(err, replay.ErrBadHeader) {
		t.Fatalf("bad header: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.rdr")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused Create left its file behind: %v", err)
	}
	if _, err := Create(filepath.Join(dir, "missing"), "d", testHeader()); err == nil {
		t.Fatal("Create in a missing directory succeeded")
	}
}

// TestRefusedInputKeepsJournal: an input the format cannot carry is
// refused, and the journal goes on.
func TestRefusedInputKeepsJournal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j, err := Create(dir, "d", testHeader())
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Append(move(5, 1)); err != nil {
		t.Fatal(err)
	}
	long := engine.Input{Tick: 5, Kind: engine.InputAct, Action: string(make([]byte, engine.MaxIDLen+1))}
	if err := j.Append(long); !errors.Is(err, replay.ErrBadRecord) {
		t.Fatalf("over-long input: %v, want ErrBadRecord", err)
	}
	if err := j.Append(move(4, 2)); !errors.Is(err, replay.ErrBadRecord) {
		t.Fatalf("tick going back: %v, want ErrBadRecord", err)
	}
	if err := j.Append(move(6, 3)); err != nil {
		t.Fatalf("after refused inputs: %v", err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	l, err := decodeFile(t, filepath.Join(dir, "d.rdr"))
	if err != nil || len(l.Inputs) != 2 {
		t.Fatalf("%v, %+v", err, l)
	}
}

// faultyFile wraps a real file and fails the nth Write or Sync (counting
// from 1; 0 never).
type faultyFile struct {
	*os.File
	failWrite, failSync int
	writes, syncs       int
	short               bool // the failing write writes half its bytes first
}

var errDisk = errors.New("injected disk failure")

func (f *faultyFile) Write(p []byte) (int, error) {
	f.writes++
	if f.writes == f.failWrite {
		if f.short {
			n, _ := f.File.Write(p[:len(p)/2])
			return n, errDisk
		}
		return 0, errDisk
	}
	return f.File.Write(p)
}

func (f *faultyFile) Sync() error {
	f.syncs++
	if f.syncs == f.failSync {
		return errDisk
	}
	return f.File.Sync()
}

func TestFailingFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ff   faultyFile
	}{
		{"write fails", faultyFile{failWrite: 3}},
		{"short write", faultyFile{failWrite: 3, short: true}},
		{"sync fails", faultyFile{failSync: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "d.rdr")
			f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
			if err != nil {
				t.Fatal(err)
			}
			ff := tt.ff
			ff.File = f
			j, err := New(&ff, testHeader()) // write 1, sync 1
			if err != nil {
				t.Fatal(err)
			}
			acked := 0
			var failed error
			for i := 0; i < 10 && failed == nil; i++ {
				if err := j.Append(move(uint64(i), i)); err != nil {
					t.Fatalf("Append %d before any failure: %v", i, err)
				}
				if err := j.Sync(); err != nil {
					failed = err
					break
				}
				acked++
			}
			if !errors.Is(failed, errDisk) || !errors.Is(failed, ErrFailed) {
				t.Fatalf("Sync: %v, want the injected error wrapped in ErrFailed", failed)
			}
			if acked != 1 {
				t.Fatalf("%d syncs succeeded, want 1", acked)
			}
			// Sticky: nothing more is accepted, every call says why.
			if err := j.Append(move(20, 20)); !errors.Is(err, errDisk) {
				t.Fatalf("Append after the failure: %v", err)
			}
			if err := j.Checkpoint(20, 1); !errors.Is(err, errDisk) {
				t.Fatalf("Checkpoint after the failure: %v", err)
			}
			if err := j.Sync(); !errors.Is(err, errDisk) {
				t.Fatalf("Sync after the failure: %v", err)
			}
			if err := j.End(20, 1); !errors.Is(err, errDisk) {
				t.Fatalf("End after the failure: %v", err)
			}
			if err := j.Err(); !errors.Is(err, errDisk) {
				t.Fatalf("Err: %v", err)
			}
			writes, syncs := ff.writes, ff.syncs
			if err := j.Close(); !errors.Is(err, errDisk) {
				t.Fatalf("Close: %v, want the failure", err)
			}
			if ff.writes != writes || ff.syncs != syncs {
				t.Fatal("the journal touched the file after it failed")
			}
			// What was acknowledged survives a recovery.
			rs, err := Recover(filepath.Dir(path))
			if err != nil || len(rs) != 1 || rs[0].Err != nil {
				t.Fatalf("Recover: %v %+v", err, rs)
			}
			defer rs[0].Journal.Close()
			if n := len(rs[0].Log.Inputs); n < acked {
				t.Fatalf("recovered %d inputs, %d were acknowledged", n, acked)
			}
			if tt.ff.short && rs[0].Truncated == 0 {
				t.Fatalf("the half-written record was not cut off: %s", rs[0].Note)
			}
		})
	}
}

// TestFailingAppendFlush: the buffered write an Append makes when its
// buffer is full fails, and Append reports it.
func TestFailingAppendFlush(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "d.rdr")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	ff := &faultyFile{File: f, failWrite: 2}
	j, err := New(ff, testHeader())
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for i := 0; ; i++ {
		err := j.Append(move(uint64(i), i))
		if err == nil {
			if i > flushAt {
				t.Fatal("Append never flushed its buffer")
			}
			continue
		}
		if !errors.Is(err, errDisk) {
			t.Fatalf("Append %d: %v", i, err)
		}
		break
	}
	if err := j.Append(move(1<<20, 0)); !errors.Is(err, errDisk) {
		t.Fatalf("Append after the failure: %v", err)
	}
}

// TestGroupCommit: many goroutines append and sync at once, as the
// participants of a drill would; every acknowledged input is in the file,
// and they shared fsyncs.
func TestGroupCommit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j, err := Create(dir, "d", testHeader())
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 8, 50
	var wg sync.WaitGroup
	var mu sync.Mutex // inputs of one tick in any order, ticks apart per round
	for g := 0; g < writers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < each; k++ {
				mu.Lock()
				err := j.Append(engine.Input{Tick: 7, Participant: int32(g), Kind: engine.InputLook, Heading: int32(k)})
				mu.Unlock()
				if err != nil {
					t.Error(err)
					return
				}
				if err := j.Sync(); err != nil {
					t.Error(err)
					return
				}
				_ = j.Stats() // as metrics would, while others sync
			}
		}()
	}
	wg.Wait()
	st := j.Stats()
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	l, err := decodeFile(t, filepath.Join(dir, "d.rdr"))
	if err != nil || len(l.Inputs) != writers*each {
		t.Fatalf("%v: %d inputs, want %d", err, len(l.Inputs), writers*each)
	}
	seen := map[[2]int32]bool{}
	for _, in := range l.Inputs {
		seen[[2]int32{in.Participant, in.Heading}] = true
	}
	if len(seen) != writers*each {
		t.Fatalf("%d distinct inputs, want %d", len(seen), writers*each)
	}
	t.Logf("%d inputs, %d syncs", st.Inputs, st.Syncs)
	if st.Syncs > st.Inputs {
		t.Fatalf("%d syncs for %d inputs", st.Syncs, st.Inputs)
	}
}

// blockingFile holds every fsync until released, to catch a Sync in flight.
type blockingFile struct {
	*os.File
	entered chan struct{}
	release chan struct{}
}

func (f *blockingFile) Sync() error {
	f.entered <- struct{}{}
	<-f.release
	return f.File.Sync()
}

// TestAppendDuringSync: records appended while a Sync is in flight are not
// covered by it; the next Sync writes them after the first batch, and a
// Sync that has nothing new does not wait for anyone.
func TestAppendDuringSync(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "d.rdr")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	bf := &blockingFile{File: f, entered: make(chan struct{}), release: make(chan struct{})}
	done := make(chan *Journal)
	go func() {
		j, err := New(bf, testHeader())
		if err != nil {
			t.Error(err)
		}
		done <- j
	}()
	<-bf.entered // the header's fsync
	bf.release <- struct{}{}
	j := <-done
	if j == nil {
		t.FailNow()
	}
	j.Append(move(1, 1))
	first := make(chan error)
	go func() { first <- j.Sync() }()
	<-bf.entered // first Sync is in its fsync, input 1 written
	if err := j.Append(move(2, 2)); err != nil {
		t.Fatal(err)
	}
	if err := j.Checkpoint(2, 99); err != nil {
		t.Fatal(err)
	}
	second := make(chan error)
	go func() { second <- j.Sync() }()
	select {
	case err := <-second:
		t.Fatalf("the second Sync returned (%v) while the first was still in flight", err)
	case <-time.After(20 * time.Millisecond):
	}
	bf.release <- struct{}{}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	<-bf.entered // the second Sync's own fsync
	bf.release <- struct{}{}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if st := j.Stats(); st.Syncs != 2 || st.Writes != 3 {
		t.Fatalf("stats %+v, want 2 syncs and 3 writes", st)
	}
	if err := j.Close(); err != nil { // nothing new: no fsync, so no wait
		t.Fatal(err)
	}
	l, err := decodeFile(t, path)
	want := &replay.Log{Header: testHeader(), Inputs: []engine.Input{move(1, 1), move(2, 2)}, Checkpoints: []replay.Checkpoint{{Tick: 2, Hash: 99}}}
	if err != nil || !reflect.DeepEqual(l, want) {
		t.Fatalf("%v\n%+v", err, l)
	}
}
