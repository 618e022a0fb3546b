package webclient

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestXRSelectRays runs test/xrinput.test.mjs: which ray a WebXR select acts
// along (src/xrinput.js) — a transient pointer's (Apple Vision Pro's gaze
// and pinch) and a gaze cursor's at their selectstart, a controller's or
// hand's at the select — over the orders of events a device may send
// (cancelled pinches, a source removed mid-pinch, two hands at once, no
// pose), and the headset's input hints. The browser side is
// cmd/drill's TestWebVisionProGazeAndPinch.
func TestXRSelectRays(t *testing.T) {
	t.Parallel()
	node := needNode(t)
	// src/xrinput.js imports three.js from node_modules (npm ci).
	if _, err := os.Stat(filepath.Join("node_modules", "three")); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("node_modules missing: run npm ci in client/web")
		}
		t.Fatal("node_modules missing under CI: .ci/need-browser.sh runs npm ci")
	}
	if b, err := exec.Command(node, "--test", "test/xrinput.test.mjs").CombinedOutput(); err != nil {
		t.Fatalf("node --test: %v\n%s", err, b)
	}
}
