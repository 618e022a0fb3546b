package warning

import (
	"fmt"
	"slices"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// brief renders warnings compactly for comparison: "rainstorm none→blue@60 threshold".
func brief(ws []Warning) []string {
	var out []string
	for _, w := range ws {
		s := fmt.Sprintf("%v %v→%v@%g %v", w.Hazard, w.Prev, w.Level, w.Issued, w.Source)
		if w.Inject != "" {
			s += " " + w.Inject
		}
		out = append(out, s)
	}
	return out
}

func TestRisingRainUpgradesInOrder(t *testing.T) {
	t.Parallel()
	// Rain that strengthens, fed in one-minute ticks: 5 mm/h for 10 h (50 mm
	// in 12 h but only 30 in 6 h), 12 mm/h for 3 h, 25 mm/h for 1.5 h, then
	// 50 mm/h. The tracker crosses blue, yellow, orange and red in turn and
	// the issuer emits each exactly once, at the minute it happens.
	r := NewRainTracker()
	is := NewIssuer()
	var got []Warning
	for minute := 1; minute <= 17*60; minute++ {
		rate := 50.0
		switch {
		case minute <= 600:
			rate = 5
		case minute <= 780:
			rate = 12
		case minute <= 870:
			rate = 25
		}
		r.Add(60, rate/60)
		got = append(got, is.Update(float64(minute*60), []Reading{{Rainstorm, r.Level()}})...)
	}
	var levels []Level
	for i, w := range got {
		levels = append(levels, w.Level)
		if w.Hazard != Rainstorm || w.Source != Threshold || !w.Upgrade() {
			t.Errorf("warning %d: %+v", i, w)
		}
		if i > 0 && w.Prev != got[i-1].Level {
			t.Errorf("warning %d: Prev %v, but the level in force was %v", i, w.Prev, got[i-1].Level)
		}
	}
	if !slices.Equal(levels, []Level{Blue, Yellow, Orange, Red}) {
		t.Fatalf("levels %v, want blue, yellow, orange, red: %v", levels, brief(got))
	}
	// The upgrades happen where the sums cross: blue when 10 h of 5 mm/h
	// make 50 mm; yellow when the 6 h window holds 30 + 7x ≥ 50 mm (x hours
	// into the 12 mm/h rain: 172 min); orange when the 3 h window holds
	// 36 + 13y ≥ 50 (y hours into the 25 mm/h rain: 65 min).
	wantAt := []float64{600 * 60, (600 + 172) * 60, (780 + 65) * 60}
	for i, at := range wantAt {
		if got[i].Issued != at {
			t.Errorf("%v issued at minute %v, want %v", got[i].Level, got[i].Issued/60, at/60)
		}
	}
	for i, w := range got {
		if w.ID != fmt.Sprintf("rainstorm-%d", i+1) {
			t.Errorf("warning %d ID %q", i, w.ID)
		}
	}
	if is.Level(Rainstorm) != Red || is.Highest() != Red {
		t.Errorf("in force: %v, highest %v", is.Level(Rainstorm), is.Highest())
	}
}

func TestNothingWhenUnchanged(t *testing.T) {
	t.Parallel()
	is := NewIssuer()
	if ws := is.Update(0, []Reading{{Rainstorm, None}, {HighTemp, None}}); len(ws) != 0 {
		t.Fatalf("no warning to start with, got %v", brief(ws))
	}
	if ws := is.Update(60, []Reading{{HighTemp, Orange}}); len(ws) != 1 {
		t.Fatalf("orange heat: %v", brief(ws))
	}
	for s := 120.0; s < 7200; s += 60 {
		if ws := is.Update(s, []Reading{{HighTemp, Orange}, {Rainstorm, None}}); len(ws) != 0 {
			t.Fatalf("t=%v: unchanged readings emitted %v", s, brief(ws))
		}
		// No readings at all keeps the last ones.
		if ws := is.Update(s+30, nil); len(ws) != 0 {
			t.Fatalf("t=%v: no readings emitted %v", s+30, brief(ws))
		}
	}
	if ws := is.Inject(7200, HighTemp, Orange, "again"); len(ws) != 0 {
		t.Fatalf("injecting the level in force emitted %v", brief(ws))
	}
}

func TestDowngradesAndLift(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		hold float64
		want []string
	}{
		{"immediate", 0, []string{
			"rainstorm none→orange@0 threshold",
			"rainstorm orange→yellow@600 threshold",
			"rainstorm yellow→none@1200 threshold",
		}},
		{"held 30 min", 1800, []string{
			"rainstorm none→orange@0 threshold",
			// yellow read at 600 and none at 1200: lowered once the
			// lower reading has lasted 30 min, straight to what it reads.
			"rainstorm orange→none@2400 threshold",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			is := NewIssuerWith(IssuerConfig{DowngradeHold: tc.hold})
			var got []Warning
			for s := 0.0; s <= 3600; s += 60 {
				l := Orange
				switch {
				case s >= 1200:
					l = None
				case s >= 600:
					l = Yellow
				}
				got = append(got, is.Update(s, []Reading{{Rainstorm, l}})...)
			}
			if !slices.Equal(brief(got), tc.want) {
				t.Fatalf("got %q\nwant %q", brief(got), tc.want)
			}
			if last := got[len(got)-1]; !last.Lifted() || last.Upgrade() || len(is.Active()) != 0 {
				t.Fatalf("last warning %+v, active %v", last, is.Active())
			}
		})
	}
}

