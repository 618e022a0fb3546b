package slots

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rescuedrill/rescuedrill/server/wire"
)

func TestStore(t *testing.T) {
	t.Parallel()
	s := Store{Dir: filepath.Join(t.TempDir(), "slots")}
	if _, ok := s.Load("localhost:4433", "K7P2QX"); ok {
		t.Fatal("token before any was saved")
	}
	tok := wire.Token{1, 2, 3, 250}
	if err := s.Save("localhost:4433", "k7p2qx", tok); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		server, code string
		ok           bool
	}{
		{"localhost:4433", "K7P2QX", true}, // codes are case-insensitive
		{"localhost:4433", "OTHER1", false},
		{"10.0.0.2:4433", "K7P2QX", false},
		{"localhost:4433", "../../K7P2QX", false}, // cannot reach outside Dir
	}
	for _, tt := range tests {
		got, ok := s.Load(tt.server, tt.code)
		if ok != tt.ok || (ok && got != tok) {
			t.Errorf("%s %s: %v %v", tt.server, tt.code, got, ok)
		}
	}
	fi, err := os.Stat(filepath.Join(s.Dir, name("localhost:4433", "K7P2QX")))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("token file %v %v: want mode 0600", fi, err)
	}
	s.Forget("localhost:4433", "K7P2QX")
	if _, ok := s.Load("localhost:4433", "K7P2QX"); ok {
		t.Error("forgotten token loaded")
	}
	if err := (Store{}).Save("a", "b", tok); err == nil {
		t.Error("saved without a directory")
	}
	if _, ok := (Store{}).Load("a", "b"); ok {
		t.Error("loaded without a directory")
	}
}
