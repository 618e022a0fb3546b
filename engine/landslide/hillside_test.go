package landslide

import (
	"math"
	"slices"
	"testing"
)

const (
	tan32     = 0.62486935190932750 // the hillside's slope
	heavyRain = 50e-3 / 3600        // 50 mm/h, a rainstorm (暴雨) hour
	lightRain = 15e-3 / 3600        // 15 mm/h
)

// colluvium is the hillside soil: FS = 1.392 − 0.477·m on 32°, so it fails
// at m = 0.82 and cracks (FS 1.15) at m = 0.51.
var colluvium = Soil{Cohesion: 8, FrictionDeg: 30, UnitWeight: 19, Depth: 2,
	Ks: 1e-5, Porosity: 0.3, SuctionHead: 0.1}

// hill is a synthetic hillside: a plane dipping 32° to the south from row 0
// down to a flat terrace at z = 0 from row foot on. A square hollow of
// patch×patch cells with its top-left corner at (pr, pc) holds water from
// earlier days (m0 = 0.45) while the rest is at 0.25, so it fails first.
type hill struct {
	nx, ny, foot, pr, pc, patch int
	dx                          float64
}

// model builds the hillside; tweak, if given, may change zones and
// initial saturation first.
func (h hill) model(t testing.TB, rain float64, p Params, tweak ...func(zone []uint8, m0 []float64)) *Model {
	t.Helper()
	n := h.nx * h.ny
	bed := make([]float64, n)
	zone := make([]uint8, n)
	p.M0 = make([]float64, n)
	for i := range bed {
		r, c := i/h.nx, i%h.nx
		if r < h.foot {
			bed[i] = float64(h.foot-r) * h.dx * tan32
		}
		zone[i] = 1
		p.M0[i] = 0.25
		if r >= h.pr && r < h.pr+h.patch && c >= h.pc && c < h.pc+h.patch {
			p.M0[i] = 0.45
		}
	}
	for _, f := range tweak {
		f(zone, p.M0)
	}
	m, err := New(h.nx, h.ny, h.dx, bed, zone, []Soil{{}, colluvium}, p)
	if err != nil {
		t.Fatal(err)
	}
	m.SetRain(rain)
	return m
}

var (
	bigHill   = hill{nx: 64, ny: 64, foot: 35, pr: 8, pc: 28, patch: 8, dx: 5}
	smallHill = hill{nx: 24, ny: 40, foot: 28, pr: 6, pc: 9, patch: 6, dx: 5}
)

// runUntil advances in chunk-second steps until an event passes stop (or
// limit seconds pass) and returns every event so far.
func runUntil(t testing.TB, m *Model, chunk, limit float64, stop func(Event) bool) []Event {
	t.Helper()
	var all []Event
	for m.Time() < limit {
		ev := m.Advance(chunk)
		all = append(all, ev...)
		if slices.ContainsFunc(ev, stop) {
			return all
		}
	}
	t.Fatalf("nothing happened within %g h", limit/3600)
	return nil
}

func isStart(e Event) bool { return e.Kind == SlideStarted }

// runToFailure advances until the first slide starts.
func runToFailure(t testing.TB, m *Model, chunk, limit float64) []Event {
	t.Helper()
	return runUntil(t, m, chunk, limit, isStart)
}

func firstOf(evs []Event, kind EventKind, cue CueKind) (Event, bool) {
	for _, e := range evs {
		if e.Kind == kind && (kind != CueAppeared && kind != CueIntensified || e.Cue == cue) {
			return e, true
		}
	}
	return Event{}, false
}

