package scenarios

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing/fstest"

	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

// Loaded is a scenario ready to run: the validated file and its map.
type Loaded struct {
	*Document // Problems holds only warnings when Load succeeds
	Map       *terrain.Map
}

// builtinMaps holds the maps scenarios name with map.name, as
// maps/NAME.elev.asc, NAME.landuse.asc and NAME.soil.asc (assets.Maps, set
// in embed.go).
var builtinMaps fs.FS

// Load reads the scenario file at name in fsys, validates it, reads its map
// (a built-in by name, or grid files relative to the scenario file in fsys)
// and checks the scenario against the map. The error, when not nil, is a
// Problems listing everything found, warnings included.
func Load(fsys fs.FS, name string) (*Loaded, error) {
	l, ps := load(fsys, name, name, builtinMaps)
	if ps.HasErrors() {
		return nil, ps
	}
	return l, nil
}

// Check reports every problem Load would find, warnings included, and
// never fails: this is what `drill validate` prints. It exits 1 when
// Problems.HasErrors.
func Check(fsys fs.FS, name string) Problems {
	_, ps := load(fsys, name, name, builtinMaps)
	return ps
}

// LoadFile is Load for a file on disk, as the command line names it:
// problems show the path as given, and map files are found relative to
// the scenario file, in its folder or below.
func LoadFile(name string) (*Loaded, error) {
	dir, base := filepath.Split(name)
	l, ps := load(os.DirFS(cmp.Or(dir, ".")), base, name, builtinMaps)
	if ps.HasErrors() {
		return nil, ps
	}
	return l, nil
}

// CheckFile is Check for a file on disk (see LoadFile).
func CheckFile(name string) Problems {
	dir, base := filepath.Split(name)
	_, ps := load(os.DirFS(cmp.Or(dir, ".")), base, name, builtinMaps)
	return ps
}

// load does the work of Load; display is the file name shown in problems
// (the OS path a user typed may differ from the name inside fsys).
func load(fsys fs.FS, name, display string, maps fs.FS) (*Loaded, Problems) {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, Problems{{File: display, Msg: readError(err), Severity: Error}}
	}
	d := Validate(display, src)
	l := &Loaded{Document: d}
	if d.Scenario != nil && d.tree != nil {
		l.Map = d.loadMap(fsys, name, maps)
	}
	d.Problems.sort()
	return l, d.Problems
}

func readError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if errors.Is(err, fs.ErrNotExist) {
		return "no such file"
	}
	return err.Error()
}

// loadMap reads the grids, checks the scenario against their extent and
// assembles the terrain. It returns nil after reporting any problem.
func (d *Document) loadMap(fsys fs.FS, name string, maps fs.FS) *terrain.Map {
	ref := d.Scenario.Map
	type gridFile struct {
		fsys     fs.FS
		path     string // in fsys
		display  string // in problems
		ptr      string // the field that named it
		required bool
	}
	var files [3]gridFile // elevation, land use, soil
	if ref.Name != "" && (ref.Elev != "" || ref.LandUse != "" || ref.Soil != "") {
		return nil // ambiguous: checkMapRef reported it
	}
	for _, p := range []string{"/map/name", "/map/elevation", "/map/land_use", "/map/soil"} {
		if d.coveredBy(p) {
			return nil // already reported
		}
	}
	switch {
	case ref.Name != "":
		if maps == nil {
			d.errAt("/map/name", "this program was built without the built-in maps", "use map files: elevation: my-town.asc")
			return nil
		}
		names := mapNames(maps)
		if !slices.Contains(names, ref.Name) {
			hint := "built-in maps: " + strings.Join(names, ", ")
			if c := closest(ref.Name, names); c != "" {
				hint = fmt.Sprintf("did you mean %q?", c)
			}
			d.errAt("/map/name", fmt.Sprintf("no built-in map is called %q", ref.Name), hint)
			return nil
		}
		for i, ext := range []string{"elev", "landuse", "soil"} {
			p := "maps/" + ref.Name + "." + ext + ".asc"
			files[i] = gridFile{maps, p, p, "/map/name", i == 0}
		}
	case ref.Elev != "":
		dir := path.Dir(name)
		for i, f := range []struct{ ptr, rel string }{
			{"/map/elevation", ref.Elev}, {"/map/land_use", ref.LandUse}, {"/map/soil", ref.Soil},
		} {
			if f.rel == "" {
				continue
			}
			p := path.Join(dir, f.rel)
			if path.IsAbs(f.rel) || !fs.ValidPath(p) {
				d.errAt(f.ptr, fmt.Sprintf("%q is outside the scenario's folder", f.rel),
					"map files are found relative to the scenario file, in its folder or below")
				return nil
			}
			if strings.EqualFold(path.Ext(p), ".png") {
				d.errAt(f.ptr, "16-bit PNG heightmaps need a cell size and height range that scenario files cannot give yet",
					"convert it to an ESRI ASCII grid (.asc), for example with gdal_translate -of AAIGrid")
				return nil
			}
			files[i] = gridFile{fsys, p, path.Join(path.Dir(d.Name), f.rel), f.ptr, i == 0}
		}
	default:
		return nil // no map given: the semantic checks reported it
	}

	var grids [3]*terrain.Grid
	for i, f := range files {
		if f.fsys == nil {
			continue
		}
		g, ok := d.readGrid(f.fsys, f.path, f.display, f.ptr, f.required)
		if !ok {
			return nil
		}
		grids[i] = g
	}
	elev := grids[0]
	d.ValidateAgainstMap(elev.NX, elev.NY, elev.Cell)
	places, ok := d.terrainPlaces()
	if !ok || d.Problems.HasErrors() {
		return nil
	}
	m, err := terrain.NewMap(elev, grids[1], grids[2], places)
	if err != nil {
		d.errAt("/map", err.Error(), "check that the map's grids match in size and hold valid codes")
		return nil
	}
	d.checkSoils(m)
	if d.Problems.HasErrors() {
		return nil
	}
	return m
}

