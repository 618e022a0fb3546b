package store

import (
	"context"
	"fmt"
)

// ForgetDrill deletes a drill with its participants' names, results and
// timeline so that nothing of them stays in the database's files: SQLite
// normally leaves deleted rows' bytes in free pages and in the write-ahead
// log until they happen to be reused, and these are children's names. So
// the delete runs with secure_delete (freed content is overwritten with
// zeros) and is followed by a checkpoint that copies the log into the
// database and truncates it. The checkpoint cannot finish while another
// connection (a running server's reader) holds an old snapshot; then
// ForgetDrill still deletes, and says the log keeps the old pages until
// the next checkpoint (the server's close makes one).
func (s *SQLite) ForgetDrill(ctx context.Context, drillID string) error {
	// The writer is one connection that never expires (Open), so the
	// pragma holds for the statements that follow.
	if _, err := s.w.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
		return err
	}
	if err := s.DeleteDrill(ctx, drillID); err != nil {
		return err
	}
	var busy, logFrames, moved int
	if err := s.w.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &moved); err != nil {
		return err
	}
	if busy != 0 {
		return fmt.Errorf("%w: %s deleted, but another connection kept the write-ahead log from being truncated", ErrLogNotTruncated, drillID)
	}
	return nil
}

// ErrLogNotTruncated: ForgetDrill deleted the drill, but old copies of its
// rows may stay in the write-ahead log until the next checkpoint.
var ErrLogNotTruncated = fmt.Errorf("store: write-ahead log not truncated")
