package server

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/replay"
	"github.com/rescuedrill/rescuedrill/internal/durable"
	"github.com/rescuedrill/rescuedrill/scenarios"
	"github.com/rescuedrill/rescuedrill/server/journal"
	"github.com/rescuedrill/rescuedrill/server/store"
)

// A scenario on the trainer's own map comes with its grid files. The
// journal keeps only the YAML (the replay format has no room for grids of
// megabytes), so the server keeps the upload in DATA/scenarios/ID/: the
// scenario under its own name and each grid at the path its map: gives.
// Recovery after a crash, drill replay and drill report load the map from
// there; the folder is written and fsynced before the journal exists, so a
// journal never outlives its map.

// ScenariosDir is the folder of uploaded scenarios in a data directory.
const ScenariosDir = "scenarios"

// UploadDir is where the drill id's uploaded scenario and map files are
// kept under dataDir (it exists only for drills created with map files).
func UploadDir(dataDir, id string) string { return filepath.Join(dataDir, ScenariosDir, id) }

// uploadDir is UploadDir for this registry's data directory.
func (r *Registry) uploadDir(id string) string { return UploadDir(filepath.Dir(r.dir), id) }

// storeUpload writes the scenario and its files to the drill's folder:
// first into ID.tmp, every file and folder fsynced, then renamed into
// place, so the folder is either whole or absent after a crash.
func (r *Registry) storeUpload(id, name string, src []byte, files map[string][]byte) error {
	final := r.uploadDir(id)
	tmp := final + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	all := map[string][]byte{name: src}
	for p, b := range files {
		all[p] = b
	}
	dirs := map[string]bool{tmp: true}
	for p, b := range all {
		if !fs.ValidPath(p) { // CheckUpload refused these; never write outside
			return fmt.Errorf("upload path %q", p)
		}
		dst := filepath.Join(tmp, filepath.FromSlash(p))
		for d := filepath.Dir(dst); len(d) >= len(tmp); d = filepath.Dir(d) {
			dirs[d] = true
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return err
		}
		if err := writeSynced(dst, b); err != nil {
			return err
		}
	}
	for d := range dirs {
		if err := durable.SyncDir(d); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		return err
	}
	return durable.SyncDir(filepath.Dir(final))
}

func writeSynced(name string, b []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// recoverScenario loads a journalled drill's scenario: from its upload
// folder when it has one (a scenario on the trainer's own map), else as
// loadScenario does (built-in, or YAML on a built-in map). hash is the
// Entry's ScenarioHash: over the stored map files too.
func (r *Registry) recoverScenario(id string, h replay.Header) (name string, src []byte, setup engine.Setup, hash string, err error) {
	dir := r.uploadDir(id)
	if _, err := os.Stat(dir); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return "", nil, engine.Setup{}, "", err
		}
		name, src, setup, err := loadScenario(CreateRequest{Scenario: h.Scenario, Source: h.Source})
		return name, src, setup, store.ScenarioHash(src, nil), err
	}
	fsys := os.DirFS(dir)
	l, err := scenarios.LoadSourceIn(h.Scenario, h.Source, fsys)
	if err != nil {
		return "", nil, engine.Setup{}, "", fmt.Errorf("%w: %v", ErrScenario, err)
	}
	files, err := uploadedFiles(fsys, h.Scenario)
	if err != nil {
		return "", nil, engine.Setup{}, "", err
	}
	return h.Scenario, h.Source, engine.Setup{Scenario: l.Scenario, Map: l.Map}, store.ScenarioHash(h.Source, files), nil
}

// uploadedFiles reads back the map files storeUpload wrote beside the
// scenario (every file in the folder but the scenario itself).
func uploadedFiles(fsys fs.FS, scenario string) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == scenario {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		files[p] = b
		return err
	})
	return files, err
}

// loadUpload is loadScenario for a scenario that came with map files.
func loadUpload(req CreateRequest) (string, []byte, engine.Setup, error) {
	l, err := scenarios.LoadUpload(req.Scenario, req.Source, req.Files)
	if err != nil {
		return "", nil, engine.Setup{}, fmt.Errorf("%w: %v", ErrScenario, err)
	}
	return req.Scenario, req.Source, engine.Setup{Scenario: l.Scenario, Map: l.Map}, nil
}

// cleanUploads removes what a crash during Create can leave in
// DATA/scenarios: an ID.tmp folder (the crash came before the rename) and
// an upload folder without a journal (after the rename, before the
// journal was created). Neither can belong to a drill: storeUpload runs
// before the journal exists, and a journal is never deleted while the
// server runs.
func (r *Registry) cleanUploads() {
	root := filepath.Join(filepath.Dir(r.dir), ScenariosDir)
	ents, err := os.ReadDir(root)
	if err != nil {
		return // no uploads yet
	}
	for _, e := range ents {
		name := e.Name()
		if !e.IsDir() {
			continue
		}
		orphan := filepath.Ext(name) == ".tmp"
		if !orphan {
			_, err := os.Stat(filepath.Join(r.dir, name+journal.Ext))
			orphan = errors.Is(err, fs.ErrNotExist)
		}
		if orphan {
			if err := os.RemoveAll(filepath.Join(root, name)); err != nil {
				r.log.Warn("left-over upload not removed", "folder", name, "err", err)
				continue
			}
			r.log.Info("left-over upload removed (a crash during a drill's creation)", "folder", name)
		}
	}
}
