package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/server"
	"github.com/rescuedrill/rescuedrill/server/transport"
)

// Browser tests: drill serve in-process on 127.0.0.1:0 and Debian's
// chromium, headless, driven with chromedp. The pages are the embedded
// bundles of client/web (dist/); the emulated headset is IWER's Meta Quest
// 3 (client/web/testdata/iwer.js, built with the pages).

// chromiumPath finds Debian's chromium. Outside CI a machine without it
// skips the browser tests; under CI=true that is a failure
// (.ci/need-browser.sh installs it).
func chromiumPath(t *testing.T) string {
	t.Helper()
	// The binary itself avoids the Debian wrapper script's warnings.
	for _, p := range []string{"/usr/lib/chromium/chromium", "/usr/bin/chromium"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") == "" {
		t.Skip("chromium not installed (apt-get install chromium)")
	}
	t.Fatal("chromium not installed under CI: .ci/need-browser.sh should have installed it")
	return ""
}

// webServer runs drill serve's server for one test and returns it with its
// HTTPS base URL.
func webServer(t *testing.T) (*drillServer, string) {
	t.Helper()
	t.Setenv("QUIC_GO_DISABLE_RECEIVE_BUFFER_WARNING", "true")
	ds := inProcessServer(t, t.TempDir())
	return ds, "https://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(ds.ln.Port()))
}

// browser starts a headless chromium that trusts the server's self-signed
// certificate for the HTTPS pages (WebTransport pins it by hash, as a real
// browser does) and logs the page's console to the test log.
func browser(t *testing.T, ds *drillServer) context.Context {
	t.Helper()
	exe := chromiumPath(t)
	spki, err := transport.SPKIHash(ds.cert)
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("mute-audio", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.Flag("ignore-certificate-errors-spki-list", base64.StdEncoding.EncodeToString(spki[:])),
		chromedp.WindowSize(1024, 768),
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	// The first Run starts the browser and lives as long as ctx: no
	// timeout on it (chromedp's rule); actions get tctx below.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		acancel()
		t.Fatal(err)
	}
	cctx, ccancel := context.WithCancel(ctx)
	go func() {
		for m, err := range chromedp.Console(cctx) {
			if err != nil {
				return
			}
			t.Log("page console:", m.String())
		}
	}()
	tctx, tcancel := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { tcancel(); ccancel(); cancel(); acancel() })
	return tctx
}

// evalJS runs a JavaScript expression for its effect.
func evalJS(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](expr)); err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
}

// waitJS polls a JavaScript expression until it is true, for at most 60 s
// (software WebGL on a loaded 2-core machine renders XR frames slowly).
// waitFrames waits until the page has rendered n more frames. Under load
// the emulated headset renders one or two frames a second, so a pose set
// from the test must be seen by a frame before the trigger or pinch that
// uses it, and each press by a frame before its release (a fixed sleep
// let a pinch land on the old ray: a teleport instead of the answer).
func waitFrames(t *testing.T, ctx context.Context, n int) {
	t.Helper()
	f0, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__drill.frames || 0`))
	if err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, fmt.Sprintf("%d more frames", n), fmt.Sprintf(`(window.__drill.frames || 0) >= %d`, f0+n))
}

func waitJS(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	start := time.Now()
	deadline := start.Add(60 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok {
			if d := time.Since(start); d > time.Second {
				t.Logf("%s after %v", what, d.Round(time.Millisecond))
			}
			return
		}
		if time.Now().After(deadline) {
			dump, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify(window.__drill || window.__console || null, (k, v) => typeof v === 'bigint' ? String(v) : v instanceof Map ? v.size : k === 'scenario' ? '…' : v).slice(0, 3000)`))
			t.Fatalf("timed out waiting for %s (%s); page state: %s", what, expr, dump)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// screenshot saves the page as a PNG in $RESCUEDRILL_SCREENSHOTS (default
