// Package journal makes a running drill crash-proof. Every input the
// server accepts is appended to the drill's journal, and a participant's
// choice is acknowledged only once Sync has made it durable. After a crash
// (kill -9, power loss) Recover finds every journal without an End record,
// cuts off the torn tail, and hands back the log and a Journal open for
// appending; Rebuild re-simulates the log to the last journalled tick, so
// the drill goes on with the same state hash it had.
//
// The journal format is the replay format (docs/replay-format.md): a
// finished journal, with its End record, is the drill's replay file and
// `drill replay` reads it as is.
//
// Appends are buffered in memory and written out by Sync in one Write
// followed by one fsync (group commit): the server appends the inputs of a
// tick, or of many participants, then syncs once and acknowledges them
// all. Concurrent callers of Sync share fsyncs.
package journal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/replay"
)

// Ext is the file name extension of a journal: DRILLID.rdr.
const Ext = ".rdr"

// File is what a journal writes to. *os.File implements it; tests inject
// failures through it.
type File interface {
	Write(p []byte) (int, error)
	Sync() error
	Truncate(size int64) error
	Close() error
}

var (
	// ErrClosed is returned by every write to a closed journal.
	ErrClosed = errors.New("journal: closed")
	// ErrFailed is wrapped by every error from a journal whose file failed
	// a Write or a Sync. Such a journal refuses all further writes: after a
	// failed write the file may end in a torn record, and after a failed
	// fsync the kernel may have dropped the dirty pages, so nothing written
	// behind them could be trusted. Restart and Recover.
	ErrFailed = errors.New("journal: file failed")
)

// flushAt bounds the bytes an Append keeps in memory: past it, Append
// writes the buffer to the file (without fsync) so that a server that
// syncs rarely does not grow without bound.
const flushAt = 256 << 10

// Journal appends one drill's records to its file. Its methods are safe
// for concurrent use.
type Journal struct {
	path string // "" when the journal was made with New or Resume

	mu   sync.Mutex
	cond sync.Cond // signalled when a sync finishes
	f    File
	rw   *replay.Writer // encodes into buf, through sink
	buf  []byte         // records appended but not yet written to f
	// spare is the buffer a finished write hands back for reuse.
	spare []byte

	appended uint64 // records appended so far (sequence number)
	durable  uint64 // records known to be on disk
	syncing  bool   // a Sync is writing or fsyncing outside the lock
	err      error  // sticky: the first failure of f, or ErrClosed
	closed   bool

	st Stats
}

// Stats counts what a journal did, for metrics and benchmarks.
type Stats struct {
	Inputs  uint64 // input records appended
	Records uint64 // every record appended (inputs, checkpoints, end)
	Writes  uint64 // Write calls on the file
	Syncs   uint64 // fsyncs of the file (not counting the header's)
	Bytes   int64  // bytes written to the file by this Journal, header included
}

// sink is the io.Writer the replay.Writer encodes into: the journal's
// buffer. The replay.Writer issues one Write per record, so the buffer
// holds whole records only.
type sink struct{ j *Journal }

func (s sink) Write(p []byte) (int, error) {
	s.j.buf = append(s.j.buf, p...)
	return len(p), nil
}

// Create creates dir/drillID.rdr, which must not exist yet, writes the
// header, and makes the file and its directory entry durable before it
// returns. The directory must exist.
func Create(dir, drillID string, h replay.Header) (*Journal, error) {
	if err := checkID(drillID); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, drillID+Ext)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	j, err := New(f, h)
	if err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	j.path = path
	if err := syncDir(dir); err != nil {
		j.Close()
		return nil, err
	}
	return j, nil
}

// New writes the header to f and syncs it. f must be empty and positioned
// at its end (or opened with O_APPEND).
func New(f File, h replay.Header) (*Journal, error) {
	j := newJournal(f)
	rw, err := replay.NewWriter(sink{j}, h)
	if err != nil {
		return nil, err
	}
	j.rw = rw
	if err := j.writeLocked(); err != nil {
		return nil, err
	}
	if err := f.Sync(); err != nil {
		return nil, fmt.Errorf("%w: sync header: %w", ErrFailed, err)
	}
	return j, nil
}

// Resume returns a Journal that appends to f, which holds exactly the
// records of l (as Decode returned them, after truncating a torn tail) and
// whose writes go to its end (O_APPEND). It writes nothing itself.
func Resume(f File, l *replay.Log) (*Journal, error) {
	j := newJournal(f)
	rw, err := replay.ResumeWriter(sink{j}, l)
	if err != nil {
		return nil, err
	}
	j.rw = rw
	return j, nil
}

func newJournal(f File) *Journal {
	j := &Journal{f: f}
	j.cond.L = &j.mu
	return j
}

