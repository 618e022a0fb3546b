package main

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/replay"
	"github.com/rescuedrill/rescuedrill/internal/headless"
	"github.com/rescuedrill/rescuedrill/internal/netbot"
	"github.com/rescuedrill/rescuedrill/scenarios"
	"github.com/rescuedrill/rescuedrill/server"
	"github.com/rescuedrill/rescuedrill/server/store"
	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// crashSpeed runs the drill 25× faster than real time (a tick every 2 ms):
// the 15-minute heat drill takes well under a minute.
const crashSpeed = "25"

// TestCrashMidDrill is issue 3's crash test. `drill serve`, built from this
// package and run as a real process on loopback, hosts a heat drill that
// `drill facilitate` creates and starts; 40 network bots (20 good, 20 naive;
// 3 + 3 with -short) play it. Mid-drill the server is killed with SIGKILL
// and started again on the same address and data directory. It must serve
// the same certificate and recover the drill with its join code; the bots
// notice the silence, rejoin their slots with their tokens and rebuild their
// mirrors; once all are back the facilitator resumes with the token it was
// given at creation;
// the drill plays to its end. Then: `drill replay` of the journal passes;
// a headless re-simulation of the journal ends on the hash every bot's
// mirror ended on and the hash and scores the recorder saved in SQLite;
// every choice any bot was told was accepted is in the journal, choices
// from before the kill included; and the drill's key file is gone.
func TestCrashMidDrill(t *testing.T) {
	perPolicy := 20
	if testing.Short() {
		perPolicy = 3
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "drill")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")

	srv := startServe(t, ctx, bin, data, "127.0.0.1:0")
	addr, hash := srv.addr, srv.hash
	common := []string{"--server", addr, "--cert-hash", hex.EncodeToString(hash[:]), "--timeout", "60s"}
	out := runBin(t, ctx, bin, append([]string{"facilitate", "create", "--scenario", "heat", "--seed", "11", "--json"}, common...)...)
	var cr createResponse
	if err := json.Unmarshal([]byte(out), &cr); err != nil {
		t.Fatalf("create: %v: %s", err, out)
	}
	drillArgs := append([]string{"--drill", cr.JoinCode, "--token", cr.FacilitatorToken}, common...)

	var mu sync.Mutex
	joined, rejoined := map[string]bool{}, map[string]bool{}
	changed := make(chan struct{}, 1)
	onReady := func(name string, _ int32, rejoin bool) {
		mu.Lock()
		if rejoin {
			rejoined[name] = true
		} else {
			joined[name] = true
		}
		mu.Unlock()
		select {
		case changed <- struct{}{}:
		default:
		}
	}
	type run struct {
		res []netbot.Result
		err error
	}
	runs := make(chan run, 2)
	for _, pol := range []string{"good", "naive"} {
		go func() {
			r, err := netbot.Run(ctx, netbot.Options{Addr: addr, TLS: transport.PinnedTLS(hash), JoinCode: cr.JoinCode,
				Policy: pol, Count: perPolicy, OnReady: onReady})
			runs <- run{r, err}
		}()
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for {
			mu.Lock()
			done := ok()
			mu.Unlock()
			if done {
				return
			}
			select {
			case <-changed:
			case r := <-runs:
				t.Fatalf("waiting for %s, bots stopped: %v", what, r.err)
			case <-ctx.Done():
				t.Fatalf("waiting for %s: %v", what, ctx.Err())
			}
		}
	}
	waitFor("every bot to join", func() bool { return len(joined) == 2*perPolicy })
	runBin(t, ctx, bin, append([]string{"facilitate", "start"}, drillArgs...)...)

	// Kill mid-drill: 40 % of the way through (the heat drill's first
	// prompts and actions are behind it by then).
	endTick := uint64(15 * 60 * 20)
	killAt := endTick * 2 / 5
	srv.waitTick(t, ctx, cr.ID, killAt)
	srv.kill(t)
	killedAt := srv.lastTick

	srv2 := startServe(t, ctx, bin, data, addr)
	if srv2.hash != hash {
		t.Fatalf("the restarted server's certificate hash changed: %x, was %x", srv2.hash, hash)
	}
	if !strings.Contains(srv2.banner, cr.ID) || !strings.Contains(srv2.banner, cr.JoinCode) || !strings.Contains(srv2.banner, cr.FacilitatorToken) {
		t.Fatalf("the restarted server does not list the drill with its join code and token:\n%s", srv2.banner)
	}
	// Resume once every bot is back and its mirror has replayed the drill
	// so far, as a teacher waits for the class.
	waitFor("every bot to rejoin and catch up", func() bool { return len(rejoined) == 2*perPolicy })
	runBin(t, ctx, bin, append([]string{"facilitate", "resume"}, drillArgs...)...)

	var bots []netbot.Result
	var errs []error
	for range 2 {
		r := <-runs
		errs = append(errs, r.err)
		bots = append(bots, r.res...)
	}
	if err := errors.Join(errs...); err != nil {
		for _, b := range bots {
			t.Logf("%s slot %d: results %v, %d reconnects, %d accepted, mirror tick %d: %v\n\t%s",
				b.Name, b.Slot, b.HasScore, b.Reconnects, len(b.Accepted), b.MirrorTick, b.Err, strings.Join(b.Drops, "\n\t"))
		}
		t.Fatal(err)
	}
	srv2.stop(t)

	journalPath := filepath.Join(data, "journals", cr.ID+".rdr")
	runBin(t, ctx, bin, "replay", journalPath)
	l := decodeJournal(t, journalPath)
	sc, err := scenarios.Builtin("heat")
	if err != nil {
		t.Fatal(err)
	}
	outc, err := headless.Replay(engine.Setup{Scenario: sc.Scenario, Map: sc.Map}, l, headless.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if outc.Ticks != endTick {
		t.Errorf("the journal replays to tick %d, the drill ends at %d", outc.Ticks, endTick)
	}

	st, err := store.OpenDir(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stored, err := st.Results(ctx, cr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Drill.FinalHash != outc.FinalHash || stored.Drill.FinalTick != outc.Ticks {
		t.Fatalf("stored final tick %d hash %s, the journal replays to %d %s", stored.Drill.FinalTick, stored.Drill.FinalHash, outc.Ticks, outc.FinalHash)
	}
	if len(stored.Participants) != 2*perPolicy || len(outc.Participants) != 2*perPolicy {
		t.Fatalf("participants: stored %d, replayed %d, want %d", len(stored.Participants), len(outc.Participants), 2*perPolicy)
	}
	for i, p := range outc.Participants {
		if sp := stored.Participants[i]; sp.Score != p.Score || sp.Outcome != p.Outcome || sp.Name != p.Name {
			t.Errorf("slot %d: stored %s %d %s, replayed %s %d %s", i, sp.Name, sp.Score, sp.Outcome, p.Name, p.Score, p.Outcome)
		}
	}

	// Every accepted choice is in the journal, from the bot's slot.
	type key struct {
		slot           int32
		kind           engine.InputKind
		action, target string
	}
	journalled := map[key]uint64{} // → the first tick
	for _, in := range l.Inputs {
		k := key{in.Participant, in.Kind, in.Action, in.Target}
		if _, ok := journalled[k]; !ok && (in.Kind == engine.InputAct || in.Kind == engine.InputAnswer) {
			journalled[k] = in.Tick
		}
	}
	accepted, beforeKill := 0, 0
	for _, b := range bots {
		if !b.HasScore || b.Reconnects < 1 || b.MirrorHash != outc.Hash() || int(b.Slot) >= len(outc.Participants) {
			t.Errorf("%s: score %v, %d reconnects, mirror %016x (journal %s)", b.Name, b.HasScore, b.Reconnects, b.MirrorHash, outc.FinalHash)
			continue
		}
		if int64(outc.Participants[b.Slot].Score) != b.Score {
			t.Errorf("%s: saw %d over the network, the journal says %d", b.Name, b.Score, outc.Participants[b.Slot].Score)
		}
		for _, c := range b.Accepted {
			in := wire.ChoiceInput(&c, 0, b.Slot)
			tick, ok := journalled[key{b.Slot, in.Kind, in.Action, in.Target}]
			if !ok {
				t.Errorf("%s: choice %d (%s %s) was acknowledged but is not in the journal", b.Name, c.Seq, c.Action, c.Target)
				continue
			}
			accepted++
			if tick < killedAt {
				beforeKill++
			}
		}
	}
	t.Logf("%d bots, %d accepted choices (%d journalled before the kill at tick ~%d), final hash %s",
		len(bots), accepted, beforeKill, killedAt, outc.FinalHash)
	if beforeKill == 0 || accepted == beforeKill {
		t.Errorf("the test proves little: %d accepted choices, %d of them before the kill", accepted, beforeKill)
	}
	if _, err := os.Stat(filepath.Join(data, "journals", cr.ID+server.KeysExt)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the drill's key file outlives its end: %v", err)
	}
}

// served is a `drill serve` process.
type served struct {
	cmd      *exec.Cmd
	addr     string
	hash     [32]byte
	banner   string
	stderr   *os.File
	exited   chan error
	lastTick uint64
}

// startServe runs drill serve and waits for its banner (printed once it
// listens).
func startServe(t *testing.T, ctx context.Context, bin, data, addr string) *served {
	t.Helper()
	logf, err := os.CreateTemp(t.TempDir(), "serve-*.log")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data", data, "--host", "127.0.0.1", "--speed", crashSpeed)
	cmd.Env = append(os.Environ(), "QUIC_GO_DISABLE_RECEIVE_BUFFER_WARNING=true")
	cmd.Stderr = logf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &served{cmd: cmd, stderr: logf, exited: make(chan error, 1)}
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		s.exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("drill serve log (%s):\n%s", addr, tail(string(b), 60))
		}
	})
	var banner strings.Builder
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("drill serve exited before listening:\n%s", banner.String())
			}
			banner.WriteString(line + "\n")
			f := strings.Fields(line)
			switch {
			case len(f) >= 2 && f[0] == "listening":
				s.addr = f[1]
			case len(f) >= 3 && f[0] == "SHA-256" && f[1] == "hex":
				b, err := hex.DecodeString(f[2])
				if err != nil || len(b) != 32 {
					t.Fatalf("certificate hash line %q", line)
				}
				copy(s.hash[:], b)
			case strings.HasPrefix(strings.TrimSpace(line), "results "):
				s.banner = banner.String()
				if s.addr == "" || s.hash == ([32]byte{}) {
					t.Fatalf("no address or certificate hash in the banner:\n%s", s.banner)
				}
				go func() { // the rest of stdout
					for range lines {
					}
				}()
				return s
			}
		case <-ctx.Done():
			t.Fatalf("drill serve did not start: %v\n%s", ctx.Err(), banner.String())
		}
	}
}