// the system temp directory) and returns its path: the whole page, or
// for names starting with "web-headset" the viewport (a full-page capture
// resizes the view, which an XR session refuses).
func screenshot(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	shot := chromedp.FullScreenshot(100)
	if strings.HasPrefix(name, "web-headset") {
		shot = chromedp.CaptureScreenshot()
	}
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("RESCUEDRILL_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "rescuedrill-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	if len(png) < 5000 {
		t.Errorf("screenshot %s is only %d bytes", p, len(png))
	}
	t.Logf("screenshot: %s (%d bytes)", p, len(png))
	return p
}

// testdataScript reads a script built into client/web/testdata (the
// WebXR emulators).
func testdataScript(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "client", "web", "testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// openXRPage starts a server and a browser, creates a flood drill (seed 7)
// and opens its participant page joined as name in lang (the 3-D scene at
// a quarter scale), with scripts — an emulator among them — run before the
// page's own.
func openXRPage(t *testing.T, name, lang string, scripts ...string) (*drillServer, context.Context, *server.Entry) {
	t.Helper()
	ds, base := webServer(t)
	ctx := browser(t, ds)
	e, _, err := ds.reg.Create(context.Background(), server.CreateRequest{Scenario: "flood", Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	url := fmt.Sprintf("%s/play?code=%s&name=%s&lang=%s&autojoin=1&xrscale=0.25", base, e.Code, name, lang)
	if err := chromedp.Do(ctx,
		func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			for _, src := range scripts {
				if _, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src}); err != nil {
					return chromedp.Void{}, err
				}
			}
			return chromedp.Void{}, nil
		},
		chromedp.Navigate(url),
	); err != nil {
		t.Fatal(err)
	}
	return ds, ctx, e
}

// TestWebHeadsetJoinsAndChooses is the headset path end to end: the
// participant page, with IWER emulating a Meta Quest 3, joins a flood drill
// over WebTransport, receives the Welcome, the terrain and snapshots,
// enters immersive-vr; the facilitator starts the drill and fires the
// q_orange prompt; the test aims the emulated right controller's ray at
// the "stairs" option of the world-locked prompt panel and pulls the
// trigger; the server acknowledges the answer and the drill's applied
// inputs hold it.
func TestWebHeadsetJoinsAndChooses(t *testing.T) {
	_, ctx, e := openXRPage(t, "Ming", "en", testdataScript(t, "iwer.js"))
	waitJS(t, ctx, "the Welcome", `window.__drill.joined === true && window.__drill.slot === 0`)
	waitJS(t, ctx, "the scene and snapshots", `window.__drill.sceneReady === true && window.__drill.snapshots > 0`)
	if err := e.Drill.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "phase running", `window.__drill.phase === 1`)
	waitJS(t, ctx, "snapshots while running", `window.__drill.snapshots > 5 && window.__drill.tick > 0`)

	evalJS(t, ctx, `document.getElementById('enter-vr').click()`)
	waitJS(t, ctx, "immersive-vr", `window.__drill.xr === 'immersive-vr'`)

	if err := e.Drill.Inject(context.Background(), "q_orange"); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the prompt panel", `window.__drill.prompt !== null && window.__drillPromptTargets().length === 3`)
	// World-locked in front of the participant: within a couple of metres.
	waitJS(t, ctx, "the panel near the participant", nearPanel)
	// Aim the right controller from chest height at the "stairs" option
	// of the world-locked panel.
	evalJS(t, ctx, aimAt("controllers.right", "stairs"))
	waitFrames(t, ctx, 3) // a few XR frames with the new pose
	press := func(v int) {
		evalJS(t, ctx, fmt.Sprintf(`window.__xrDevice.controllers.right.updateButtonValue('trigger', %d)`, v))
		waitFrames(t, ctx, 2)
	}
	press(1)
	press(0)
	waitJS(t, ctx, "the answer's ChoiceAck", `window.__drill.acks.some((a) => a.kind === 'answer' && a.target === 'stairs' && a.result === 0)`)
	screenshot(t, ctx, "web-headset-vr")

	// The server recorded it: the drill applied the answer.
	app, err := e.Drill.InputsSince(0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, in := range app.Inputs {
		if in.Kind == engine.InputAnswer && in.Action == "q_orange" && in.Target == "stairs" && in.Participant == 0 {
			found = true
		}
	}
	if !found {
		t.Errorf("the drill's applied inputs have no answer q_orange/stairs from slot 0: %+v", app.Inputs)
	}

	// Gaze: turn the headset to face east; the page sends the head's yaw
	// as the heading and the server's snapshots bring it back (256/1024
	// of a turn).
	evalJS(t, ctx, `window.__xrDevice.quaternion.set(0, -Math.SQRT1_2, 0, Math.SQRT1_2)`)
	waitJS(t, ctx, "the server's heading east", `Math.abs(window.__drill.self.heading - 256) <= 3`)
	// The head pose the Pose carries is relative to the feet: eye height,
	// within arm's reach horizontally.
	waitJS(t, ctx, "a head pose at eye height", `(({x, y, z}) => y > 1200 && y < 2000 && Math.abs(x) < 1000 && Math.abs(z) < 1000)(window.__drill.lastHead)`)

	// Smooth locomotion: the left thumbstick pushed forward walks the
	// participant the way the head looks (east) in the server's world.
	x0, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__drill.self.x`))
	if err != nil {
		t.Fatal(err)
	}
	evalJS(t, ctx, `window.__xrDevice.controllers.left.updateAxes('thumbstick', 0, -1)`)
	f0, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__drill.frames`))
	waitJS(t, ctx, "a metre walked east", fmt.Sprintf(`window.__drill.self.x > %d + 64`, x0))
	f1, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__drill.frames`))
	t.Logf("XR frames while walking: %d", f1-f0)
	evalJS(t, ctx, `window.__xrDevice.controllers.left.updateAxes('thumbstick', 0, 0)`)
	screenshot(t, ctx, "web-headset-walked")

	// Teleport (point and go): the right controller's ray on the ground
	// 5 m east, trigger; the participant walks there by itself.
	x1, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__drill.self.x`))
	if err != nil {
		t.Fatal(err)
	}
	evalJS(t, ctx, `(() => {
	  const c = window.__xrDevice.controllers.right;
	  let d = { x: 5, y: -1.3, z: 0 };
	  const n = Math.hypot(d.x, d.y, d.z); d = { x: d.x / n, y: d.y / n, z: d.z / n };
	  let q = { x: d.y, y: -d.x, z: 0, w: 1 - d.z };
	  const m = Math.hypot(q.x, q.y, q.z, q.w);
	  c.position.set(0.2, 1.3, 0);
	  c.quaternion.set(q.x / m, q.y / m, q.z / m, q.w / m);
	})()`)
	waitFrames(t, ctx, 3)
	press(1)
	press(0)
	waitJS(t, ctx, "a teleport target on the ground", `window.__drill.teleports === 1`)
	waitJS(t, ctx, "the walk to the target (5 m east)", fmt.Sprintf(`!window.__drill.walking && window.__drill.self.x > %d + 4*64`, x1))

	// Hand tracking: the controllers are put down, the right hand's ray
	// points at the "around" option of the next prompt and pinches.
	// The participant comes to a stop (waitStill) before the prompt's
	// panel is placed in front of them.
	waitStill(t, ctx)
	evalJS(t, ctx, `window.__xrDevice.primaryInputMode = 'hand'`)
	if err := e.Drill.Inject(context.Background(), "q_underpass"); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the second prompt panel", `window.__drill.prompt?.inject === 'q_underpass' && window.__drillPromptTargets().length === 2`)
	waitJS(t, ctx, "the second panel near the participant", nearPanel)
	evalJS(t, ctx, aimAt("hands.right", "around"))
	waitFrames(t, ctx, 3)
	for _, v := range []int{1, 0} {
		evalJS(t, ctx, fmt.Sprintf(`window.__xrDevice.hands.right.updatePinchValue(%d)`, v))
		waitFrames(t, ctx, 2)
	}
	waitJS(t, ctx, "the pinch's ChoiceAck", `window.__drill.acks.some((a) => a.action === 'q_underpass' && a.target === 'around' && a.result === 0)`)

	// The tabletop: leave VR, enter immersive-ar; the drill shrinks to a
	// model about a metre across in front of the viewer.
	evalJS(t, ctx, `window.__drillXRSession().end(); window.__xrDevice.quaternion.set(0, 0, 0, 1)`)
	waitJS(t, ctx, "the VR session ended", `window.__drill.xr === null`)
	evalJS(t, ctx, `document.getElementById('enter-ar').click()`)
	waitJS(t, ctx, "immersive-ar tabletop", `window.__drill.xr === 'immersive-ar' && window.__drill.tabletopSpan > 0.5 && window.__drill.tabletopSpan < 1.5`)
	screenshot(t, ctx, "web-headset-tabletop")

	app, err = e.Drill.InputsSince(0)
	if err != nil {
		t.Fatal(err)
	}
	looks, moves := 0, 0
	for _, in := range app.Inputs {
		switch {
		case in.Participant != 0:
		case in.Kind == engine.InputLook && in.Heading > 8900 && in.Heading < 9100:
			looks++
		case in.Kind == engine.InputMove && in.MoveX > 900:
			moves++
		}
	}
	if looks == 0 || moves == 0 {
		t.Errorf("the drill applied %d looks east and %d moves east from the headset", looks, moves)
	}
}

