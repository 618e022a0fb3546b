// Package assets embeds the drill maps of assets/maps and loads them into
// terrain.Maps. The files are written by internal/mapgen; README.md in
// assets/maps describes every map and lists its named places.
package assets

//go:generate go run ../internal/mapgen -out maps

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/rescuedrill/rescuedrill/engine/terrain"
	"github.com/rescuedrill/rescuedrill/internal/mapgen/mapmeta"
)

// Maps holds assets/maps: per map NAME.elev.asc, NAME.landuse.asc,
// NAME.soil.asc, NAME.meta.json (and for some NAME.elev.png), plus README.md.
//
//go:embed maps
var Maps embed.FS

// Meta is the content of NAME.meta.json: titles, places, river edges.
type Meta = mapmeta.Meta

const metaSuffix = ".meta.json"

// Names lists the maps, sorted.
func Names() []string {
	files, err := fs.Glob(Maps, "maps/*"+metaSuffix)
	if err != nil {
		panic(err) // the pattern is constant and valid
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = strings.TrimSuffix(path.Base(f), metaSuffix)
	}
	return names
}

// ReadMeta reads NAME.meta.json. Unknown fields are an error, so a meta
// file and the Meta type cannot silently drift apart.
func ReadMeta(name string) (*Meta, error) {
	b, err := Maps.ReadFile("maps/" + name + metaSuffix)
	if err != nil {
		return nil, fmt.Errorf("map %q: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var m Meta
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("map %q: %s%s: %w", name, name, metaSuffix, err)
	}
	return &m, nil
}

// Load reads a map's grids and places into a validated terrain.Map.
func Load(name string) (*terrain.Map, *Meta, error) {
	meta, err := ReadMeta(name)
	if err != nil {
		return nil, nil, err
	}
	grid := func(suffix string) (*terrain.Grid, error) {
		f, err := Maps.Open("maps/" + name + suffix)
		if err != nil {
			return nil, fmt.Errorf("map %q: %w", name, err)
		}
		defer f.Close()
		g, err := terrain.ReadASC(f)
		if err != nil {
			return nil, fmt.Errorf("map %q: %s%s: %w", name, name, suffix, err)
		}
		return g, nil
	}
	elev, err := grid(".elev.asc")
	if err != nil {
		return nil, nil, err
	}
	if elev.NX != meta.NX || elev.NY != meta.NY || elev.Cell != meta.Cell {
		return nil, nil, fmt.Errorf("map %q: elevation is %d×%d@%g m, meta says %d×%d@%g m",
			name, elev.NX, elev.NY, elev.Cell, meta.NX, meta.NY, meta.Cell)
	}
	lu, err := grid(".landuse.asc")
	if err != nil {
		return nil, nil, err
	}
	soil, err := grid(".soil.asc")
	if err != nil {
		return nil, nil, err
	}
	m, err := terrain.NewMap(elev, lu, soil, meta.Places)
	if err != nil {
		return nil, nil, fmt.Errorf("map %q: %w", name, err)
	}
	for _, e := range meta.Edges {
		if _, err := e.Cells(elev); err != nil {
			return nil, nil, fmt.Errorf("map %q: %w", name, err)
		}
	}
	return m, meta, nil
}
