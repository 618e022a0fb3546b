package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/rescuedrill/rescuedrill/internal/durable"
)

// KeysExt names a drill's key file next to its journal: DRILLID.keys.
//
// The journal holds only what changes the world (inputs), and the results
// database holds only what a teacher reads afterwards (no tokens: see
// docs/store.md), so the secrets that let people back into a drill after a
// crash — the join code, the facilitator token and every participant's
// token with its slot and display name — live in this small fsynced file.
// A line is written and fsynced before the server hands out what it
// records (the create response, the Welcome with a token), so whatever a
// client was told survives a kill -9. The file is removed when the drill
// ends: the tokens are useless then, and a child's display name stays only
// in the journal and the results database.
const KeysExt = ".keys"

// keysVersion is the first line's "v"; a newer file is not read.
const keysVersion = 1

// keysHead is a key file's first line.
type keysHead struct {
	V           int    `json:"v"`
	Code        string `json:"code"`
	Facilitator string `json:"facilitator"`
}

// keysPart is one participant's line: the token the Welcome carried, the
// slot it names, and the display name the participant joined with (so a
// join acknowledged but not yet journalled can be replayed). Nothing else
// about a person: no address, no device.
type keysPart struct {
	Slot  int32  `json:"slot"`
	Token string `json:"token"`
	Name  string `json:"name"`
}

// keyFile is an open key file, appended to under mu.
type keyFile struct {
	mu   sync.Mutex
	path string
	f    *os.File // nil once closed or failed
	err  error    // sticky: after a failed write or fsync nothing more is acknowledged
}

// createKeys writes a new key file with its head and fsyncs it and its
// directory: after it returns, the code and facilitator token survive a
// crash.
func createKeys(dir, id string, head keysHead) (*keyFile, error) {
	path := filepath.Join(dir, id+KeysExt)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	k := &keyFile{path: path, f: f}
	head.V = keysVersion
	if err := k.appendLine(head); err != nil {
		k.close()
		_ = os.Remove(path)
		return nil, err
	}
	if err := durable.SyncDir(dir); err != nil {
		k.close()
		return nil, err
	}
	return k, nil
}

// addParticipant appends a participant's line and fsyncs it.
func (k *keyFile) addParticipant(p keysPart) error { return k.appendLine(p) }

func (k *keyFile) appendLine(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case k.err != nil:
		return k.err
	case k.f == nil:
		return os.ErrClosed
	}
	if _, err := k.f.Write(b); err != nil {
		k.err = fmt.Errorf("server: key file %s: %w", k.path, err)
		return k.err
	}
	if err := k.f.Sync(); err != nil {
		k.err = fmt.Errorf("server: key file %s: %w", k.path, err)
		return k.err
	}
	return nil
}

func (k *keyFile) close() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.f != nil {
		_ = k.f.Close()
		k.f = nil
	}
}

// remove closes and deletes the file (the drill has ended).
func (k *keyFile) remove() error {
	k.close()
	err := os.Remove(k.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// errNoKeys: the drill has no key file (it died between creating its
// journal and its key file, so nothing was handed out yet).
var errNoKeys = errors.New("server: no key file")

// openKeys reads a key file and reopens it for appending. A torn last line
// (the server died inside a write) is cut off: it was never fsynced, so
// nobody was told what it holds.
func openKeys(dir, id string) (*keyFile, keysHead, []keysPart, error) {
	path := filepath.Join(dir, id+KeysExt)
	var head keysHead
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, head, nil, errNoKeys
	}
	if err != nil {
		return nil, head, nil, err
	}
	var parts []keysPart
	r := bufio.NewReader(bytes.NewReader(b))
	good := 0
	for first := true; ; first = false {
		line, err := r.ReadBytes('\n')
		if err == io.EOF {
			break // a line without its newline is torn
		}
		var derr error
		if first {
			derr = json.Unmarshal(line, &head)
			if derr == nil && head.V != keysVersion {
				return nil, head, nil, fmt.Errorf("server: key file %s: version %d, this server reads %d", path, head.V, keysVersion)
			}
		} else {
			var p keysPart
			if derr = json.Unmarshal(line, &p); derr == nil {
				parts = append(parts, p)
			}
		}
		if derr != nil {
			break
		}
		good += len(line)
	}
	if good == 0 {
		return nil, head, nil, fmt.Errorf("%w: %s has no whole first line", errNoKeys, path)
	}
	if good < len(b) {
		if err := os.Truncate(path, int64(good)); err != nil {
			return nil, head, nil, err
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, head, nil, err
	}
	if good < len(b) {
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, head, nil, err
		}
	}
	return &keyFile{path: path, f: f}, head, parts, nil
}

// Join admits a participant: the drill gives it a slot and a token, and
// the token, slot and display name are fsynced to the drill's key file
// before Join returns, so the Welcome that carries the token is only sent
// once a restarted server would recognise it.
func (e *Entry) Join(ctx context.Context, name string) (int32, string, error) {
	slot, token, err := e.Drill.Join(ctx, name, "")
	if err != nil {
		return 0, "", err
	}
	if e.keys != nil {
		if err := e.keys.addParticipant(keysPart{Slot: slot, Token: token, Name: name}); err != nil {
			return 0, "", err
		}
	}
	e.tokMu.Lock()
	if e.tokens == nil {
		e.tokens = map[string]int32{}
	}
	e.tokens[token] = slot
	e.tokMu.Unlock()
	return slot, token, nil
}

// Rejoin returns the slot of a participant token: one handed out by this
// server, or restored from the key file after a restart.
func (e *Entry) Rejoin(ctx context.Context, token string) (int32, error) {
	e.tokMu.Lock()
	slot, ok := e.tokens[token]
	e.tokMu.Unlock()
	if ok {
		return slot, nil
	}
	return e.Drill.Rejoin(ctx, token)
}