func TestHoldForgetsADip(t *testing.T) {
	t.Parallel()
	// A reading that dips for less than the hold and comes back changes
	// nothing, and the next dip starts a fresh hold.
	is := NewIssuerWith(IssuerConfig{DowngradeHold: 600})
	seq := []struct {
		at float64
		l  Level
	}{{0, Orange}, {60, Yellow}, {500, Orange}, {700, Yellow}, {1200, Yellow}, {1300, Yellow}}
	var got []Warning
	for _, s := range seq {
		got = append(got, is.Update(s.at, []Reading{{Rainstorm, s.l}})...)
	}
	want := []string{"rainstorm none→orange@0 threshold", "rainstorm orange→yellow@1300 threshold"}
	if !slices.Equal(brief(got), want) {
		t.Fatalf("got %q, want %q", brief(got), want)
	}
}

func TestInjects(t *testing.T) {
	t.Parallel()
	is := NewIssuerWith(IssuerConfig{DowngradeHold: 1800})
	var got []Warning
	step := func(at float64, rain Level) {
		got = append(got, is.Update(at, []Reading{{Rainstorm, rain}})...)
	}
	inject := func(at float64, h Hazard, l Level, id string) {
		got = append(got, is.Inject(at, h, l, id)...)
	}
	step(0, None)
	inject(100, Rainstorm, Orange, "fcst-orange") // forecaster ahead of the rain
	step(200, Yellow)                             // observations lower: orange stays
	step(300, Red)                                // observations higher: red
	inject(400, Rainstorm, Yellow, "fcst-yellow") // lowering the floor: rain still reads red
	step(500, Yellow)                             // threshold drop is held…
	inject(600, Rainstorm, None, "all-clear")     // …but an inject acts at once, down to the reading
	inject(700, HighTemp, Blue, "bad")            // no such signal: ignored
	inject(800, Geological, Red, "geo")
	want := []string{
		"rainstorm none→orange@100 inject fcst-orange",
		"rainstorm orange→red@300 threshold",
		"rainstorm red→yellow@600 inject all-clear",
		"geological none→red@800 inject geo",
	}
	if !slices.Equal(brief(got), want) {
		t.Fatalf("got %q\nwant %q", brief(got), want)
	}
	act := is.Active()
	if len(act) != 2 || act[0].Hazard != Rainstorm || act[1].Hazard != Geological || act[1].Inject != "geo" {
		t.Fatalf("active %v", brief(act))
	}
	if is.Highest() != Red || is.Level(HighTemp) != None || is.Level(Hazard(7)) != None {
		t.Fatalf("highest %v, heat %v", is.Highest(), is.Level(HighTemp))
	}
}

func TestManyHazardsComeOutInOrder(t *testing.T) {
	t.Parallel()
	is := NewIssuer()
	ws := is.Update(60, []Reading{{Geological, Yellow}, {HighTemp, Red}, {Rainstorm, Blue}, {HighTemp, Blue}})
	want := []string{
		"rainstorm none→blue@60 threshold",
		"high_temp none→red@60 threshold", // the later, invalid blue reading is ignored
		"geological none→yellow@60 threshold",
	}
	if !slices.Equal(brief(ws), want) {
		t.Fatalf("got %q, want %q", brief(ws), want)
	}
	ids := []string{ws[0].ID, ws[1].ID, ws[2].ID}
	if !slices.Equal(ids, []string{"rainstorm-1", "high_temp-2", "geological-3"}) {
		t.Fatalf("IDs %v", ids)
	}
}

func TestWarningAccessors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		w      Warning
		public bool
	}{
		{Warning{Hazard: Geological, Level: Blue}, false},
		{Warning{Hazard: Geological, Level: Yellow, Prev: Blue}, true},
		{Warning{Hazard: Geological, Level: None, Prev: Blue}, false},
		{Warning{Hazard: Geological, Level: None, Prev: Orange}, true},
		{Warning{Hazard: Rainstorm, Level: Blue}, true},
	}
	for _, tc := range tests {
		if got := tc.w.Public(); got != tc.public {
			t.Errorf("%v %v→%v: Public %v", tc.w.Hazard, tc.w.Prev, tc.w.Level, got)
		}
	}
	w := Warning{Hazard: Rainstorm, Level: Red, Prev: Orange}
	if w.Title().ZH != "暴雨红色预警信号" || w.Guide().Public.ZH == "" || !w.Upgrade() || w.Lifted() {
		t.Fatalf("accessors: %+v %+v", w.Title(), w.Guide())
	}
	if Threshold.String() != "threshold" || Inject.String() != "inject" {
		t.Fatal("source names")
	}
}

func TestIssuerHashAndReplay(t *testing.T) {
	t.Parallel()
	run := func(extra bool) (uint64, []string) {
		is := NewIssuer()
		var got []Warning
		for s := 0.0; s < 4000; s += 100 {
			l := Level(int(s/1000) % 5)
			got = append(got, is.Update(s, []Reading{{Rainstorm, l}, {Geological, Level(int(s/700) % 5)}})...)
			if s == 1500 {
				got = append(got, is.Inject(s, HighTemp, Orange, "heat")...)
			}
		}
		if extra {
			is.Inject(4000, HighTemp, Red, "x")
		}
		h := statehash.New()
		is.HashInto(h)
		return h.Sum(), brief(got)
	}
	h1, w1 := run(false)
	h2, w2 := run(false)
	h3, _ := run(true)
	if h1 != h2 || !slices.Equal(w1, w2) {
		t.Fatal("two identical runs differ")
	}
	if h1 == h3 {
		t.Fatal("an extra inject did not change the hash")
	}
	if len(w1) == 0 {
		t.Fatal("the run issued nothing")
	}
}
