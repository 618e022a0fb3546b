package view

import "math"

// Camera maps world metres (x east, y south from the map's north-west
// corner) to screen pixels. In play it follows the participant smoothly; a
// spectator's camera fits the whole map.
type Camera struct {
	X, Y  float64 // world point at the screen centre
	Scale float64 // pixels per metre
	W, H  float64 // screen size in pixels
}

// Zoom limits in pixels per metre: 0.1 shows the whole 5 km city
// map, 12 a few metres around a door.
const (
	MinScale = 0.1
	MaxScale = 12
)

// ToScreen maps a world point to pixels.
func (c Camera) ToScreen(x, y float64) (sx, sy float64) {
	return (x-c.X)*c.Scale + c.W/2, (y-c.Y)*c.Scale + c.H/2
}

// ToWorld maps a pixel to the world point under it.
func (c Camera) ToWorld(sx, sy float64) (x, y float64) {
	return (sx-c.W/2)/c.Scale + c.X, (sy-c.H/2)/c.Scale + c.Y
}

// Follow moves the centre toward (x, y) by the fraction of the way that
// an exponential smoothing with a time constant of tau seconds covers in
// dt seconds, so the view glides instead of jumping with every step.
func (c *Camera) Follow(x, y, dt, tau float64) {
	k := 1.0
	if tau > 0 {
		k = 1 - math.Exp(-dt/tau)
	}
	c.X += (x - c.X) * k
	c.Y += (y - c.Y) * k
}

// Zoom multiplies the scale by 1.15 per wheel step, keeping the world
// point under the cursor (sx, sy) where it is, within MinScale…MaxScale.
func (c *Camera) Zoom(steps, sx, sy float64) {
	wx, wy := c.ToWorld(sx, sy)
	c.Scale = math.Min(MaxScale, math.Max(MinScale, c.Scale*math.Pow(1.15, steps)))
	nx, ny := c.ToWorld(sx, sy)
	c.X += wx - nx
	c.Y += wy - ny
}

// Fit centres a w × h metre map in the screen with a margin of pad pixels,
// as large as fits (a spectator's whole-map view).
func (c *Camera) Fit(w, h, pad float64) {
	c.X, c.Y = w/2, h/2
	c.Scale = math.Min((c.W-2*pad)/w, (c.H-2*pad)/h)
}
