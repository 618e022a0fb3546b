package journal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/replay"
	"github.com/rescuedrill/rescuedrill/internal/headless"
)

// Recovered is one journal that Recover found without an End record: a
// drill that was running when the server stopped.
type Recovered struct {
	DrillID string // the file name without .rdr
	Path    string
	// Log holds every record that survived, in order. Rebuild it into a
	// world, then go on appending to Journal.
	Log *replay.Log
	// Journal is open for appending after the last whole record; nil when
	// Err is set. The caller owns it and must Close it.
	Journal *Journal
	// Note says what recovery found and did, as one line for the server's
	// log. Recover prints nothing itself.
	Note string
	// Truncated is how many bytes of torn tail were cut off (0 for a clean
	// tail). BadRecord is set when the tail was a well-checksummed record
	// that broke the format's rules: that is a writer bug, not a crash, and
	// worth an alarm (the file is truncated there all the same).
	Truncated int64
	BadRecord bool
	// Err is set when the journal could not be recovered: a bad header (the
	// server died inside Create, before the drill could acknowledge
	// anything, or the file is not a journal), or a read or truncate error.
	// The file is then left as it is.
	Err error
}

// Recover opens every dir/*.rdr journal that has no End record. A torn
// tail (ErrTornTail) or an invalid last record (ErrBadRecord) is cut off at
// the last whole record, and the file synced, before the journal is
// reopened for appending. Journals with an End record are finished drills,
// replay files for `drill replay`: Recover leaves them alone and does not
// return them.
//
// A problem with one file is reported in its Recovered.Err and does not stop
// the others; Recover's own error is for a directory it cannot list.
func Recover(dir string) ([]Recovered, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*"+Ext))
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	var out []Recovered
	for _, p := range paths {
		if r, ok := recoverFile(p); ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// recoverFile recovers one journal; ok is false for a finished one.
func recoverFile(path string) (r Recovered, ok bool) {
	r = Recovered{DrillID: strings.TrimSuffix(filepath.Base(path), Ext), Path: path}
	fail := func(err error) (Recovered, bool) {
		r.Err = err
		r.Note = fmt.Sprintf("journal %s: not recovered, file left as it is: %v", path, err)
		return r, true
	}
	// O_APPEND: after a truncation the file offset would still point past
	// the new end, and a plain write there would leave a hole of zeros.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND, 0)
	if err != nil {
		return fail(err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return fail(err)
	}
	l, err := replay.Decode(f)
	var re *replay.RecordError
	switch {
	case l != nil && l.End != nil:
		// Finished (any bytes after End are someone else's doing): a
		// replay file now, not ours to touch.
		f.Close()
		return r, false
	case err == nil:
		r.Note = fmt.Sprintf("journal %s: clean tail, %d bytes", path, info.Size())
	case errors.As(err, &re):
		// Only a torn or invalid record; a read error (below) says nothing
		// about the file and must never lead to a truncation.
		if re.Offset < 0 || re.Offset > info.Size() {
			f.Close()
			return fail(fmt.Errorf("good prefix of %d bytes in a %d-byte file: %w", re.Offset, info.Size(), err))
		}
		if err := f.Truncate(re.Offset); err != nil {
			f.Close()
			return fail(fmt.Errorf("truncate to %d bytes: %w", re.Offset, err))
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return fail(fmt.Errorf("sync after truncating to %d bytes: %w", re.Offset, err))
		}
		r.Truncated = info.Size() - re.Offset
		r.BadRecord = errors.Is(err, replay.ErrBadRecord)
		what := "torn tail (a crash during an append)"
		if r.BadRecord {
			what = "INVALID RECORD (a writer bug, not a crash)"
		}
		r.Note = fmt.Sprintf("journal %s: %s: %v; truncated from %d to %d bytes", path, what, err, info.Size(), re.Offset)
	default:
		f.Close()
		return fail(err)
	}
	r.Log = l
	j, err := Resume(f, l)
	if err != nil {
		f.Close()
		r.Log = nil
		return fail(err)
	}
	j.path = path
	r.Journal = j
	last, some := lastTick(l)
	if some {
		r.Note += fmt.Sprintf("; %d inputs, %d checkpoints, last journalled tick %d", len(l.Inputs), len(l.Checkpoints), last)
	} else {
		r.Note += "; no inputs yet"
	}
	return r, true
}

// lastTick is the last tick the log has a record of (input or checkpoint,
// or the tick before a wall-clock record), and whether it has any.
func lastTick(l *replay.Log) (uint64, bool) {
	var last uint64
	some := false
	if n := len(l.Inputs); n > 0 {
		last, some = l.Inputs[n-1].Tick, true
	}
	if n := len(l.Checkpoints); n > 0 && (!some || l.Checkpoints[n-1].Tick > last) {
		last, some = l.Checkpoints[n-1].Tick, true
	}
	// A wall-clock record at tick W was written with the world standing at
	// W: ticks up to W-1 had run, inputs or not. Rebuilding to there keeps
	// the records the server appends next (a resume at W, inputs of W) in
	// the format's order.
	if n := len(l.Walls); n > 0 && l.Walls[n-1].Tick > 0 && (!some || l.Walls[n-1].Tick-1 > last) {
		last, some = l.Walls[n-1].Tick-1, true
	}
	return last, some
}

// Rebuild re-simulates a journal: a fresh world from setup and the
// header's seed, stepped through every tick up to and including the last
// journalled tick (the last input's or checkpoint's) with the logged
// inputs of each, checking every checkpoint on the way. The world it
// returns has applied every journalled tick, so World.Tick() is the last
// journalled tick + 1 (0 for a log with no records): the tick the server
// goes on with, appending its inputs to the recovered Journal.
//
// A checkpoint that disagrees (or that names a tick after the drill ended)
// is an error wrapping headless.ErrMismatch: the engine or the scenario is
// not the one that wrote the journal. A log with an End record is stepped
// to its end and checked against it too. The world may come back Done (the
// server died between the last tick and the End record): then the server
// only has to write End.
func Rebuild(setup engine.Setup, l *replay.Log) (*engine.World, error) {
	w, err := engine.NewWorld(setup, l.Header.Seed)
	if err != nil {
		return nil, err
	}
	if w.TickHz() != l.Header.TickHz {
		return nil, fmt.Errorf("journal: recorded at %d Hz but the scenario runs at %d Hz", l.Header.TickHz, w.TickHz())
	}
	last, some := lastTick(l)
	if l.End != nil && l.End.Tick > 0 && (!some || l.End.Tick-1 > last) {
		last, some = l.End.Tick-1, true
	}
	in, cps := l.Inputs, l.Checkpoints
	for some && !w.Done() && w.Tick() <= last {
		k := 0
		for k < len(in) && in[k].Tick == w.Tick() {
			k++
		}
		w.Step(in[:k])
		in = in[k:]
		for len(cps) > 0 && cps[0].Tick == w.Tick()-1 {
			if h := w.Hash(); h != cps[0].Hash {
				return nil, fmt.Errorf("%w at tick %d: journalled %016x, rebuilt %016x", headless.ErrMismatch, cps[0].Tick, cps[0].Hash, h)
			}
			cps = cps[1:]
		}
	}
	if len(cps) > 0 {
		return nil, fmt.Errorf("%w: checkpoint at tick %d, but the drill ended after tick %d", headless.ErrMismatch, cps[0].Tick, w.Tick()-1)
	}
	if l.End != nil && (w.Tick() != l.End.Tick || w.Hash() != l.End.Hash) {
		return nil, fmt.Errorf("%w at the end: journalled tick %d hash %016x, rebuilt tick %d hash %016x",
			headless.ErrMismatch, l.End.Tick, l.End.Hash, w.Tick(), w.Hash())
	}
	// Inputs left over are for ticks after the drill ended: the world
	// would have dropped them uncounted (Step does nothing once Done), so
	// the state is the same without them.
	return w, nil
}
