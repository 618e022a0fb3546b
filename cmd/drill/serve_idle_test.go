package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/server"
	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/store"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// startServeWith runs drill serve's server with options o (Addr and Data
// filled in) until stop is called or the test ends.
func startServeWith(t *testing.T, data string, o serveOptions) (ds *drillServer, stop func()) {
	t.Helper()
	o.Addr, o.Data = "127.0.0.1:0", data
	ctx, cancel := context.WithCancel(context.Background())
	ds, err := startServer(ctx, o, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- ds.serve(ctx) }()
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			cancel()
			<-served
			ds.close()
		}
	}
	t.Cleanup(stop)
	return ds, stop
}

// openIdleDrill creates a heat drill with participants (tokens kept in its
// key file), starts it and lets it run a few ticks.
func openIdleDrill(t *testing.T, ds *drillServer, names ...string) (*server.Entry, []string) {
	t.Helper()
	ctx := context.Background()
	e, _, err := ds.reg.Create(ctx, server.CreateRequest{Scenario: "heat", Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	var tokens []string
	for _, n := range names {
		_, tok, err := e.Join(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, tok)
	}
	if err := e.Drill.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); e.Drill.Tick() < 3; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the drill does not tick")
		}
	}
	return e, tokens
}

// TestServeAbandonsOldRecoveredDrill: drill serve --abandon-after 1h
// restarted over a drill whose journal was last written 2 h ago ends it
// as abandoned at start-up (not listed as recovered, results stored so,
// key file gone, journal kept); a drill written a minute ago comes back
// paused with its participants away.
func TestServeAbandonsOldRecoveredDrill(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	ds, stop := startServeWith(t, data, serveOptions{})
	old, _ := openIdleDrill(t, ds, "小明")
	fresh, _ := openIdleDrill(t, ds, "Ana", "李华")
	stop() // SIGTERM: the journals stay for recovery
	journal := func(id string) string { return filepath.Join(data, "journals", id+".rdr") }
	then := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(journal(old.ID), then, then); err != nil {
		t.Fatal(err)
	}

	ds2, _ := startServeWith(t, data, serveOptions{AbandonAfter: time.Hour})
	if len(ds2.recovered) != 1 || ds2.recovered[0].ID != fresh.ID {
		t.Fatalf("recovered %d drills, want only the fresh one", len(ds2.recovered))
	}
	var got *store.DrillResults
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var err error
		if got, err = ds2.st.Results(context.Background(), old.ID); err != nil {
			t.Fatal(err)
		}
		if got.Drill.FinalHash != "" || time.Now().After(deadline) { // SaveResults has run
			break
		}
	}
	if got.Drill.State != store.StateEnded || got.Drill.EndReason != store.EndAbandoned ||
		len(got.Participants) != 1 || !got.Participants[0].Unfinished {
		t.Fatalf("old drill stored as %s (%q), participants %+v", got.Drill.State, got.Drill.EndReason, got.Participants)
	}
	if _, err := os.Stat(journal(old.ID)); err != nil {
		t.Fatalf("abandoned drill's journal: %v", err)
	}
	// drill results says so, for the drill and each participant.
	text, errs, code := runCLI(t, "results", "--data", data, old.ID)
	for _, want := range []string{"state ended/abandoned", "已放弃", "(unfinished · 未完成)"} {
		if code != 0 || !strings.Contains(text, want) {
			t.Fatalf("drill results (exit %d, %s) lacks %q:\n%s", code, errs, want, text)
		}
	}
	if list, _, _ := runCLI(t, "results", "--data", data); !strings.Contains(list, "ended/abandoned") {
		t.Fatalf("drill results list:\n%s", list)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		_, err := os.Stat(filepath.Join(data, "journals", old.ID+server.KeysExt))
		if os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("abandoned drill's key file: %v", err)
		}
	}
	e := ds2.reg.ByID(fresh.ID)
	if e.Drill.State() != drill.Paused {
		t.Fatalf("fresh drill %s", e.Drill.State())
	}
	if _, err := os.Stat(filepath.Join(data, "journals", fresh.ID+server.KeysExt)); err != nil {
		t.Fatalf("fresh drill's key file: %v", err)
	}
}

