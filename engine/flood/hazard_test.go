package flood

import (
	"math"
	"testing"
)

func TestHazardRating(t *testing.T) {
	t.Parallel()
	cases := []struct {
		d, v, df, want float64
		class          HazardClass
	}{
		// The reference's checks.
		{0.3, 1.0, 0.5, 0.95, DangerForSome},
		{0.5, 2.0, 1, 2.25, DangerForAll},
		{0.2, 0.5, 0, 0.2, Low},
		// Class boundaries: 0.75 and 1.25 open the worse class, 2.0 does not.
		{0.5, 1.0, 0, 0.75, DangerForSome},
		{0.5, 0.99, 0, 0.745, Low},
		{0.5, 2.0, 0, 1.25, DangerForMost},
		{1.0, 1.5, 0, 2.0, DangerForMost},
		{1.0, 1.5, 0.01, 2.01, DangerForAll},
		{0, 3, 0, 0, Low},
		{-1, 3, 0, 0, Low}, // negative depth is dry
	}
	for _, c := range cases {
		hr := HazardRating(c.d, c.v, c.df)
		if math.Abs(hr-c.want) > 1e-12 {
			t.Errorf("HR(%v, %v, %v) = %v, want %v", c.d, c.v, c.df, hr, c.want)
		}
		if got := ClassOf(hr); got != c.class {
			t.Errorf("ClassOf(%v) = %v, want %v", hr, got, c.class)
		}
	}
}

func TestDebrisFactor(t *testing.T) {
	t.Parallel()
	cases := []struct {
		d, v                          float64
		urban, wood, pasture, conserv float64
	}{
		{0.1, 0.5, 0, 0, 0, 0},
		{0.25, 1, 0, 0, 0, 0},
		{0.1, 3, 0, 0, 0, 1}, // fast but shallow: only the conservative rule counts speed
		{0.5, 1, 1, 0.5, 0, 1},
		{0.5, 2.5, 1, 1, 0.5, 1},
		{1.0, 0.2, 1, 1, 0.5, 1},
	}
	for _, c := range cases {
		for _, lu := range []struct {
			lu   LandUse
			want float64
		}{{Urban, c.urban}, {Woodland, c.wood}, {Pasture, c.pasture}, {Conservative, c.conserv}} {
			if got := DebrisFactor(c.d, c.v, lu.lu); got != lu.want {
				t.Errorf("DF(%v, %v, %d) = %v, want %v", c.d, c.v, lu.lu, got, lu.want)
			}
		}
	}
	// Rate ties them together: 0.5 m at 2 m/s in a street is danger for all.
	if hr := Rate(0.5, 2, Urban); hr != 2.25 || ClassOf(hr) != DangerForAll {
		t.Errorf("Rate(0.5, 2, Urban) = %v", hr)
	}
}

func TestClassLabels(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for c := Low; c <= DangerForAll; c++ {
		en, zh := c.Label("en"), c.Label("zh-CN")
		if en == "" || zh == "" || en == zh || seen[en] || seen[zh] {
			t.Errorf("%v: labels %q / %q", c, en, zh)
		}
		seen[en], seen[zh] = true, true
		if c.Label("fr") != en {
			t.Errorf("%v: unknown language should fall back to English", c)
		}
	}
	if got := DangerForAll.String(); got != "DangerForAll" {
		t.Errorf("String = %q", got)
	}
	if got := HazardClass(9).Label("en"); got != "HazardClass(9)" {
		t.Errorf("out-of-range label %q", got)
	}
}

func TestAIDRClass(t *testing.T) {
	t.Parallel()
	cases := []struct {
		d, v float64
		want int
	}{
		{0, 0, 1},
		{0.3, 1.0, 1},
		{0.3, 2.1, 5}, // over 2 m/s is H5 however shallow
		{0.4, 1.0, 2},
		{0.5, 1.2, 2},
		{1.0, 0.5, 3},
		{1.2, 0.5, 3},
		{1.5, 0.5, 4},
		{1.0, 1.0, 4},
		{0.5, 2.5, 5},
		{3, 1, 5},
		{4.5, 0.1, 6},
		{1, 5, 6},
	}
	for _, c := range cases {
		if got := AIDRClass(c.d, c.v); got != c.want {
			t.Errorf("AIDRClass(%v, %v) = H%d, want H%d", c.d, c.v, got, c.want)
		}
	}
}
