package e2e

import (
	"context"
	"encoding/hex"
	"image"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/server"
	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// TestRestartResume: the server shuts down under a running drill and
// comes back on the same port from its journals (as `drill serve` does
// after a restart); the teacher resumes the recovered drill; the client
// rejoins with its participant token by itself and plays on: the frame
// shows no reconnecting notice and the warning again, and when the client
// exits the restarted server tells the teacher the pupil went away —
// which it can only do for a pupil who had rejoined it.
func TestRestartResume(t *testing.T) {
	if _, err := exec.LookPath("xvfb-run"); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("xvfb-run not installed")
		}
		t.Fatal("xvfb-run is needed under CI: .ci/need-desktop.sh installs it")
	}
	if testing.Short() {
		t.Skip("-short")
	}
	build(t)
	t.Setenv("QUIC_GO_DISABLE_RECEIVE_BUFFER_WARNING", "true")
	dir := t.TempDir()
	cert, hash, err := transport.SelfSigned([]string{"localhost"}, time.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// serve starts a server on addr over dir; stop ends it like a shutdown.
	serve := func(addr string) (reg *server.Registry, recovered []*server.Entry, at string, stop func()) {
		ctx, cancel := context.WithCancel(context.Background())
		reg, err := server.NewRegistry(dir, drill.RealClock{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if recovered, err = reg.Recover(ctx); err != nil {
			t.Fatal(err)
		}
		ln, err := transport.Listen(ctx, addr, transport.Config{Certificate: cert})
		if err != nil {
			t.Fatal(err)
		}
		srv := &server.Server{Reg: reg, Log: log}
		done := make(chan struct{})
		go func() { _ = srv.Serve(ctx, ln); close(done) }()
		return reg, recovered, ln.Addr().String(), func() { cancel(); ln.Close(); <-done; reg.Close() }
	}
	reg, _, addr, stop := serve("127.0.0.1:0")
	stopped := false
	defer func() {
		if !stopped {
			stop()
		}
	}()
	e, fac, err := reg.Create(context.Background(), server.CreateRequest{Scenario: "flood", Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	facilitate := func(token string) *client.Client {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		f, err := client.Dial(ctx, client.Options{Addr: addr, CertHash: hash, JoinCode: e.Code, Role: wire.RoleFacilitator,
			FacilitatorToken: token, Name: "teacher"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	f := facilitate(fac)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := f.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Warn(ctx, 1, 2); err != nil {
		t.Fatal(err)
	}
	joined := func(c *client.Client, away bool) bool {
		for _, r := range c.Roster() {
			if r.Name == "小明" && (r.Flags&wire.RosterAway != 0) == away {
				return true
			}
		}
		return false
	}
	type result struct {
		f2  *client.Client
		err string
	}
	back := make(chan result, 1)
	go func() {
		// Wait for the pupil, restart the server, resume, and watch the
		// pupil come back.
		for !joined(f, false) {
			if ctx.Err() != nil {
				back <- result{err: "the pupil never joined"}
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(time.Second)
		f.Close()
		stop()
		var rec []*server.Entry
		reg, rec, _, stop = serve(addr)
		if len(rec) != 1 {
			back <- result{err: "the drill was not recovered"}
			return
		}
		f2 := facilitate(rec[0].FacilitatorToken())
		if _, err := f2.Resume(ctx); err != nil {
			back <- result{err: "resume: " + err.Error()}
			return
		}
		back <- result{f2: f2}
	}()
	img := shoot(t, "--server", addr, "--cert-hash", hex.EncodeToString(hash[:]), "--join", e.Code, "--name", "小明", "--after", "14s")
	r := <-back
	if r.err != "" {
		t.Fatal(r.err)
	}
	stopped = true
	defer stop()
	deadline := time.Now().Add(10 * time.Second)
	for !joined(r.f2, true) {
		if time.Now().After(deadline) {
			t.Fatalf("the restarted server never had the pupil (roster %+v)", r.f2.Roster())
		}
		time.Sleep(50 * time.Millisecond)
	}
	pill := measure(img, image.Rect(560, 160, 960, 230), [3]uint8{0xf0, 0xa0, 0x20})
	if pill.banner > 100 {
		t.Errorf("still reconnecting after the server came back (%d amber pixels)", pill.banner)
	}
	top := measure(img, image.Rect(0, 0, 960, 120), [3]uint8{0xf5, 0xcc, 0x00})
	if float64(top.banner)/float64(top.n) < 0.6 {
		t.Error("the yellow warning banner is gone after the restart")
	}
}

// TestClientRestartKeepsSlot: a pupil's client closed in the middle of a
// drill and started again with the same code gets the same slot back (its
// token was kept in the cache directory), instead of a second one.
func TestClientRestartKeepsSlot(t *testing.T) {
	if _, err := exec.LookPath("xvfb-run"); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("xvfb-run not installed")
		}
		t.Fatal("xvfb-run is needed under CI: .ci/need-desktop.sh installs it")
	}
	if testing.Short() {
		t.Skip("-short")
	}
	srv := startLive(t)
	code, f := srv.runningDrill(t, "heat", 2, 2)
	cache := t.TempDir()
	args := []string{"--server", srv.addr, "--cert-hash", hex.EncodeToString(srv.hash[:]), "--join", code, "--name", "小明", "--after", "1s"}
	shootIn(t, cache, args...)
	shootIn(t, cache, args...)
	// A different pupil on the same machine… is the same pupil: what a
	// different cache directory (another computer) gets is a new slot.
	shootIn(t, t.TempDir(), args...)
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := 0 // slots not played by the bots (named "bot-NN")
		for _, r := range f.Roster() {
			if !strings.HasPrefix(r.Name, "bot-") {
				n++
			}
		}
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d pupils' slots, want 2 (one per machine): %+v", n, f.Roster())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
