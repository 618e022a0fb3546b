package heat

import (
	"fmt"

	"github.com/rescuedrill/rescuedrill/engine/series"
	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// Weather is the scenario's weather as curves over hazard time: air
// temperature (°C), relative humidity (%), global horizontal solar
// irradiance (W/m²) and wind speed at about 2 m (m/s).
type Weather struct {
	AirTemp, RH, Solar, Wind series.Series
}

// At returns the open-air environment at hazard time t. Callers set Shade
// (and Cooling) for people under cover.
func (w Weather) At(t float64) Env {
	return Env{Ta: w.AirTemp.At(t), RH: w.RH.At(t), Solar: w.Solar.At(t), Wind: w.Wind.At(t)}
}

// Validate checks every curve and that humidity stays within 0–100 % and
// sun and wind are not negative at any point.
func (w Weather) Validate() error {
	curves := []struct {
		name   string
		s      series.Series
		lo, hi float64
	}{
		{"air temperature", w.AirTemp, -60, 60},
		{"relative humidity", w.RH, 0, 100},
		{"solar", w.Solar, 0, 1400},
		{"wind", w.Wind, 0, 60},
	}
	for _, c := range curves {
		if err := c.s.Validate(); err != nil {
			return fmt.Errorf("weather %s: %w", c.name, err)
		}
		for i, p := range c.s {
			if p.V < c.lo || p.V > c.hi {
				return fmt.Errorf("weather %s: point %d value %v outside %v…%v", c.name, i, p.V, c.lo, c.hi)
			}
		}
	}
	return nil
}

// HashInto folds the four curves in a fixed order.
func (w Weather) HashInto(h *statehash.Hasher) {
	w.AirTemp.HashInto(h)
	w.RH.HashInto(h)
	w.Solar.HashInto(h)
	w.Wind.HashInto(h)
}

// Cooling is first aid applied to a person's body from outside.
type Cooling int

const (
	// NoCooling leaves the body to its own heat balance.
	NoCooling Cooling = iota
	// WetAndFan keeps the skin wet (spray, wet cloths) and fans it: the skin
	// evaporates as much as the air can take, whether or not it sweats.
	WetAndFan
	// ColdWater is immersion in cold water (or ice-water towels over the
	// whole body), the fastest field cooling for exertional heat stroke.
	ColdWater
)

// Text names the cooling method.
func (c Cooling) Text() Text {
	switch c {
	case WetAndFan:
		return Text{ZH: "湿敷并扇风降温", EN: "wet the skin and fan"}
	case ColdWater:
		return Text{ZH: "冷水浸泡降温", EN: "cold-water immersion"}
	}
	return Text{ZH: "无降温措施", EN: "no cooling"}
}

// Env is the environment at one person: air temperature Ta (°C), relative
// humidity RH (%), global horizontal sun Solar (W/m²) and wind Wind (m/s).
// Shade removes the sun (the person stands under a tree, an awning or a
// roof); Cooling is first aid applied to the person.
type Env struct {
	Ta, RH, Solar, Wind float64
	Shade               bool
	Cooling             Cooling
}

// Sun is the solar irradiance that reaches the person: none in the shade.
func (e Env) Sun() float64 {
	if e.Shade || e.Solar < 0 {
		return 0
	}
	return e.Solar
}

// WBGT is the wet-bulb globe temperature (°C) where the person stands, from
// the Liljegren model with the sun removed in the shade. It is the index
// ActivityAdvice reads.
func (e Env) WBGT() float64 { return WBGTOutdoor(e.Ta, e.RH, e.Sun(), e.Wind) }

// HeatIndex is the NWS heat index (°C). It is defined for the shade and has
// no sun or wind term, so it is the same in and out of the shade.
func (e Env) HeatIndex() float64 { return HeatIndexC(e.Ta, e.RH) }

// Advice is the ACSM activity advice for this spot.
func (e Env) Advice() Level { return ActivityAdvice(e.WBGT()) }
