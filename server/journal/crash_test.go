package journal

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/replay"
	"github.com/rescuedrill/rescuedrill/internal/headless"
)

// drill is a real drill journalled the way the server does it.
type drill struct {
	setup engine.Setup
	log   *replay.Log // what was journalled (no End: the drill is running)
	file  []byte      // the journal file
	ends  []int       // offset after the header and after every record
	// hashes[t] is the world's state hash once it has applied tick t.
	hashes []uint64
}

var crashDrill struct {
	once sync.Once
	d    *drill
}

const drillTicks = 240

// journalledDrill plays the heat scenario with a few bots of each policy
// for drillTicks ticks (headless.Run, its log on a replay.Writer), then
// journals the same records through a Journal tick by tick, syncing after
// each tick as the server does before acknowledging.
func journalledDrill(t *testing.T) *drill {
	t.Helper()
	crashDrill.once.Do(func() {
		setup, h := heatSetup(t, 11)
		var buf bytes.Buffer
		rw, err := replay.NewWriter(&buf, h)
		if err != nil {
			t.Fatal(err)
		}
		_, err = headless.Run(setup, "heat", headless.Options{Seed: h.Seed, Log: rw, CheckpointEvery: 50, StopAt: drillTicks,
			Bots: []headless.BotSpec{{Policy: "good", Count: 2}, {Policy: "naive", Count: 2}, {Policy: "random", Count: 2}}})
		if err != nil {
			t.Fatal(err)
		}
		ref, err := replay.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		ref.End = nil
		if len(ref.Inputs) < 100 || len(ref.Checkpoints) < 3 {
			t.Fatalf("a thin drill: %d inputs, %d checkpoints", len(ref.Inputs), len(ref.Checkpoints))
		}

		dir := t.TempDir()
		j, err := Create(dir, "heat", h)
		if err != nil {
			t.Fatal(err)
		}
		in, cps := ref.Inputs, ref.Checkpoints
		for tick := uint64(0); tick < drillTicks; tick++ {
			for len(in) > 0 && in[0].Tick == tick {
				if err := j.Append(in[0]); err != nil {
					t.Fatal(err)
				}
				in = in[1:]
			}
			if len(cps) > 0 && cps[0].Tick == tick {
				if err := j.Checkpoint(cps[0].Tick, cps[0].Hash); err != nil {
					t.Fatal(err)
				}
				cps = cps[1:]
			}
			if err := j.Sync(); err != nil {
				t.Fatal(err)
			}
		}
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
		file, err := os.ReadFile(j.Path())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(file, encode(t, ref)) {
			t.Fatal("the journal differs from the replay encoding of the drill's log")
		}
		d := &drill{setup: setup, log: ref, file: file, ends: recordEnds(t, ref)}
		// The state after every tick, by plain stepping.
		w, err := engine.NewWorld(setup, h.Seed)
		if err != nil {
			t.Fatal(err)
		}
		for tick := uint64(0); tick < drillTicks; tick++ {
			w.Step(ref.InputsAt(tick))
			d.hashes = append(d.hashes, w.Hash())
		}
		for _, c := range ref.Checkpoints {
			if d.hashes[c.Tick] != c.Hash {
				t.Fatalf("checkpoint at tick %d: %016x, stepped %016x", c.Tick, c.Hash, d.hashes[c.Tick])
			}
		}
		crashDrill.d = d
	})
	if crashDrill.d == nil {
		t.Fatal("the drill could not be set up (see the first test that tried)")
	}
	return crashDrill.d
}

// recordEnds encodes l record by record and returns the offset after the
// header and after each record.
func recordEnds(t *testing.T, l *replay.Log) []int {
	var buf bytes.Buffer
	w, err := replay.NewWriter(&buf, l.Header)
	if err != nil {
		t.Fatal(err)
	}
	ends := []int{buf.Len()}
	step := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
		ends = append(ends, buf.Len())
	}
	in := l.Inputs
	for _, c := range l.Checkpoints {
		for len(in) > 0 && in[0].Tick <= c.Tick {
			step(w.Input(in[0]))
			in = in[1:]
		}
		step(w.Checkpoint(c.Tick, c.Hash))
	}
	for _, x := range in {
		step(w.Input(x))
	}
	return ends
}

