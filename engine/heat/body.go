package heat

import (
	"math"

	"github.com/rescuedrill/rescuedrill/engine/dmath"
	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// Activity is what a person is doing, which sets the metabolic heat they
// make and how fast they move through the air.
type Activity int

const (
	Rest  Activity = iota // standing or sitting quietly
	Walk                  // walking, about 4.5 km/h
	Sport                 // school sport, ball games: bursts and pauses
	Run                   // running, about 8 km/h
)

// Metabolic is the heat production in W per m² of skin. Rest and Walk are
// the ISO 8996 classes "resting" (65) and "moderate" (165); Sport is about
// 6.5 MET and Run about 8.3 MET from the Compendium of Physical Activities
// (1 MET = 58.2 W/m²). External work is taken as zero: all of it is heat,
// which errs on the side of more heat strain.
func (a Activity) Metabolic() float64 {
	switch a {
	case Walk:
		return 165
	case Sport:
		return 380
	case Run:
		return 480
	}
	return 65
}

// Speed is how fast the body moves through the air (m/s), added to the wind
// for convection and clothing ventilation.
func (a Activity) Speed() float64 {
	switch a {
	case Walk:
		return 1.25
	case Sport:
		return 1.5
	case Run:
		return 2.2
	}
	return 0
}

// Text names the activity.
func (a Activity) Text() Text {
	switch a {
	case Walk:
		return Text{ZH: "步行", EN: "walking"}
	case Sport:
		return Text{ZH: "体育运动", EN: "playing sport"}
	case Run:
		return Text{ZH: "跑步", EN: "running"}
	}
	return Text{ZH: "休息", EN: "resting"}
}

// Body is one person's heat state. The core is a single node that stores
// heat at the specific heat of the whole body (the reference sheet's
// formula); the skin is a node without heat capacity whose temperature
// balances the heat the blood brings from the core against what the skin
// loses. Sweating is driven by core and skin warmth and limited by the
// air's evaporative capacity, by acclimatisation and by dehydration. Step
// documents the heat balance.
//
// Against the ISO 7933:2023 reference case (40 °C, 35 %, 0.3 m/s, 300 W,
// 0.5 clo, acclimatised, 480 min, drinking) the model ends with the core at
// 37.5 °C (ISO: 37.6) and 5.2 kg of water lost (ISO: 6.5 kg, so 21 % low):
// its skin settles about 0.8 K warmer than ISO's regression, which raises
// the evaporative capacity, so less sweat drips unevaporated.
type Body struct {
	MassKg, HeightM float64
	Acclimatised    bool
	// ClothingClo is the clothing insulation (0.5: T-shirt, trousers or
	// school summer uniform; 0.3: sports kit).
	ClothingClo float64

	CoreC, SkinC float64
	// SweatLossKg is all water lost since the start: sweat (including what
	// drips off), skin diffusion and breath, as ISO 7933 counts it.
	SweatLossKg  float64
	WaterDrunkKg float64

	Stage Stage
	// StageSeconds is how long the body has been in Stage.
	StageSeconds float64
	// PeakCoreC is the highest core temperature so far. A heat-stroke victim
	// who has been cooled still needs hospital care; scoring reads this.
	PeakCoreC float64
}

// NewBody returns a rested, hydrated person in summer clothes with a core at
// 37.0 °C and skin at 34.0 °C.
func NewBody(massKg, heightM float64, acclimatised bool) Body {
	return Body{
		MassKg: massKg, HeightM: heightM, Acclimatised: acclimatised,
		ClothingClo: 0.5,
		CoreC:       37.0, SkinC: 34.0, PeakCoreC: 37.0,
	}
}

// SurfaceArea is the DuBois body surface area in m²:
// A = 0.202·m^0.425·h^0.725.
func (b *Body) SurfaceArea() float64 {
	return float64(0.202 * dmath.Pow(b.MassKg, 0.425) * dmath.Pow(b.HeightM, 0.725))
}

// Dehydration is the net water deficit as a fraction of body mass.
func (b *Body) Dehydration() float64 {
	return math.Max(b.SweatLossKg-b.WaterDrunkKg, 0) / b.MassKg
}

// Model constants. Sources: ISO 7933:2023 (PHS) for the heat exchange,
// clothing, sweat limits and evaporative efficiency; Gagge et al. (1986) for
// skin blood flow and the shape of the sweat drive; the reference sheet for
// the storage formula. Gains marked "calibrated" were set against the ISO 7933
// reference case (TestISO7933Reference).
const (
	bodyHeat   = 3470.0 // J/(kg·K), specific heat of the body
	latentHeat = 2.43e6 // J/kg, evaporating sweat at skin temperature
	maxSubstep = 30.0   // s; longer steps are split for stability

	setCore   = 36.8  // °C: core set point (Gagge)
	setSkin   = 33.7  // °C: skin set point (Gagge)
	gainCore  = 220.0 // W/(m²·K) of sweat per K of core warmth (calibrated)
	gainSkin  = 25.0  // W/(m²·K) of sweat per K of skin warmth (calibrated)
	swMaxUn   = 400.0 // W/m², ISO 7933:2023 maximum sweat, unacclimatised
	swMaxAccl = 500.0 // W/m², acclimatised (+25 %)
	wMaxUn    = 0.85  // maximum skin wettedness, unacclimatised
	wMaxAccl  = 1.0   // acclimatised
	diffusion = 0.06  // wettedness of dry skin from diffusion (ASHRAE)

	// Dehydration: sweating holds up to 3 % body-mass loss, then falls
	// linearly to half at 6 % (sweat rate drops and core temperature climbs
	// about 0.15–0.2 K per % beyond a few per cent; Sawka et al., ACSM 2007).
	dehydOnset = 0.03
	dehydHalf  = 0.06
	// In heat stroke thermoregulation fails; the classic sign is hot, dry
	// skin. Sweating falls to this fraction of its drive.
	strokeSweat = 0.3

	drinkRate  = 1.2 / 3600 // kg/s: about what the gut can absorb (1–1.2 L/h)
	drinkTempC = 20.0       // water at room temperature
	waterHeat  = 4186.0     // J/(kg·K)

	// Solar load: SolarCal-style effective radiant field ERF = α·fp·I with
	// absorptivity α = 0.7 and a projected-area factor fp = 0.25 for a
	// standing person under a high sun, turned into a mean-radiant-temperature
	// rise ΔTmrt = ERF/(feff·hr), feff = 0.725, hr ≈ 5 W/(m²·K).
	solarTmrt = 0.7 * 0.25 / (0.725 * 5.0) // K per W/m²

	fanSpeed = 3.0 // m/s added by fanning
	// Cold-water immersion: water at 15 °C and an overall skin-to-water
	// conductance set so that a hyperthermic body cools at about 0.2 K/min,
	// inside the 0.15–0.35 K/min measured for cold-water immersion (Proulx
	// et al. 2003; Casa et al. 2007). A bare convective coefficient (100s of
	// W/(m²·K)) with the two-node blood flow cools twice as fast as measured.
	coldWaterC = 15.0 // °C
	waterConv  = 25.0 // W/(m²·K), effective skin-to-water conductance (calibrated)

	// Skin blood flow control (Gagge et al. 1986 two-node model), L/(m²·h)
	// per K of core warmth, and divisor per K of skin cold.
	vasoDilate    = 120.0
	vasoConstrict = 0.5

	// Cold defence: below the set point the body makes heat (shivering,
	// lumped), 100 W/m² per K, at most 200 (shivering's ceiling is a few MET).
	coldGain     = 100.0
	coldMax      = 200.0
	collapsedMet = 46.0 // W/m², lying still
)

// Stage thresholds, in °C of core temperature and fraction of body mass.
// Heat stroke is defined clinically as core > 40 °C with central nervous
// system dysfunction (confusion, collapse); the drill takes the temperature
// alone, as the reference sheet does. Exhaustion starts at 38.5 °C or at 3 %
// dehydration, the ISO 7933 water-loss limit without drinking. Going back
// down needs a margin so that a stage does not flicker at a threshold.
const (
	exhaustionCore   = 38.5
	exhaustionDehyd  = 0.03
	strokeCore       = 40.0
	collapseCore     = 41.0
	recoverCollapse  = 40.5
	recoverStroke    = 39.0
	recoverExhaust   = 38.0
	recoverDehydrate = 0.025
)

// Step advances the body by dt hazard seconds in env doing activity. If
// drinking, the person drinks up to drinkRate, but never more than they have
// lost and never once confused or collapsed (first aid: water only if fully
// conscious). A collapsed person lies still whatever activity says.
//
// The heat balance per m² of skin, after ISO 7933 and the reference sheet:
//
//	S = M − (C + R) − E_sk − C_res − E_res − Q_drink
//	ΔT_core = S·A_Du·Δt / (m·3470)
//
// C + R: dry exchange from skin through clothing to the operative
// temperature of air and mean radiant temperature (sun raises the latter,
// shade removes it); E_sk: sweat evaporation, at most w_max·E_max where
// E_max = (p_sk − p_a)/R_e is set by humidity, wind and clothing, with the
// ISO 7933 evaporative efficiency (dripping sweat cools nothing); C_res,
// E_res: breathing; Q_drink: warming the water drunk. First-aid cooling
// (Env.Cooling) acts through C + R and E_sk at the skin.
//
// A body without a positive mass and height is left as it is.
func (b *Body) Step(dt float64, env Env, activity Activity, drinking bool) {
	if !(b.MassKg > 0 && b.HeightM > 0) {
		return
	}
	for dt > 0 {
		h := math.Min(dt, maxSubstep)
		met, speed := activity.Metabolic(), activity.Speed()
		if b.Stage == StageCollapsed {
			met, speed = collapsedMet, 0
		}
		b.substep(h, env, met, speed, drinking)
		dt -= h
	}
}

func (b *Body) substep(h float64, env Env, met, speed float64, drinking bool) {
	area := b.SurfaceArea()
	f := b.balance(env, met, speed)
	b.SkinC = f.skin

	intake := 0.0
	if drinking && b.Stage < StageHeatStroke {
		intake = math.Min(float64(drinkRate*h), math.Max(b.SweatLossKg-b.WaterDrunkKg, 0))
	}
	// Drinking water at room temperature warms it to core temperature.
	cold := float64(intake*waterHeat*(b.CoreC-drinkTempC)) / (h * area)

	store := f.met - f.dry - f.evap - f.cres - f.eres - cold
	b.CoreC += float64(store*area*h) / (b.MassKg * bodyHeat)
	b.SweatLossKg += float64(f.water*area*h) / latentHeat
	b.WaterDrunkKg += intake
	b.PeakCoreC = math.Max(b.PeakCoreC, b.CoreC)

	next := nextStage(b.Stage, b.CoreC, b.Dehydration())
	if next != b.Stage {
		b.Stage, b.StageSeconds = next, 0
	} else {
		b.StageSeconds += h
	}
}

// flows is one evaluation of the heat balance, in W/m² of skin.
type flows struct {
	met, dry, evap, cres, eres float64
	sweat                      float64 // sweat produced, W/m² latent equivalent
	water                      float64 // all water lost, W/m² latent equivalent
	skin                       float64 // skin temperature, °C
}

// balance evaluates the heat flows for the body's core temperature. The
// skin is a node without heat capacity (it settles within minutes, faster
// than the core): its temperature is where the heat the blood brings from
// the core equals what the skin loses by dry exchange and evaporation.
// That makes cooling self-limiting the way it is in people: cold skin shuts
// its vessels, so neither wet-and-fan nor cold water can pull the core far
// below its set point.
func (b *Body) balance(env Env, met, speed float64) flows {
	ta, clo := env.Ta, b.ClothingClo
	pa := float64(env.RH / 100 * satKPa(ta)) // kPa
	tc := b.CoreC

	if tc < setCore {
		met += math.Min(float64(coldGain*(setCore-tc)), coldMax)
	}
	wind := math.Max(env.Wind, 0)
	vr := wind + speed
	if env.Cooling == WetAndFan {
		vr += fanSpeed
	}
	tr := float64(solarTmrt*env.Sun()) + ta

	// Convection (ISO 7933 forced-convection coefficient) and linearised
	// radiation between skin/clothing and surroundings (A_r/A_Du = 0.77,
	// emissivity 0.97), the latter at the last step's skin temperature.
	hc := float64(5.2*vr) + 3.5
	if vr > 1 {
		hc = float64(8.7 * dmath.Pow(vr, 0.6))
	}
	tm := float64(0.5*(b.SkinC+tr)) + kelvin
	hr := float64(4 * 5.67e-8 * 0.77 * 0.97 * float64(tm*tm) * tm)

	// Clothing, ISO 7933: dynamic corrections for wind and body movement,
	// which pump air through the fabric, lower the insulation and raise the
	// vapour permeability. Without a known walking speed ISO takes the
	// movement implied by the metabolic rate, 0.0052·(M − 58) m/s, ≤ 0.7.
	fcl := float64(0.28*clo) + 1
	move := math.Max(speed, math.Min(float64(0.0052*(met-58)), 0.7))
	vux, wux := math.Min(vr, 3), math.Min(move, 1.5)
	corrCl := math.Min(float64(1.044*dmath.Exp(float64((float64(0.066*vux)-0.398)*vux)+float64((float64(0.094*wux)-0.378)*wux))), 1)
	corrIa := math.Min(dmath.Exp(float64((float64(0.047*vr)-0.472)*vr)+float64((float64(0.117*wux)-0.342)*wux)), 1)
	corrTot := corrCl
	if clo <= 0.6 {
		corrTot = (float64((0.6-clo)*corrIa) + float64(clo*corrCl)) / 0.6
	}
	iTot := float64((float64(0.155*clo) + 0.111/fcl) * corrTot)
	iCl := math.Max(iTot-float64(corrIa*0.111)/fcl, 0)
	im := math.Min(float64(0.38*(float64((float64(2.6*corrTot)-6.5)*corrTot)+4.9)), 0.9)
	reTot := iTot / float64(im*16.7)                    // m²·kPa/W, skin to air
	iDry := iCl + 1/float64(fcl*(hc+hr))                // m²·K/W, skin to air
	to := (float64(hc*ta) + float64(hr*tr)) / (hc + hr) // operative temperature

	// Breathing, ISO 7933: expired air temperature and vapour.
	tex := float64(0.115*ta) + float64(0.641*pa) + 28.56
	f := flows{met: met}
	f.cres = float64(0.001516 * met * (tex - ta))
	f.eres = float64(0.00127 * met * (float64(0.53*ta) - float64(11.63*pa) + 59.34))

	swMax, wMax := swMaxUn, wMaxUn
	if b.Acclimatised {
		swMax, wMax = swMaxAccl, wMaxAccl
	}
	sweatCut := 1.0
	if d := b.Dehydration(); d > dehydOnset {
		sweatCut = 1 - float64(0.5*math.Min((d-dehydOnset)/(dehydHalf-dehydOnset), 1))
	}
	if b.Stage >= StageHeatStroke {
		sweatCut = float64(sweatCut * strokeSweat)
	}
	warmCore := math.Max(tc-setCore, 0)

	// skinFlows fills f for a skin temperature ts and returns the heat the
	// skin sheds; blood returns what the core sends it.
	skinFlows := func(ts float64) (shed, fromCore float64) {
		// Skin blood flow (Gagge et al. 1986): vessels open with core
		// warmth and close with skin cold; 90 L/(m²·h) at most. Tissue
		// conducts 5.28 W/(m²·K) besides.
		bloodFlow := math.Min((float64(vasoDilate*warmCore)+6.3)/(float64(vasoConstrict*math.Max(setSkin-ts, 0))+1), 90)
		fromCore = float64((float64(1.163*bloodFlow) + 5.28) * (tc - ts))

		// Sweat drive from warm core and warm skin (only warmth counts),
		// capped by the ISO maximum and cut by dehydration and heat stroke.
		sw := float64(gainCore*warmCore) + float64(gainSkin*math.Max(ts-setSkin, 0))
		sw = float64(math.Min(sw, swMax) * sweatCut)
		eMax := math.Max((satKPa(ts)-pa)/reTot, 0)
		// ISO 7933 evaporation: with sweat SW and capacity E_max, the wetted
		// fraction is w = √(k² + 2) − k for k = E_max/SW ≥ 0.5, else 1,
		// capped at w_max; sweat that cannot evaporate drips. Dry skin
		// still loses a little by diffusion (6 % of E_max, ASHRAE).
		w := 0.0
		if sw > 0 && eMax > 0 {
			w = 1.0
			if k := eMax / sw; k >= 0.5 {
				w = math.Sqrt(float64(k*k)+2) - k
			}
			w = math.Min(w, wMax)
		}
		diff := float64(diffusion * (1 - w) * eMax)
		f.sweat = sw
		f.dry = (ts - to) / iDry
		f.evap = float64(w*eMax) + diff
		f.water = sw + diff + f.eres
		switch env.Cooling {
		case WetAndFan:
			// Wet skin evaporates at full capacity; the sprayed water is
			// not body water, so the water loss stays sweat and breath.
			f.evap = eMax
			f.water = sw + f.eres
		case ColdWater:
			// In the water the skin exchanges with the water only.
			f.dry = float64(waterConv * (ts - coldWaterC))
			f.evap = 0
			f.water = f.eres
		}
		return f.dry + f.evap, fromCore
	}

	// The skin temperature lies between the coldest and warmest things it
	// touches; shed − fromCore rises through zero once across that range.
	lo := math.Min(math.Min(tc, to), coldWaterC) - 10
	hi := math.Max(tc, to)
	ts := bisectUp(lo, hi, 48, func(ts float64) float64 {
		shed, fromCore := skinFlows(ts)
		return shed - fromCore
	})
	skinFlows(ts)
	f.skin = ts
	return f
}

// bisectUp finds where an increasing g crosses zero on [lo, hi] with a
// fixed number of halvings; if it does not cross, it returns the end
// nearest to the crossing.
func bisectUp(lo, hi float64, n int, g func(float64) float64) float64 {
	for i := 0; i < n; i++ {
		mid := float64(0.5 * (lo + hi))
		if g(mid) < 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return float64(0.5 * (lo + hi))
}

// satKPa is the saturation vapour pressure over water in kPa at t °C, the
// Magnus form ISO 7933:2023 uses.
func satKPa(t float64) float64 { return float64(0.6105 * dmath.Exp(17.27*t/(t+237.3))) }

// nextStage applies the stage thresholds with their recovery margins. It
// moves more than one stage in a step if the temperature has.
func nextStage(s Stage, core, dehyd float64) Stage {
	switch {
	case core >= collapseCore:
		return StageCollapsed
	case core >= strokeCore:
		if s == StageCollapsed && core >= recoverCollapse {
			return StageCollapsed
		}
		return StageHeatStroke
	}
	// Below heat-stroke temperature.
	if s >= StageHeatStroke {
		if s == StageCollapsed && core >= recoverCollapse {
			return StageCollapsed
		}
		if core >= recoverStroke {
			return StageHeatStroke
		}
		s = StageHeatExhaustion
	}
	exhausted := core >= exhaustionCore || dehyd >= exhaustionDehyd
	if exhausted {
		return StageHeatExhaustion
	}
	if s == StageHeatExhaustion && (core >= recoverExhaust || dehyd >= recoverDehydrate) {
		return StageHeatExhaustion
	}
	return StageNormal
}

// HashInto folds the body's state in declaration order.
func (b *Body) HashInto(h *statehash.Hasher) {
	h.F64(b.MassKg)
	h.F64(b.HeightM)
	h.Bool(b.Acclimatised)
	h.F64(b.ClothingClo)
	h.F64(b.CoreC)
	h.F64(b.SkinC)
	h.F64(b.SweatLossKg)
	h.F64(b.WaterDrunkKg)
	h.Int(int(b.Stage))
	h.F64(b.StageSeconds)
	h.F64(b.PeakCoreC)
}
