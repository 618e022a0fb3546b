package view

import (
	"image/color"
	"math"

	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

// stop is one point of a colour ramp.
type stop struct {
	at float64
	c  color.NRGBA
}

// ramp interpolates linearly between stops (clamped at both ends).
func ramp(stops []stop, v float64) color.NRGBA {
	if v <= stops[0].at {
		return stops[0].c
	}
	for i := 1; i < len(stops); i++ {
		if v <= stops[i].at {
			a, b := stops[i-1], stops[i]
			t := (v - a.at) / (b.at - a.at)
			lerp := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + (float64(y)-float64(x))*t)) }
			return color.NRGBA{lerp(a.c.R, b.c.R), lerp(a.c.G, b.c.G), lerp(a.c.B, b.c.B), lerp(a.c.A, b.c.A)}
		}
	}
	return stops[len(stops)-1].c
}

// waterStops: translucent blues that deepen with depth. Below 2 cm nothing
// is drawn (wet pavement); the FD2321 hazard bands (0.25 m where flowing
// water knocks a child over, 0.5 m, 1.2 m where adults are swept away)
// fall on visibly different shades.
var waterStops = []stop{
	{0.02, color.NRGBA{0x9c, 0xd8, 0xf0, 0x00}},
	{0.05, color.NRGBA{0x8c, 0xd0, 0xf0, 0x70}},
	{0.25, color.NRGBA{0x4a, 0xa0, 0xe0, 0x9c}},
	{0.50, color.NRGBA{0x28, 0x78, 0xd0, 0xb8}},
	{1.20, color.NRGBA{0x14, 0x4c, 0xb0, 0xd0}},
	{3.00, color.NRGBA{0x08, 0x28, 0x80, 0xe0}},
}

// WaterColour is the overlay colour of a water depth in metres.
func WaterColour(depth float64) color.NRGBA { return ramp(waterStops, depth) }

// debrisStops: muddy browns, opaque from 0.3 m (the depth that buries).
var debrisStops = []stop{
	{0.01, color.NRGBA{0x9a, 0x7a, 0x50, 0x00}},
	{0.05, color.NRGBA{0x96, 0x74, 0x4a, 0x90}},
	{0.30, color.NRGBA{0x7a, 0x58, 0x34, 0xe0}},
	{2.00, color.NRGBA{0x5a, 0x3e, 0x22, 0xf4}},
}

// DebrisColour is the overlay colour of a debris depth in metres.
func DebrisColour(depth float64) color.NRGBA { return ramp(debrisStops, depth) }

// heatStops tint the whole scene by air temperature: nothing at 26 °C,
// a warm haze at 35 °C (the high-temperature threshold), a strong orange
// red at 40 °C and above.
var heatStops = []stop{
	{26, color.NRGBA{0xff, 0xa0, 0x40, 0x00}},
	{32, color.NRGBA{0xff, 0x9a, 0x30, 0x20}},
	{35, color.NRGBA{0xff, 0x80, 0x20, 0x38}},
	{40, color.NRGBA{0xf0, 0x48, 0x10, 0x60}},
}

// HeatTint is the screen tint for an air temperature in °C.
func HeatTint(tempC float64) color.NRGBA { return ramp(heatStops, tempC) }

// landColour is the base colour of each land-use class, before hillshade.
var landColour = [terrain.NumLandUse]color.NRGBA{
	terrain.Open:          {0xb4, 0xcf, 0x8e, 0xff},
	terrain.Road:          {0xd0, 0xcc, 0xc4, 0xff},
	terrain.Water:         {0x6c, 0x9c, 0xc8, 0xff},
	terrain.Forest:        {0x6a, 0x98, 0x5a, 0xff},
	terrain.Building:      {0xbc, 0x9c, 0x88, 0xff},
	terrain.Wall:          {0x78, 0x6c, 0x64, 0xff},
	terrain.SoilSlope:     {0xc8, 0xa8, 0x7a, 0xff},
	terrain.Farmland:      {0xd2, 0xd8, 0x9c, 0xff},
	terrain.Shrub:         {0x98, 0xb4, 0x70, 0xff},
	terrain.SportsSurface: {0xc4, 0x5c, 0x4c, 0xff},
}

// LandColour is the base colour of a land-use class (Open for unknown).
func LandColour(lu terrain.LandUse) color.NRGBA {
	if !lu.Valid() {
		lu = terrain.Open
	}
	return landColour[lu]
}

// ContourInterval picks a contour step (1, 2, 5, 10, 20, 50 m …) that
// draws about 12–30 lines over a relief of span metres.
func ContourInterval(span float64) float64 {
	for _, base := range []float64{1, 10, 100, 1000} {
		for _, m := range []float64{1, 2, 5} {
			if span/(base*m) <= 30 {
				return base * m
			}
		}
	}
	return 5000
}

// Hillshade is the standard illumination of a surface with gradient
// (dzdx east, dzdy south) in m/m, lit from the north-west at 45°: 0 dark,
// 1 facing the light. Flat ground is cos 45° ≈ 0.71.
func Hillshade(dzdx, dzdy float64) float64 {
	const zen = math.Pi / 4
	// Sun azimuth 315° (north-west): the light comes from −x (west) and
	// −y (north), so slopes facing west and north are lit.
	lx, ly := -math.Sqrt2/2*math.Sin(zen), -math.Sqrt2/2*math.Sin(zen)
	lz := math.Cos(zen)
	// Normal of z = f(x, y) is (−fx, −fy, 1) normalised.
	n := math.Sqrt(dzdx*dzdx + dzdy*dzdy + 1)
	s := (-dzdx*lx - dzdy*ly + lz) / n
	return math.Max(0, math.Min(1, s))
}
