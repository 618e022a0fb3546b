package heat

import (
	"math"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine/series"
	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

func afternoon() Weather {
	return Weather{
		AirTemp: series.Series{{T: 0, V: 32}, {T: 3600, V: 36}, {T: 7200, V: 38}},
		RH:      series.Series{{T: 0, V: 70}, {T: 7200, V: 55}},
		Solar:   series.Series{{T: 0, V: 600}, {T: 3600, V: 850}, {T: 7200, V: 700}},
		Wind:    series.Const(1.5),
	}
}

func TestWeatherAt(t *testing.T) {
	t.Parallel()
	w := afternoon()
	if err := w.Validate(); err != nil {
		t.Fatal(err)
	}
	e := w.At(1800)
	want := Env{Ta: 34, RH: 66.25, Solar: 725, Wind: 1.5}
	if e != want {
		t.Fatalf("At(1800) = %+v, want %+v", e, want)
	}
	if got := w.At(1e6); got.Ta != 38 || got.RH != 55 {
		t.Fatalf("after the last point the weather holds: %+v", got)
	}
}

func TestWeatherValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*Weather)
	}{
		{"humidity over 100", func(w *Weather) { w.RH = series.Const(120) }},
		{"negative sun", func(w *Weather) { w.Solar = series.Series{{T: 0, V: 100}, {T: 60, V: -1}} }},
		{"times out of order", func(w *Weather) { w.AirTemp = series.Series{{T: 60, V: 30}, {T: 0, V: 31}} }},
		{"NaN wind", func(w *Weather) { w.Wind = series.Const(math.NaN()) }},
	}
	for _, tc := range tests {
		w := afternoon()
		tc.edit(&w)
		if err := w.Validate(); err == nil {
			t.Errorf("%s: Validate accepted it", tc.name)
		}
	}
}

func TestEnvShade(t *testing.T) {
	t.Parallel()
	sun := afternoon().At(3600)
	shade := sun
	shade.Shade = true
	if shade.Sun() != 0 || sun.Sun() != 850 {
		t.Fatalf("Sun(): shade %v, open %v", shade.Sun(), sun.Sun())
	}
	if !(sun.WBGT() > shade.WBGT()+2) {
		t.Errorf("shade should take several °C off WBGT in strong sun: sun %.2f shade %.2f", sun.WBGT(), shade.WBGT())
	}
	if sun.HeatIndex() != shade.HeatIndex() {
		t.Errorf("heat index has no sun term: %v vs %v", sun.HeatIndex(), shade.HeatIndex())
	}
	if sun.Advice() != LevelCancelAll {
		t.Errorf("36 °C, 62 %% RH in full sun: advice %v, want cancel-all", sun.Advice())
	}
}

func TestWeatherHash(t *testing.T) {
	t.Parallel()
	sum := func(w Weather) uint64 {
		h := statehash.New()
		w.HashInto(h)
		return h.Sum()
	}
	a, b := afternoon(), afternoon()
	if sum(a) != sum(b) {
		t.Fatal("equal weather hashes differently")
	}
	// Moving a curve between fields must change the hash.
	b.RH, b.Wind = b.Wind, b.RH
	if sum(a) == sum(b) {
		t.Fatal("swapped curves hash alike")
	}
}
