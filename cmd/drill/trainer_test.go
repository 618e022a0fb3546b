package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/internal/cap"
	"github.com/rescuedrill/rescuedrill/internal/xapi"
)

// TestTrainerToolsOnServedDrill runs a drill on an in-process drill serve,
// issues a warning from a CAP file (drill cap inject), ends it, and then
// reads the stored drill from the data directory with the trainer tools:
// the report names the participants, the CAP export carries the injected
// warning, and the learning records reach an LRS.
func TestTrainerToolsOnServedDrill(t *testing.T) {
	t.Setenv("QUIC_GO_DISABLE_RECEIVE_BUFFER_WARNING", "true")
	ctx := context.Background()
	data := t.TempDir()
	ds := inProcessServer(t, data)
	addr := ds.ln.Addr().String()
	common := []string{"--server", addr, "--cert-hash", hex.EncodeToString(ds.hash[:])}
	out, errs, code := runCLI(t, append([]string{"facilitate", "create", "--scenario", "heat", "--seed", "4", "--json"}, common...)...)
	if code != 0 {
		t.Fatalf("create: %d %s", code, errs)
	}
	var cr createResponse
	if err := json.Unmarshal([]byte(out), &cr); err != nil {
		t.Fatal(err)
	}
	e, err := ds.reg.ByCode(cr.JoinCode, "test")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"小红", "Ben"} {
		if _, _, err := e.Drill.Join(ctx, n, ""); err != nil {
			t.Fatal(err)
		}
	}
	drillArgs := append([]string{"--drill", cr.JoinCode, "--token", cr.FacilitatorToken}, common...)
	if out, errs, code := runCLI(t, append([]string{"facilitate", "start"}, drillArgs...)...); code != 0 {
		t.Fatalf("start: %s %s", out, errs)
	}

	// A real-world style alert without the drill's parameters: heat, severe.
	alertFile := filepath.Join(t.TempDir(), "heat.xml")
	alert := `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>CQ-HEAT-1</identifier><sender>met@cq.example</sender><sent>2026-07-20T13:00:00+08:00</sent>
  <status>Exercise</status><msgType>Alert</msgType><scope>Public</scope>
  <info><language>zh-CN</language><category>Met</category><event>高温</event>
    <urgency>Immediate</urgency><severity>Severe</severity><certainty>Likely</certainty>
    <headline>高温橙色预警信号</headline><area><areaDesc>沙坪坝区</areaDesc></area></info>
</alert>
`
	if err := os.WriteFile(alertFile, []byte(alert), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code = runCLI(t, append([]string{"facilitate", "cap", alertFile}, drillArgs...)...)
	if code != 0 || !strings.Contains(out, "high_temp orange") || !strings.Contains(out, "warn: done") {
		t.Fatalf("facilitate cap: exit %d\n%s%s", code, out, errs)
	}
	if _, errs, code := runCLI(t, "cap", "inject", filepath.Join(data, "nosuch.xml"), "--dry-run"); code == 0 {
		t.Fatalf("a missing file was injected: %s", errs)
	}
	if out, errs, code := runCLI(t, append([]string{"facilitate", "end"}, drillArgs...)...); code != 0 {
		t.Fatalf("end: %s %s", out, errs)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, _, code = runCLI(t, "results", "--data", data, cr.ID)
		if code == 0 && strings.Contains(out, "state ended") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("drill results: exit %d\n%s", code, out)
		}
		time.Sleep(50 * time.Millisecond)
	}

	dir := t.TempDir()
	// The report, from the journal and the store.
	page := filepath.Join(dir, "report.html")
	if out, errs, code := runCLI(t, "report", cr.ID, "--data", data, "-o", page); code != 0 {
		t.Fatalf("report: exit %d %s %s", code, out, errs)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"小红", "Ben", cr.ID, `data-ref="high_temp" data-level="orange"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the report has no %q", want)
		}
	}

	// CAP: the injected warning comes back out as an alert.
	capDir := filepath.Join(dir, "cap")
	if out, errs, code := runCLI(t, "cap", cr.ID, "--data", data, "-o", capDir); code != 0 {
		t.Fatalf("cap: exit %d %s %s", code, out, errs)
	}
	files, _ := filepath.Glob(filepath.Join(capDir, "*-high_temp-orange.xml"))
	if len(files) != 1 {
		t.Fatalf("CAP export: %v", files)
	}
	doc, _ := os.ReadFile(files[0])
	a, err := cap.Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != "Exercise" || !strings.Contains(a.Identifier, cr.ID) {
		t.Errorf("alert %s status %s", a.Identifier, a.Status)
	}

	// xAPI: statements to an LRS, which must see the version header.
	var mu sync.Mutex
	var got []json.RawMessage
	lrs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Experience-API-Version") != xapi.Version || r.URL.Path != "/lrs/statements" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		var batch []json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&batch); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, s := range batch {
			if err := xapi.Validate(s); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		}
		mu.Lock()
		got = append(got, batch...)
		mu.Unlock()
		w.Write([]byte("[]"))
	}))
	defer lrs.Close()
	stFile := filepath.Join(dir, "statements.json")
	out, errs, code = runCLI(t, "xapi", cr.ID, "--data", data, "-o", stFile, "--lrs", lrs.URL+"/lrs/", "--lrs-auth", "t:p")
	if code != 0 || !strings.Contains(out, "sent") {
		t.Fatalf("xapi: exit %d %s %s", code, out, errs)
	}
	var sts []xapi.Statement
	raw, _ := os.ReadFile(stFile)
	if err := json.Unmarshal(raw, &sts); err != nil {
		t.Fatal(err)
	}
	if len(sts) < 2*3 || len(got) != len(sts) {
		t.Fatalf("%d statements written, %d received", len(sts), len(got))
	}
	if strings.Contains(string(raw), "小红") || strings.Contains(string(raw), "Ben") {
		t.Error("the learning records carry display names")
	}
	if _, err := os.Stat(filepath.Join(data, queueName)); !os.IsNotExist(err) {
		t.Errorf("the queue was left behind: %v", err)
	}
	// The CSV is the teacher's: names in it.
	out, _, code = runCLI(t, "xapi", cr.ID, "--data", data, "--csv", "-o", "-")
	if code != 0 || !strings.Contains(out, "小红") || strings.Count(out, "\n") != 3 {
		t.Errorf("csv: exit %d\n%s", code, out)
	}
}

// TestTrainerToolsOnReplay: the three tools on a replay file from drill
// run, with the same scores as the run printed.
func TestTrainerToolsOnReplay(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rep := filepath.Join(dir, "heat.rdr")
	out, errs, code := runCLI(t, "run", "heat", "--bots", "good:2,naive:2", "--seed", "9", "--json", "--replay", rep)
	if code != 0 {
		t.Fatalf("run: %s", errs)
	}
	var res struct {
		Participants []struct {
			Name  string
			Score int
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	start := "2026-07-20T14:00:00+08:00"
	page := filepath.Join(dir, "r.html")
	if _, errs, code := runCLI(t, "report", rep, "-o", page, "--lang", "en", "--start", start); code != 0 {
		t.Fatal(errs)
	}
	b, _ := os.ReadFile(page)
	for _, p := range res.Participants {
		if !strings.Contains(string(b), p.Name) {
			t.Errorf("report without %s", p.Name)
		}
	}
	out, errs, code = runCLI(t, "xapi", rep, "--csv", "-o", "-", "--start", start, "--data", dir)
	if code != 0 {
		t.Fatal(errs)
	}
	for _, p := range res.Participants {
		if !strings.Contains(out, ","+p.Name+",") {
			t.Errorf("csv without %s:\n%s", p.Name, out)
		}
	}
	if _, errs, code := runCLI(t, "cap", rep, "-o", filepath.Join(dir, "cap"), "--start", start); code != 0 {
		t.Fatal(errs)
	}

	// The LRS is down: the statements wait in the queue (exit 3), and
	// --flush sends them once it is back.
	var mu sync.Mutex
	up, got := false, 0
	lrs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if !up {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		var batch []json.RawMessage
		json.NewDecoder(r.Body).Decode(&batch)
		got += len(batch)
		w.Write([]byte("[]"))
	}))
	defer lrs.Close()
	out, _, code = runCLI(t, "xapi", rep, "--start", start, "--data", dir, "--lrs", lrs.URL, "--retry-for", "100ms")
	if code != 3 || !strings.Contains(out, "wait in") {
		t.Fatalf("xapi with the LRS down: exit %d\n%s", code, out)
	}
	mu.Lock()
	up = true
	mu.Unlock()
	out, errs, code = runCLI(t, "xapi", "--flush", "--data", dir, "--lrs", lrs.URL)
	if code != 0 || got == 0 || !strings.Contains(out, "sent") {
		t.Fatalf("flush: exit %d, %d received\n%s%s", code, got, out, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, queueName)); !os.IsNotExist(err) {
		t.Errorf("the queue is still there after the flush: %v", err)
	}
	for _, bad := range [][]string{
		{"report", rep, "--lang", "fr", "-o", page},
		{"report", "no-such-drill", "--data", dir, "-o", page},
		{"xapi", rep, "--data", dir},
		{"cap", rep, "--origin", "north"},
	} {
		if _, _, code := runCLI(t, bad...); code == 0 {
			t.Errorf("%v succeeded", bad)
		}
	}
}
