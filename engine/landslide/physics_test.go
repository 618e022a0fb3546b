package landslide

import (
	"math"
	"testing"
)

// refSoil is the reference case of hazard-science.md §2.
var refSoil = Soil{Cohesion: 5, FrictionDeg: 30, UnitWeight: 19, Depth: 2,
	Ks: 1e-5, Porosity: 0.3, SuctionHead: 0.1}

const tan30 = 0.57735026918962576

func TestFactorOfSafetyReference(t *testing.T) {
	t.Parallel()
	// A 3×3 plane dipping 30° to the south: the centre cell's central
	// differences see exactly tan 30°.
	bed := make([]float64, 9)
	for i := range bed {
		bed[i] = -float64(i/3) * 10 * tan30
	}
	zone := []uint8{1, 1, 1, 1, 1, 1, 1, 1, 1}
	for _, tc := range []struct{ m, want float64 }{
		{0, 1.3039}, {0.5, 1.0457}, {1, 0.7876},
	} {
		if got := FactorOfSafety(refSoil, tan30, tc.m, 9.81); math.Abs(got-tc.want) > 5e-5 {
			t.Errorf("FactorOfSafety(m=%g) = %.5f, want %.4f", tc.m, got, tc.want)
		}
		p := DefaultParams()
		p.M0 = make([]float64, 9)
		for i := range p.M0 {
			p.M0[i] = tc.m
		}
		mod, err := New(3, 3, 10, bed, zone, []Soil{{}, refSoil}, p)
		if err != nil {
			t.Fatal(err)
		}
		if got := mod.FS(4); math.Abs(got-tc.want) > 5e-5 {
			t.Errorf("model FS(m=%g) = %.5f, want %.4f", tc.m, got, tc.want)
		}
		if got := mod.Saturation(4); got != tc.m {
			t.Errorf("Saturation = %g, want %g", got, tc.m)
		}
	}
}

