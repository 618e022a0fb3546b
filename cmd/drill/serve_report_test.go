package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/rescuedrill/rescuedrill/internal/report"
	"github.com/rescuedrill/rescuedrill/internal/xapi"

	"github.com/rescuedrill/rescuedrill/server"
	"github.com/rescuedrill/rescuedrill/server/store"
	"github.com/rescuedrill/rescuedrill/server/transport"
)

// reportReply is one answer of GET /api/drills/{id}/report.
type reportReply struct {
	code  int
	body  string
	final string // X-Report-Final
	hdr   http.Header
}

// getReport fetches a report from a live server with token (none if "").
func getReport(t *testing.T, ds *drillServer, ref, query, token string) reportReply {
	t.Helper()
	r, err := fetchReportHTTP(ds, ref, query, token)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// fetchReportHTTP is getReport for other goroutines than the test's
// (which must not call t.Fatal): an error is a status 0 reply.
func fetchReportHTTP(ds *drillServer, ref, query, token string) (reportReply, error) {
	hc := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{TLSClientConfig: transport.PinnedTLS(ds.hash)}}
	defer hc.CloseIdleConnections()
	u := "https://127.0.0.1:" + strconv.Itoa(ds.ln.Port()) + "/api/drills/" + ref + "/report" + query
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return reportReply{}, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return reportReply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return reportReply{}, err
	}
	return reportReply{code: resp.StatusCode, body: string(b), final: resp.Header.Get("X-Report-Final"), hdr: resp.Header}, nil
}

// goReport fetches in a goroutine; the reply (status 0 with the error as
// its body when the request failed) comes on the channel.
func goReport(ds *drillServer, ref, query, token string, out chan<- reportReply) {
	go func() {
		r, err := fetchReportHTTP(ds, ref, query, token)
		if err != nil {
			r = reportReply{body: err.Error()}
		}
		out <- r
	}()
}

