package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNewThenCheck: drill new writes a scenario that drill check passes,
// refuses to overwrite it, and drill check fails a broken file (exit 1)
// and, with --strict, one that has only warnings.
func TestNewThenCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	name := filepath.Join(dir, "sports-day")
	out, errs, code := runCLI(t, "new", "--hazard", "heat", name)
	if code != 0 {
		t.Fatalf("new: exit %d: %s", code, errs)
	}
	file := name + ".yaml"
	if !strings.Contains(out, "wrote "+file) {
		t.Errorf("new did not say what it wrote: %s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "scenario.schema.json")); err != nil {
		t.Errorf("outside a checkout new writes the schema beside the scenario: %v", err)
	}
	if _, errs, code := runCLI(t, "new", "--hazard", "heat", name); code == 0 || !strings.Contains(errs, "already exists") {
		t.Errorf("new over an existing file: exit %d, %s", code, errs)
	}
	out, errs, code = runCLI(t, "check", file, "--good", "3", "--naive", "3", "--seeds", "1")
	if code != 0 {
		t.Fatalf("check on a new scenario: exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"MSEL timeline", "good bots survive", "naive bots do not", ": ok"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	broken := filepath.Join("..", "..", "internal", "authoring", "testdata", "broken-duration.yaml")
	if out, _, code := runCLI(t, "check", broken, "--seeds", "1"); code != 1 || !strings.Contains(out, "broken-duration.yaml:24:11:") {
		t.Errorf("check on a broken file: exit %d, want 1 with file:line:col\n%s", code, out)
	}
	mild := filepath.Join("..", "..", "internal", "authoring", "testdata", "mild-heat.yaml")
	if _, _, code := runCLI(t, "check", mild, "--good", "2", "--naive", "2", "--seeds", "1"); code != 0 {
		t.Errorf("check with warnings only: exit %d, want 0", code)
	}
	if _, _, code := runCLI(t, "check", mild, "--good", "2", "--naive", "2", "--seeds", "1", "--strict"); code != 1 {
		t.Errorf("check --strict with warnings: exit %d, want 1", code)
	}
}