// TestCrashAtAnyOffset cuts the journal of a real drill where a crash
// could: at every byte of its last eight records and at random bytes before.
// Recover must cut it back to the last whole record; Rebuild must reach the
// state a fresh world reaches over the surviving inputs (the server's own
// state when the cut is between ticks); and the recovered journal must take
// more records and end as a replay file that replays cleanly.
func TestCrashAtAnyOffset(t *testing.T) {
	t.Parallel()
	d := journalledDrill(t)
	cuts := []int{0, 5, d.ends[0] - 1}
	for c := d.ends[len(d.ends)-9]; c <= len(d.file); c++ {
		cuts = append(cuts, c)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 150 {
		cuts = append(cuts, d.ends[0]+rng.IntN(len(d.file)-d.ends[0]))
	}
	// Inside and right after each checkpoint too: the tick boundary cases.
	for k, e := range d.ends[1:] {
		if bytes.HasPrefix(d.file[d.ends[k]:], []byte{3}) { // a checkpoint record
			cuts = append(cuts, d.ends[k]+3, e)
		}
	}
	// Each cut's continuation is checked by a full replay; keep that for
	// a sample so the test stays quick.
	for n, cut := range cuts {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			checkCut(t, d, cut, n%4 == 0 || cut >= d.ends[len(d.ends)-3])
		})
	}
}