// getJSON fetches a page without a token and returns its body.
func getJSON(t *testing.T, ds *drillServer, path string) string {
	t.Helper()
	hc := &http.Client{Timeout: time.Minute, Transport: &http.Transport{TLSClientConfig: transport.PinnedTLS(ds.hash)}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Get("https://127.0.0.1:" + strconv.Itoa(ds.ln.Port()) + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: HTTP %d %v", path, resp.StatusCode, err)
	}
	return string(b)
}

// wantRefused checks a refusal: its status and a JSON error a person can
// read.
func wantRefused(t *testing.T, what string, r reportReply, code int) {
	t.Helper()
	var e struct{ Error string }
	if r.code != code || json.Unmarshal([]byte(r.body), &e) != nil || e.Error == "" {
		t.Errorf("%s: HTTP %d %.200q, want %d with a JSON error", what, r.code, r.body, code)
	}
}

// wantReport checks an HTML report: it parses, and names everyone and the
// scenario.
func wantReport(t *testing.T, what string, r reportReply, want ...string) {
	t.Helper()
	if r.code != http.StatusOK {
		t.Fatalf("%s: HTTP %d %.300s", what, r.code, r.body)
	}
	if ct := r.hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
	doc, err := html.Parse(strings.NewReader(r.body))
	if err != nil {
		t.Fatalf("%s: not HTML: %v", what, err)
	}
	var text strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			text.WriteString(n.Data)
			text.WriteByte('\n')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, w := range want {
		if !strings.Contains(text.String(), w) {
			t.Errorf("%s: the report's text has no %q", what, w)
		}
	}
}

// TestReportFromConsoleEndpoint runs a heat drill on an in-process drill
// serve with two bots and two named pupils, and fetches its after-action
// report the way the console does: while it runs (provisional), after it
// ended (its key file gone), cached, as CSV, refused without the
// facilitator's token, and after a restart of the server.
func TestReportFromConsoleEndpoint(t *testing.T) {
	t.Setenv("QUIC_GO_DISABLE_RECEIVE_BUFFER_WARNING", "true")
	ctx := context.Background()
	data := t.TempDir()
	ld, err := openScenario("heat")
	if err != nil {
		t.Fatal(err)
	}
	title := ld.Setup().Scenario.Title
	names := []string{"小红", "Ben"}
	var cr createResponse
	var pupilToken string

	t.Run("live", func(t *testing.T) {
		ds := inProcessServer(t, data)
		common := []string{"--server", ds.ln.Addr().String(), "--cert-hash", hex.EncodeToString(ds.hash[:])}
		out, errs, code := runCLI(t, append([]string{"facilitate", "create", "--scenario", "heat", "--seed", "2", "--json"}, common...)...)
		if code != 0 || json.Unmarshal([]byte(out), &cr) != nil {
			t.Fatalf("create: %d %s %s", code, out, errs)
		}
		// The hash is on disk before the token was handed out.
		if _, err := os.Stat(filepath.Join(data, reportKeyDir, cr.ID+reportKeyExt)); err != nil {
			t.Fatalf("no report key after create: %v", err)
		}
		e, err := ds.reg.ByCode(cr.JoinCode, "test")
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			_, tok, err := e.Join(ctx, n)
			if err != nil {
				t.Fatal(err)
			}
			pupilToken = tok
		}
		bots := make(chan string, 1)
		go func() {
			o, e, c := runCLI(t, append([]string{"bots", "--join", cr.JoinCode, "--count", "2", "--policy", "good"}, common...)...)
			bots <- fmt.Sprintf("exit %d\n%s%s", c, o, e)
		}()
		for e.Drill.Joined() < 4 {
			time.Sleep(10 * time.Millisecond)
		}
		drillArgs := append([]string{"--drill", cr.JoinCode, "--token", cr.FacilitatorToken}, common...)
		if _, errs, code := runCLI(t, append([]string{"facilitate", "start"}, drillArgs...)...); code != 0 {
			t.Fatalf("start: %s", errs)
		}
		time.Sleep(time.Second)

		// So far: by ID and by join code, provisional.
		r := getReport(t, ds, cr.ID, "?lang=en", cr.FacilitatorToken)
		wantReport(t, "running", r, append([]string{title.EN, cr.ID}, names...)...)
		if r.final != "false" {
			t.Errorf("a running drill's report: X-Report-Final %q", r.final)
		}
		wantReport(t, "running, by join code", getReport(t, ds, cr.JoinCode, "?lang=zh", cr.FacilitatorToken), title.ZH, names[0])
		wantRefused(t, "running, a pupil's token", getReport(t, ds, cr.ID, "", pupilToken), http.StatusForbidden)

		if _, errs, code := runCLI(t, append([]string{"facilitate", "end"}, drillArgs...)...); code != 0 {
			t.Fatalf("end: %s", errs)
		}
		if b := <-bots; !strings.HasPrefix(b, "exit 0") {
			t.Errorf("drill bots: %s", b)
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			res, err := ds.st.Results(ctx, cr.ID)
			if err == nil && res.Drill.State == store.StateEnded {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("results not saved: %v", err)
			}
			time.Sleep(50 * time.Millisecond)
		}
		for {
			if _, err := os.Stat(filepath.Join(data, "journals", cr.ID+server.KeysExt)); os.IsNotExist(err) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the drill's key file stayed after its end")
			}
			time.Sleep(20 * time.Millisecond)
		}

		rs, _ := reportServices.Load(ds)
		before := rs.(*reportService).renders.Load()
		r = getReport(t, ds, cr.ID, "", cr.FacilitatorToken)
		wantReport(t, "ended", r, append([]string{title.ZH, title.EN, "good-01", "good-02"}, names...)...)
		if r.final != "true" || !strings.Contains(r.hdr.Get("Content-Disposition"), cr.ID) || r.hdr.Get("Cache-Control") != "no-store" {
			t.Errorf("ended: headers %v", r.hdr)
		}
		again := getReport(t, ds, cr.ID, "?lang=both", cr.FacilitatorToken)
		if again.body != r.body {
			t.Error("the same report twice differs")
		}
		if n := rs.(*reportService).renders.Load() - before; n != 1 {
			t.Errorf("%d renders for two fetches of an ended drill's report, want 1 (cached)", n)
		}
		csv := getReport(t, ds, cr.ID, "?format=csv", cr.FacilitatorToken)
		if csv.code != 200 || !strings.HasPrefix(csv.hdr.Get("Content-Type"), "text/csv") || !strings.Contains(csv.body, names[0]) || !strings.Contains(csv.body, "good-02") {
			t.Errorf("CSV: HTTP %d %v\n%.500s", csv.code, csv.hdr, csv.body)
		}

		// The learning records: the statements drill xapi writes, valid.
		xr := getReport(t, ds, cr.ID, "?format=xapi", cr.FacilitatorToken)
		var sts []xapi.Statement
		if xr.code != 200 || json.Unmarshal([]byte(xr.body), &sts) != nil || len(sts) < 4*3 {
			t.Fatalf("xAPI: HTTP %d, %d statements\n%.300s", xr.code, len(sts), xr.body)
		}
		for _, st := range sts {
			if err := xapi.ValidateStatement(st); err != nil {
				t.Errorf("statement %s: %v", st.ID, err)
			}
		}
		if strings.Contains(xr.body, names[0]) {
			t.Error("the xAPI statements carry a pupil's display name; they must be pseudonymous")
		}
		cli := filepath.Join(t.TempDir(), "x.json")
		if _, errs, code := runCLI(t, "xapi", cr.ID, "--data", data, "-o", cli); code != 0 {
			t.Fatalf("drill xapi: %s", errs)
		} else if b, _ := os.ReadFile(cli); string(b) != xr.body {
			t.Error("the console's statements differ from drill xapi's")
		}

		for _, c := range []struct {
			what, ref, query, token string
			code                    int
		}{
			{"no token", cr.ID, "", "", http.StatusUnauthorized},
			{"a pupil's token", cr.ID, "", pupilToken, http.StatusForbidden},
			{"a made-up token", cr.ID, "", strings.Repeat("0", len(cr.FacilitatorToken)), http.StatusForbidden},
			{"an unknown drill", "d0123456789abcdef", "", cr.FacilitatorToken, http.StatusNotFound},
			{"a path in the ID", "..%2F..%2Fresults", "", cr.FacilitatorToken, http.StatusNotFound},
			{"a bad language", cr.ID, "?lang=fr", cr.FacilitatorToken, http.StatusBadRequest},
			{"a bad format", cr.ID, "?format=pdf", cr.FacilitatorToken, http.StatusBadRequest},
		} {
			wantRefused(t, c.what, getReport(t, ds, c.ref, c.query, c.token), c.code)
		}
	})
	if t.Failed() {
		return
	}

	// A restart: the drill is no longer in memory and its key file is
	// gone; the stored hash still lets its facilitator in.
	ds := inProcessServer(t, data)
	if ds.reg.ByID(cr.ID) != nil {
		t.Fatal("an ended drill was recovered")
	}
	v, _ := reportServices.Load(ds)
	rs := v.(*reportService)
	// Three at once share one re-simulation (in flight, or kept).
	replies := make(chan reportReply, 3)
	for range 3 {
		goReport(ds, cr.ID, "?lang=en", cr.FacilitatorToken, replies)
	}
	first := <-replies
	wantReport(t, "after a restart", first, append([]string{title.EN}, names...)...)
	for range 2 {
		if r := <-replies; r.code != 200 || r.body != first.body {
			t.Errorf("concurrent fetches differ: HTTP %d %.200s", r.code, r.body)
		}
	}
	if n := rs.renders.Load(); n != 1 {
		t.Errorf("%d renders for three concurrent fetches, want 1", n)
	}
	wantRefused(t, "after a restart, a pupil's token", getReport(t, ds, cr.ID, "", pupilToken), http.StatusForbidden)
	// The console's list of drills with a report: the ended drill is in it
	// although the server no longer has it in memory; no join code.
	list := getJSON(t, ds, "/api/reports")
	var stored []reportable
	if err := json.Unmarshal([]byte(list), &stored); err != nil || len(stored) != 1 || stored[0].ID != cr.ID ||
		stored[0].State != "ended" || stored[0].Participants != 4 || strings.Contains(list, cr.JoinCode) {
		t.Errorf("GET /api/reports: %v %s", err, list)
	}
	wantRefused(t, "after a restart, no token", getReport(t, ds, cr.ID, "", ""), http.StatusUnauthorized)

	// Every render slot taken and room for one to wait: the first waits
	// and is served when a slot frees, the second is told 503, retry.
	for range cap(rs.slots) {
		rs.slots <- struct{}{}
	}
	rs.queue.Store(1)
	waited := make(chan reportReply, 1)
	goReport(ds, cr.ID, "?lang=zh", cr.FacilitatorToken, waited)
	for deadline := time.Now().Add(30 * time.Second); rs.waiting.Load() != 1; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first request did not queue")
		}
	}
	busy := getReport(t, ds, cr.ID, "?lang=both", cr.FacilitatorToken)
	wantRefused(t, "busy", busy, http.StatusServiceUnavailable)
	if busy.hdr.Get("Retry-After") == "" {
		t.Error("busy: no Retry-After")
	}
	for range cap(rs.slots) {
		<-rs.slots
	}
	wantReport(t, "queued, then served", <-waited, title.ZH, names[0])
	wantReport(t, "after busy", getReport(t, ds, cr.ID, "?lang=both", cr.FacilitatorToken), title.ZH, title.EN)
}

// BenchmarkReportRender is what one uncached GET …/report costs the server:
// read and decode the journal of a 40-bot landslide drill, re-simulate it
// and render the bilingual page (the endpoint's cache hit is a copy).
func BenchmarkReportRender(b *testing.B) {
	rep := filepath.Join(b.TempDir(), "landslide.rdr")
	var out, errs bytes.Buffer
	if code := run([]string{"run", "landslide", "--bots", "good:20,naive:20", "--seed", "7", "--replay", rep}, &out, &errs); code != 0 {
		b.Fatalf("run: %s", errs.String())
	}
	var size int
	for b.Loop() {
		src := &drillSource{Path: rep}
		if err := src.decode(); err != nil {
			b.Fatal(err)
		}
		d, err := src.collect(false)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := report.Render(&buf, d, report.LangBoth); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "html-bytes")
}
