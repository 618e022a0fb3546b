package warning

import (
	"strings"
	"testing"
)

func TestHazardKeys(t *testing.T) {
	t.Parallel()
	for _, h := range Hazards() {
		got, ok := ParseHazard(h.Key())
		if !ok || got != h {
			t.Errorf("ParseHazard(%q) = %v, %v", h.Key(), got, ok)
		}
	}
	if _, ok := ParseHazard("tornado"); ok {
		t.Error("ParseHazard accepted an unknown hazard")
	}
	if _, ok := ParseHazard("none"); ok {
		t.Error("ParseHazard accepted the zero hazard's name")
	}
	want := []string{"rainstorm", "high_temp", "geological"}
	for i, h := range Hazards() {
		if h.Key() != want[i] {
			t.Errorf("hazard %d key %q, want %q (emission order is part of the contract)", i, h.Key(), want[i])
		}
	}
	if got := Hazard(0).Key(); got != "none" {
		t.Errorf("zero hazard key %q", got)
	}
}

func TestLevels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		l            Level
		key, grade   string
		name, action Text
		severity     Text
		capSeverity  string
		rank         int
	}{
		{None, "none", "", Text{ZH: "无", EN: "None"}, Text{ZH: "解除", EN: "all clear"}, Text{ZH: "无", EN: "none"}, "Unknown", 0},
		{Blue, "blue", "Ⅳ", Text{ZH: "蓝色", EN: "Blue"}, Text{ZH: "准备", EN: "get ready"}, Text{ZH: "一般", EN: "general"}, "Minor", 1},
		{Yellow, "yellow", "Ⅲ", Text{ZH: "黄色", EN: "Yellow"}, Text{ZH: "关注", EN: "pay attention"}, Text{ZH: "较重", EN: "relatively serious"}, "Moderate", 2},
		{Orange, "orange", "Ⅱ", Text{ZH: "橙色", EN: "Orange"}, Text{ZH: "规避", EN: "avoid"}, Text{ZH: "严重", EN: "serious"}, "Severe", 3},
		{Red, "red", "Ⅰ", Text{ZH: "红色", EN: "Red"}, Text{ZH: "转移", EN: "evacuate"}, Text{ZH: "特别严重", EN: "extremely serious"}, "Extreme", 4},
	}
	for _, tc := range tests {
		if tc.l.Key() != tc.key || tc.l.String() != tc.key {
			t.Errorf("%d: key %q", tc.rank, tc.l.Key())
		}
		if got, ok := ParseLevel(tc.key); !ok || got != tc.l {
			t.Errorf("ParseLevel(%q) = %v, %v", tc.key, got, ok)
		}
		if tc.l.Grade() != tc.grade || tc.l.Name() != tc.name || tc.l.Action() != tc.action || tc.l.Severity() != tc.severity {
			t.Errorf("%s: grade %q name %v action %v severity %v", tc.key, tc.l.Grade(), tc.l.Name(), tc.l.Action(), tc.l.Severity())
		}
		if tc.l.CAPSeverity() != tc.capSeverity {
			t.Errorf("%s: CAP severity %q, want %q", tc.key, tc.l.CAPSeverity(), tc.capSeverity)
		}
		if int(tc.l) != tc.rank {
			t.Errorf("%s converts to rank %d, want %d", tc.key, int(tc.l), tc.rank)
		}
	}
	if _, ok := ParseLevel("purple"); ok {
		t.Error("ParseLevel accepted purple")
	}
	if Level(9).Key() != "invalid" || Level(9).Valid() {
		t.Error("an out-of-range level must not pass as valid")
	}
}

func TestAllowedAndCAPResponse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		h        Hazard
		l        Level
		allowed  bool
		response string
	}{
		{Rainstorm, None, true, "AllClear"},
		{Rainstorm, Blue, true, "Prepare"},
		{Rainstorm, Yellow, true, "Monitor"},
		{Rainstorm, Orange, true, "Avoid"},
		{Rainstorm, Red, true, "Evacuate"},
		{HighTemp, Blue, false, "Prepare"},
		{HighTemp, Yellow, true, "Monitor"},
		{HighTemp, Red, true, "Shelter"},
		{Geological, Blue, true, "Prepare"},
		{Geological, Red, true, "Evacuate"},
	}
	for _, tc := range tests {
		if got := Allowed(tc.h, tc.l); got != tc.allowed {
			t.Errorf("Allowed(%v, %v) = %v", tc.h, tc.l, got)
		}
		if got := CAPResponse(tc.h, tc.l); got != tc.response {
			t.Errorf("CAPResponse(%v, %v) = %q, want %q", tc.h, tc.l, got, tc.response)
		}
	}
	if Allowed(Hazard(0), Red) || Allowed(Rainstorm, Level(-1)) {
		t.Error("Allowed accepted an invalid hazard or level")
	}
}

