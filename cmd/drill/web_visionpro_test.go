package main

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rescuedrill/rescuedrill/engine"
)

// emulateVisionPro, run before testdata/iwer.js, makes it install the
// emulated Vision Pro instead of a Quest 3.
const emulateVisionPro = `window.__emulate = 'visionpro';`

// TestWebVisionProGazeAndPinch is the headset path on an emulated Apple
// Vision Pro: no controllers, no thumbstick, no gamepad — input only as
// Safari's transient-pointer sources that exist for the length of a pinch,
// whose ray is the gaze at selectstart and then follows the hand
// (client/web/test/visionpro.js scripts this on IWER, which has
// no Vision Pro profile). The page joins a flood drill over WebTransport,
// enters immersive-vr, teleports by a pinch while looking at the ground
// 5 m east (the server moves the participant there), and answers the
// q_orange prompt by looking at the "stairs" option and pinching; the
// drill's applied inputs hold the answer. The hand moves during each
// pinch so that a page taking the ray at the release instead of at
// selectstart would aim 25° low from the hand: it would teleport a metre
// or two ahead instead of 5 m, and hit the ground instead of the option.
func TestWebVisionProGazeAndPinch(t *testing.T) {
	_, ctx, e := openXRPage(t, "Mei", "en", pageErrors, emulateVisionPro, testdataScript(t, "iwer.js"))
	waitJS(t, ctx, "the Welcome", `window.__drill.joined === true && window.__drill.slot === 0`)
	waitJS(t, ctx, "the scene and snapshots", `window.__drill.sceneReady === true && window.__drill.snapshots > 0`)
	// The page tells a Vision Pro user how to aim, in both languages.
	waitJS(t, ctx, "the VR button and its input hint", `!document.getElementById('enter-vr').hidden && document.getElementById('xr-note').textContent.includes('look and pinch') && document.getElementById('xr-note').textContent.includes('注视并捏合')`)
	if err := e.Drill.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "phase running", `window.__drill.phase === 1`)
	waitJS(t, ctx, "snapshots while running", `window.__drill.snapshots > 5 && window.__drill.tick > 0`)

	evalJS(t, ctx, `document.getElementById('enter-vr').click()`)
	waitJS(t, ctx, "immersive-vr", `window.__drill.xr === 'immersive-vr'`)
	waitFrames(t, ctx, 3)
	// A Vision Pro has no input source until a pinch.
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__drillXRSession().inputSources.length`)); err != nil || n != 0 {
		t.Fatalf("%d input sources before any pinch (%v), want none", n, err)
	}

	// Teleport: look at the ground about 5 m east (the eyes 1.6 m over
	// the feet) and pinch; the participant walks by itself to where the
	// gaze meets the terrain.
	type point struct{ X, Z float64 }
	const gaze = `{ x: 5, y: -window.__xrDevice.position.y, z: 0 }`
	x0, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__drill.self.x`))
	if err != nil {
		t.Fatal(err)
	}
	want, err := chromedp.Run(ctx, chromedp.Evaluate[point](`window.__drillGroundHit(window.__xrDevice.position, `+gaze+`)`))
	if err != nil {
		t.Fatal(err)
	}
	if d := want.X - float64(x0)/64; d < 3 {
		t.Fatalf("the gaze meets the ground %.2f m east, want a walk of a few metres", d)
	}
	pinch(t, ctx, `window.__visionPro.pinch(`+gaze+`)`, 0)
	waitJS(t, ctx, "a teleport target on the ground", `window.__drill.teleports === 1`)
	checkPinchRay(t, ctx)
	waitJS(t, ctx, "the walk to the target", `!window.__drill.walking`)
	waitStill(t, ctx)
	// The page aims the walk where the gaze met the ground (a ray taken
	// at the release, from the hand 25° lower, would aim a metre ahead).
	aim, err := chromedp.Run(ctx, chromedp.Evaluate[point](`window.__drill.teleportTarget`))
	if err != nil {
		t.Fatal(err)
	}
	if d := math.Hypot(aim.X-want.X, aim.Z-want.Z); d > 0.3 {
		t.Errorf("the pinch on the ground aims the walk at (%.2f, %.2f), %.2f m from where the gaze met it (%.2f, %.2f)", aim.X, aim.Z, d, want.X, want.Z)
	}
	// The server moved the participant there: the page stops within 0.6 m
	// of the target, and its stop must not wait behind older poses (it
	// did, 10 s under load, before net.js kept only the newest datagram).
	got, err := chromedp.Run(ctx, chromedp.Evaluate[point](`({x: window.__drill.self.x / 64, z: window.__drill.self.y / 64})`))
	if err != nil {
		t.Fatal(err)
	}
	if d := math.Hypot(got.X-want.X, got.Z-want.Z); d > 1.2 {
		t.Errorf("the pinch on the ground walked the participant to (%.2f, %.2f), %.2f m from where the gaze met it (%.2f, %.2f)", got.X, got.Z, d, want.X, want.Z)
	}
	app, err := e.Drill.InputsSince(0)
	if err != nil {
		t.Fatal(err)
	}
	moves := 0
	for _, in := range app.Inputs {
		if in.Participant == 0 && in.Kind == engine.InputMove && in.MoveX > 900 {
			moves++
		}
	}
	if moves == 0 {
		t.Errorf("the drill applied no move east from the teleport")
	}

	// Answer a prompt: look at the "stairs" option of the world-locked
	// panel and pinch.
	if err := e.Drill.Inject(context.Background(), "q_orange"); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the prompt panel", `window.__drill.prompt?.inject === 'q_orange' && window.__drillPromptTargets().length === 3`)
	waitJS(t, ctx, "the panel near the participant", nearPanel)
	if hint, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.__drill.xrHint`)); err != nil || hint != "look" {
		t.Errorf("the prompt panel's input hint is %q (%v), want look (look and pinch)", hint, err)
	}
	waitFrames(t, ctx, 2)
	screenshot(t, ctx, "web-headset-visionpro-prompt") // the panel with its "look and pinch" line
	pinch(t, ctx, `(() => {
	  const tg = window.__drillPromptTargets().find((o) => o.id === 'stairs'), eyes = window.__xrDevice.position;
	  window.__visionPro.pinch({ x: tg.x - tg.rig.x - eyes.x, y: tg.y - tg.rig.y - eyes.y, z: tg.z - tg.rig.z - eyes.z });
	})()`, 0)
	waitJS(t, ctx, "the answer's ChoiceAck", `window.__drill.acks.some((a) => a.kind === 'answer' && a.target === 'stairs' && a.result === 0)`)
	checkPinchRay(t, ctx)
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__drill.teleports`)); err != nil || n != 1 {
		t.Errorf("%d teleports after the answer's pinch (%v), want still 1", n, err)
	}
	screenshot(t, ctx, "web-headset-visionpro")

	// With hand tracking granted Safari also tracks both hands (input
	// sources with joints, firing no selects); a pinch is still a
	// transient pointer of its own. Look at the shop's mains switch and
	// pinch: the page acts on it (the server answers the act, near enough
	// or not).
	evalJS(t, ctx, `window.__xrDevice.primaryInputMode = 'hand'`)
	waitJS(t, ctx, "the two tracked hands", `window.__drillXRSession().inputSources.length === 2 && [...window.__drillXRSession().inputSources].every((s) => s.hand && s.targetRayMode === 'tracked-pointer')`)
	pinch(t, ctx, `(() => {
	  const tg = window.__drillObjectAt('shop_power'), eyes = window.__xrDevice.position;
	  window.__visionPro.pinch({ x: tg.x - tg.rig.x - eyes.x, y: tg.y - tg.rig.y - eyes.y, z: tg.z - tg.rig.z - eyes.z }, undefined, 'left');
	})()`, 2)
	waitJS(t, ctx, "the act's ChoiceAck", `window.__drill.acks.some((a) => a.kind === 'act' && a.action === 'switch_off_power' && a.target === 'shop_power')`)
	checkPinchRay(t, ctx)
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__drill.teleports`)); err != nil || n != 1 {
		t.Errorf("%d teleports after the act's pinch (%v), want still 1", n, err)
	}

	app, err = e.Drill.InputsSince(0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, in := range app.Inputs {
		found = found || (in.Kind == engine.InputAnswer && in.Action == "q_orange" && in.Target == "stairs" && in.Participant == 0)
	}
	if !found {
		t.Errorf("the drill's applied inputs have no answer q_orange/stairs from slot 0: %+v", app.Inputs)
	}
	if errs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__pageErrors`)); err != nil || len(errs) > 0 {
		t.Errorf("the page reported errors (%v): %q", err, errs)
	}
}