// nearPanel is true when every prompt option panel is within 3 m of the
// participant's feet.
const nearPanel = `window.__drillPromptTargets().every((o) => Math.hypot(o.x - o.rig.x, o.y - o.rig.y, o.z - o.rig.z) < 3)`

// aimAt is JavaScript that points an emulated input's ray (IWER
// "controllers.right", "hands.right") from chest height at the prompt
// option id: the ray is the input's −z axis, and q rotates (0,0,−1) onto
// the direction d.
func aimAt(input, option string) string {
	return fmt.Sprintf(`(() => {
	  const tg = window.__drillPromptTargets().find((o) => o.id === %q);
	  const c = window.__xrDevice.%s;
	  const from = { x: 0.2, y: 1.3, z: 0 };
	  let d = { x: tg.x - tg.rig.x - from.x, y: tg.y - tg.rig.y - from.y, z: tg.z - tg.rig.z - from.z };
	  const n = Math.hypot(d.x, d.y, d.z); d = { x: d.x / n, y: d.y / n, z: d.z / n };
	  let q = { x: d.y, y: -d.x, z: 0, w: 1 - d.z };
	  const m = Math.hypot(q.x, q.y, q.z, q.w);
	  c.position.set(from.x, from.y, from.z);
	  c.quaternion.set(q.x / m, q.y / m, q.z / m, q.w / m);
	})()`, option, input)
}

