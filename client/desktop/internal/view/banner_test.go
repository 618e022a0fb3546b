package view

import (
	"image/color"
	"math"
	"strings"
	"testing"
)

func TestBannerFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		levels     [3]uint8
		lang       Lang
		ok         bool
		hazard     uint8
		level      uint8
		icon       Icon
		titleHas   string
		verbHas    string
		guideEmpty bool
	}{
		{"none", [3]uint8{}, ZH, false, 0, 0, 0, "", "", true},
		{"blue rain zh", [3]uint8{1, 0, 0}, ZH, true, 1, 1, IconCircle, "暴雨蓝色预警", "准备", false},
		{"yellow rain en", [3]uint8{2, 0, 0}, EN, true, 1, 2, IconTriangle, "Rainstorm Yellow", "PAY ATTENTION", false},
		{"orange heat", [3]uint8{0, 3, 0}, EN, true, 2, 3, IconDiamond, "Orange", "AVOID", false},
		{"red beats orange", [3]uint8{3, 0, 4}, ZH, true, 3, 4, IconOctagon, "红色", "转移", false},
		{"tie: first hazard", [3]uint8{2, 2, 0}, EN, true, 1, 2, IconTriangle, "Rainstorm", "ATTENTION", false},
		{"bad level ignored", [3]uint8{9, 0, 1}, EN, true, 3, 1, IconCircle, "Blue", "GET READY", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, ok := BannerFor(tt.levels, tt.lang)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			if b.Hazard != tt.hazard || b.Level != tt.level || b.Icon != tt.icon || b.Bars != int(tt.level) {
				t.Errorf("got hazard %d level %d icon %d bars %d", b.Hazard, b.Level, b.Icon, b.Bars)
			}
			if !strings.Contains(b.Title, tt.titleHas) || !strings.Contains(b.Verb, tt.verbHas) {
				t.Errorf("title %q verb %q, want %q and %q", b.Title, b.Verb, tt.titleHas, tt.verbHas)
			}
			if (b.Guide == "") != tt.guideEmpty {
				t.Errorf("guide %q", b.Guide)
			}
		})
	}
}

// TestBannerColourBlindSafe: the level must be readable without colour —
// every level has its own icon and verb — and the text must contrast with
// the background (WCAG AA, 4.5:1).
func TestBannerColourBlindSafe(t *testing.T) {
	t.Parallel()
	icons, verbs := map[Icon]bool{}, map[string]bool{}
	for l := uint8(1); l <= 4; l++ {
		for _, lang := range []Lang{ZH, EN} {
			b, ok := BannerFor([3]uint8{l, 0, 0}, lang)
			if !ok {
				t.Fatalf("level %d: no banner", l)
			}
			if r := contrast(b.Back, b.Fore); r < 4.5 {
				t.Errorf("level %d: contrast %.2f < 4.5", l, r)
			}
			verbs[b.Verb] = true
			if lang == ZH {
				icons[b.Icon] = true
			}
		}
	}
	if len(icons) != 4 || len(verbs) != 8 {
		t.Errorf("icons %v verbs %v: each level needs its own", icons, verbs)
	}
}

func contrast(a, b color.RGBA) float64 {
	lum := func(c color.RGBA) float64 {
		f := func(v uint8) float64 {
			x := float64(v) / 255
			if x <= 0.03928 {
				return x / 12.92
			}
			return math.Pow((x+0.055)/1.055, 2.4)
		}
		return 0.2126*f(c.R) + 0.7152*f(c.G) + 0.0722*f(c.B)
	}
	la, lb := lum(a), lum(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func TestCue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		prev, cur [3]uint8
		ok        bool
		beeps     int
	}{
		{[3]uint8{}, [3]uint8{1, 0, 0}, true, 1},
		{[3]uint8{1, 0, 0}, [3]uint8{1, 0, 0}, false, 0},
		{[3]uint8{3, 0, 0}, [3]uint8{2, 0, 0}, false, 0}, // downgrade: silent
		{[3]uint8{3, 0, 0}, [3]uint8{0, 0, 0}, false, 0}, // lifted: silent
		{[3]uint8{1, 0, 0}, [3]uint8{4, 2, 0}, true, 4},  // the biggest raise
		{[3]uint8{0, 0, 2}, [3]uint8{0, 0, 3}, true, 3},
	}
	for _, tt := range tests {
		c, ok := LevelRaised(tt.prev, tt.cur)
		if ok != tt.ok || c.Beeps != tt.beeps {
			t.Errorf("%v → %v: got %+v %v", tt.prev, tt.cur, c, ok)
		}
		if ok && (c.Hz < 200 || c.Hz > 2000) {
			t.Errorf("tone %v Hz not audible range", c.Hz)
		}
	}
}

func TestTonePCM(t *testing.T) {
	t.Parallel()
	const rate = 48000
	for _, c := range []Cue{{1, 440}, {3, 880}, {4, 1100}} {
		pcm := TonePCM(c, rate)
		n := len(pcm) / 4
		if want := int(float64(rate)*(beepSec+gapSec)) * c.Beeps; n != want {
			t.Fatalf("%+v: %d frames, want %d", c, n, want)
		}
		// Count the tones (runs of sound separated by silence) and the
		// zero crossings of the first one (2 per cycle).
		left := func(i int) int16 { return int16(uint16(pcm[4*i]) | uint16(pcm[4*i+1])<<8) }
		tones, sounding, silent := 0, false, 0
		for i := 0; i < n; i++ {
			if left(i) != 0 {
				if !sounding {
					tones++
				}
				sounding, silent = true, 0
			} else if silent++; silent > 100 {
				sounding = false
			}
		}
		if tones != c.Beeps {
			t.Errorf("%+v: %d tones", c, tones)
		}
		cross := 0
		for i := 1; i < int(rate*beepSec); i++ {
			if (left(i-1) < 0) != (left(i) < 0) {
				cross++
			}
		}
		if hz := float64(cross) / 2 / beepSec; math.Abs(hz-c.Hz) > 15 {
			t.Errorf("%+v: measured %.0f Hz", c, hz)
		}
	}
}
