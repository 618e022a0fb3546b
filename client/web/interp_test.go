package webclient

import (
	"os/exec"
	"testing"
)

// TestInterpolation runs test/interp.test.mjs: what the participant page
// draws between snapshots (src/interp.js) — bodies and classmates' heads
// and hands at the same moment, angles the short way round, nothing
// extrapolated.
func TestInterpolation(t *testing.T) {
	t.Parallel()
	node := needNode(t)
	if b, err := exec.Command(node, "--test", "test/interp.test.mjs").CombinedOutput(); err != nil {
		t.Fatalf("node --test: %v\n%s", err, b)
	}
}
