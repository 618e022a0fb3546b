package view

import (
	"image/color"

	"github.com/rescuedrill/rescuedrill/engine/warning"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// Icon is the shape drawn beside the banner text. Each level has its own
// shape and its own number of bars, so a pupil who cannot tell the colours
// apart still reads the level (colour is never the only signal).
type Icon int

const (
	IconCircle   Icon = iota + 1 // blue: an "i" in a circle — get ready
	IconTriangle                 // yellow: "!" in a triangle — pay attention
	IconDiamond                  // orange: "!!" in a diamond — avoid
	IconOctagon                  // red: an arrow out of an octagon — evacuate
)

// Banner is the warning banner as the play scene draws it.
type Banner struct {
	Hazard  uint8 // 1 rainstorm, 2 high_temp, 3 geological
	Level   uint8 // 1 blue … 4 red
	Bars    int   // 1…4, drawn as a level meter beside the icon
	Icon    Icon
	Back    color.RGBA // banner background
	Fore    color.RGBA // text and icon colour on Back
	Title   string     // "暴雨红色预警信号" / "Rainstorm Red Warning"
	Verb    string     // the action word of the level: 转移 / EVACUATE
	Guide   string     // what everyone should do (the CMA action guide)
	Colours string     // the four-colour rule, always shown small
}

// levelStyle is the look of one level. The yellow and orange banners carry
// black text and the blue and red ones white: every pair has a WCAG
// contrast ratio of at least 4.5 (TestBannerContrast).
var levelStyle = [5]struct {
	back, fore color.RGBA
	icon       Icon
	verb       wire.Text
}{
	1: {color.RGBA{0x00, 0x4c, 0xb0, 0xff}, color.RGBA{0xff, 0xff, 0xff, 0xff}, IconCircle, wire.Text{ZH: "蓝色·准备", EN: "BLUE · GET READY"}},
	2: {color.RGBA{0xf5, 0xcc, 0x00, 0xff}, color.RGBA{0x10, 0x10, 0x10, 0xff}, IconTriangle, wire.Text{ZH: "黄色·关注", EN: "YELLOW · PAY ATTENTION"}},
	3: {color.RGBA{0xf0, 0x7a, 0x00, 0xff}, color.RGBA{0x10, 0x10, 0x10, 0xff}, IconDiamond, wire.Text{ZH: "橙色·规避", EN: "ORANGE · AVOID"}},
	4: {color.RGBA{0xc0, 0x00, 0x10, 0xff}, color.RGBA{0xff, 0xff, 0xff, 0xff}, IconOctagon, wire.Text{ZH: "红色·转移", EN: "RED · EVACUATE"}},
}

// BannerFor returns the banner for the warnings in force (the snapshot
// globals, level per hazard): the highest level wins, and on a tie the
// first hazard in the CMA order. ok is false when no warning is in force.
func BannerFor(levels [3]uint8, lang Lang) (b Banner, ok bool) {
	for i, l := range levels {
		if l >= 1 && l <= 4 && l > b.Level {
			b.Hazard, b.Level = uint8(i+1), l
		}
	}
	if b.Level == 0 {
		return Banner{}, false
	}
	st := levelStyle[b.Level]
	h, lv := warning.Hazard(b.Hazard), warning.Level(b.Level)
	b.Bars, b.Icon, b.Back, b.Fore = int(b.Level), st.icon, st.back, st.fore
	t := warning.Title(h, lv)
	b.Title = lang.Two(t.ZH, t.EN)
	b.Verb = lang.Pick(st.verb)
	if g, ok := warning.GuideFor(h, lv); ok {
		b.Guide = lang.Two(g.Public.ZH, g.Public.EN)
	}
	b.Colours = lang.Two("蓝色准备 · 黄色关注 · 橙色规避 · 红色转移", "blue get ready · yellow pay attention · orange avoid · red evacuate")
	return b, true
}

// Cue is the sound played when a warning is raised: Beeps short tones of
// Hz, more and higher the more severe the level, so the level can be told
// by ear too.
type Cue struct {
	Beeps int
	Hz    float64
}

// CueFor returns the cue for a change of a hazard's level from prev to
// level; ok is false when nothing should sound (a downgrade or a lift: a
// pupil should not learn that a beep can mean "relax").
func CueFor(prev, level uint8) (Cue, bool) {
	if level <= prev || level < 1 || level > 4 {
		return Cue{}, false
	}
	return Cue{Beeps: int(level), Hz: 440 + 220*float64(level-1)}, true
}

// LevelRaised compares the levels of two snapshots' globals and returns the
// largest raise (for the sound cue), or ok false.
func LevelRaised(prev, cur [3]uint8) (Cue, bool) {
	var best Cue
	found := false
	for i := range cur {
		if c, ok := CueFor(prev[i], cur[i]); ok && (!found || c.Beeps > best.Beeps) {
			best, found = c, true
		}
	}
	return best, found
}
