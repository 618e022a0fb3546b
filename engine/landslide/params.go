package landslide

import (
	"errors"
	"fmt"
	"math"

	"github.com/rescuedrill/rescuedrill/engine/dmath"
)

// Soil describes the colluvium of one zone: its strength for the infinite
// slope and its hydraulics for Green–Ampt infiltration.
type Soil struct {
	Cohesion    float64 // effective cohesion c′, kPa
	FrictionDeg float64 // effective friction angle φ′, degrees
	UnitWeight  float64 // total unit weight γ, kN/m³
	Depth       float64 // vertical depth z to the failure plane (soil–rock contact), m
	Ks          float64 // saturated hydraulic conductivity, m/s
	Porosity    float64 // fillable porosity Δθ = θs − θi (the storage of one metre of soil), 0–1
	SuctionHead float64 // wetting-front suction head ψf, m
}

func (s Soil) validate(gammaW float64) error {
	switch {
	case !(s.Cohesion >= 0) || math.IsInf(s.Cohesion, 0):
		return errors.New("cohesion must be finite and >= 0")
	case !(s.FrictionDeg >= 0 && s.FrictionDeg < 90):
		return errors.New("friction angle must be in [0, 90) degrees")
	case !(s.UnitWeight > gammaW) || math.IsInf(s.UnitWeight, 0):
		// A soil lighter than water would float: the seepage term would
		// make the normal stress negative before the soil is saturated.
		return fmt.Errorf("unit weight must be finite and above water's %g kN/m³", gammaW)
	case !(s.Depth > 0) || math.IsInf(s.Depth, 0):
		return errors.New("depth must be finite and > 0")
	case !(s.Ks >= 0) || math.IsInf(s.Ks, 0):
		return errors.New("Ks must be finite and >= 0")
	case !(s.Porosity > 0 && s.Porosity <= 1):
		return errors.New("porosity must be in (0, 1]")
	case !(s.SuctionHead >= 0) || math.IsInf(s.SuctionHead, 0):
		return errors.New("suction head must be finite and >= 0")
	}
	return nil
}

// SlideType selects the Corominas (1996) angle-of-reach regression.
type SlideType uint8

const (
	Rockfall SlideType = iota
	Translational
	DebrisFlow
	Earthflow
	numSlideTypes
)

var slideTypeNames = [numSlideTypes]string{"rockfall", "translational", "debris-flow", "earthflow"}

func (t SlideType) String() string {
	if t < numSlideTypes {
		return slideTypeNames[t]
	}
	return fmt.Sprintf("SlideType(%d)", uint8(t))
}

// corominas holds log10(H/L) = A + B·log10 V (V in m³) and the half-width of
// the 95 % band, all from Corominas (1996) as quoted in hazard-science.md §2.
var corominas = [numSlideTypes]struct{ a, b, limit95 float64 }{
	Rockfall:      {0.210, -0.109, 0.253},
	Translational: {-0.159, -0.068, 0.435},
	DebrisFlow:    {-0.012, -0.105, 0.386},
	Earthflow:     {-0.214, -0.070, 0.512},
}

// ReachRatio returns H/L, the tangent of the angle of reach, for a slide of
// volume v (m³). With worst set it takes the lower 95 % limit, which is the
// longer runout: the band is applied in log space, log10(H/L) − limit.
func ReachRatio(t SlideType, v float64, worst bool) float64 {
	if t >= numSlideTypes {
		t = DebrisFlow
	}
	if !(v > 1) {
		v = 1 // log10 of a sub-cubic-metre volume would extrapolate upwards
	}
	c := corominas[t]
	l := float64(c.b*dmath.Log10(v)) + c.a
	if worst {
		l -= c.limit95
	}
	return dmath.Pow(10, l)
}

// FactorOfSafety is the infinite-slope factor of safety with slope-parallel
// seepage (hazard-science.md §2):
//
//	FS = [c′ + (γ − m γw) z cos²β tanφ′] / (γ z sinβ cosβ)
//
// with tanβ given rather than β so that no trigonometry is needed: cos²β =
// 1/(1+tan²β) and sinβ cosβ = tanβ/(1+tan²β). m is the saturated fraction of
// z. A flat cell (tanβ = 0) cannot slide and returns +Inf.
func FactorOfSafety(s Soil, tanBeta, m, gammaW float64) float64 {
	fs0, k := fsTerms(s, tanBeta, gammaW)
	return fs0 - float64(m*k)
}