func TestFactorOfSafetyFlatAndBedrock(t *testing.T) {
	t.Parallel()
	if fs := FactorOfSafety(refSoil, 0, 1, 9.81); !math.IsInf(fs, 1) {
		t.Errorf("flat FS = %g, want +Inf", fs)
	}
	// Flat soil, and steep bedrock (zone 0), both report FSMax.
	mod, err := New(2, 1, 5, []float64{0, 0}, []uint8{1, 1}, []Soil{{}, refSoil}, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	steep, err := New(1, 2, 5, []float64{50, 0}, []uint8{0, 0}, []Soil{{}}, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	if mod.FS(0) != FSMax || steep.FS(0) != FSMax || steep.Saturation(0) != 0 {
		t.Errorf("FS flat %g, bedrock %g (sat %g), want %d", mod.FS(0), steep.FS(0), steep.Saturation(0), FSMax)
	}
}

func TestReachRatio(t *testing.T) {
	t.Parallel()
	// Hand values: 10^(A + B·log10 V), and minus the 95 % limit for the worst case.
	for _, tc := range []struct {
		typ   SlideType
		v     float64
		worst bool
		want  float64
	}{
		{Rockfall, 1e4, false, 0.594292},
		{Translational, 1e4, false, 0.370681},
		{DebrisFlow, 1e4, false, 0.369828},
		{Earthflow, 1e4, false, 0.320627},
		{Rockfall, 1e4, true, 0.331894},
		{Translational, 1e4, true, 0.136144},
		{DebrisFlow, 1e4, true, 0.152055},
		{Earthflow, 1e4, true, 0.098628},
		{DebrisFlow, 3200, false, 0.416830},
	} {
		if got := ReachRatio(tc.typ, tc.v, tc.worst); math.Abs(got-tc.want) > 1e-6 {
			t.Errorf("ReachRatio(%v, %g, %v) = %.6f, want %.6f", tc.typ, tc.v, tc.worst, got, tc.want)
		}
	}
	if ReachRatio(DebrisFlow, 1e6, false) >= ReachRatio(DebrisFlow, 1e3, false) {
		t.Error("bigger slides must travel relatively further (smaller H/L)")
	}
}

// gaModel is one flat cell of deep loam with no drainage, so the stored
// water is exactly the cumulative infiltration F.
func gaModel(t *testing.T) *Model {
	t.Helper()
	p := DefaultParams()
	p.Drainage = 0
	loam := Soil{Cohesion: 5, FrictionDeg: 30, UnitWeight: 19, Depth: 10,
		Ks: 1e-6, Porosity: 0.3, SuctionHead: 0.11}
	m, err := New(1, 1, 5, []float64{0}, []uint8{1}, []Soil{{}, loam}, p)
	if err != nil {
		t.Fatal(err)
	}
	m.SetRain(1e-5)
	return m
}

func TestGreenAmptHandCase(t *testing.T) {
	t.Parallel()
	// Ks = 1e-6 m/s, ψf·Δθ = 0.11·0.3 = 0.033 m, rain i = 1e-5 m/s.
	// Ponding: Fp = Ks·P/(i − Ks) = 0.0036667 m at tp = Fp/i = 366.67 s.
	// After ponding t = tp + [F − Fp − P ln((F + P)/(Fp + P))]/Ks, so
	// F = 0.01 at 1442.04 s, 0.02 at 4542.01 s, 0.05 at 19739.91 s.
	const (
		ks, pf, rain = 1e-6, 0.033, 1e-5
		fp, tp       = ks * pf / (rain - ks), 366.6666666666667
	)
	m := gaModel(t)
	m.Advance(360)
	if got, want := m.Saturation(0)*3, rain*360; math.Abs(got-want) > 1e-12 || m.Runoff()[0] != 0 {
		t.Fatalf("before ponding: F = %g want %g, runoff %g want 0", got, want, m.Runoff()[0])
	}
	now := 360.0
	for _, tc := range []struct{ at, f float64 }{
		{1442.042727, 0.01}, {4542.013398, 0.02}, {19739.906488, 0.05},
	} {
		m.Advance(tc.at - now)
		now = tc.at
		if got := m.Saturation(0) * 3; math.Abs(got-tc.f) > 0.001*tc.f {
			t.Errorf("F(%.0f s) = %.6f m, want %.6f (±0.1 %%)", tc.at, got, tc.f)
		}
	}
	// Late on, the runoff is the rain above the infiltration capacity.
	m.Advance(60)
	f := m.Saturation(0) * 3
	want := rain - ks*(1+pf/f)
	if got := m.Runoff()[0]; math.Abs(got-want) > 0.01*want {
		t.Errorf("runoff = %.4g m/s, want i − f = %.4g", got, want)
	}
	if tp < 360 || fp > 0.0037 {
		t.Fatal("hand values drifted") // keeps the comment's numbers honest
	}
}

func TestWaterBalance(t *testing.T) {
	t.Parallel()
	// With no drainage every drop of rain either is stored or runs off;
	// bedrock (zone 0) and saturated soil shed everything.
	p := DefaultParams()
	p.Drainage = 0
	p.M0 = []float64{0, 0.2, 0.999, 0.5}
	soil := refSoil
	soil.Ks = 1e-4
	m, err := New(4, 1, 5, []float64{3, 2, 1, 0}, []uint8{0, 1, 1, 1}, []Soil{{}, soil}, p)
	if err != nil {
		t.Fatal(err)
	}
	const rain, dt = 2e-5, 3600.0
	before := []float64{0, 0, 0, 0}
	for i := range before {
		before[i] = m.Saturation(i) * 0.6
	}
	m.SetRain(rain)
	m.Advance(dt)
	for i := range before {
		stored := m.Saturation(i)*0.6 - before[i]
		if got := stored + m.Runoff()[i]*dt; math.Abs(got-rain*dt) > 1e-12 {
			t.Errorf("cell %d: stored %g + runoff %g = %g, want rain %g", i, stored, m.Runoff()[i]*dt, got, rain*dt)
		}
	}
	if math.Abs(m.Runoff()[0]-rain) > 1e-18 || m.Saturation(2) != 1 || m.Runoff()[2] <= 0 {
		t.Errorf("bedrock runoff %g (want %g); nearly full cell sat %g runoff %g",
			m.Runoff()[0], rain, m.Saturation(2), m.Runoff()[2])
	}
}

func TestDrainageAfterRain(t *testing.T) {
	t.Parallel()
	p := DefaultParams()
	p.M0 = []float64{0.8, 0.8}
	m, err := New(2, 1, 5, []float64{1, 0}, []uint8{1, 1}, []Soil{{}, refSoil}, p)
	if err != nil {
		t.Fatal(err)
	}
	fs := m.FS(0)
	m.Advance(24 * 3600)
	if m.Saturation(0) >= 0.8 || m.FS(0) <= fs {
		t.Errorf("a day without rain: m %g FS %g, want below 0.8 and above %g", m.Saturation(0), m.FS(0), fs)
	}
}

func TestNewRejects(t *testing.T) {
	t.Parallel()
	good := func() (int, int, float64, []float64, []uint8, []Soil, Params) {
		return 2, 1, 5, []float64{1, 0}, []uint8{1, 1}, []Soil{{}, refSoil}, DefaultParams()
	}
	for name, mut := range map[string]func(*int, *float64, *[]float64, *[]uint8, *[]Soil, *Params){
		"zero width":   func(nx *int, _ *float64, _ *[]float64, _ *[]uint8, _ *[]Soil, _ *Params) { *nx = 0 },
		"bad dx":       func(_ *int, dx *float64, _ *[]float64, _ *[]uint8, _ *[]Soil, _ *Params) { *dx = math.NaN() },
		"short bed":    func(_ *int, _ *float64, b *[]float64, _ *[]uint8, _ *[]Soil, _ *Params) { *b = (*b)[:1] },
		"NaN bed":      func(_ *int, _ *float64, b *[]float64, _ *[]uint8, _ *[]Soil, _ *Params) { (*b)[0] = math.NaN() },
		"unknown zone": func(_ *int, _ *float64, _ *[]float64, z *[]uint8, _ *[]Soil, _ *Params) { (*z)[1] = 2 },
		"no soils":     func(_ *int, _ *float64, _ *[]float64, _ *[]uint8, s *[]Soil, _ *Params) { *s = nil },
		"light soil":   func(_ *int, _ *float64, _ *[]float64, _ *[]uint8, s *[]Soil, _ *Params) { (*s)[1].UnitWeight = 9 },
		"no depth":     func(_ *int, _ *float64, _ *[]float64, _ *[]uint8, s *[]Soil, _ *Params) { (*s)[1].Depth = 0 },
		"porosity":     func(_ *int, _ *float64, _ *[]float64, _ *[]uint8, s *[]Soil, _ *Params) { (*s)[1].Porosity = 1.5 },
		"M0 length":    func(_ *int, _ *float64, _ *[]float64, _ *[]uint8, _ *[]Soil, p *Params) { p.M0 = []float64{0} },
		"M0 range":     func(_ *int, _ *float64, _ *[]float64, _ *[]uint8, _ *[]Soil, p *Params) { p.M0 = []float64{0, 2} },
		"cue below 1":  func(_ *int, _ *float64, _ *[]float64, _ *[]uint8, _ *[]Soil, p *Params) { p.TiltFS = 0.9 },
		"min cells":    func(_ *int, _ *float64, _ *[]float64, _ *[]uint8, _ *[]Soil, p *Params) { p.MinCells = 0 },
		"slide type":   func(_ *int, _ *float64, _ *[]float64, _ *[]uint8, _ *[]Soil, p *Params) { p.Type = 9 },
	} {
		nx, ny, dx, bed, zone, soils, p := good()
		mut(&nx, &dx, &bed, &zone, &soils, &p)
		if _, err := New(nx, ny, dx, bed, zone, soils, p); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
	if _, err := New(good()); err != nil {
		t.Fatalf("the good case failed: %v", err)
	}
}

func TestCueAndEventNames(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for k := CueKind(0); k < NumCues; k++ {
		id, en, zh := k.String(), k.Name("en"), k.Name("zh-CN")
		if id == "" || en == "" || zh == "" || en == zh || seen[id] ||
			k.Description("en") == k.Description("zh") || k.Description("zh-Hans") == "" {
			t.Errorf("cue %d: id %q en %q zh %q", k, id, en, zh)
		}
		seen[id] = true
	}
	if Crack.Name("zh-CN") != "弧形裂缝" || Rumbling.String() != "rumbling" || CueKind(99).Name("en") != "CueKind(99)" {
		t.Error("cue names drifted")
	}
	if SlideStarted.String() != "slide-started" || DebrisFlow.String() != "debris-flow" {
		t.Error("event or slide type names drifted")
	}
}
