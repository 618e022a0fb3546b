package heat

import "testing"

func TestActivityAdviceBands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		wbgt float64
		want Level
	}{
		{10, LevelNormal},
		{27.8, LevelNormal},
		{27.84, LevelNormal}, // shows as 27.8
		{27.85, LevelLimitIntense},
		{27.9, LevelLimitIntense},
		{30.0, LevelLimitIntense},
		{30.04, LevelLimitIntense},
		{30.1, LevelCancelUnacclimatised},
		{32.2, LevelCancelUnacclimatised},
		{32.24, LevelCancelUnacclimatised},
		{32.25, LevelCancelAll},
		{32.3, LevelCancelAll},
		{40, LevelCancelAll},
	}
	for _, tc := range tests {
		if got := ActivityAdvice(tc.wbgt); got != tc.want {
			t.Errorf("ActivityAdvice(%v) = %v, want %v", tc.wbgt, got, tc.want)
		}
	}
}

func TestTextsInBothLanguages(t *testing.T) {
	t.Parallel()
	var texts []Text
	for l := LevelNormal; l <= LevelCancelAll; l++ {
		texts = append(texts, l.Text())
	}
	for s := StageNormal; s <= StageCollapsed; s++ {
		texts = append(texts, s.Text(), s.FirstAid())
	}
	for s := SymptomSweatingHeavily; s <= SymptomCollapsed; s++ {
		texts = append(texts, s.Text())
	}
	for a := Rest; a <= Run; a++ {
		texts = append(texts, a.Text())
	}
	for c := NoCooling; c <= ColdWater; c++ {
		texts = append(texts, c.Text())
	}
	seen := map[string]bool{}
	for i, tx := range texts {
		if tx.ZH == "" || tx.EN == "" || tx.ZH == "未知" {
			t.Errorf("text %d missing a language: %+v", i, tx)
		}
		if seen[tx.EN] && tx.EN != (StageHeatStroke.FirstAid()).EN {
			t.Errorf("text %d repeats %q", i, tx.EN)
		}
		seen[tx.EN] = true
	}
	if got := (Text{ZH: "中", EN: "en"}).In("zh-CN"); got != "中" {
		t.Errorf("In(zh-CN) = %q", got)
	}
	if got := (Text{ZH: "中", EN: "en"}).In("en-GB"); got != "en" {
		t.Errorf("In(en-GB) = %q", got)
	}
}

func TestStringsAreStable(t *testing.T) {
	t.Parallel()
	// These names go into logs and replay transcripts.
	tests := []struct{ got, want string }{
		{LevelCancelAll.String(), "cancel-all"},
		{StageHeatStroke.String(), "heat-stroke"},
		{SymptomHotDrySkin.String(), "hot-dry-skin"},
		{Level(99).String(), "Level(?)"},
		{Stage(-1).String(), "Stage(?)"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
