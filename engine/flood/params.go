package flood

import (
	"errors"
	"fmt"
	"math"
)

// Params are the numerical settings of the solver. The zero value is not
// usable; start from DefaultParams and change what the scenario needs.
type Params struct {
	// G is the gravitational acceleration (m/s²).
	G float64
	// Alpha is the Courant-type safety factor in Δt = α Δx / √(g h_max).
	// Bates et al. (2010) recommend 0.7; above ~0.9 the scheme can ring.
	Alpha float64
	// Theta weights the q-centred momentum form of de Almeida et al. (2012):
	// 1 is the plain Bates (2010) scheme, which rings (cell-to-cell
	// checkerboard) where friction is low, as in a dam break; 0.7, their
	// recommendation and the default, damps that with a little numerical
	// diffusion of the face fluxes.
	Theta float64
	// MinFlowDepth (m): a face whose flow depth is at or below this carries
	// no flux. It is the wet/dry threshold of the scheme; at least 0.5 mm.
	MinFlowDepth float64
	// MaxFlowDepth (m) clips the face flow depth, as LISFLOOD-FP does, so a
	// deep reservoir cell does not drive an unbounded face flux; below 32 m
	// (the range of the solver's fast h^(−7/3)).
	MaxFlowDepth float64
	// MaxStep (s) caps one sub-step, so a dry or nearly dry domain still
	// advances in bounded steps while rain or inflow wets it.
	MaxStep float64
	// MaxSubsteps bounds the work of one Advance call. Advance stops and
	// returns ErrTooManySubsteps instead of taking more (0 = no bound).
	MaxSubsteps int
}

// DefaultParams returns g = 9.80665, α = 0.7, θ = 0.7, a 1 mm wet/dry
// threshold, a 10 m flow-depth clip and a 10 s step cap: the LISFLOOD-FP
// "ACC" settings except θ, which there defaults to 1.
func DefaultParams() Params {
	return Params{
		G:            9.80665,
		Alpha:        0.7,
		Theta:        0.7,
		MinFlowDepth: 1e-3,
		MaxFlowDepth: 10,
		MaxStep:      10,
		MaxSubsteps:  100000,
	}
}

// ErrTooManySubsteps is returned by Advance when the sub-step bound of
// Params.MaxSubsteps is reached before the requested time.
var ErrTooManySubsteps = errors.New("flood: too many sub-steps")

func (p Params) validate() error {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case !finite(p.G) || p.G <= 0:
		return fmt.Errorf("flood: G must be > 0, got %v", p.G)
	case !finite(p.Alpha) || p.Alpha <= 0 || p.Alpha > 1:
		return fmt.Errorf("flood: Alpha must be in (0, 1], got %v", p.Alpha)
	case !finite(p.Theta) || p.Theta < 0 || p.Theta > 1:
		return fmt.Errorf("flood: Theta must be in [0, 1], got %v", p.Theta)
	case !finite(p.MinFlowDepth) || p.MinFlowDepth < minTableDepth:
		return fmt.Errorf("flood: MinFlowDepth must be ≥ %v m, got %v", minTableDepth, p.MinFlowDepth)
	case !finite(p.MaxFlowDepth) || p.MaxFlowDepth <= p.MinFlowDepth || p.MaxFlowDepth >= maxTableDepth:
		return fmt.Errorf("flood: MaxFlowDepth must be in (MinFlowDepth, %v) m, got %v", maxTableDepth, p.MaxFlowDepth)
	case !finite(p.MaxStep) || p.MaxStep <= 0:
		return fmt.Errorf("flood: MaxStep must be > 0, got %v", p.MaxStep)
	case p.MaxSubsteps < 0:
		return fmt.Errorf("flood: MaxSubsteps must be >= 0, got %d", p.MaxSubsteps)
	}
	return nil
}
