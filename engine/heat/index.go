package heat

import "math"

// FtoC and CtoF convert between degrees Fahrenheit and Celsius.
func FtoC(f float64) float64 { return (f - 32) / 1.8 }

// CtoF converts degrees Celsius to Fahrenheit.
func CtoF(c float64) float64 { return float64(c*1.8) + 32 }

// HeatIndexF is the US National Weather Service heat index ("feels like"
// temperature) in °F for air temperature tF (°F) and relative humidity rh
// (%), following the NWS algorithm (Rothfusz 1990 regression with the two
// NWS adjustments):
//
//  1. Steadman's simple form HI = 0.5·(T + 61 + (T−68)·1.2 + 0.094·RH).
//  2. If the mean of that and T is 80 °F or more, use the Rothfusz
//     regression instead, and
//     - subtract ((13−RH)/4)·√((17−|T−95|)/17) when RH < 13 % and 80 ≤ T ≤ 112,
//     - add ((RH−85)/10)·((87−T)/5) when RH > 85 % and 80 ≤ T ≤ 87.
//
// The regression was fitted for roughly 80–110 °F and 40–100 % RH; outside
// that it is an extrapolation, as it is for the NWS.
func HeatIndexF(tF, rh float64) float64 {
	simple := float64(0.5 * (float64(1.2*(tF-68)) + tF + 61 + float64(0.094*rh)))
	if (simple+tF)/2 < 80 {
		return simple
	}
	t2 := float64(tF * tF)
	r2 := float64(rh * rh)
	hi := -42.379 +
		float64(2.04901523*tF) +
		float64(10.14333127*rh) -
		float64(0.22475541*tF*rh) -
		float64(6.83783e-3*t2) -
		float64(5.481717e-2*r2) +
		float64(1.22874e-3*t2*rh) +
		float64(8.5282e-4*tF*r2) -
		float64(1.99e-6*t2*r2)
	switch {
	case rh < 13 && tF >= 80 && tF <= 112:
		hi -= float64((13 - rh) / 4 * math.Sqrt((17-math.Abs(tF-95))/17))
	case rh > 85 && tF >= 80 && tF <= 87:
		hi += float64((rh - 85) / 10 * ((87 - tF) / 5))
	}
	return hi
}

// HeatIndexC is HeatIndexF in °C: the NWS formula is fitted in °F, so the
// temperature goes through Fahrenheit and back.
func HeatIndexC(tC, rh float64) float64 { return FtoC(HeatIndexF(CtoF(tC), rh)) }