func TestHillsideRainCuesFailureRunout(t *testing.T) {
	t.Parallel()
	h := bigHill
	m := h.model(t, heavyRain, DefaultParams())
	// Coarse steps until the slope rumbles, then minute steps so the slide
	// starts at the end of an Advance and its runout can be watched.
	evs := runUntil(t, m, 600, 24*3600, func(e Event) bool { return e.Cue == Rumbling })
	if slices.ContainsFunc(evs, isStart) {
		t.Fatal("the slope failed in the same ten minutes it started to rumble")
	}
	evs = append(evs, runToFailure(t, m, 60, 24*3600)...)
	start, _ := firstOf(evs, SlideStarted, 0)
	if start.T < 3*3600 {
		t.Errorf("slide after %.1f h of heavy rain; the hollow needs hours to fill", start.T/3600)
	}
	slides := m.Slides()
	if len(slides) != 1 {
		t.Fatalf("%d slides, want the hollow alone", len(slides))
	}
	s := slides[0]
	var want []int
	for r := h.pr; r < h.pr+h.patch; r++ {
		for c := h.pc; c < h.pc+h.patch; c++ {
			want = append(want, r*h.nx+c)
		}
	}
	if !slices.Equal(s.Source, want) {
		t.Fatalf("source %v, want the hollow %v", s.Source, want)
	}

	// Every precursor shows before the failure, in order of its
	// threshold, and the ones read off the weakest cell sit in the source.
	prev := 0.0
	for _, k := range []CueKind{Crack, MuddySpring, BulgingToe, TiltingTrees, SmallRockfall, Rumbling} {
		e, ok := firstOf(evs, CueAppeared, k)
		switch {
		case !ok:
			t.Errorf("%v never appeared", k)
			continue
		case e.T >= start.T:
			t.Errorf("%v at %.0f s, not before the slide at %.0f s", k, e.T, start.T)
		case e.T < prev && k != MuddySpring:
			t.Errorf("%v at %.0f s came before a cue with a higher FS threshold (%.0f s)", k, e.T, prev)
		}
		if k != MuddySpring {
			prev = e.T
		}
		if _, in := slices.BinarySearch(s.Source, e.Cell); k != BulgingToe && !in {
			t.Errorf("%v placed at cell %d, outside the slide", k, e.Cell)
		}
	}
	crack, _ := firstOf(evs, CueAppeared, Crack)
	if r := crack.Cell / h.nx; r != h.pr {
		t.Errorf("crack at row %d, want the crown row %d", r, h.pr)
	}
	if e, ok := firstOf(evs, CueIntensified, Rumbling); !ok || e.T > start.T || e.Intensity <= 0.25 {
		t.Errorf("rumbling did not grow louder before the slide: %+v", e)
	}

	// Runout: the energy line at H/L from Corominas meets the terrace.
	area := h.dx * h.dx
	if wantV := float64(len(want)) * colluvium.Depth * area; s.Volume != wantV {
		t.Errorf("volume %g, want %g", s.Volume, wantV)
	}
	hl := math.Pow(10, -0.012-0.105*math.Log10(s.Volume))
	crown := s.Path[0]
	zCrown := float64(h.foot-crown/h.nx) * h.dx * tan32
	if wantL := zCrown / hl; math.Abs(s.Reach-wantL) > 1e-6*wantL {
		t.Errorf("reach %.3f m, want H/L: %.3f / %.4f = %.3f m", s.Reach, zCrown, hl, wantL)
	}
	if crown/h.nx != h.pr || s.Dir != [2]float64{0, 1} {
		t.Errorf("crown row %d dir %v, want row %d heading south", crown/h.nx, s.Dir, h.pr)
	}
	for k, i := range s.Path {
		if i != crown+k*h.nx {
			t.Fatalf("path %v does not run straight downhill", s.Path)
		}
	}

	// Watch the front second by second: it conserves volume, never
	// outruns MaxSpeed, and reports each cell once in order.
	p := DefaultParams()
	debrisSum := func() float64 {
		var v float64
		for i := 0; i < h.nx*h.ny; i++ {
			v += m.DebrisDepth(i) * area
		}
		return v
	}
	reached := map[int]bool{}
	lastAlong, lastT := -1.0, start.T
	var stopped bool
	for k := 0; k < 600 && !stopped; k++ {
		for _, e := range m.Advance(1) {
			if e.T < lastT {
				t.Fatalf("event times go backwards: %+v after %.2f", e, lastT)
			}
			lastT = e.T
			switch e.Kind {
			case DebrisReached:
				a, _ := s.Lateral(e.X, e.Y)
				if reached[e.Cell] || a < lastAlong || !s.InPath(e.X, e.Y, 0) {
					t.Fatalf("debris at cell %d (along %.1f) twice, out of order or off the path", e.Cell, a)
				}
				reached[e.Cell], lastAlong = true, a
			case SlideStopped:
				stopped = true
			case SlideStarted:
				t.Fatalf("second slide during runout: %+v", e)
			}
		}
		s = m.Slides()[0]
		if got := debrisSum(); math.Abs(got-s.Volume) > 1e-9*s.Volume {
			t.Fatalf("t+%d s: debris %.9g m³, want %.9g", k+1, got, s.Volume)
		}
		if s.Front > p.MaxSpeed*(m.Time()-start.T)+1e-9 {
			t.Fatalf("front %.1f m after %.0f s outran %g m/s", s.Front, m.Time()-start.T, p.MaxSpeed)
		}
	}
	if !stopped || !s.Done || s.Front != s.Reach || len(reached) == 0 {
		t.Fatalf("runout did not finish: done %v front %.1f of %.1f, %d cells", s.Done, s.Front, s.Reach, len(reached))
	}
	dur := lastT - start.T
	if dur < s.Reach/p.MaxSpeed {
		t.Errorf("runout took %.1f s for %.0f m", dur, s.Reach)
	}
	t.Logf("slide %.0f m³ after %.1f h; reach %.1f m in %.1f s, half-width %.1f m, %d cells buried %.2f m",
		s.Volume, start.T/3600, s.Reach, dur, s.HalfWidth, len(reached), s.depth)

	// The deposit lies on the footprint and nowhere else, ends at the tip.
	for i := 0; i < h.nx*h.ny; i++ {
		x, y := m.centre(i)
		if d := m.DebrisAt(x, y); (d > 0) != reached[i] {
			t.Fatalf("cell %d: depth %g but reached %v", i, d, reached[i])
		}
	}
	if m.DebrisAt(-1, 3) != 0 || m.DebrisAt(1e6, 3) != 0 {
		t.Error("debris outside the grid")
	}
}

