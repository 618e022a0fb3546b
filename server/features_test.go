package server

import (
	"context"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// TestRiskLayerToSpectatorsOnly runs the landslide drill on a live server:
// a spectator that asked for the risk layer (Hello flag bit 3) gets it in
// its Welcome and snapshots, and as the rain saturates the slope and FS
// drops the values it holds rise, never past the server's; a participant that asks for it, and a spectator that does
// not, never get it (participants keep their bandwidth, old clients their
// version 1 bytes).
func TestRiskLayerToSpectatorsOnly(t *testing.T) {
	ts := startTestServer(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	e, _, err := ts.srv.Reg.Create(ctx, CreateRequest{Scenario: "landslide", Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	dial := func(o client.Options) *client.Client {
		o.Addr, o.CertHash, o.JoinCode, o.Datagrams = ts.addr, ts.hash, e.Code, true
		c, err := client.Dial(ctx, o)
		if err != nil {
			t.Fatalf("dial %s: %v", o.Name, err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	plain := dial(client.Options{Name: "old screen", Role: wire.RoleSpectator})
	pupil := dial(client.Options{Name: "小红", RiskLayer: true})
	// Nobody has been granted the layer yet: the drill does not compute it.
	if e.riskWanted.Load() {
		t.Error("the risk layer is captured before anyone was granted it")
	}
	spec := dial(client.Options{Name: "teacher", Role: wire.RoleSpectator, RiskLayer: true})

	if spec.Info().Layers&wire.LayerRisk == 0 || spec.Risk() == nil {
		t.Fatalf("spectator: layers %b, risk %v", spec.Info().Layers, spec.Risk() != nil)
	}
	for name, c := range map[string]*client.Client{"participant": pupil, "spectator without the bit": plain} {
		if c.Info().Layers&wire.LayerRisk != 0 || c.Risk() != nil {
			t.Fatalf("%s got the risk layer: layers %b", name, c.Info().Layers)
		}
	}
	server := func() []uint16 {
		var cells []uint16
		err := e.Drill.View(ctx, func(w *engine.World, _ drill.State) error {
			c := wire.NewCapturer(w)
			c.Risk = true
			cells = c.Capture(w, wire.PhaseRunning).Risk.Cells()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return cells
	}
	first := spec.Risk().Cells()
	// In the lobby the world stands still: the Welcome's layer is the server's.
	want := server()
	sum := func(v []uint16) (s int) {
		for _, x := range v {
			s += int(x)
		}
		return s
	}
	if sum(first) == 0 || !equalCells(first, want) {
		t.Fatalf("the Welcome's risk layer (sum %d) is not the server's (sum %d)", sum(first), sum(want))
	}

	if err := e.Drill.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var now []uint16
	for {
		now = spec.Risk().Cells()
		rose := 0
		for i := range now {
			if now[i] > first[i] && now[i] != wire.RiskFailed {
				rose++
			}
		}
		if rose >= 20 && sum(now) > sum(first) {
			t.Logf("after %d ticks %d cells' FS dropped on the spectator's map (sum %d → %d)", e.Drill.Tick(), rose, sum(first), sum(now))
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the risk layer never rose: %d cells (sum %d → %d)", rose, sum(first), sum(now))
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The rain only wets the slope here, so FS only falls: what the
	// spectator holds (a few snapshots old, and changes under the resend
	// threshold not sent) is never above the server's newest value by more
	// than the threshold (§5.6).
	want = server()
	for i := range now {
		if d := int(now[i]) - int(want[i]); d >= max(2, int(want[i])>>6) {
			t.Fatalf("cell %d: spectator %d, server %d", i, now[i], want[i])
		}
	}
	for name, c := range map[string]*client.Client{"participant": pupil, "spectator without the bit": plain} {
		if c.Latest().Risk != nil || c.Stats().DecodeErrors != 0 || c.Stats().SnapshotsDecoded < 5 {
			t.Errorf("%s: risk %v, stats %+v", name, c.Latest().Risk != nil, c.Stats())
		}
	}
}

func equalCells(a, b []uint16) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