func TestGuidesInBothLanguages(t *testing.T) {
	t.Parallel()
	n := 0
	for _, h := range Hazards() {
		for l := None; l <= Red; l++ {
			g, ok := GuideFor(h, l)
			if ok != Allowed(h, l) {
				t.Fatalf("GuideFor(%v, %v) ok=%v, Allowed=%v", h, l, ok, Allowed(h, l))
			}
			if !ok {
				continue
			}
			n++
			title := Title(h, l)
			for name, tx := range map[string]Text{"criteria": g.Criteria, "public": g.Public, "school": g.School, "title": title} {
				if strings.TrimSpace(tx.ZH) == "" || strings.TrimSpace(tx.EN) == "" {
					t.Errorf("%v %v %s: empty text %+v", h, l, name, tx)
				}
			}
			// Two to four sentences for the public and for schools, in both
			// languages.
			for name, tx := range map[string]Text{"public": g.Public, "school": g.School} {
				zh := strings.Count(tx.ZH, "。")
				en := strings.Count(tx.EN, ". ") + 1
				if zh < 2 || zh > 4 || en < 2 || en > 4 {
					t.Errorf("%v %v %s: %d Chinese and %d English sentences, want 2–4", h, l, name, zh, en)
				}
			}
		}
	}
	if n != 14 { // 3 hazards × (None + 4 colours) − high-temperature blue
		t.Fatalf("%d guides, want 14", n)
	}
}

func TestGuidesSayTheKeyThings(t *testing.T) {
	t.Parallel()
	// Spot checks that the guides carry the reference sheet's actions.
	tests := []struct {
		h  Hazard
		l  Level
		zh []string
		en []string
	}{
		{Rainstorm, Red, []string{"停课", "地下室", "下穿通道", "河岸", "高处"}, []string{"basements", "underpasses", "riverbanks", "high ground"}},
		{Rainstorm, Orange, []string{"停课", "山洪", "滑坡"}, []string{"flash floods", "landslides"}},
		{HighTemp, Red, []string{"停止户外露天作业", "老、弱、病、幼", "120"}, []string{"Stop outdoor work", "120"}},
		{HighTemp, Yellow, []string{"午后"}, []string{"afternoon"}},
		{Geological, Red, []string{"转移", "安置点"}, []string{"shelter"}},
		{Geological, Yellow, []string{"裂", "泉水"}, []string{"cracks", "springs"}},
	}
	for _, tc := range tests {
		g, _ := GuideFor(tc.h, tc.l)
		all := g.Public.ZH + g.School.ZH
		for _, s := range tc.zh {
			if !strings.Contains(all, s) {
				t.Errorf("%v %v: Chinese guide lacks %q", tc.h, tc.l, s)
			}
		}
		allEN := g.Public.EN + g.School.EN
		for _, s := range tc.en {
			if !strings.Contains(allEN, s) {
				t.Errorf("%v %v: English guide lacks %q", tc.h, tc.l, s)
			}
		}
	}
}

func TestTitles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		h      Hazard
		l      Level
		zh, en string
	}{
		{Rainstorm, Orange, "暴雨橙色预警信号", "Rainstorm Orange Warning"},
		{HighTemp, Red, "高温红色预警信号", "High Temperature Red Warning"},
		{Geological, Yellow, "地质灾害气象风险黄色预警", "Geological Hazard Risk Yellow Warning"},
		{Rainstorm, None, "暴雨预警信号解除", "Rainstorm Warning Lifted"},
	}
	for _, tc := range tests {
		if got := Title(tc.h, tc.l); got.ZH != tc.zh || got.EN != tc.en {
			t.Errorf("Title(%v, %v) = %+v", tc.h, tc.l, got)
		}
	}
	if got := (Text{ZH: "中", EN: "en"}).In("zh-Hans-CN"); got != "中" {
		t.Errorf("In(zh-Hans-CN) = %q", got)
	}
	if got := (Text{ZH: "中", EN: "en"}).In(""); got != "en" {
		t.Errorf("In(\"\") = %q", got)
	}
}