func TestLateralAndInPath(t *testing.T) {
	t.Parallel()
	h := bigHill
	// A saturated hollow fails in the first second, without rain.
	m := h.model(t, 0, DefaultParams(), func(_ []uint8, m0 []float64) {
		for r := h.pr; r < h.pr+h.patch; r++ {
			for c := h.pc; c < h.pc+h.patch; c++ {
				m0[r*h.nx+c] = 1
			}
		}
	})
	m.Advance(1)
	if len(m.Slides()) != 1 {
		t.Fatalf("%d slides, want 1", len(m.Slides()))
	}
	s := m.Slides()[0]
	x0, y0 := m.centre(s.Path[0])
	// The path runs south from the crown: along grows with y, and east is
	// to the left of a traveller heading south (across < 0).
	for _, tc := range []struct {
		name          string
		x, y          float64
		along, across float64
		in            bool
	}{
		{"crown", x0, y0, 0, 0, true},
		{"down the path", x0, y0 + 100, 100, 0, true},
		{"east of the path", x0 + 10, y0 + 50, 50, -10, true},
		{"fled west", x0 - s.HalfWidth - 3, y0 + 50, 50, s.HalfWidth + 3, false},
		{"behind the crown", x0, y0 - 20, -20, 0, false},
		{"past the tip", x0, y0 + s.Reach + 20, s.Reach + 20, 0, false},
	} {
		a, w := s.Lateral(tc.x, tc.y)
		if math.Abs(a-tc.along) > 1e-9 || math.Abs(w-tc.across) > 1e-9 {
			t.Errorf("%s: Lateral = (%.3f, %.3f), want (%.3f, %.3f)", tc.name, a, w, tc.along, tc.across)
		}
		if got := s.InPath(tc.x, tc.y, 1); got != tc.in {
			t.Errorf("%s: InPath = %v, want %v", tc.name, got, tc.in)
		}
	}
	if !s.InPath(x0-s.HalfWidth-3, y0+50, 5) {
		t.Error("a margin wider than the escape must count as still in the path")
	}
}

func TestCueLeadTimeGrowsWhenRainIsLighter(t *testing.T) {
	t.Parallel()
	lead := func(rain float64) (cue, fail float64) {
		m := smallHill.model(t, rain, DefaultParams())
		evs := runToFailure(t, m, 300, 48*3600)
		crack, ok := firstOf(evs, CueAppeared, Crack)
		start, _ := firstOf(evs, SlideStarted, 0)
		if !ok || crack.T >= start.T {
			t.Fatalf("rain %.0f mm/h: crack %+v not before failure at %.0f s", rain*3.6e6, crack, start.T)
		}
		for _, e := range evs {
			if e.Kind == CueAppeared && e.T >= start.T {
				t.Errorf("rain %.0f mm/h: %v appeared with the failure", rain*3.6e6, e.Cue)
			}
		}
		return crack.T, start.T
	}
	hc, hf := lead(heavyRain)
	lc, lf := lead(lightRain)
	t.Logf("heavy: crack %.1f h, failure %.1f h; light: crack %.1f h, failure %.1f h",
		hc/3600, hf/3600, lc/3600, lf/3600)
	if lf-lc <= 1.5*(hf-hc) {
		t.Errorf("lead time %.0f s under light rain, want well above %.0f s under heavy", lf-lc, hf-hc)
	}
}

func TestSmallClustersWaitAndBedrockHolds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		minCells int
		bedrock  bool
		slides   int
	}{
		{"three cells fail when three may", 3, false, 1},
		{"three cells wait when four are needed", 4, false, 0},
		{"bedrock under the weak cells never fails", 1, true, 0},
	} {
		p := DefaultParams()
		p.MinCells = tc.minCells
		m := smallHill.model(t, 0, p, func(zone []uint8, m0 []float64) {
			for _, i := range []int{10*24 + 5, 10*24 + 6, 11*24 + 6} {
				m0[i] = 0.95
				if tc.bedrock {
					zone[i] = 0
				}
			}
		})
		m.Advance(60)
		if got := len(m.Slides()); got != tc.slides {
			t.Errorf("%s: %d slides, want %d", tc.name, got, tc.slides)
		}
	}
}