// TestServeResumeRecovered: with --resume-recovered 50 a recovered drill
// of two participants stays paused while nobody is back, shows both away
// to the teacher's screen, and resumes by itself when one rejoins with its
// token through the client library.
func TestServeResumeRecovered(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	ds, stop := startServeWith(t, data, serveOptions{})
	first, tokens := openIdleDrill(t, ds, "王芳", "Zoë")
	stop()

	ds2, _ := startServeWith(t, data, serveOptions{ResumeRecovered: 50})
	e := ds2.reg.ByID(first.ID)
	if e == nil || e.Drill.State() != drill.Paused {
		t.Fatal("drill not recovered paused")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	addr := ds2.ln.Addr().String()
	teacher, err := client.Dial(ctx, client.Options{Addr: addr, CertHash: ds2.hash, JoinCode: e.Code,
		Role: wire.RoleFacilitator, FacilitatorToken: e.FacilitatorToken()})
	if err != nil {
		t.Fatal(err)
	}
	defer teacher.Close()
	away := 0
	for _, r := range teacher.Roster() {
		if r.Flags&wire.RosterAway != 0 {
			away++
		}
	}
	if away != 2 {
		t.Fatalf("%d of 2 away in the facilitator's roster after the restart: %+v", away, teacher.Roster())
	}
	time.Sleep(1500 * time.Millisecond) // more than a poll: nobody is back, nothing happens
	if e.Drill.State() != drill.Paused {
		t.Fatalf("resumed with nobody back: %s", e.Drill.State())
	}
	var tok wire.Token
	b, _ := hex.DecodeString(strings.ReplaceAll(tokens[1], "-", ""))
	copy(tok[:], b)
	pupil, err := client.Dial(ctx, client.Options{Addr: addr, CertHash: ds2.hash, JoinCode: e.Code, Name: "Zoë", Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	defer pupil.Close()
	if pupil.Info().Slot != 1 {
		t.Fatalf("rejoined slot %d", pupil.Info().Slot)
	}
	for deadline := time.Now().Add(10 * time.Second); e.Drill.State() != drill.Running; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("1 of 2 back (50 %%) and the drill is %s", e.Drill.State())
		}
	}
	for deadline := time.Now().Add(5 * time.Second); teacher.Phase() != wire.PhaseRunning; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the teacher's console says %v", teacher.Phase())
		}
	}
}

// TestWhoAfterRestart: drill who shows a recovered drill's participants
// away until they rejoin — 0 of 2 connected after the restart, 1 of 2 once
// one is back with its token — as the facilitator (JSON) and as a
// spectator (text).
func TestWhoAfterRestart(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	ds, stop := startServeWith(t, data, serveOptions{})
	first, tokens := openIdleDrill(t, ds, "王芳", "Zoë")
	stop()
	ds2, _ := startServeWith(t, data, serveOptions{})
	e := ds2.reg.ByID(first.ID)
	addr, hash := ds2.ln.Addr().String(), hex.EncodeToString(ds2.hash[:])
	who := func(args ...string) string {
		t.Helper()
		var out, errb strings.Builder
		args = append([]string{"--server", addr, "--cert-hash", hash, "--drill", e.Code}, args...)
		if code, err := cmdWho(args, &out, &errb); code != 0 || err != nil {
			t.Fatalf("drill who %v: exit %d, %v\n%s", args, code, err, errb.String())
		}
		return out.String()
	}
	var rep whoReport
	if err := json.Unmarshal([]byte(who("--token", e.FacilitatorToken(), "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Connected != 0 || rep.Participants != 2 || len(rep.Roster) != 2 || rep.Roster[0].Status != "away" {
		t.Fatalf("after the restart: %+v", rep)
	}
	var tok wire.Token
	b, _ := hex.DecodeString(strings.ReplaceAll(tokens[1], "-", ""))
	copy(tok[:], b)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pupil, err := client.Dial(ctx, client.Options{Addr: addr, CertHash: ds2.hash, JoinCode: e.Code, Name: "Zoë", Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	defer pupil.Close()
	text := who()
	for _, want := range []string{"connected · 已连接: 1 of 2 participants (1 away", "王芳", "away · 未连接", "Zoë", "connected · 在线", "paused"} {
		if !strings.Contains(text, want) {
			t.Fatalf("drill who output lacks %q:\n%s", want, text)
		}
	}
}
