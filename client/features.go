package client

import "github.com/rescuedrill/rescuedrill/server/wire"

// Risk returns the newest landslide risk layer (wire.RiskIndex per cell:
// 0 none, 1…200 = FS 2 − v/100, 255 failed), or nil when the client did
// not ask for it (Options.RiskLayer), is a participant, or the drill has
// no landslide. Its tiles are immutable, like the depth fields'.
func (c *Client) Risk() *wire.Field {
	if s := c.Latest(); s != nil {
		return s.Risk
	}
	return nil
}

// RiskAt returns the factor of safety the risk layer gives for the cell
// holding (x, y) in metres (2 where there is no risk or no layer, 0 for a
// cell that has slid away).
func RiskAt(f *wire.Field, x, y float64) float64 {
	if f == nil {
		return wire.RiskFS(0)
	}
	col, row := CellOf(f.Grid, x, y)
	if col < 0 || row < 0 || col >= f.Grid.NX || row >= f.Grid.NY {
		return wire.RiskFS(0)
	}
	return wire.RiskFS(f.At(col, row))
}

// XR returns the newest head and hand poses of the other participants
// whose headsets send them, sorted by slot (nil without Options.XRPoses or
// HandAim); their LeftAim and RightAim, where each hand points, only with
// Options.HandAim (zero otherwise). Read-only: shared with the decoder.
func (c *Client) XR() []wire.XREntity {
	if s := c.Latest(); s != nil {
		return s.XR
	}
	return nil
}

// XRFor returns participant slot's head and hand pose, if it sends one.
func (c *Client) XRFor(slot int32) (wire.XREntity, bool) {
	for _, e := range c.XR() {
		if int32(e.ID) == slot {
			return e, true
		}
	}
	return wire.XREntity{}, false
}
