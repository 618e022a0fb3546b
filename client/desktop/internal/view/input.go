package view

import "math"

// Keys is the state of the movement keys this frame (WASD or the arrows;
// the window layer merges both).
type Keys struct {
	Up, Down, Left, Right bool
	Run                   bool // Shift
}

// Intent is what SetIntent takes: direction in thousandths (east, south),
// run, heading in hundredths of a degree clockwise from north.
type Intent struct {
	MoveX, MoveY int16
	Run          bool
	Heading      uint16
}

// ArriveRadius is how close (m) click-to-move walks before it stops.
const ArriveRadius = 1.0

// Steer turns keys, clicks and the look direction into intents. Keys win
// over a click target (pressing a key cancels it); the view looks where
// the pupil moves unless a look point is held (right mouse button), and
// keeps its last heading when standing still.
type Steer struct {
	target     *[2]float64
	heading    uint16
	lookActive bool
	look       [2]float64
}

// Target sets a click-to-move destination in world metres.
func (s *Steer) Target(x, y float64) { s.target = &[2]float64{x, y} }

// HasTarget reports whether a click target is being walked to, and where.
func (s *Steer) HasTarget() (x, y float64, ok bool) {
	if s.target == nil {
		return 0, 0, false
	}
	return s.target[0], s.target[1], true
}

// Look holds the view toward a world point (on) or releases it (off).
func (s *Steer) Look(on bool, x, y float64) {
	s.lookActive, s.look = on, [2]float64{x, y}
}

// Heading is the heading of the last intent.
func (s *Steer) Heading() uint16 { return s.heading }

// SetHeading sets the heading kept while standing still (the spawn
// heading, or the server's after a reconnect).
func (s *Steer) SetHeading(h uint16) { s.heading = h % 36000 }

// Update returns the intent for this frame for a participant at (x, y).
func (s *Steer) Update(k Keys, x, y float64) Intent {
	var dx, dy float64
	if k.Right {
		dx++
	}
	if k.Left {
		dx--
	}
	if k.Down {
		dy++
	}
	if k.Up {
		dy--
	}
	if k.Up || k.Down || k.Left || k.Right {
		s.target = nil
	} else if s.target != nil {
		dx, dy = s.target[0]-x, s.target[1]-y
		if math.Hypot(dx, dy) <= ArriveRadius {
			s.target, dx, dy = nil, 0, 0
		}
	}
	in := Intent{Run: k.Run && (dx != 0 || dy != 0)}
	if n := math.Hypot(dx, dy); n > 0 {
		in.MoveX = int16(math.Round(dx / n * 1000))
		in.MoveY = int16(math.Round(dy / n * 1000))
		s.heading = HeadingOf(dx, dy)
	}
	if s.lookActive && (s.look[0] != x || s.look[1] != y) {
		s.heading = HeadingOf(s.look[0]-x, s.look[1]-y)
	}
	in.Heading = s.heading
	return in
}

// HeadingOf returns the heading of a direction (east, south) in hundredths
// of a degree clockwise from north.
func HeadingOf(dx, dy float64) uint16 {
	d := math.Atan2(dx, -dy) * 180 / math.Pi
	if d < 0 {
		d += 360
	}
	h := int(math.Round(d * 100))
	return uint16(h % 36000)
}
