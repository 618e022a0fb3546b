package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/server"
	"github.com/rescuedrill/rescuedrill/server/store"
)

// ownMapRequest is scenarios/testdata/valid-landslide.yaml with the grids
// its map: names: a drill that leaves an upload folder behind.
func ownMapRequest(t *testing.T) server.CreateRequest {
	t.Helper()
	dir := filepath.Join("..", "..", "scenarios", "testdata")
	src, err := os.ReadFile(filepath.Join(dir, "valid-landslide.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	req := server.CreateRequest{Scenario: "hillside.yaml", Source: src, Files: map[string][]byte{}, Seed: 3}
	for _, ext := range []string{"elev", "landuse", "soil"} {
		p := "maps/test-district." + ext + ".asc"
		if req.Files[p], err = os.ReadFile(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
			t.Fatal(err)
		}
	}
	return req
}

// filesHolding lists the files under dir whose bytes contain s.
func filesHolding(t *testing.T, dir, s string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if bytes.Contains(b, []byte(s)) {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestForgetEndedDrills: drill forget deletes everything the data
// directory keeps about an ended drill — no file holds its pupils' names
// afterwards — lists without deleting unless --yes, refuses open and
// unknown drills, picks drills by end date, and a restarted server no
// longer knows the forgotten ones while it still recovers the open one.
func TestForgetEndedDrills(t *testing.T) {
	t.Setenv("QUIC_GO_DISABLE_RECEIVE_BUFFER_WARNING", "true")
	ctx := context.Background()
	data := t.TempDir()
	forgotten := []string{"Forgotten-Pupil-Qz", "忘记的小明"}
	var gone, other, open string

	t.Run("serve", func(t *testing.T) {
		ds := inProcessServer(t, data)
		create := func(req server.CreateRequest, names ...string) *server.Entry {
			e, _, err := ds.reg.Create(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range names {
				if _, _, err := e.Join(ctx, n); err != nil {
					t.Fatal(err)
				}
			}
			return e
		}
		e1 := create(ownMapRequest(t), forgotten...)
		e2 := create(server.CreateRequest{Scenario: "heat", Seed: 1}, "Kept-Pupil-Wy")
		e3 := create(server.CreateRequest{Scenario: "heat", Seed: 2}, "Open-Pupil-Vx")
		gone, other, open = e1.ID, e2.ID, e3.ID
		for _, e := range []*server.Entry{e1, e2} {
			if err := e.Drill.Start(ctx); err != nil {
				t.Fatal(err)
			}
			if err := e.Drill.End(ctx); err != nil {
				t.Fatal(err)
			}
		}
		deadline := time.Now().Add(30 * time.Second)
		for _, id := range []string{gone, other} {
			for {
				res, err := ds.st.Results(ctx, id)
				_, kerr := os.Stat(filepath.Join(data, "journals", id+server.KeysExt))
				if err == nil && res.Drill.State == store.StateEnded && errors.Is(kerr, os.ErrNotExist) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("drill %s not ended and saved: %v", id, err)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	}) // the server stops here, as a school's would overnight
	files := forgetFiles(data, gone)
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("before forgetting: %v", err)
		}
	}
	for _, n := range forgotten {
		if len(filesHolding(t, data, n)) == 0 {
			t.Fatalf("%q is in no file before forgetting: the scan below would prove nothing", n)
		}
	}

	out, errs, code := runCLI(t, "forget", "--data", data, gone)
	if code != 0 || !strings.Contains(out, gone) || !strings.Contains(out, "2 participants") ||
		!strings.Contains(out, filepath.Join("scenarios", gone)) || !strings.Contains(out, "add --yes") {
		t.Fatalf("forget without --yes: exit %d\n%s%s", code, out, errs)
	}
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("forget without --yes deleted %s", f)
		}
	}

	out, errs, code = runCLI(t, "forget", "--data", data, "--yes", open, "dnosuch")
	if code != 1 || !strings.Contains(errs, open+": the drill is lobby: end it first") ||
		!strings.Contains(errs, "dnosuch: no such drill") || !strings.Contains(out, "nothing to forget") {
		t.Fatalf("forget an open and an unknown drill: exit %d\n%s%s", code, out, errs)
	}

	out, errs, code = runCLI(t, "forget", "--data", data, "--yes", gone)
	if code != 0 || !strings.Contains(out, "forgot "+gone) {
		t.Fatalf("forget --yes: exit %d\n%s%s", code, out, errs)
	}
	for _, f := range files {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still there: %v", f, err)
		}
	}
	for _, n := range forgotten {
		if where := filesHolding(t, data, n); len(where) > 0 {
			t.Errorf("%q is still in %v", n, where)
		}
	}
	for _, n := range []string{"Kept-Pupil-Wy", "Open-Pupil-Vx"} {
		if len(filesHolding(t, data, n)) == 0 {
			t.Errorf("%q was lost with the forgotten drill", n)
		}
	}

	tomorrow := time.Now().AddDate(0, 0, 1).Format("2006-01-02")
	out, errs, code = runCLI(t, "forget", "--data", data, "--ended-before", tomorrow, "--yes")
	if code != 0 || !strings.Contains(out, "forgot "+other) || strings.Contains(out, open) {
		t.Fatalf("forget --ended-before %s: exit %d\n%s%s", tomorrow, code, out, errs)
	}

	ds := inProcessServer(t, data)
	if ds.reg.ByID(gone) != nil || ds.reg.ByID(other) != nil || ds.reg.ByID(open) == nil {
		t.Fatalf("after a restart: forgotten %v %v, open %v", ds.reg.ByID(gone) != nil, ds.reg.ByID(other) != nil, ds.reg.ByID(open) != nil)
	}
	out, _, _ = runCLI(t, "results", "--data", data)
	if strings.Contains(out, gone) || strings.Contains(out, other) || !strings.Contains(out, open) {
		t.Fatalf("drill results after forgetting:\n%s", out)
	}
}
