package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestForgetDrillLeavesNoTrace: after ForgetDrill and Close, no file of the
// database holds a forgotten participant's name, while another drill's
// names stay. A plain DELETE fails this: SQLite leaves the bytes in free
// pages and in the write-ahead log.
func TestForgetDrillLeavesNoTrace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	s, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	forgotten, kept := "Forgotten-Pupil-Qz 忘记的小明", "Kept-Pupil-Wy 留下的小红"
	for _, d := range []struct{ id, name string }{{"d-forget", forgotten}, {"d-keep", kept}} {
		dr := drill(d.id, time.Unix(1_790_000_000, 0))
		dr.JoinCode = d.id
		if err := s.CreateDrill(ctx, dr); err != nil {
			t.Fatal(err)
		}
		var r Results
		for i := range 30 { // enough rows to fill pages of their own
			r.Participants = append(r.Participants, ParticipantResult{Participant: Participant{Slot: int32(i), Name: d.name}, Score: 90,
				Breakdown: []Item{{Rule: "reach_safety", Kind: "reach", ReasonEN: "reached safety · " + d.name, ReasonZH: "到达安全区 · " + d.name}}})
		}
		if err := s.SaveResults(ctx, d.id, r); err != nil {
			t.Fatal(err)
		}
	}
	// A reader holding a snapshot keeps the log from being truncated.
	rtx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := rtx.QueryRowContext(ctx, `SELECT count(*) FROM participants`).Scan(&n); err != nil || n != 60 {
		t.Fatalf("participants %d: %v", n, err)
	}
	if err := s.ForgetDrill(ctx, "d-forget"); !errors.Is(err, ErrLogNotTruncated) {
		t.Fatalf("forget under a reader's snapshot: %v, want ErrLogNotTruncated", err)
	}
	rtx.Rollback()
	if _, err := s.Results(ctx, "d-forget"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("forgotten drill's results: %v", err)
	}
	if err := s.ForgetDrill(ctx, "d-forget"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("forgetting twice: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if res, err := s.Results(ctx, "d-keep"); err != nil || len(res.Participants) != 30 {
		t.Fatalf("the other drill: %v", err)
	}
	if err := s.ForgetDrill(ctx, "d-none"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("an unknown drill: %v", err)
	}
	var keptSeen bool
	files, _ := filepath.Glob(filepath.Join(dir, DBName+"*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("Forgotten-Pupil-Qz")) || bytes.Contains(b, []byte("忘记的小明")) {
			t.Errorf("%s still holds the forgotten name", filepath.Base(f))
		}
		keptSeen = keptSeen || bytes.Contains(b, []byte("Kept-Pupil-Wy"))
	}
	if !keptSeen {
		t.Errorf("the kept drill's names are in none of %v (the scan reads the wrong files)", files)
	}
}
