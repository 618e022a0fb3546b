// Package mapmeta is the schema of NAME.meta.json, the file beside each
// map's grids that carries what a grid cannot: titles, the named places and
// the river edges. internal/mapgen writes it and package assets reads it, so
// the type lives here, below both, and exists once.
package mapmeta

import "github.com/rescuedrill/rescuedrill/engine/terrain"

// Meta describes one map of assets/maps.
type Meta struct {
	Name    string  `json:"name"`
	TitleZH string  `json:"title_zh"`
	TitleEN string  `json:"title_en"`
	NX      int     `json:"nx"`
	NY      int     `json:"ny"`
	Cell    float64 `json:"cell"`
	// NormalWater is the river's normal water level in metres a.s.l., for
	// maps with rivers; 0 when there is none.
	NormalWater float64 `json:"normal_water,omitempty"`
	// PNG describes NAME.elev.png when the map ships one.
	PNG *PNG `json:"png,omitempty"`
	// Places are the named places, in the order of the README table.
	Places []terrain.Place `json:"places"`
	// Edges are runs of river cells on the grid's edges, where water-level
	// boundaries apply. Corner cells may appear in two segments.
	Edges []terrain.EdgeSegment `json:"edges,omitempty"`
}

// PNG is the elevation range of a 16-bit heightmap: pixel p is
// ZMin + (ZMax−ZMin)·p/65535 metres.
type PNG struct {
	File string  `json:"file"`
	ZMin float64 `json:"z_min"`
	ZMax float64 `json:"z_max"`
}