// checkID keeps a drill ID a plain file name.
func checkID(id string) error {
	if id == "" || len(id) > 128 || id[0] == '.' || strings.ContainsAny(id, `/\`+"\x00") {
		return fmt.Errorf("journal: drill ID %q is not a plain file name", id)
	}
	return nil
}

// syncDir makes a directory's entries (a new or renamed file) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("journal: sync directory %s: %w", dir, err)
	}
	return nil
}

// Path is the journal's file, or "" for one made with New or Resume.
func (j *Journal) Path() string { return j.path }

// Append adds one input. It is buffered: the input is durable only once a
// later Sync has returned nil. An input the replay format cannot carry (an
// over-long string) or that breaks the tick order is refused with an error
// wrapping replay.ErrBadRecord, and the journal stays usable: the server
// must then not apply that input to the world either.
func (j *Journal) Append(in engine.Input) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return j.err
	}
	if err := j.rw.Input(in); err != nil {
		return err
	}
	j.st.Inputs++
	return j.appendedLocked()
}

// Checkpoint adds the world's state hash once it has applied every input of
// tick (so tick is World.Tick()-1 right after a Step). Buffered like Append.
func (j *Journal) Checkpoint(tick, hash uint64) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return j.err
	}
	if err := j.rw.Checkpoint(tick, hash); err != nil {
		return err
	}
	return j.appendedLocked()
}

// End adds the final tick (World.Tick()) and state hash and syncs: the
// journal is now the drill's replay file. Nothing can be appended after it;
// Close it.
func (j *Journal) End(tick, hash uint64) error {
	j.mu.Lock()
	err := j.err
	if err == nil {
		if err = j.rw.End(tick, hash); err == nil {
			err = j.appendedLocked()
		}
	}
	j.mu.Unlock()
	if err != nil {
		return err
	}
	return j.Sync()
}

// appendedLocked counts a record the replay.Writer has just put in the
// buffer, and writes the buffer out if it has grown large. j.mu is held.
func (j *Journal) appendedLocked() error {
	j.appended++
	j.st.Records++
	if len(j.buf) >= flushAt && !j.syncing {
		// Nobody else writes to f while syncing is false and j.mu is held,
		// so the order of records in the file is kept.
		return j.writeLocked()
	}
	return nil
}

// writeLocked writes the buffer to f, with j.mu held and no Sync running.
func (j *Journal) writeLocked() error {
	if len(j.buf) == 0 {
		return nil
	}
	n, err := j.write(j.buf)
	j.count(n)
	j.buf = j.buf[:0]
	if err != nil {
		j.err = err
		return err
	}
	return nil
}

// write hands b to f in one Write. It touches nothing in j but f, so Sync
// calls it without the lock.
func (j *Journal) write(b []byte) (int, error) {
	n, err := j.f.Write(b)
	if err == nil && n != len(b) {
		err = errors.New("short write")
	}
	if err != nil {
		return n, fmt.Errorf("%w: write: %w", ErrFailed, err)
	}
	return n, nil
}

// count adds one Write of n bytes to the stats; j.mu is held.
func (j *Journal) count(n int) {
	j.st.Writes++
	j.st.Bytes += int64(n)
}

// Sync makes every record appended before the call durable: it writes the
// buffer and fsyncs the file. Only after Sync returns nil may the server
// acknowledge the inputs. Concurrent calls share one fsync where they can
// (group commit). After a failure every call returns the same error.
func (j *Journal) Sync() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	target := j.appended
	for {
		if j.durable >= target {
			return nil
		}
		if j.err != nil {
			return j.err
		}
		if !j.syncing {
			break
		}
		j.cond.Wait() // a sync in flight; it may cover us, or we go next
	}
	// Take everything appended so far, not just up to target: later
	// appenders waiting on this sync get it for free.
	j.syncing = true
	b, upTo := j.buf, j.appended
	j.buf = j.spare[:0]
	j.spare = nil
	j.mu.Unlock()

	var err error
	n := 0
	if len(b) > 0 {
		n, err = j.write(b)
	}
	// With b empty, the records an Append flushed still need their fsync.
	if err == nil {
		if serr := j.f.Sync(); serr != nil {
			err = fmt.Errorf("%w: sync: %w", ErrFailed, serr)
		}
	}

	j.mu.Lock()
	if len(b) > 0 {
		j.count(n)
	}
	j.syncing = false
	j.spare = b[:0]
	if err != nil {
		if j.err == nil {
			j.err = err
		}
	} else {
		j.durable = upTo
		j.st.Syncs++
	}
	j.cond.Broadcast()
	if err != nil {
		return j.err
	}
	return nil
}

// Stats returns the journal's counters.
func (j *Journal) Stats() Stats {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.st
}

// Err returns the error that stopped the journal, or nil while it works.
// After a failure the server cannot acknowledge any more choices for this
// drill; it should stop the drill and let a restart recover it.
func (j *Journal) Err() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err == ErrClosed {
		return nil
	}
	return j.err
}

// Close syncs what was appended and closes the file. A journal closed
// without End is a drill still running: Recover picks it up at the next
// start. Close returns the first error of the sync or the close; writes
// after it return ErrClosed.
func (j *Journal) Close() error {
	err := j.Sync()
	j.mu.Lock()
	for j.syncing {
		j.cond.Wait()
	}
	if j.closed {
		j.mu.Unlock()
		return ErrClosed
	}
	j.closed = true
	if j.err == nil {
		j.err = ErrClosed
	}
	j.mu.Unlock()
	if cerr := j.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("journal: close: %w", cerr)
	}
	return err
}