// waitTick polls GET /api/drills until the drill reaches tick.
func (s *served) waitTick(t *testing.T, ctx context.Context, id string, tick uint64) {
	t.Helper()
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: transport.PinnedTLS(s.hash)}}
	defer hc.CloseIdleConnections()
	for {
		var list []drillInfo
		resp, err := hc.Get("https://" + s.addr + "/api/drills")
		if err == nil {
			err = json.NewDecoder(resp.Body).Decode(&list)
			resp.Body.Close()
		}
		if err != nil {
			t.Fatalf("GET /api/drills: %v", err)
		}
		for _, d := range list {
			if d.ID == id {
				s.lastTick = d.Tick
				if d.State == "ended" {
					t.Fatalf("the drill ended before tick %d", tick)
				}
			}
		}
		if s.lastTick >= tick {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the drill did not reach tick %d (at %d)", tick, s.lastTick)
		case <-time.After(50 * time.Millisecond): // polling a process: no event to wait on
		}
	}
}

// kill sends SIGKILL: no shutdown, no flush, no end record.
func (s *served) kill(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-s.exited
}

// stop asks for a clean shutdown and waits.
func (s *served) stop(t *testing.T) {
	t.Helper()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.exited:
		if err != nil {
			t.Errorf("drill serve after SIGTERM: %v", err)
		}
	case <-time.After(60 * time.Second):
		_ = s.cmd.Process.Kill()
		t.Error("drill serve did not stop within 60 s of SIGTERM")
	}
}

// runBin runs the built drill and fails the test unless it exits 0.
func runBin(t *testing.T, ctx context.Context, bin string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, args...)
	var errb strings.Builder
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("drill %s: %v\n%s%s", strings.Join(args, " "), err, out, errb.String())
	}
	return string(out)
}

func decodeJournal(t *testing.T, path string) *replay.Log {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := replay.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
