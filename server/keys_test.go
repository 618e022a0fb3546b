package server

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/server/drill"
)

// TestRecoverKeepsCodeAndTokens: after a crash the recovered drill has
// the join code and facilitator token it was created with, every
// participant token names its old slot, and a participant whose join was
// acknowledged but not yet journalled (it joined while the drill was
// paused) is in the world again once the drill runs. A token the drill
// never handed out is refused.
func TestRecoverKeepsCodeAndTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	clk := newTestClock()
	r, err := NewRegistry(dir, clk, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, fac, err := r.Create(ctx, CreateRequest{Scenario: "heat", Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"小明", "Ann", "Bo"}
	tokens := make([]string, len(names))
	for i, n := range names[:2] {
		slot, tok, err := e.Join(ctx, n)
		if err != nil || slot != int32(i) {
			t.Fatalf("join %s: slot %d %v", n, slot, err)
		}
		tokens[i] = tok
	}
	if err := e.Drill.Start(ctx); err != nil {
		t.Fatal(err)
	}
	clk.tick(1) // the two joins are journalled and synced with the next choice
	ack := make(chan error, 1)
	if err := e.Drill.Submit(engine.Input{Participant: 0, Kind: engine.InputAct, Action: engine.ActCall120}, ack); err != nil {
		t.Fatal(err)
	}
	clk.tick(1)
	if err := <-ack; err != nil {
		t.Fatal(err)
	}
	if err := e.Drill.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	slot, tok, err := e.Join(ctx, names[2]) // welcomed, but paused: never journalled
	if err != nil || slot != 2 {
		t.Fatalf("join while paused: slot %d %v", slot, err)
	}
	tokens[2] = tok
	r.Close() // the crash: no end record

	clk2 := newTestClock()
	r2, err := NewRegistry(dir, clk2, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	got, err := r2.Recover(ctx)
	if err != nil || len(got) != 1 {
		t.Fatalf("recover: %v %d drills", err, len(got))
	}
	e2 := got[0]
	if e2.Code != e.Code || !e2.IsFacilitator(fac) || e2.FacilitatorToken() != fac {
		t.Fatalf("recovered code %q (was %q), facilitator token kept: %v", e2.Code, e.Code, e2.IsFacilitator(fac))
	}
	if found, err := r2.ByCode(e.Code, "client"); err != nil || found != e2 {
		t.Fatalf("the old join code finds the recovered drill: %v", err)
	}
	for i, tok := range tokens {
		slot, err := e2.Rejoin(ctx, tok)
		if err != nil || slot != int32(i) {
			t.Errorf("%s rejoins slot %d, %v; want slot %d", names[i], slot, err, i)
		}
	}
	if _, err := e2.Rejoin(ctx, "00000000-0000-4000-8000-000000000000"); !errors.Is(err, drill.ErrUnknown) {
		t.Errorf("an unknown token: %v", err)
	}
	if err := e2.Drill.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	clk2.tick(1)
	var people []string
	if err := e2.Drill.View(ctx, func(w *engine.World, _ drill.State) error {
		for _, p := range w.People() {
			people = append(people, p.Name)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(people, ",") != strings.Join(names, ",") {
		t.Fatalf("people after recovery: %q, want %q", people, names)
	}
	if err := e2.Drill.End(ctx); err != nil {
		t.Fatal(err)
	}
	clk2.tick(1)
	<-e2.Drill.Done()
	r2.Close()
	if _, err := os.Stat(filepath.Join(dir, "journals", e.ID+KeysExt)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the key file outlives the drill's end: %v", err)
	}
}

// TestKeyFileTornTail: a key file whose last line was cut short by a crash
// loses only that line (never fsynced, so never handed out); garbage in the
// middle ends the file there; a file without a whole first line is not
// usable; a newer version is refused.
func TestKeyFileTornTail(t *testing.T) {
	t.Parallel()
	head := `{"v":1,"code":"ABC234","facilitator":"f00d"}` + "\n"
	p0 := `{"slot":0,"token":"t0","name":"Ann"}` + "\n"
	p1 := `{"slot":1,"token":"t1","name":"Bo"}` + "\n"
	tests := []struct {
		name    string
		content string
		parts   int
		keep    int // bytes left in the file
		err     error
	}{
		{"whole", head + p0 + p1, 2, len(head + p0 + p1), nil},
		{"torn last line", head + p0 + p1[:10], 1, len(head + p0), nil},
		{"garbage line", head + "{nope\n" + p1, 0, len(head), nil},
		{"torn head", head[:20], 0, 20, errNoKeys},
		{"empty", "", 0, 0, errNoKeys},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "d1"+KeysExt)
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			k, h, parts, err := openKeys(dir, "d1")
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer k.close()
			if h.Code != "ABC234" || h.Facilitator != "f00d" || len(parts) != tc.parts {
				t.Fatalf("head %+v, %d parts; want %d", h, len(parts), tc.parts)
			}
			if fi, err := os.Stat(path); err != nil || fi.Size() != int64(tc.keep) {
				t.Fatalf("file size after open: %v %v, want %d", fi.Size(), err, tc.keep)
			}
			if err := k.addParticipant(keysPart{Slot: 5, Token: "t5", Name: "Cy"}); err != nil {
				t.Fatal(err)
			}
			k.close()
			_, _, again, err := openKeys(dir, "d1")
			if err != nil || len(again) != tc.parts+1 || again[len(again)-1].Token != "t5" {
				t.Fatalf("after an append behind the cut: %+v %v", again, err)
			}
		})
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "d2"+KeysExt), []byte(`{"v":9,"code":"X"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := openKeys(dir, "d2"); err == nil || errors.Is(err, errNoKeys) {
		t.Fatalf("a newer key file: %v", err)
	}
}
