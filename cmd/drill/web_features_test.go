package main

import (
	"context"
	"math"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/server"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// Browser tests of the optional protocol features (docs/protocol.md §5.8).

// TestWebConsoleRiskLayer: the facilitator console of a landslide drill
// gets the server's risk layer (the factor of safety per cell) and draws it
// with its legend in both languages; as the rain saturates the slope the
// cells move into riskier bands.
func TestWebConsoleRiskLayer(t *testing.T) {
	ds, base := webServer(t)
	ctx := browser(t, ds)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/console?lang=zh-CN")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the scenario list", `window.__console.ready === true && window.__console.scenarios.length >= 3`)
	evalJS(t, ctx, `document.querySelector('input[name=src][value=builtin]').checked = true; document.getElementById('builtin').value = 'landslide'; document.getElementById('create').click()`)
	waitJS(t, ctx, "the risk layer on the map", `window.__console.joined === true && Array.isArray(window.__console.risk) && window.__console.risk.reduce((a, b) => a + b, 0) > 1000`)
	legend, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('risk-legend')?.textContent || ''`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"安全系数 FS", "factor of safety", "危险", "danger", "已滑动", "slid away"} {
		if !strings.Contains(legend, want) {
			t.Errorf("legend %q lacks %q", legend, want)
		}
	}
	evalJS(t, ctx, `window.__console.riskAtStart = JSON.stringify(window.__console.risk); document.getElementById('start').click()`)
	// Cells move out of the first ("stable") band into riskier ones.
	waitJS(t, ctx, "FS dropping on the console's map", `window.__console.phase === 1 && (() => {
	  const a = JSON.parse(window.__console.riskAtStart), b = window.__console.risk;
	  return b.slice(1).reduce((x, y) => x + y, 0) > a.slice(1).reduce((x, y) => x + y, 0);
	})()`)
	screenshot(t, ctx, "web-console-risk")
}

// TestWebPageSeesClassmatesHead: a classmate's headset (the Go client
// library sending head and hand poses) shows on the participant page —
// the page asks for XR poses with hand aim, decodes the classmate's head
// and where each hand points, and draws a pointer on both hands.
func TestWebPageSeesClassmatesHead(t *testing.T) {
	ds, base := webServer(t)
	ctx := browser(t, ds)
	e, _, err := ds.reg.Create(context.Background(), server.CreateRequest{Scenario: "flood", Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/play?lang=en&code="+e.Code)); err != nil {
		t.Fatal(err)
	}
	evalJS(t, ctx, `document.getElementById('name').value = 'Ming'; document.getElementById('join').click()`)
	waitJS(t, ctx, "the scene", `window.__drill.sceneReady === true && window.__drill.snapshots > 0`)
	dctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	quest, err := client.Dial(dctx, client.Options{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(ds.ln.Port())), CertHash: ds.hash,
		JoinCode: e.Code, Name: "Quest Hong", Datagrams: true, XRPoses: true})
	if err != nil {
		t.Fatal(err)
	}
	defer quest.Close()
	h := -math.Pi / 4 // looking east: a turn about −y
	// The left hand points ahead (north), the right one east and 30° down:
	// a turn about −y by 90°, then about x by −30° (q = q_yaw · q_pitch).
	y, p := h, -math.Pi/12 // half angles
	right := wire.PackQuat(math.Cos(y)*math.Sin(p), math.Sin(y)*math.Cos(p), -math.Sin(y)*math.Sin(p), math.Cos(y)*math.Cos(p))
	quest.SetXR(&wire.XRPose{Y: 1500, Rot: wire.PackQuat(0, math.Sin(h), 0, math.Cos(h))},
		&[2]wire.XRPose{{X: -200, Y: 1100, Z: -300, Rot: wire.PackQuat(0, 0, 0, 1)}, {X: 300, Y: 1400, Z: -400, Rot: right}})
	if err := e.Drill.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the classmate's head on the page", `window.__drill.peerXR === 1`)
	// Hand aim (§5.8): yaw 256 (east) and pitch −85 (30° down) ± 2 steps of
	// quantisation; the left hand yaw 0, pitch 0.
	slot := strconv.Itoa(int(quest.Info().Slot))
	waitJS(t, ctx, "the classmate's hands pointing", `(() => { const a = (window.__drill.peerAim || {})[`+slot+`];
		const near = (v, w) => Math.abs(((v - w + 1536) % 1024) - 512) <= 2;
		return !!a && near(a.right.yaw, 256) && Math.abs(a.right.pitch + 85) <= 2 && near(a.left.yaw, 0) && Math.abs(a.left.pitch) <= 2; })()`)
	waitJS(t, ctx, "a pointer drawn on each hand", `window.__drill.peerPointers === 2`)
	waitFrames(t, ctx, 3) // placeXR runs on rendered frames without errors
	// The pointers drawn run along the aims: the right one east and down
	// (cos 30°, −sin 30°, 0), the left one north (0, 0, −1), within ~2°.
	waitJS(t, ctx, "the pointers drawn along the aims", `(() => {
		const ps = window.__drillPointers().filter((p) => p.slot === `+slot+`);
		const near = (d, w) => Math.hypot(d[0] - w[0], d[1] - w[1], d[2] - w[2]) < 0.04;
		const by = (h) => (ps.find((p) => p.hand === h) || {}).dir;
		return ps.length === 2 && near(by('right'), [0.866, -0.5, 0]) && near(by('left'), [0, 0, -1]); })()`)
	quest.SetXR(nil, nil)
	waitJS(t, ctx, "the headset taken off", `window.__drill.peerXR === 0`)
}