// pageErrors collects the page's uncaught errors, unhandled rejections and
// console.error calls in window.__pageErrors.
const pageErrors = `window.__pageErrors = [];
addEventListener('error', (e) => window.__pageErrors.push('error: ' + e.message));
addEventListener('unhandledrejection', (e) => window.__pageErrors.push('rejection: ' + String(e.reason)));
{ const ce = console.error.bind(console); console.error = (...a) => { window.__pageErrors.push('console.error: ' + a.map(String).join(' ')); ce(...a); }; }`

// pinch runs the JavaScript that starts a pinch and waits, frame by frame
// as Safari delivers them, for the source to be added, pressed (the gaze
// ray at selectstart), moved with the hand for a frame, released (select,
// selectend) and removed, leaving the session the other input sources
// it had (rest: none, or the two hands when hand tracking is on).
func pinch(t *testing.T, ctx context.Context, start string, rest int) {
	t.Helper()
	evalJS(t, ctx, `window.__visionPro.log.length = 0`)
	evalJS(t, ctx, start)
	waitJS(t, ctx, "the pinch held", `window.__visionPro.phase === 'held'`)
	waitFrames(t, ctx, 2) // the ray has followed the hand away from the gaze
	evalJS(t, ctx, `window.__visionPro.release()`)
	waitJS(t, ctx, "the pinch released and its source removed", `window.__visionPro.phase === 'idle' && window.__visionPro.log.at(-1) === 'removed'`)
	waitFrames(t, ctx, 2)
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.__visionPro.log.join(' ')`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "added selectstart select selectend removed"; got != want {
		t.Errorf("the pinch's events: %q, want %q", got, want)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__drillXRSession().inputSources.length`)); err != nil || n != rest {
		t.Errorf("%d input sources after the pinch (%v), want %d", n, err, rest)
	}
}

