package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/internal/netbot"
	"github.com/rescuedrill/rescuedrill/scenarios"
	"github.com/rescuedrill/rescuedrill/server"
	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/transport"
)

// guideScenario writes the scenario docs/authoring.md ends with into the
// current directory, on the example map riverside: the grids, drill new
// and the guide's edits (the steps TestAuthoringGuide checks), and returns
// its file name. root is the repository's folder.
func guideScenario(t *testing.T, root string) string {
	t.Helper()
	for _, name := range []string{"riverside.elev.asc", "riverside.landuse.asc"} {
		b, err := os.ReadFile(filepath.Join(root, "internal", "authoring", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	scenario := ""
	for _, s := range docSteps(t, filepath.Join(root, "docs", "authoring.md")) {
		switch {
		case s.kind == "run" && strings.HasPrefix(s.body, "drill new "):
			args := strings.Fields(s.body)
			if _, errs, code := runCLI(t, args[1:]...); code != 0 {
				t.Fatalf("authoring.md:%d: %s", s.line, errs)
			}
			scenario = args[len(args)-1] + ".yaml"
		case s.kind == "replace":
			src, err := os.ReadFile(scenario)
			if err != nil {
				t.Fatal(err)
			}
			out, ok := replaceSection(string(src), s.arg, s.body)
			if !ok {
				t.Fatalf("authoring.md:%d: no section %s", s.line, s.arg)
			}
			if err := os.WriteFile(scenario, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if scenario == "" {
		t.Fatal("docs/authoring.md has no drill new step")
	}
	return scenario
}

// startAt runs drill serve's server in-process on addr until stop, which
// closes it as a shutdown does (drills keep their journals for recovery).
func startAt(t *testing.T, data, addr string) (ds *drillServer, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ds, err := startServer(ctx, serveOptions{Addr: addr, Data: data, Speed: 25}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- ds.serve(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			<-served
			ds.close()
		})
	}
	t.Cleanup(stop)
	return ds, stop
}

// TestOwnMapServed is issue 6's "run it with your class" on the guide's
// own map: the scenario docs/authoring.md writes is refused when its map
// files are missing, traverse, are too large or are not named; drill
// facilitate create uploads it with its grids; two good and two naive
// network bots (their mirrors read the same grids from the trainer's
// folder) play it; the server is shut down mid-drill and started again on
// the same data, recovers the drill from the stored upload, the bots
// rejoin, and the drill plays to its end with every mirror on the
// server's hash; drill replay and drill report then read the journal with
// the stored map.
func TestOwnMapServed(t *testing.T) {
	t.Setenv("QUIC_GO_DISABLE_RECEIVE_BUFFER_WARNING", "true")
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	scenario := guideScenario(t, root)
	src, err := os.ReadFile(scenario)
	if err != nil {
		t.Fatal(err)
	}
	elev, err := os.ReadFile("riverside.elev.asc")
	if err != nil {
		t.Fatal(err)
	}
	landuse, err := os.ReadFile("riverside.landuse.asc")
	if err != nil {
		t.Fatal(err)
	}
	// Where the guide's map: section names the land-use grid (problems point there).
	at := ""
	for i, l := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(l, "  land_use: ") {
			at = fmt.Sprintf("riverside.yaml:%d:13", i+1)
		}
	}
	data := filepath.Join(dir, "data")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	ds, stop := startAt(t, data, "127.0.0.1:0")
	addr, hash := ds.ln.Addr().String(), ds.hash
	common := []string{"--server", addr, "--cert-hash", hex.EncodeToString(hash[:]), "--timeout", "60s"}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: transport.PinnedTLS(hash)}}
	defer client.CloseIdleConnections()

	// Refused uploads, each with a clear error.
	for _, tt := range []struct {
		name  string
		files map[string][]byte
		raw   []byte // the body, when not built from files
		code  int
		want  string
	}{
		{"missing land use", map[string][]byte{"riverside.elev.asc": elev}, nil, 400,
			at + ": map.land_use: map file riverside.landuse.asc was not uploaded"},
		{"path traversal", map[string][]byte{"riverside.elev.asc": elev, "riverside.landuse.asc": landuse, "../../../etc/passwd": []byte("x")}, nil, 400,
			"../../../etc/passwd: a map file's path must be relative"},
		{"unnamed extra file", map[string][]byte{"riverside.elev.asc": elev, "riverside.landuse.asc": landuse, "notes.txt": []byte("x")}, nil, 400,
			"notes.txt: the scenario does not name this file"},
		{"one grid too large", map[string][]byte{"riverside.elev.asc": bytes.Repeat([]byte("1 "), scenarios.MaxUploadFile/2+1), "riverside.landuse.asc": landuse}, nil, 400,
			"riverside.elev.asc: map file is 16.0 MiB; at most 16 MiB each"},
		{"body over the limit", nil, append(append([]byte(`{"scenario":"riverside.yaml","files":{"a":"`), bytes.Repeat([]byte("A"), maxCreateBody)...), `"}}`...), 413,
			"the upload is larger than"},
	} {
		body := tt.raw
		if body == nil {
			body, _ = json.Marshal(createRequest{Scenario: scenario, Source: string(src), Files: tt.files})
		}
		rsp, err := client.Post("https://"+addr+"/api/drills", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var e struct{ Error string }
		_ = json.NewDecoder(rsp.Body).Decode(&e)
		rsp.Body.Close()
		if rsp.StatusCode != tt.code || !strings.Contains(e.Error, tt.want) {
			t.Errorf("%s: %d %q, want %d with %q", tt.name, rsp.StatusCode, e.Error, tt.code, tt.want)
		}
	}
	if ents, _ := os.ReadDir(filepath.Join(data, server.ScenariosDir)); len(ents) != 0 {
		t.Fatalf("refused uploads left %d entries under scenarios/", len(ents))
	}
	// drill facilitate create checks the file and its grids before sending.
	if err := os.Rename("riverside.landuse.asc", "moved.asc"); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := runCLI(t, append([]string{"facilitate", "create", "--scenario", scenario}, common...)...); code == 0 ||
		!strings.Contains(errs, at+": map.land_use") || !strings.Contains(errs, "riverside.landuse.asc") {
		t.Fatalf("create without the land-use grid: exit %d\n%s", code, errs)
	}
	if err := os.Rename("moved.asc", "riverside.landuse.asc"); err != nil {
		t.Fatal(err)
	}

	out, errs, code := runCLI(t, append([]string{"facilitate", "create", "--scenario", scenario, "--seed", "5"}, common...)...)
	if code != 0 {
		t.Fatalf("create: exit %d\n%s%s", code, out, errs)
	}
	m := regexp.MustCompile(`drill (\S+) created \(riverside\.yaml\)\nmap files · 地图文件   riverside\.elev\.asc, riverside\.landuse\.asc\njoin code · 加入码   (\S+)\nfacilitator token   (\S+) `).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("create printed:\n%s", out)
	}
	id, joinCode, token := m[1], m[2], m[3]
	for name, want := range map[string][]byte{"riverside.yaml": src, "riverside.elev.asc": elev, "riverside.landuse.asc": landuse} {
		if got, err := os.ReadFile(filepath.Join(server.UploadDir(data, id), name)); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("stored %s: %v", name, err)
		}
	}
	drillArgs := append([]string{"--drill", joinCode, "--token", token}, common...)
	facilitate := func(op string) {
		t.Helper()
		if out, errs, code := runCLI(t, append([]string{"facilitate", op}, drillArgs...)...); code != 0 {
			t.Fatalf("facilitate %s: exit %d\n%s%s", op, code, out, errs)
		}
	}

	// Network bots whose mirrors read the grids from the trainer's folder.
	var mu sync.Mutex
	joined, rejoined := map[string]bool{}, map[string]bool{}
	onReady := func(name string, _ int32, rejoin bool) {
		mu.Lock()
		defer mu.Unlock()
		if rejoin {
			rejoined[name] = true
		} else {
			joined[name] = true
		}
	}
	type run struct {
		res []netbot.Result
		err error
	}
	runs := make(chan run, 2)
	botCtx, stopBots := context.WithCancel(ctx)
	defer stopBots()
	for _, pol := range []string{"good", "naive"} {
		go func() {
			r, err := netbot.Run(botCtx, netbot.Options{Addr: addr, TLS: transport.PinnedTLS(hash), JoinCode: joinCode,
				Policy: pol, Count: 2, OnReady: onReady, MapFiles: os.DirFS(dir)})
			runs <- run{r, err}
		}()
	}
	// diagnose stops the bots and logs how each connection of theirs ended.
	diagnose := func(pending int) {
		stopBots()
		for range pending {
			select {
			case r := <-runs:
				for _, b := range r.res {
					t.Logf("%s slot %d: %d reconnects, mirror tick %d, ready %v: %v\n\t%s", b.Name, b.Slot, b.Reconnects, b.MirrorTick, b.HasScore, b.Err, strings.Join(b.Drops, "\n\t"))
				}
			case <-time.After(10 * time.Second):
			}
		}
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for !ok() {
			select {
			case r := <-runs:
				t.Logf("bots stopped: %v", r.err)
				diagnose(1)
				t.Fatalf("waiting for %s, bots stopped: %v", what, r.err)
			case <-ctx.Done():
				diagnose(2)
				t.Fatalf("waiting for %s: %v", what, ctx.Err())
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	count := func(set map[string]bool) func() bool {
		return func() bool { mu.Lock(); defer mu.Unlock(); return len(set) == 4 }
	}
	waitFor("four bots to join", count(joined))
	facilitate("start")
	e := ds.reg.ByID(id)
	endTick := uint64(e.Setup.Scenario.Duration) * uint64(e.Setup.Scenario.Hz())
	waitFor("the drill to get 40 % through", func() bool { return e.Drill.Tick() >= endTick*2/5 })

	// Shut down mid-drill; the same address and data directory again.
	stop()
	ds2, _ := startAt(t, data, addr)
	var rec *server.Entry
	for _, r := range ds2.recovered {
		if r.ID == id {
			rec = r
		}
	}
	if rec == nil || rec.Code != joinCode || rec.Setup.Map == nil || rec.Setup.Map.Elev.NX != 80 || rec.Setup.Map.LandUse == nil {
		t.Fatalf("recovered drills %v: want %s with its own 80-column map", ds2.recovered, id)
	}
	killedAt := rec.Drill.Tick()
	waitFor("the bots to rejoin and catch up", count(rejoined))
	facilitate("resume")

	var bots []netbot.Result
	var errs2 []error
	for range 2 {
		select {
		case r := <-runs:
			bots, errs2 = append(bots, r.res...), append(errs2, r.err)
		case <-ctx.Done():
			t.Fatalf("the drill did not end: tick %d of %d", rec.Drill.Tick(), endTick)
		}
	}
	if err := errors.Join(errs2...); err != nil {
		t.Fatal(err)
	}
	if rec.Drill.State() != drill.Ended {
		t.Fatalf("drill state %s after the bots finished", rec.Drill.State())
	}
	for _, b := range bots {
		if !b.HasScore || b.Reconnects < 1 || b.Checkpoints == 0 || b.MirrorHash != bots[0].MirrorHash || b.MirrorTick != endTick {
			t.Errorf("%s: score %v, %d reconnects, %d checkpoints, mirror tick %d hash %016x", b.Name, b.HasScore, b.Reconnects, b.Checkpoints, b.MirrorTick, b.MirrorHash)
		}
	}
	t.Logf("restarted at tick %d of %d; bots: %+v", killedAt, endTick, bots)

	// The journal replays and reports with the stored map.
	journal := filepath.Join(data, "journals", id+".rdr")
	if out, errs, code := runCLI(t, "replay", journal); code != 0 || !strings.Contains(out, "good-01") {
		t.Fatalf("drill replay: exit %d\n%s%s", code, out, errs)
	}
	if out, errs, code := runCLI(t, "report", id, "--data", data, "-o", "report.html"); code != 0 {
		t.Fatalf("drill report: exit %d\n%s%s", code, out, errs)
	}
	if b, err := os.ReadFile("report.html"); err != nil || !bytes.Contains(b, []byte("naive-02")) {
		t.Fatalf("report: %v", err)
	}
}

// TestOwnMapReplayBeside: a replay of a drill on the trainer's own map
// (drill run --replay) replays where it was written, beside the grids, and
// says the grids are missing when copied away from them.
func TestOwnMapReplayBeside(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	scenario := guideScenario(t, root)
	if out, errs, code := runCLI(t, "run", scenario, "--bots", "good:1,naive:1", "--replay", "r.rdr"); code != 0 {
		t.Fatalf("drill run: exit %d\n%s%s", code, out, errs)
	}
	if out, errs, code := runCLI(t, "replay", "r.rdr"); code != 0 || !strings.Contains(out, "naive-") {
		t.Fatalf("drill replay beside the grids: exit %d\n%s%s", code, out, errs)
	}
	away := filepath.Join(t.TempDir(), "r.rdr")
	b, err := os.ReadFile("r.rdr")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(away, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := runCLI(t, "replay", away); code == 0 || !strings.Contains(errs, "riverside.yaml is on its own map and its grid files (riverside.elev.asc, riverside.landuse.asc) are not beside") {
		t.Fatalf("drill replay away from the grids: exit %d\n%s", code, errs)
	}
}

// TestOwnMapBotsNeedTheMap: drill bots joining a drill on the trainer's
// own map without --scenario cannot build their mirror and say what to give.
func TestOwnMapBotsNeedTheMap(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("QUIC_GO_DISABLE_RECEIVE_BUFFER_WARNING", "true")
	t.Chdir(t.TempDir())
	scenario := guideScenario(t, root)
	ds := inProcessServer(t, t.TempDir())
	common := []string{"--server", ds.ln.Addr().String(), "--cert-hash", hex.EncodeToString(ds.hash[:])}
	out, errs, code := runCLI(t, append([]string{"facilitate", "create", "--scenario", scenario, "--json"}, common...)...)
	var cr createResponse
	if code != 0 || json.Unmarshal([]byte(out), &cr) != nil {
		t.Fatalf("create: %d %s %s", code, out, errs)
	}
	if _, errs, code := runCLI(t, append([]string{"bots", "--join", cr.JoinCode, "--count", "1"}, common...)...); code == 0 ||
		!strings.Contains(errs, "cannot read map file riverside.elev.asc") || !strings.Contains(errs, "give --scenario FILE.yaml") {
		t.Fatalf("bots without the map: exit %d\n%s", code, errs)
	}
}