// fsTerms splits FS into fs0 − m·k, which the model precomputes per cell:
// fs0 = c′/(γ z sinβ cosβ) + tanφ′/tanβ and k = (γw/γ) tanφ′/tanβ.
func fsTerms(s Soil, tanBeta, gammaW float64) (fs0, k float64) {
	if !(tanBeta > 0) {
		return math.Inf(1), 0
	}
	sc := tanBeta / (1 + float64(tanBeta*tanBeta)) // sinβ cosβ
	tanPhi := dmath.Tan(s.FrictionDeg * (math.Pi / 180))
	b := tanPhi / tanBeta
	fs0 = s.Cohesion/(s.UnitWeight*s.Depth*sc) + b
	k = b * (gammaW / s.UnitWeight)
	return fs0, k
}

// Params holds the model's settings. DefaultParams documents the defaults.
type Params struct {
	GammaW float64 // unit weight of water, kN/m³

	// MaxStep is the longest hydrology sub-step (hazard s). Advance(dt)
	// splits dt into ceil(dt/MaxStep) equal sub-steps, so results depend on
	// how the caller slices time only through this rounding.
	MaxStep float64
	// FrontStep is the longest step of the runout front (s); fronts move
	// metres per second, so they need finer steps than the water.
	FrontStep float64

	// Drainage is the leakage out of the base of the soil at full
	// saturation as a fraction of Ks (linear in m). It lets a slope recover
	// slowly after the rain stops; 0 keeps all infiltrated water.
	Drainage float64

	// MinCells is the smallest 4-connected cluster of FS < 1 cells that
	// fails as a slide. Smaller clusters wait until neighbours join them;
	// they already show as SmallRockfall cues.
	MinCells int

	Type      SlideType // Corominas regression for the runout
	WorstCase bool      // use the 95 % long-runout limit
	Spread    float64   // debris half-width as a multiple of the source's half-width (at least one cell)
	MaxSpeed  float64   // cap on the front speed, m/s
	MinSpeed  float64   // floor so the front reaches its computed reach, m/s

	// Cue thresholds. Each FS cue appears when the smallest FS of a
	// 4-connected cluster of at least MinCells cells with FS at or below the
	// threshold reaches it. MuddySpring uses saturation instead.
	CrackFS    float64
	BulgeFS    float64
	TiltFS     float64
	RockfallFS float64
	RumbleFS   float64
	SpringM    float64

	// M0 is the optional initial saturation per cell (0–1), e.g. "after
	// days of rain". nil starts dry.
	M0 []float64
}

// DefaultParams returns the settings the drills use unless a scenario says
// otherwise.
func DefaultParams() Params {
	return Params{
		GammaW:     9.81,
		MaxStep:    60,
		FrontStep:  0.25,
		Drainage:   0.02,
		MinCells:   4,
		Type:       DebrisFlow,
		Spread:     1.25,
		MaxSpeed:   12,
		MinSpeed:   0.5,
		CrackFS:    1.15,
		BulgeFS:    1.10,
		TiltFS:     1.08,
		RockfallFS: 1.05,
		RumbleFS:   1.03,
		SpringM:    0.5,
	}
}

func (p *Params) validate(n int) error {
	pos := func(v float64) bool { return v > 0 && !math.IsInf(v, 0) }
	switch {
	case !pos(p.GammaW):
		return errors.New("GammaW must be finite and > 0")
	case !pos(p.MaxStep):
		return errors.New("MaxStep must be finite and > 0")
	case !pos(p.FrontStep):
		return errors.New("FrontStep must be finite and > 0")
	case !(p.Drainage >= 0) || math.IsInf(p.Drainage, 0):
		return errors.New("drainage must be finite and >= 0")
	case p.MinCells < 1:
		return errors.New("MinCells must be >= 1")
	case p.Type >= numSlideTypes:
		return fmt.Errorf("unknown slide type %d", p.Type)
	case !pos(p.Spread):
		return errors.New("spread must be finite and > 0")
	case !pos(p.MaxSpeed) || !pos(p.MinSpeed) || p.MinSpeed > p.MaxSpeed:
		return errors.New("need 0 < MinSpeed <= MaxSpeed")
	case !(p.SpringM > 0 && p.SpringM <= 1):
		return errors.New("SpringM must be in (0, 1]")
	case p.M0 != nil && len(p.M0) != n:
		return fmt.Errorf("M0 has %d cells, want %d", len(p.M0), n)
	}
	for _, v := range []float64{p.CrackFS, p.BulgeFS, p.TiltFS, p.RockfallFS, p.RumbleFS} {
		if !(v > 1) || math.IsInf(v, 0) {
			return errors.New("cue FS thresholds must be finite and > 1 so cues precede failure")
		}
	}
	for i, v := range p.M0 {
		if !(v >= 0 && v <= 1) {
			return fmt.Errorf("M0[%d] = %g outside [0, 1]", i, v)
		}
	}
	return nil
}