// TestWebConsoleRunsADrill drives the facilitator console: an uploaded
// scenario with mistakes is refused with line-numbered problems; a
// built-in landslide drill is created (join code and QR code shown) and the
// console joins it as facilitator over WebTransport; a bot participant
// joins; the console starts the drill, issues a red rainstorm warning,
// fires an inject, ends the drill and shows every participant's results
// with the breakdown.
func TestWebConsoleRunsADrill(t *testing.T) {
	ds, base := webServer(t)
	ctx := browser(t, ds)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/console?lang=en")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the scenario list", `window.__console.ready === true && window.__console.scenarios.length >= 3`)

	// An upload with mistakes: problems with line numbers, no drill.
	evalJS(t, ctx, "document.getElementById('yaml').value = 'id: Not_Valid\\ntitle: 3\\nduration: soon\\n'; document.getElementById('validate').click()")
	waitJS(t, ctx, "line-numbered problems", `window.__console.problems !== null && window.__console.problems.ok === false && window.__console.problems.problems.some((p) => p.line > 0)`)
	if n := len(ds.reg.List()); n != 0 {
		t.Fatalf("%d drills after a failed validation", n)
	}

	evalJS(t, ctx, `document.querySelector('input[name=src][value=builtin]').checked = true; document.getElementById('builtin').value = 'landslide'; document.getElementById('create').click()`)
	waitJS(t, ctx, "the drill created and joined", `window.__console.created !== null && window.__console.joined === true && window.__console.snapshots > 0 && window.__console.qrModules > 20`)
	entries := ds.reg.List()
	if len(entries) != 1 {
		t.Fatalf("%d drills, want 1", len(entries))
	}
	e := entries[0]
	code, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('join-code').textContent`))
	if err != nil || code != e.Code {
		t.Fatalf("the console shows join code %q (%v), the drill has %q", code, err, e.Code)
	}
	if _, _, err := e.Drill.Join(context.Background(), "Bot Lin", "good"); err != nil {
		t.Fatal(err)
	}

	evalJS(t, ctx, `document.getElementById('start').click()`)
	waitJS(t, ctx, "start acknowledged and running", `window.__console.acks.some((a) => a.op === 'start' && a.result === 0) && window.__console.phase === 1`)
	waitJS(t, ctx, "the participant on the map", `window.__console.people >= 1 && window.__console.roster.size >= 1`)

	evalJS(t, ctx, `document.getElementById('hazard').value = '1'; document.getElementById('level').value = '4'; document.getElementById('warn').click()`)
	waitJS(t, ctx, "the red warning in force", `window.__console.acks.some((a) => a.op === 'warn' && a.level === 4 && a.result === 0) && window.__console.warnings[0] === 4`)
	screenshot(t, ctx, "web-console-running")
	evalJS(t, ctx, `document.getElementById('fire').click()`)
	waitJS(t, ctx, "the inject acknowledged", `window.__console.acks.some((a) => a.op === 'inject')`)

	evalJS(t, ctx, `document.getElementById('end').click()`)
	waitJS(t, ctx, "the results", `window.__console.results !== null && document.querySelectorAll('#results tr.result').length >= 1`)
	row, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#results tr.result').textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(row, "Bot Lin") {
		t.Errorf("the results row %q does not name the participant", row)
	}
	items, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__console.results.results[0].items.length`))
	if err != nil || items == 0 {
		t.Errorf("no score items in the breakdown (%v)", err)
	}
	if st := e.Drill.State().String(); st != "ended" {
		t.Errorf("the drill is %s after End", st)
	}
	screenshot(t, ctx, "web-console")
}

