package terrain

import (
	"fmt"
	"math"
)

// LandUse is the surface class of a cell. The numbers are the codes stored
// in NAME.landuse.asc files, so they never change meaning; new classes are
// appended.
type LandUse uint8

const (
	Open          LandUse = iota // open ground, grass, lawn
	Road                         // road, pavement, paved plaza
	Water                        // river, pond, permanent water
	Forest                       // woodland, street trees with canopy
	Building                     // building footprint: blocked
	Wall                         // wall, retaining wall, cliff, fence: blocked
	SoilSlope                    // bare or sparsely grassed soil slope
	Farmland                     // cultivated fields, terraced plots
	Shrub                        // scrub and brush
	SportsSurface                // synthetic running track, hard courts
	numLandUse
)

// NumLandUse is the number of defined classes; codes >= NumLandUse are invalid.
const NumLandUse = int(numLandUse)

type landUseInfo struct {
	manning float64
	blocked bool
	en, zh  string
}

// landUseTable gives Manning's n in s·m^(-1/3). The values are the "normal"
// values of Chow (1959, Open-Channel Hydraulics, Table 5-6) for the nearest
// described surface, which is also what LISFLOOD-FP and TUFLOW tutorials
// use for urban floodplains:
//
//	Open          0.035  floodplain pasture, high grass (short grass 0.030)
//	Road          0.015  asphalt/concrete, rough finish (smooth asphalt 0.013)
//	Water         0.030  natural main channel, clean and straight
//	Forest        0.100  floodplain, heavy stand of timber
//	Building      0.300  nominal: buildings are blocked, so flow never uses it;
//	                     it matters only to a model that chooses to let water
//	                     through buildings as very rough ground
//	Wall          0.300  nominal, as Building
//	SoilSlope     0.030  cultivated area without crop / bare earth
//	Farmland      0.035  cultivated area, mature row crops
//	Shrub         0.050  floodplain, scattered brush and heavy weeds
//	SportsSurface 0.015  as Road: smooth synthetic surface
var landUseTable = [numLandUse]landUseInfo{
	Open:          {0.035, false, "Open ground / grass", "空地/草地"},
	Road:          {0.015, false, "Road / paved", "道路/铺装地面"},
	Water:         {0.030, false, "Water / river", "水体/河道"},
	Forest:        {0.100, false, "Forest", "林地"},
	Building:      {0.300, true, "Building", "建筑物"},
	Wall:          {0.300, true, "Wall / obstacle", "墙体/障碍物"},
	SoilSlope:     {0.030, false, "Soil slope", "土质边坡"},
	Farmland:      {0.035, false, "Farmland", "农田"},
	Shrub:         {0.050, false, "Shrub / brush", "灌丛"},
	SportsSurface: {0.015, false, "Synthetic sports surface", "塑胶运动场地"},
}

// Valid reports whether lu is a defined class.
func (lu LandUse) Valid() bool { return lu < numLandUse }

// Manning returns Manning's roughness n for the class (see landUseTable for
// sources). An invalid code gets the Open value, but Map.Validate rejects
// such codes before a drill starts.
func Manning(lu LandUse) float64 {
	if !lu.Valid() {
		return landUseTable[Open].manning
	}
	return landUseTable[lu].manning
}

// Blocked reports whether people and water cannot enter cells of this class.
func Blocked(lu LandUse) bool { return lu.Valid() && landUseTable[lu].blocked }

// NameEN and NameZH are display names.
func (lu LandUse) NameEN() string {
	if !lu.Valid() {
		return fmt.Sprintf("land use %d", uint8(lu))
	}
	return landUseTable[lu].en
}

func (lu LandUse) NameZH() string {
	if !lu.Valid() {
		return fmt.Sprintf("土地利用 %d", uint8(lu))
	}
	return landUseTable[lu].zh
}

func (lu LandUse) String() string { return lu.NameEN() }

// Soil zones stored in NAME.soil.asc. The landslide model owns the
// geotechnical parameters of each zone; the codes and their meaning are
// fixed here so maps and models agree.
const (
	SoilBedrock   uint8 = 0 // bedrock, paving, structures: never fails
	SoilColluvium uint8 = 1 // colluvium: loose slope deposit, 1–3 m, fails in long rain
	SoilResidual  uint8 = 2 // residual soil: weathered in place, thinner and stronger
	SoilFill      uint8 = 3 // made ground: terrace and embankment fill
	SoilAlluvium  uint8 = 4 // river deposits on banks and floodplain
	// NumSoilZones is the number of zones named above.
	NumSoilZones = 5
)

// intCodes converts an integer-valued grid (land use or soil zones read with
// ReadASC) into byte codes below limit. Any other value, NODATA included, is
// an error naming the cell, since a hole in land use has no safe default.
func intCodes(g *Grid, what string, limit int) ([]uint8, error) {
	out := make([]uint8, len(g.V))
	for i, v := range g.V {
		if v != math.Trunc(v) || v < 0 || v >= float64(limit) {
			return nil, fmt.Errorf("%s: cell (c=%d, r=%d) has %v, want a whole number 0..%d", what, i%g.NX, i/g.NX, v, limit-1)
		}
		out[i] = uint8(v)
	}
	return out, nil
}

// LandUseFromGrid converts a grid read from NAME.landuse.asc.
func LandUseFromGrid(g *Grid) ([]LandUse, error) {
	b, err := intCodes(g, "land use", NumLandUse)
	if err != nil {
		return nil, err
	}
	lu := make([]LandUse, len(b))
	for i, v := range b {
		lu[i] = LandUse(v)
	}
	return lu, nil
}

// SoilFromGrid converts a grid read from NAME.soil.asc. Codes up to 255 are
// accepted so that a map may define zones this package has no name for; the
// landslide model rejects zones it has no parameters for.
func SoilFromGrid(g *Grid) ([]uint8, error) { return intCodes(g, "soil", 256) }

// LandUseGrid and SoilGrid make integer grids shaped like ref, for writing
// with WriteASC(w, g, 0).
func LandUseGrid(ref *Grid, lu []LandUse) *Grid {
	g := &Grid{NX: ref.NX, NY: ref.NY, Cell: ref.Cell, XLL: ref.XLL, YLL: ref.YLL, NoData: DefaultNoData, V: make([]float64, len(lu))}
	for i, v := range lu {
		g.V[i] = float64(v)
	}
	return g
}

func SoilGrid(ref *Grid, soil []uint8) *Grid {
	g := &Grid{NX: ref.NX, NY: ref.NY, Cell: ref.Cell, XLL: ref.XLL, YLL: ref.YLL, NoData: DefaultNoData, V: make([]float64, len(soil))}
	for i, v := range soil {
		g.V[i] = float64(v)
	}
	return g
}
