package landslide

import (
	"math"
	"reflect"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

func hashOf(m *Model) uint64 {
	h := statehash.New()
	m.HashInto(h)
	return h.Sum()
}

// run drives the small hillside through rain, failure and runout and
// returns the hash after every step and all events.
func run(t *testing.T, rain float64) ([]uint64, []Event) {
	m := smallHill.model(t, rain, DefaultParams())
	var hashes []uint64
	var evs []Event
	for k := 0; k < 48; k++ {
		evs = append(evs, m.Advance(450)...)
		hashes = append(hashes, hashOf(m))
	}
	return hashes, evs
}

func TestDeterministicHash(t *testing.T) {
	t.Parallel()
	h1, e1 := run(t, heavyRain)
	h2, e2 := run(t, heavyRain)
	if !reflect.DeepEqual(h1, h2) || !reflect.DeepEqual(e1, e2) {
		t.Fatal("two identical runs diverged")
	}
	var slides int
	for _, e := range e1 {
		if e.Kind == SlideStarted {
			slides++
		}
	}
	if slides == 0 {
		t.Fatal("the run never failed, so it did not exercise the runout")
	}
	h3, _ := run(t, heavyRain*1.01)
	if h3[0] == h1[0] {
		t.Error("1 % more rain left the hash unchanged")
	}
	for k := 1; k < len(h1); k++ {
		if h1[k] == h1[k-1] {
			t.Errorf("step %d: raining model hashed like the step before", k)
		}
	}
}

func TestHashCoversRunout(t *testing.T) {
	t.Parallel()
	// The same failed slope one second apart: only the front has moved.
	m := bigHill.model(t, 0, DefaultParams(), func(_ []uint8, m0 []float64) {
		m0[20*64+30], m0[20*64+31], m0[21*64+30], m0[21*64+31] = 1, 1, 1, 1
	})
	m.Advance(1)
	if len(m.Slides()) != 1 {
		t.Fatalf("%d slides, want 1", len(m.Slides()))
	}
	a := hashOf(m)
	m.Advance(1)
	if hashOf(m) == a || m.Slides()[0].Front == 0 {
		t.Error("a moving front did not change the hash")
	}
}

func FuzzNew(f *testing.F) {
	f.Add([]byte{3, 3, 5, 10, 200, 30, 9, 0, 255, 128, 64, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{1, 1, 0})
	f.Add([]byte{8, 2, 1, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255})
	soils := []Soil{{}, refSoil, colluvium}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 3 {
			return
		}
		nx, ny := int(data[0]%8)+1, int(data[1]%8)+1
		dx := float64(data[2]%20) + 0.5
		n := nx * ny
		bed, zone := make([]float64, n), make([]uint8, n)
		p := DefaultParams()
		p.MinCells = 1
		p.M0 = make([]float64, n)
		for i := 0; i < n; i++ {
			b := byte(i)
			if 3+i < len(data) {
				b = data[3+i]
			}
			bed[i] = float64(b) / 4
			zone[i] = b % 3
			p.M0[i] = float64(b%5) / 4
		}
		m, err := New(nx, ny, dx, bed, zone, soils, p)
		if err != nil {
			t.Fatalf("valid input rejected: %v", err)
		}
		m.SetRain(heavyRain * 3)
		for k := 0; k < 4; k++ {
			m.Advance(900)
		}
		var debris, volume float64
		for i := 0; i < n; i++ {
			if fs, s := m.FS(i), m.Saturation(i); math.IsNaN(fs) || !(s >= 0 && s <= 1) || !(m.Runoff()[i] >= 0) {
				t.Fatalf("cell %d: FS %g saturation %g runoff %g", i, fs, s, m.Runoff()[i])
			}
			debris += m.DebrisDepth(i) * dx * dx
		}
		for _, s := range m.Slides() {
			volume += s.Volume
			if s.Front > s.Reach || s.Reach < 0 || len(s.Path) == 0 || len(s.Source) == 0 {
				t.Fatalf("slide %d: front %g reach %g path %v", s.ID, s.Front, s.Reach, s.Path)
			}
		}
		if math.Abs(debris-volume) > 1e-9*math.Max(volume, 1) {
			t.Fatalf("debris %g m³ of %g", debris, volume)
		}
	})
}
