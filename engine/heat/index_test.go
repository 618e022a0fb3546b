package heat

import (
	"math"
	"testing"
)

func TestHeatIndexReference(t *testing.T) {
	t.Parallel()
	// The reference sheet's checks, computed from the NWS algorithm: one
	// plain Rothfusz case, one each for the dry (RH < 13 %) and humid
	// (RH > 85 %, T ≤ 87 °F) adjustments, and two ordinary ones.
	tests := []struct {
		tF, rh, want float64
	}{
		{90, 40, 90.68},
		{96, 40, 100.886},
		{86, 65, 92.988},
		{100, 10, 94.122}, // dry adjustment
		{82, 100, 96.039}, // humid adjustment
	}
	for _, tc := range tests {
		if got := HeatIndexF(tc.tF, tc.rh); math.Abs(got-tc.want) > 0.01 {
			t.Errorf("HeatIndexF(%v, %v) = %.4f, want %.3f ± 0.01", tc.tF, tc.rh, got, tc.want)
		}
		tC := FtoC(tc.tF)
		if got := HeatIndexC(tC, tc.rh); math.Abs(CtoF(got)-tc.want) > 0.01 {
			t.Errorf("HeatIndexC(%.3f, %v) = %.4f °C = %.4f °F, want %.3f °F", tC, tc.rh, got, CtoF(got), tc.want)
		}
	}
}

func TestHeatIndexSimpleBelowEighty(t *testing.T) {
	t.Parallel()
	// Below 80 °F the NWS keeps Steadman's simple form: at 70 °F, 50 %
	// it is 0.5·(70 + 61 + 2.4 + 4.7) = 69.05.
	if got := HeatIndexF(70, 50); math.Abs(got-69.05) > 1e-9 {
		t.Fatalf("HeatIndexF(70, 50) = %v, want 69.05", got)
	}
}

func TestHeatIndexAdjustmentRanges(t *testing.T) {
	t.Parallel()
	// The regression, written out independently of the package.
	rothfusz := func(T, R float64) float64 {
		return -42.379 + 2.04901523*T + 10.14333127*R - 0.22475541*T*R - 0.00683783*T*T -
			0.05481717*R*R + 0.00122874*T*T*R + 0.00085282*T*R*R - 0.00000199*T*T*R*R
	}
	tests := []struct {
		name   string
		tF, rh float64
		adj    float64 // expected correction to the regression
	}{
		{"dry, inside 80–112 °F", 112, 5, -(13 - 5) / 4.0 * math.Sqrt((17-17)/17.0)},
		{"dry at 100 °F", 100, 5, -(13 - 5) / 4.0 * math.Sqrt((17-5)/17.0)},
		{"dry, above 112 °F: none", 113, 5, 0},
		{"humid at 85 °F", 85, 95, (95 - 85) / 10.0 * ((87 - 85) / 5.0)},
		{"humid, above 87 °F: none", 88, 95, 0},
		{"RH exactly 13 %: none", 100, 13, 0},
	}
	for _, tc := range tests {
		want := rothfusz(tc.tF, tc.rh) + tc.adj
		if got := HeatIndexF(tc.tF, tc.rh); math.Abs(got-want) > 1e-9 {
			t.Errorf("%s: HeatIndexF(%v, %v) = %.6f, want %.6f", tc.name, tc.tF, tc.rh, got, want)
		}
	}
}

func TestTemperatureConversion(t *testing.T) {
	t.Parallel()
	for _, c := range []float64{-40, 0, 37, 100} {
		if got := FtoC(CtoF(c)); math.Abs(got-c) > 1e-12 {
			t.Errorf("FtoC(CtoF(%v)) = %v", c, got)
		}
	}
	if CtoF(100) != 212 || FtoC(32) != 0 {
		t.Fatalf("fixed points: CtoF(100)=%v FtoC(32)=%v", CtoF(100), FtoC(32))
	}
}