func checkCut(t *testing.T, d *drill, cut int, continueAndReplay bool) {
	dir := t.TempDir()
	path := filepath.Join(dir, "drill-1.rdr")
	if err := os.WriteFile(path, d.file[:cut], 0o644); err != nil {
		t.Fatal(err)
	}
	rs, err := Recover(dir)
	if err != nil || len(rs) != 1 {
		t.Fatalf("cut %d: Recover: %v, %d journals", cut, err, len(rs))
	}
	r := rs[0]
	if r.DrillID != "drill-1" || r.Path != path {
		t.Fatalf("cut %d: drill %q at %q", cut, r.DrillID, r.Path)
	}
	if cut < d.ends[0] {
		// Inside the header: the server died in Create, nothing was
		// acknowledged. Reported, left alone.
		if !errors.Is(r.Err, replay.ErrBadHeader) || r.Journal != nil || r.Log != nil {
			t.Fatalf("cut %d in the header: %+v", cut, r)
		}
		if st, err := os.Stat(path); err != nil || st.Size() != int64(cut) {
			t.Fatalf("cut %d in the header: the file was touched: %v", cut, err)
		}
		return
	}
	if r.Err != nil {
		t.Fatalf("cut %d: %v", cut, r.Err)
	}
	defer r.Journal.Close()
	good := 0
	for _, e := range d.ends {
		if e <= cut {
			good = e
		}
	}
	if st, err := os.Stat(path); err != nil || st.Size() != int64(good) {
		t.Fatalf("cut %d: file is %d bytes after Recover, want the last record boundary %d (%v)", cut, st.Size(), good, err)
	}
	if r.Truncated != int64(cut-good) || r.BadRecord {
		t.Fatalf("cut %d: truncated %d bytes (bad record %v), want %d", cut, r.Truncated, r.BadRecord, cut-good)
	}
	if (cut != good) != strings.Contains(r.Note, "truncated") {
		t.Fatalf("cut %d: note %q", cut, r.Note)
	}
	if !bytes.Equal(encode(t, r.Log), d.file[:good]) {
		t.Fatalf("cut %d: the recovered log is not the %d-byte good prefix", cut, good)
	}

	w, err := Rebuild(d.setup, r.Log)
	if err != nil {
		t.Fatalf("cut %d: Rebuild: %v", cut, err)
	}
	// A fresh world stepped over the surviving inputs, tick by tick.
	last, some := lastTick(r.Log)
	ref, err := engine.NewWorld(d.setup, r.Log.Header.Seed)
	if err != nil {
		t.Fatal(err)
	}
	for tick := uint64(0); some && tick <= last; tick++ {
		ref.Step(r.Log.InputsAt(tick))
	}
	if w.Tick() != ref.Tick() || w.Hash() != ref.Hash() {
		t.Fatalf("cut %d: rebuilt tick %d hash %016x, fresh world tick %d hash %016x", cut, w.Tick(), w.Hash(), ref.Tick(), ref.Hash())
	}
	// When every input of the last journalled tick survived, that is the
	// very state the server had after that tick.
	if some && len(r.Log.InputsAt(last)) == len(d.log.InputsAt(last)) && w.Hash() != d.hashes[last] {
		t.Fatalf("cut %d: rebuilt %016x after tick %d, the drill had %016x", cut, w.Hash(), last, d.hashes[last])
	}
	if !continueAndReplay {
		return
	}

	// Go on where the drill stopped, as the restarted server does.
	j := r.Journal
	for k := 0; k < 12; k++ {
		tick := w.Tick()
		ins := []engine.Input{
			{Tick: tick, Participant: int32(k % 6), Kind: engine.InputLook, Heading: int32(k * 1000)},
			{Tick: tick, Participant: int32((k + 1) % 6), Kind: engine.InputMove, MoveX: 500, MoveY: int16(-40 * k)},
		}
		for _, in := range ins {
			if err := j.Append(in); err != nil {
				t.Fatalf("cut %d: Append after recovery: %v", cut, err)
			}
		}
		w.Step(ins)
		if k == 5 {
			if err := j.Checkpoint(w.Tick()-1, w.Hash()); err != nil {
				t.Fatal(err)
			}
		}
		if err := j.Sync(); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.End(w.Tick(), w.Hash()); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	l, err := decodeFile(t, path)
	if err != nil || l.End == nil {
		t.Fatalf("cut %d: the continued journal: %v (end %v)", cut, err, l.End)
	}
	if !slices.Equal(l.Inputs[:len(r.Log.Inputs)], r.Log.Inputs) {
		t.Fatalf("cut %d: the recovered inputs changed", cut)
	}
	out, err := headless.Replay(d.setup, l, headless.Options{})
	if err != nil {
		t.Fatalf("cut %d: replaying the continued journal: %v", cut, err)
	}
	if out.Hash() != w.Hash() {
		t.Fatalf("cut %d: replay ends at %016x, the drill at %016x", cut, out.Hash(), w.Hash())
	}
	// Finished now: a second Recover leaves it alone.
	if rs, err := Recover(dir); err != nil || len(rs) != 0 {
		t.Fatalf("cut %d: Recover after End: %v %+v", cut, err, rs)
	}
}

// TestRebuildDetectsDivergence: a journal whose checkpoint does not match
// (another engine, another scenario) is refused, not silently resumed.
func TestRebuildDetectsDivergence(t *testing.T) {
	t.Parallel()
	d := journalledDrill(t)
	l := *d.log
	l.Checkpoints = append([]replay.Checkpoint(nil), d.log.Checkpoints...)
	l.Checkpoints[1].Hash ^= 1
	if _, err := Rebuild(d.setup, &l); !errors.Is(err, headless.ErrMismatch) {
		t.Fatalf("changed checkpoint: %v, want ErrMismatch", err)
	}
	l = *d.log
	l.Header.Seed++
	if _, err := Rebuild(d.setup, &l); !errors.Is(err, headless.ErrMismatch) {
		t.Fatalf("another seed: %v, want ErrMismatch", err)
	}
	l = *d.log
	l.Header.TickHz++
	if _, err := Rebuild(d.setup, &l); err == nil {
		t.Fatal("another tick rate was accepted")
	}
	// The whole log rebuilds to the drill's state after its last tick.
	w, err := Rebuild(d.setup, d.log)
	if err != nil {
		t.Fatal(err)
	}
	last, _ := lastTick(d.log)
	if w.Tick() != last+1 || w.Hash() != d.hashes[last] {
		t.Fatalf("rebuilt tick %d hash %016x, want %d %016x", w.Tick(), w.Hash(), last+1, d.hashes[last])
	}
}

// TestRecoverDirectory: finished journals are left alone, damaged headers
// reported, others resumed; other files are ignored.
func TestRecoverDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ended, err := Create(dir, "ended", testHeader())
	if err != nil {
		t.Fatal(err)
	}
	if err := ended.Append(move(1, 1)); err != nil {
		t.Fatal(err)
	}
	if err := ended.End(2, 9); err != nil {
		t.Fatal(err)
	}
	ended.Close()
	endedBytes, _ := os.ReadFile(filepath.Join(dir, "ended.rdr"))
	// An ended journal with garbage behind it is still left alone.
	garbled := append(bytes.Clone(endedBytes), 7, 7, 7)
	if err := os.WriteFile(filepath.Join(dir, "garbled.rdr"), garbled, 0o644); err != nil {
		t.Fatal(err)
	}

	running, err := Create(dir, "running", testHeader())
	if err != nil {
		t.Fatal(err)
	}
	running.Append(move(1, 1))
	running.Close()
	if _, err := Create(dir, "empty", testHeader()); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "zero.rdr"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o644)

	rs, err := Recover(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Recovered{}
	for _, r := range rs {
		got[r.DrillID] = r
		if r.Journal != nil {
			defer r.Journal.Close()
		}
		if r.Note == "" {
			t.Errorf("%s: no note", r.DrillID)
		}
	}
	if len(got) != 3 {
		t.Fatalf("recovered %v, want empty, running and zero", rs)
	}
	if r := got["running"]; r.Err != nil || len(r.Log.Inputs) != 1 || r.Truncated != 0 {
		t.Fatalf("running: %+v", r)
	}
	if r := got["empty"]; r.Err != nil || len(r.Log.Inputs) != 0 || r.Journal == nil {
		t.Fatalf("empty: %+v", r)
	}
	if r := got["zero"]; !errors.Is(r.Err, replay.ErrBadHeader) || r.Journal != nil {
		t.Fatalf("zero: %+v", r)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "ended.rdr")); !bytes.Equal(b, endedBytes) {
		t.Fatal("an ended journal was touched")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "garbled.rdr")); !bytes.Equal(b, garbled) {
		t.Fatal("an ended journal with a garbled tail was touched")
	}
	if _, err := Recover(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("Recover of a missing directory succeeded")
	}
}

// TestRecoverBadRecord: a well-checksummed record that breaks the rules is
// cut off like a torn tail, but flagged.
func TestRecoverBadRecord(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	j, err := Create(dir, "d", testHeader())
	if err != nil {
		t.Fatal(err)
	}
	j.Append(move(5, 1))
	j.Close()
	// A second header record: valid frame, invalid place.
	var hb bytes.Buffer
	if _, err := replay.NewWriter(&hb, testHeader()); err != nil {
		t.Fatal(err)
	}
	rec := hb.Bytes()[len(replay.Magic)+1:]
	f, _ := os.OpenFile(filepath.Join(dir, "d.rdr"), os.O_WRONLY|os.O_APPEND, 0)
	f.Write(rec)
	f.Close()
	rs, err := Recover(dir)
	if err != nil || len(rs) != 1 || rs[0].Err != nil {
		t.Fatalf("%v %+v", err, rs)
	}
	defer rs[0].Journal.Close()
	if !rs[0].BadRecord || rs[0].Truncated != int64(len(rec)) || !strings.Contains(rs[0].Note, "INVALID") {
		t.Fatalf("%+v", rs[0])
	}
}
