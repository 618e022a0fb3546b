package heat

import (
	"math"
	"testing"
)

func TestWBGTShadeReference(t *testing.T) {
	t.Parallel()
	tests := []struct{ ta, rh, want float64 }{
		{30, 50, 29.259},
		{35, 60, 36.994},
	}
	for _, tc := range tests {
		if got := WBGTShade(tc.ta, tc.rh); math.Abs(got-tc.want) > 0.005 {
			t.Errorf("WBGTShade(%v, %v) = %.4f, want %.3f", tc.ta, tc.rh, got, tc.want)
		}
	}
}

// stull is Stull's (2011) psychrometric wet-bulb temperature from air
// temperature and humidity, an independent check on the Liljegren wick.
func stull(t, rh float64) float64 {
	return t*math.Atan(0.151977*math.Sqrt(rh+8.313659)) + math.Atan(t+rh) - math.Atan(rh-1.676331) +
		0.00391838*math.Pow(rh, 1.5)*math.Atan(0.023101*rh) - 4.686035
}

func TestLiljegrenShadeMatchesIndoorWBGT(t *testing.T) {
	t.Parallel()
	// Without sun the globe sits near air temperature and the natural wet
	// bulb near the psychrometric one, so the outdoor WBGT must be close to
	// the indoor form 0.7·Twb + 0.3·Ta.
	for _, ta := range []float64{25, 30, 35, 40} {
		for _, rh := range []float64{30, 50, 70, 90} {
			got := WBGTOutdoor(ta, rh, 0, 1)
			want := 0.7*stull(ta, rh) + 0.3*ta
			if math.Abs(got-want) > 1.0 {
				t.Errorf("shade WBGT(%v °C, %v %%) = %.2f, indoor formula %.2f: off by more than 1 °C", ta, rh, got, want)
			}
		}
	}
}

func TestLiljegrenSunAgreesWithBoM(t *testing.T) {
	t.Parallel()
	// The BoM approximation stands for moderately high sun and light wind,
	// and is known to run high in humid heat; inside its comfort zone the
	// two must agree.
	n := 0
	for _, ta := range []float64{25, 30, 35, 40} {
		for _, rh := range []float64{30, 50, 70, 90} {
			if VapourPressure(ta, rh) > 30 {
				continue
			}
			n++
			got, bom := WBGTOutdoor(ta, rh, 700, 1), WBGTShade(ta, rh)
			if math.Abs(got-bom) > 2.0 {
				t.Errorf("sun WBGT(%v °C, %v %%) = %.2f, BoM %.2f: off by more than 2 °C", ta, rh, got, bom)
			}
		}
	}
	if n < 6 {
		t.Fatalf("only %d cases inside the BoM comfort zone", n)
	}
}

func TestLiljegrenResponds(t *testing.T) {
	t.Parallel()
	base := Liljegren(35, 50, 800, 1, DefaultSky)
	if got := base.WBGT - (0.7*base.NaturalWetBulb + 0.2*base.Globe + 0.1*base.Air); math.Abs(got) > 1e-12 {
		t.Fatalf("WBGT is not 0.7 Tnwb + 0.2 Tg + 0.1 Ta: residue %v", got)
	}
	if !(base.Globe > base.Air+10) {
		t.Errorf("globe in 800 W/m² sun = %.2f, want well above air %.2f", base.Globe, base.Air)
	}
	if !(base.NaturalWetBulb < base.Air) {
		t.Errorf("natural wet bulb %.2f not below air %.2f at 50 %%", base.NaturalWetBulb, base.Air)
	}
	tests := []struct {
		name               string
		ta, rh, solar, ws  float64
		higherThanBaseline bool
	}{
		{"more sun", 35, 50, 1000, 1, true},
		{"no sun", 35, 50, 0, 1, false},
		{"more humid", 35, 70, 800, 1, true},
		{"hotter", 38, 50, 800, 1, true},
		{"windier", 35, 50, 800, 4, false},
	}
	for _, tc := range tests {
		got := WBGTOutdoor(tc.ta, tc.rh, tc.solar, tc.ws)
		if (got > base.WBGT) != tc.higherThanBaseline {
			t.Errorf("%s: WBGT %.2f vs baseline %.2f, want higher=%v", tc.name, got, base.WBGT, tc.higherThanBaseline)
		}
	}
}

func TestLiljegrenZenithSensitivity(t *testing.T) {
	t.Parallel()
	// The documented cost of fixing the sun's height: ≤ 1 °C over cos z
	// 0.5–1.0 in strong sun.
	lo, hi := math.Inf(1), math.Inf(-1)
	for cz := 0.5; cz <= 1.0001; cz += 0.05 {
		w := Liljegren(35, 50, 800, 1, Sky{CosZenith: cz, PressureHPa: 1013.25}).WBGT
		lo, hi = math.Min(lo, w), math.Max(hi, w)
	}
	if hi-lo > 1.0 {
		t.Fatalf("WBGT spans %.2f °C over cos z 0.5–1.0, documented ≤ 1", hi-lo)
	}
	// A bad pressure falls back to the default rather than producing NaN.
	if w := Liljegren(35, 50, 800, 1, Sky{CosZenith: 0.85}).WBGT; math.Abs(w-WBGTOutdoor(35, 50, 800, 1)) > 1e-12 {
		t.Fatalf("zero pressure: %v", w)
	}
}

func TestLiljegrenDeterministic(t *testing.T) {
	t.Parallel()
	// Same inputs, same bits: no hidden state, fixed iteration counts.
	a := Liljegren(33.3, 61, 654, 1.7, DefaultSky)
	b := Liljegren(33.3, 61, 654, 1.7, DefaultSky)
	if math.Float64bits(a.WBGT) != math.Float64bits(b.WBGT) || math.Float64bits(a.Globe) != math.Float64bits(b.Globe) {
		t.Fatalf("%v != %v", a, b)
	}
}
