package main

import (
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestBotsAgainstServer: drill bots joins two random bots to a served
// drill, the facilitator starts it and ends it a little later, and drill
// bots prints both bots' final scores.
func TestBotsAgainstServer(t *testing.T) {
	t.Setenv("QUIC_GO_DISABLE_RECEIVE_BUFFER_WARNING", "true")
	ds := inProcessServer(t, t.TempDir())
	common := []string{"--server", ds.ln.Addr().String(), "--cert-hash", hex.EncodeToString(ds.hash[:])}
	out, errs, code := runCLI(t, append([]string{"facilitate", "create", "--scenario", "heat", "--json"}, common...)...)
	var cr createResponse
	if code != 0 || json.Unmarshal([]byte(out), &cr) != nil {
		t.Fatalf("create: %d %s %s", code, out, errs)
	}
	if _, errs, code := runCLI(t, append([]string{"bots", "--join", cr.JoinCode, "--policy", "clever"}, common...)...); code == 0 || !strings.Contains(errs, "policy") {
		t.Fatalf("an unknown policy: %d %s", code, errs)
	}
	type result struct {
		out, errs string
		code      int
	}
	done := make(chan result, 1)
	go func() {
		o, e, c := runCLI(t, append([]string{"bots", "--join", cr.JoinCode, "--count", "2", "--policy", "random"}, common...)...)
		done <- result{o, e, c}
	}()
	e, err := ds.reg.ByCode(cr.JoinCode, "test")
	if err != nil {
		t.Fatal(err)
	}
	for e.Drill.Joined() < 2 {
		time.Sleep(10 * time.Millisecond)
	}
	drillArgs := append([]string{"--drill", cr.JoinCode, "--token", cr.FacilitatorToken}, common...)
	if _, errs, code := runCLI(t, append([]string{"facilitate", "start"}, drillArgs...)...); code != 0 {
		t.Fatalf("start: %s", errs)
	}
	time.Sleep(time.Second)
	if _, errs, code := runCLI(t, append([]string{"facilitate", "end"}, drillArgs...)...); code != 0 {
		t.Fatalf("end: %s", errs)
	}
	r := <-done
	t.Logf("drill bots:\n%s", r.out)
	if r.code != 0 || !strings.Contains(r.out, "random-01") || !strings.Contains(r.out, "random-02") || strings.Contains(r.out, "  -  ") {
		t.Fatalf("drill bots: exit %d\n%s%s", r.code, r.out, r.errs)
	}
}