// checkPinchRay checks that the page's last select acted along a
// transient pointer's ray from the eyes (1.6 m over the feet), not from
// the hand half a metre lower.
func checkPinchRay(t *testing.T, ctx context.Context) {
	t.Helper()
	type ray struct {
		From []float64
		Mode string
		Feet float64
	}
	r, err := chromedp.Run(ctx, chromedp.Evaluate[ray](`window.__drill.lastRay`))
	if err != nil {
		t.Fatal(err)
	}
	if r.Mode != "transient-pointer" || len(r.From) != 3 {
		t.Fatalf("the last select's ray: %+v, want a transient pointer's", r)
	}
	if h := r.From[1] - r.Feet; h < 1.5 || h > 1.7 {
		t.Errorf("the pinch's ray starts %.2f m over the feet, want the eyes' 1.6 m", h)
	}
}

// waitStill waits until the participant's position in the snapshots stays
// put while 1.5 s of drill ticks go by (the page's clock is no guide: a
// slowly rendering page decodes snapshots in bursts).
func waitStill(t *testing.T, ctx context.Context) {
	t.Helper()
	for pos, since, deadline := "", 0, time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		type probe struct {
			Pos  string
			Tick int
		}
		p, err := chromedp.Run(ctx, chromedp.Evaluate[probe](`({pos: window.__drill.self.x + ',' + window.__drill.self.y, tick: window.__drill.tick})`))
		if err != nil {
			t.Fatal(err)
		}
		if p.Pos != pos {
			pos, since = p.Pos, p.Tick
		} else if p.Tick-since >= 30 {
			if strings.Contains(pos, "undefined") {
				t.Fatalf("no position for the participant: %s", pos)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the participant never stops: at %s", pos)
		}
	}
}

