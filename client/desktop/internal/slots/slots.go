// Package slots remembers a pupil's participant token per server and join
// code on disk, so a client that was closed or crashed in the middle of a
// drill rejoins the same slot (same score, same place) when it is started
// again with the same code, instead of joining as a new participant.
package slots

import (
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/rescuedrill/rescuedrill/server/wire"
)

// Store keeps tokens as files in Dir (the user's cache directory).
type Store struct{ Dir string }

// Default is the store in the user's cache directory ("" Dir when there is
// none: nothing is remembered).
func Default() Store {
	d, err := os.UserCacheDir()
	if err != nil {
		return Store{}
	}
	return Store{Dir: filepath.Join(d, "rescuedrill", "slots")}
}

// name is a file name for a server and code that cannot escape Dir.
func name(server, code string) string {
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			switch {
			case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
				return r
			}
			return '_'
		}, s)
	}
	return clean(server) + "@" + clean(strings.ToUpper(code)) + ".token"
}

// Load returns the token kept for a drill, if any.
func (s Store) Load(server, code string) (wire.Token, bool) {
	var t wire.Token
	if s.Dir == "" {
		return t, false
	}
	b, err := os.ReadFile(filepath.Join(s.Dir, name(server, code)))
	if err != nil {
		return t, false
	}
	raw, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(raw) != len(t) {
		return t, false
	}
	copy(t[:], raw)
	return t, true
}

// Save keeps a token (0600: it lets anyone take the pupil's place).
func (s Store) Save(server, code string, t wire.Token) error {
	if s.Dir == "" {
		return errors.New("slots: no cache directory")
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(s.Dir, name(server, code)), []byte(hex.EncodeToString(t[:])+"\n"), 0o600)
}

// Forget drops a token the server refused or whose drill ended.
func (s Store) Forget(server, code string) {
	if s.Dir != "" {
		_ = os.Remove(filepath.Join(s.Dir, name(server, code)))
	}
}
