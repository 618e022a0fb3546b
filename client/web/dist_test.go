package webclient

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestDistIsBuiltFromSources rebuilds the bundles from src/ and html/ into a
// temporary directory and compares them with the committed dist/ and
// testdata/iwer.js, so a source change without `npm run build` fails here
// rather than shipping an old page. It needs node_modules (npm ci; CI's
// .ci/need-browser.sh runs it).
func TestDistIsBuiltFromSources(t *testing.T) {
	t.Parallel()
	node := needNode(t)
	if _, err := os.Stat(filepath.Join("node_modules", "esbuild")); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("node_modules missing: run npm ci in client/web")
		}
		t.Fatal("node_modules missing under CI: .ci/need-browser.sh runs npm ci")
	}
	tmp := t.TempDir()
	out, testOut := filepath.Join(tmp, "dist"), filepath.Join(tmp, "testdata")
	cmd := exec.Command(node, "build.mjs", out, testOut)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, b)
	}
	compareTrees(t, out, "dist")
	compareTrees(t, testOut, "testdata")
}

func compareTrees(t *testing.T, built, committed string) {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(built, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(built, p)
		seen[rel] = true
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(committed, rel))
		if err != nil {
			t.Errorf("%s/%s is not committed: run npm run build in client/web", committed, rel)
		} else if !bytes.Equal(got, want) {
			t.Errorf("%s/%s differs from what the sources build to: run npm run build in client/web", committed, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(committed)
	for _, e := range entries {
		if !e.IsDir() && !seen[e.Name()] {
			t.Errorf("%s/%s is not built any more: delete it", committed, e.Name())
		}
	}
}
