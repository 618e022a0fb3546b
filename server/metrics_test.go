package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// TestMetricsScrape scrapes /metrics over HTTP and finds every metric the
// docs promise, with the drills' states, participants and tick durations.
func TestMetricsScrape(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := newTestClock()
	reg, err := NewRegistry(t.TempDir(), clk, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	srv := &Server{Reg: reg, Log: testLogger()}
	m := NewMetrics(reg, srv, func() transport.Stats { return transport.Stats{Open: 3} })
	reg.OnTick = m.ObserveTick

	e, _, err := reg.Create(ctx, CreateRequest{Scenario: "heat", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := reg.Create(ctx, CreateRequest{Scenario: "heat", Seed: 2}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b", "c"} {
		if _, _, err := e.Drill.Join(ctx, n, ""); err != nil {
			t.Fatal(err)
		}
	}
	if got := Participants(e); got != 3 {
		t.Fatalf("participants in the lobby: %d", got)
	}
	if err := e.Drill.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for e.Drill.Tick() < 4 { // the lobby drill takes some of the ticks
		clk.tick(1)
		// A round trip through the drill goroutine: the tick is done.
		_ = e.Drill.View(ctx, func(*engine.World, drill.State) error { return nil })
	}
	srv.BytesOut.Add(1234)
	srv.ProtocolErrors.Add(2)
	srv.countCode(wire.CodeRateLimited)

	hs := httptest.NewServer(m.Handler())
	defer hs.Close()
	rsp, err := http.Get(hs.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(rsp.Body)
	rsp.Body.Close()
	text := string(body)
	for _, want := range []string{
		`rescuedrill_drills{state="running"} 1`,
		`rescuedrill_drills{state="lobby"} 1`,
		`rescuedrill_drills{state="ended"} 0`,
		`rescuedrill_participants 3`,
		`rescuedrill_tick_duration_seconds_count 4`,
		`rescuedrill_tick_duration_seconds_bucket{le="0.01"}`,
		`rescuedrill_ticks_total 4`,
		`rescuedrill_late_ticks_total`,
		`rescuedrill_tick_max_seconds`,
		`rescuedrill_inputs_total`,
		`rescuedrill_inputs_rejected_total{reason="queue_full"} 0`,
		`rescuedrill_inputs_rejected_total{reason="invalid"} 0`,
		`rescuedrill_subscriber_frames_dropped_total`,
		`rescuedrill_connections_total 0`,
		`rescuedrill_connections_open 3`,
		`rescuedrill_join_rejects_total 0`,
		`rescuedrill_protocol_errors_total 2`,
		`rescuedrill_bytes_out_total 1234`,
		`rescuedrill_bytes_in_total 0`,
		`rescuedrill_transport_accepted_total{kind="quic"} 0`,
		`rescuedrill_transport_handshake_failures_total`,
		`rescuedrill_transport_refused_total`,
		`rescuedrill_datagrams_dropped_total`,
		`rescuedrill_rejects_total{code="rate_limited"} 1`,
		`rescuedrill_rejects_total{code="forbidden"} 0`,
		`rescuedrill_poses_dropped_total 0`,
		`rescuedrill_choices_rate_limited_total 0`,
		`go_goroutines`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(text)
	}
}