// TestWebGazeCursorTap is an older headset with a gaze cursor ('gaze'
// target-ray mode: one source for the session, the head's ray, a tap as
// select), on the same emulation: the page answers a prompt with the ray
// of the tap's selectstart — the head on the "stairs" option — although
// the head has turned to the ground by the release (a ray taken at the
// select would teleport instead).
func TestWebGazeCursorTap(t *testing.T) {
	_, ctx, e := openXRPage(t, "Jun", "zh-CN", pageErrors, emulateVisionPro, testdataScript(t, "iwer.js"))
	waitJS(t, ctx, "the scene and snapshots", `window.__drill.sceneReady === true && window.__drill.snapshots > 0 && !document.getElementById('enter-vr').hidden`)
	if err := e.Drill.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "phase running", `window.__drill.phase === 1`)
	evalJS(t, ctx, `document.getElementById('enter-vr').click()`)
	waitJS(t, ctx, "immersive-vr", `window.__drill.xr === 'immersive-vr'`)
	evalJS(t, ctx, `window.__cursor = window.__visionPro.gazeCursor()`)
	waitJS(t, ctx, "the gaze cursor's input source", `(([s, ...rest]) => s?.targetRayMode === 'gaze' && !rest.length)([...window.__drillXRSession().inputSources])`)

	if err := e.Drill.Inject(context.Background(), "q_orange"); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the prompt panel", `window.__drill.prompt?.inject === 'q_orange' && window.__drillPromptTargets().length === 3`)
	waitJS(t, ctx, "the panel near the participant", nearPanel)
	if hint, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.__drill.xrHint`)); err != nil || hint != "tap" {
		t.Errorf("the prompt panel's input hint is %q (%v), want tap (look at an answer and tap)", hint, err)
	}
	// turnHead points the headset's −z along d (reference-space axes).
	turnHead := func(d string) {
		evalJS(t, ctx, `(() => {
		  let d = `+d+`;
		  const n = Math.hypot(d.x, d.y, d.z); d = { x: d.x / n, y: d.y / n, z: d.z / n };
		  const q = { x: d.y, y: -d.x, z: 0, w: 1 - d.z }, m = Math.hypot(q.x, q.y, q.z, q.w);
		  window.__xrDevice.quaternion.set(q.x / m, q.y / m, q.z / m, q.w / m);
		})()`)
		waitFrames(t, ctx, 3)
	}
	turnHead(`(() => {
	  const tg = window.__drillPromptTargets().find((o) => o.id === 'stairs'), eyes = window.__xrDevice.position;
	  return { x: tg.x - tg.rig.x - eyes.x, y: tg.y - tg.rig.y - eyes.y, z: tg.z - tg.rig.z - eyes.z };
	})()`)
	evalJS(t, ctx, `window.__visionPro.log.length = 0; window.__cursor.tapStart()`)
	waitJS(t, ctx, "the tap down", `window.__cursor.phase === 'down'`)
	turnHead(`({ x: 1, y: -1.6, z: 0 })`) // the ground to the east, away from the panel
	evalJS(t, ctx, `window.__cursor.tapEnd()`)
	waitJS(t, ctx, "the tap up", `window.__cursor.phase === 'up' && window.__visionPro.log.join(' ') === 'selectstart select selectend'`)
	waitJS(t, ctx, "the answer's ChoiceAck", `window.__drill.acks.some((a) => a.kind === 'answer' && a.target === 'stairs' && a.result === 0)`)
	type probe struct {
		Mode      string
		Teleports int
		Errors    []string
	}
	p, err := chromedp.Run(ctx, chromedp.Evaluate[probe](`({mode: window.__drill.lastRay.mode, teleports: window.__drill.teleports || 0, errors: window.__pageErrors})`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Mode != "gaze" || p.Teleports != 0 || len(p.Errors) != 0 {
		t.Errorf("after the tap: last ray %q (want gaze), %d teleports (want 0), page errors %q", p.Mode, p.Teleports, p.Errors)
	}
	screenshot(t, ctx, "web-headset-gaze-cursor")
	app, err := e.Drill.InputsSince(0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, in := range app.Inputs {
		found = found || (in.Kind == engine.InputAnswer && in.Action == "q_orange" && in.Target == "stairs" && in.Participant == 0)
	}
	if !found {
		t.Errorf("the drill's applied inputs have no answer q_orange/stairs from slot 0: %+v", app.Inputs)
	}
}