// TestWebPlainViewWarningAndPrompt is the laptop / phone path: no WebXR
// emulation, the plain 3-D view. A red rainstorm warning shows as a red
// panel (page and world-locked) with a sound, in Chinese; the
// participant clicks the power switch (an act), walks with the keyboard
// and answers a prompt with the page's button.
func TestWebPlainViewWarningAndPrompt(t *testing.T) {
	ds, base := webServer(t)
	ctx := browser(t, ds)
	e, _, err := ds.reg.Create(context.Background(), server.CreateRequest{Scenario: "flood", Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/play?lang=zh-CN&code="+e.Code)); err != nil {
		t.Fatal(err)
	}
	// Join through the form, as a person would.
	evalJS(t, ctx, `document.getElementById('name').value = '小红'; document.getElementById('join').click()`)
	waitJS(t, ctx, "the scene", `window.__drill.sceneReady === true && window.__drill.snapshots > 0`)
	if err := e.Drill.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := e.Drill.Warn(context.Background(), "rainstorm", "red"); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the red warning panel and its sound", `window.__drill.lastWarning?.level === 4 && !document.getElementById('warning').hidden && window.__drill.beeps >= 1`)
	title, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#warning strong').textContent`))
	if err != nil || !strings.Contains(title, "红色") {
		t.Errorf("warning title %q (%v), want the Chinese red warning", title, err)
	}
	// Click the shop's mains switch in view: an act on it, acknowledged.
	waitJS(t, ctx, "the switch in view", `window.__drillScreenOf('shop_power')?.inView === true`)
	evalJS(t, ctx, `(() => {
	  const p = window.__drillScreenOf('shop_power'), el = document.querySelector('#view canvas');
	  for (const type of ['pointerdown', 'pointerup']) el.dispatchEvent(new PointerEvent(type, { clientX: p.x, clientY: p.y, bubbles: true }));
	})()`)
	waitJS(t, ctx, "the act acknowledged", `window.__drill.acks.some((a) => a.kind === 'act' && a.action === 'switch_off_power' && a.target === 'shop_power' && a.result === 0)`)

	// Walk north with the keyboard (W): the server moves the participant.
	y0, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__drill.self.y`))
	if err != nil {
		t.Fatal(err)
	}
	evalJS(t, ctx, `dispatchEvent(new KeyboardEvent('keydown', {key: 'w'}))`)
	waitJS(t, ctx, "half a metre walked north", fmt.Sprintf(`window.__drill.self.y < %d - 32`, y0))
	evalJS(t, ctx, `dispatchEvent(new KeyboardEvent('keyup', {key: 'w'}))`)

	if err := e.Drill.Inject(context.Background(), "q_underpass"); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the prompt buttons", `document.querySelectorAll('#prompt button').length === 2`)
	screenshot(t, ctx, "web-plain-view")
	evalJS(t, ctx, `document.querySelector('#prompt button[data-option=around]').click()`)
	waitJS(t, ctx, "the answer acknowledged", `window.__drill.acks.some((a) => a.action === 'q_underpass' && a.target === 'around' && a.result === 0)`)
	app, err := e.Drill.InputsSince(0)
	if err != nil {
		t.Fatal(err)
	}
	answered := false
	for _, in := range app.Inputs {
		answered = answered || (in.Kind == engine.InputAnswer && in.Action == "q_underpass" && in.Target == "around")
	}
	acted := false
	for _, in := range app.Inputs {
		acted = acted || (in.Kind == engine.InputAct && in.Action == "switch_off_power" && in.Target == "shop_power")
	}
	if !answered || !acted {
		t.Errorf("the drill applied the answer: %v, the act: %v; inputs %+v", answered, acted, app.Inputs)
	}

	// A dropped connection: the page rejoins with its token, keeps its
	// slot and gets state again; the drill has no second participant.
	evalJS(t, ctx, `window.__drill.snapshotsBefore = window.__drill.snapshots; window.__drillConn.wt.close({closeCode: 0, reason: 'test drop'})`)
	waitJS(t, ctx, "the rejoin", `window.__drill.reconnects >= 1 && window.__drill.connected && window.__drill.slot === 0 && window.__drill.snapshots > window.__drill.snapshotsBefore + 5`)
	if n := e.Drill.Joined(); n != 1 {
		t.Errorf("%d participants after the rejoin, want 1", n)
	}

	// The end: with a bot in the drill, the results panel shows the class
	// summary (§4.13) — over the one person only, in both languages, with
	// the outcome counts — and the page never got anyone else's result.
	if _, _, err := e.Drill.Join(context.Background(), "Robo", "good"); err != nil {
		t.Fatal(err)
	}
	if err := e.Drill.End(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the results with the class line", `window.__drill.results !== null && document.querySelector('#results p.class') !== null`)
	class, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#results p.class').textContent + ' | ' + document.querySelector('#results p.class-outcomes').textContent`))
	if err != nil {
		t.Fatal(err)
	}
	score, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__drill.results.results[0].score`))
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("全班平均分 %d.0 / 100（1 名学生） · Class average %d.0 of 100 (1 pupil) | ", score, score)
	if !strings.HasPrefix(class, want) || len(class) == len(want) {
		t.Errorf("the class line %q, want it to start %q and name the outcome", class, want)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__drill.results.results.length`)); err != nil || n != 1 {
		t.Errorf("the page got %d results (%v), want only its own", n, err)
	}

	// Back after the end (a reloaded page, or a link that dropped as the
	// drill ended): the page rejoins with its token and the server sends
	// the results and the class line again, instead of drill_ended.
	if _, err := chromedp.Run(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the reloaded page", `window.__drill !== undefined && window.__drill.joined === false && document.getElementById('name').value === '小红'`)
	evalJS(t, ctx, `document.getElementById('join').click()`) // the session keeps the token: a rejoin
	waitJS(t, ctx, "the results after a reload", `window.__drill.joined === true && window.__drill.slot === 0 && window.__drill.phase === 3 && window.__drill.results !== null && document.querySelector('#results p.class') !== null`)
	if again, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__drill.results.results[0].score`)); err != nil || again != score {
		t.Errorf("the score after a reload %d (%v), want %d", again, err, score)
	}
	if n := e.Drill.Joined(); n != 2 {
		t.Errorf("%d participants after the reload, want the same 2", n)
	}
}
