package scenarios

import (
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing/fstest"
)

// Limits of an uploaded scenario's map files. A 1024 × 1024 elevation grid
// written as text with a few decimals is 8–12 MB, so one file may be 16 MiB;
// a scenario names at most three (elevation, land use, soil), and the three
// together may be 32 MiB, since land use and soil grids are small integers.
const (
	MaxUploadFile  = 16 << 20
	MaxUploadTotal = 32 << 20
	// MaxUploadPath bounds a map file's path relative to the scenario.
	MaxUploadPath = 255
)

// MapFile is a grid file a scenario names: the field that names it and
// its path relative to the scenario file's folder, cleaned (what an upload
// must send it as).
type MapFile struct {
	Field string // JSON pointer: /map/elevation, /map/land_use or /map/soil
	Path  string
}

// MapFiles lists the grid files the scenario's map: names, in the order
// elevation, land use, soil; none for a built-in map. A path that leaves
// the scenario's folder is listed as written (loading reports it).
func (d *Document) MapFiles() []MapFile {
	if d == nil || d.Scenario == nil {
		return nil
	}
	ref := d.Scenario.Map
	if ref.Name != "" {
		return nil
	}
	var out []MapFile
	for _, f := range []MapFile{{"/map/elevation", ref.Elev}, {"/map/land_use", ref.LandUse}, {"/map/soil", ref.Soil}} {
		if f.Path == "" {
			continue
		}
		if p := path.Clean(f.Path); fs.ValidPath(p) && !strings.Contains(p, `\`) {
			f.Path = p
		}
		out = append(out, f)
	}
	return out
}

// CheckUploadName checks the file name an uploaded scenario comes with: a
// plain .yaml or .yml name, no folders (the server keeps it in a folder of
// its own). It returns "" when the name is fine, else what is wrong.
func CheckUploadName(name string) string {
	switch {
	case name == "" || len(name) > MaxUploadPath:
		return "the scenario needs a file name (like my-town.yaml)"
	case strings.ContainsAny(name, `/\`) || !fs.ValidPath(name) || strings.HasPrefix(name, "."):
		return fmt.Sprintf("scenario file name %q: give the name without folders", name)
	case !strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".yml"):
		return fmt.Sprintf("scenario file name %q: it must end in .yaml or .yml", name)
	}
	return ""
}

// CheckUpload validates a scenario uploaded with its map files: name is the
// scenario's file name, src its YAML, and files the grid files by their
// paths relative to the scenario (as its map: names them). Every file
// must be one the scenario names, every file it names must be there, paths
// stay inside the scenario's folder and sizes within the limits above.
// Problems are in the usual file:line:col form: a missing file at the
// map: field that names it, a refused file under its own path. The map is
// loaded (Loaded.Map) only when there are no errors.
func CheckUpload(name string, src []byte, files map[string][]byte) (*Loaded, Problems) {
	if msg := CheckUploadName(name); msg != "" {
		return nil, Problems{{File: cmp.Or(name, "scenario"), Msg: msg, Severity: Error,
			Hint: "upload the scenario under the name it has on your computer"}}
	}
	var refused Problems
	bad := map[string]bool{} // refused already: not also "not named"
	refuse := func(p, msg, hint string) {
		bad[p] = true
		refused = append(refused, &Problem{File: p, Msg: msg, Hint: hint, Severity: Error})
	}
	fsys := fstest.MapFS{name: &fstest.MapFile{Data: src}}
	total := 0
	for _, p := range sortedKeys(files) {
		b := files[p]
		total += len(b)
		switch {
		case len(p) > MaxUploadPath || p == "" || strings.Contains(p, `\`) || path.IsAbs(p) || !fs.ValidPath(p):
			refuse(p, "a map file's path must be relative to the scenario, inside its folder, without .. or a leading /",
				"send each file under the path the scenario's map: gives, like riverside.elev.asc or maps/riverside.elev.asc")
			continue
		case p == name:
			refuse(p, "the scenario file itself came again as a map file", "")
			continue
		case len(b) > MaxUploadFile:
			refuse(p, fmt.Sprintf("map file is %.1f MiB; at most %d MiB each", float64(len(b))/(1<<20), MaxUploadFile>>20),
				"use a coarser cell size (5 m keeps a drill fast) or clip the grid to the neighbourhood")
			continue
		}
		fsys[p] = &fstest.MapFile{Data: b}
	}
	if total > MaxUploadTotal {
		refuse(name, fmt.Sprintf("the map files are %.1f MiB together; at most %d MiB", float64(total)/(1<<20), MaxUploadTotal>>20),
			"use a coarser cell size or clip the grids to the neighbourhood")
	}

	d := Validate(name, src)
	l := &Loaded{Document: d}
	if d.Scenario != nil && d.tree != nil {
		refs := d.MapFiles()
		named := map[string]bool{}
		for _, r := range refs {
			named[r.Path] = true
			if !fs.ValidPath(r.Path) {
				continue // outside the folder: loadMap says so at the field
			}
			if _, ok := files[r.Path]; !ok {
				d.errAt(r.Field, fmt.Sprintf("map file %s was not uploaded with the scenario", r.Path),
					"choose the scenario and the map files it names together (drill facilitate create sends them itself)")
			}
		}
		for _, p := range sortedKeys(files) {
			if named[p] || bad[p] {
				continue
			}
			hint := "send only the files the scenario's map: names (elevation, land_use, soil)"
			if d.Scenario.Map.Name != "" {
				hint = fmt.Sprintf("the scenario uses the built-in map %q: send no map files", d.Scenario.Map.Name)
			}
			refuse(p, "the scenario does not name this file", hint)
		}
		if !refused.HasErrors() && !d.Problems.HasErrors() {
			l.Map = d.loadMap(fsys, name, builtinMaps)
		}
	}
	d.Problems = append(d.Problems, refused...)
	d.Problems.sort()
	return l, d.Problems
}

// LoadUpload is CheckUpload that fails on errors, as Load does.
func LoadUpload(name string, src []byte, files map[string][]byte) (*Loaded, error) {
	l, ps := CheckUpload(name, src, files)
	if ps.HasErrors() {
		return nil, ps
	}
	return l, nil
}

// LoadSourceIn loads a scenario from its YAML bytes (a replay's or a
// journal's copy, or the one the server sends a mirror) with its map files
// read from dir, relative to the scenario as when it was written: the
// folder the server stored an upload in, or the trainer's own folder.
// A built-in map needs no files.
func LoadSourceIn(name string, src []byte, dir fs.FS) (*Loaded, error) {
	return Load(overlayFS{name: name, src: src, base: dir}, name)
}

// overlayFS is dir with the scenario file name replaced by src, so the YAML
// loaded is exactly the recorded one even if the file in dir was edited.
type overlayFS struct {
	name string
	src  []byte
	base fs.FS
}

func (o overlayFS) Open(name string) (fs.File, error) {
	if name == o.name {
		return fstest.MapFS{name: &fstest.MapFile{Data: o.src}}.Open(name)
	}
	if o.base == nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return o.base.Open(name)
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