// readGrid reads one ESRI ASCII grid. An error inside the grid is reported
// at its own line and column, since that is the file to fix.
func (d *Document) readGrid(fsys fs.FS, p, display, ptr string, required bool) (*terrain.Grid, bool) {
	src, err := fs.ReadFile(fsys, p)
	if err != nil {
		if !required && errors.Is(err, fs.ErrNotExist) && ptr == "/map/name" {
			return nil, true // a built-in map without land use or soil
		}
		d.errAt(ptr, fmt.Sprintf("cannot read map file %s: %s", display, readError(err)), "")
		return nil, false
	}
	g, err := terrain.ReadASC(strings.NewReader(string(src)))
	if err != nil {
		var ae *terrain.ASCError
		if errors.As(err, &ae) {
			col := max(ae.Col, 1)
			d.Problems = append(d.Problems, &Problem{
				File: display, Line: ae.Line, Col: col, Msg: ae.Msg, Severity: Error,
				Hint:   "ESRI ASCII grid: six header lines (ncols, nrows, xllcorner, yllcorner, cellsize, NODATA_value), then one line of numbers per row",
				source: sourceLine(src, ae.Line),
			})
		} else {
			d.errAt(ptr, fmt.Sprintf("map file %s: %v", display, err), "")
		}
		return nil, false
	}
	return g, true
}

// terrainPlaces converts the place specs for the terrain package.
func (d *Document) terrainPlaces() ([]terrain.Place, bool) {
	ok := true
	var out []terrain.Place
	for i, p := range d.Scenario.Places {
		kind, err := terrain.ParsePlaceKind(p.Kind)
		if err != nil {
			d.errAt(fmt.Sprintf("/places/%d/kind", i), fmt.Sprintf("the map engine has no place kind %q", p.Kind),
				"use another kind; this one is in the schema but not yet in package terrain")
			ok = false
			continue
		}
		tp := terrain.Place{ID: p.ID, Kind: kind, NameZH: p.Name.ZH, NameEN: p.Name.EN}
		switch {
		case len(p.Rect) == 4:
			tp.Rect = &terrain.Rect{X0: p.Rect[0], Y0: p.Rect[1], X1: p.Rect[2], Y1: p.Rect[3]}
		case len(p.Circle) == 3:
			tp.Circle = &terrain.Circle{X: p.Circle[0], Y: p.Circle[1], R: p.Circle[2]}
		}
		out = append(out, tp)
	}
	return out, ok
}

// checkSoils: a landslide drill needs slopes that can fail, and the model
// needs parameters for every soil zone the map uses.
func (d *Document) checkSoils(m *terrain.Map) {
	ls := d.Scenario.Landslide
	if d.Scenario.Hazard != "landslide" || ls == nil {
		return
	}
	if m.Soil == nil {
		d.add(Warning, "/map", d.valPos("/map"), "a landslide drill on a map without a soil grid: nothing can slide",
			"use a map with NAME.soil.asc, or give soil: in map:")
		return
	}
	described := map[int]bool{}
	for _, s := range ls.Soils {
		described[s.Zone] = true
	}
	var missing []int
	seen := map[uint8]bool{}
	for _, z := range m.Soil {
		if z != terrain.SoilBedrock && !seen[z] {
			seen[z] = true
			if !described[int(z)] {
				missing = append(missing, int(z))
			}
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		zs := strings.Trim(fmt.Sprint(missing), "[]")
		d.errAt("/landslide/soils", fmt.Sprintf("the map has soil zones %s that soils: does not describe", zs),
			fmt.Sprintf("add a soil for each, starting with zone: %d (engine/terrain says what each zone is)", missing[0]))
	}
}

// mapNames lists the built-in maps, sorted.
func mapNames(maps fs.FS) []string {
	entries, err := fs.Glob(maps, "maps/*.elev.asc")
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(path.Base(e), ".elev.asc"))
	}
	slices.Sort(names)
	return names
}

// LoadSource loads a scenario from its YAML bytes: one uploaded to the
// server, or the copy a replay file carries. Map files cannot come along,
// so its map must be a built-in one (map.name).
func LoadSource(name string, src []byte) (*Loaded, error) {
	fsys := fstest.MapFS{name: &fstest.MapFile{Data: src}}
	return Load(fsys, name)
}
