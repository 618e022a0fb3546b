package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/server/transport"
)

// TestFacilitateAgainstServer runs drill serve's server in-process on
// 127.0.0.1:0 and scripts a drill with drill facilitate: create over
// HTTPS, start, warn, inject, pause, resume and end over QUIC (end prints
// the results), then drill results reads the drill from the data directory.
func TestFacilitateAgainstServer(t *testing.T) {
	t.Setenv("QUIC_GO_DISABLE_RECEIVE_BUFFER_WARNING", "true")
	ctx := context.Background()
	data := t.TempDir()
	ds := inProcessServer(t, data)
	var banner strings.Builder
	ds.printBanner(&banner)
	hash := hex.EncodeToString(ds.hash[:])
	if !strings.Contains(banner.String(), hash) || !strings.Contains(banner.String(), "drill facilitate create") {
		t.Fatalf("banner:\n%s", banner.String())
	}
	addr := ds.ln.Addr().String()
	common := []string{"--server", addr, "--cert-hash", hash}

	out, errs, code := runCLI(t, append([]string{"facilitate", "create", "--scenario", "heat", "--seed", "3", "--json"}, common...)...)
	if code != 0 {
		t.Fatalf("create: %d %s", code, errs)
	}
	var cr createResponse
	if err := json.Unmarshal([]byte(out), &cr); err != nil || cr.JoinCode == "" || cr.FacilitatorToken == "" {
		t.Fatalf("create answer %q: %v", out, err)
	}
	// A wrong certificate hash is refused.
	if _, _, code := runCLI(t, "facilitate", "create", "--server", addr, "--cert-hash", strings.Repeat("ab", 32), "--scenario", "heat"); code == 0 {
		t.Fatal("create with a wrong certificate hash succeeded")
	}

	// Two participants join (straight through the registry: the protocol
	// client lives in client/).
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
	step := func(want string, args ...string) string {
		t.Helper()
		out, errs, code := runCLI(t, append(append([]string{"facilitate"}, args...), drillArgs...)...)
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("facilitate %v: exit %d\n%s%s", args, code, out, errs)
		}
		return out
	}
	step("start: done", "start")
	step("warn: done", "warn", "high_temp", "orange")
	step("inject: done", "inject", "q_symptoms")
	if _, errs, code := runCLI(t, append([]string{"facilitate", "inject", "nosuch"}, drillArgs...)...); code == 0 || !strings.Contains(errs, "q_symptoms") {
		t.Fatalf("an unknown inject: exit %d %s", code, errs)
	}
	step("pause: done", "pause")
	if _, errs, code := runCLI(t, append([]string{"facilitate", "pause"}, drillArgs...)...); code == 0 || !strings.Contains(errs, "refused") {
		t.Fatalf("a second pause: exit %d %s", code, errs)
	}
	if _, errs, code := runCLI(t, append([]string{"facilitate", "start"}, append([]string{"--drill", cr.JoinCode, "--token", "nope"}, common...)...)...); code == 0 || !strings.Contains(errs, "token") {
		t.Fatalf("a wrong token: exit %d %s", code, errs)
	}
	step("resume: done", "resume")

	// The status page and the API show the drill without names or codes.
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: transport.PinnedTLS(ds.hash)}}
	for _, path := range []string{"/", "/api/drills"} {
		rsp, err := client.Get("https://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rsp.Body)
		rsp.Body.Close()
		page := string(b)
		if rsp.StatusCode != 200 || !strings.Contains(page, "heat") || strings.Contains(page, "小红") || strings.Contains(page, cr.JoinCode) ||
			strings.Contains(page, cr.FacilitatorToken) {
			t.Fatalf("%s: %d\n%s", path, rsp.StatusCode, page)
		}
	}
	client.CloseIdleConnections()

	out = step("end: the drill ended", "end")
	if !strings.Contains(out, "小红") || !strings.Contains(out, "Ben") {
		t.Fatalf("end prints no results:\n%s", out)
	}

	// drill results reads what the recorder stored.
	deadline := time.Now().Add(5 * time.Second)
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
	if !strings.Contains(out, "小红") || !strings.Contains(out, "final tick") || !strings.Contains(out, "warning") {
		t.Fatalf("stored results:\n%s", out)
	}
}
