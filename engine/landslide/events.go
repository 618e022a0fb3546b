package landslide

import "fmt"

// EventKind says what an Event reports.
type EventKind uint8

const (
	// CueAppeared: a precursor sign shows for the first time on a cluster.
	CueAppeared EventKind = iota
	// CueIntensified: a sign already shown grew by a quarter of its range.
	CueIntensified
	// SlideStarted: a cluster failed; Cell is the head (crown) of the slide.
	SlideStarted
	// DebrisReached: the runout front reached Cell; Intensity is the
	// depth (m) the debris leaves there.
	DebrisReached
	// SlideStopped: the front came to rest; Cell is the last path cell.
	SlideStopped
	numEventKinds
)

var eventKindNames = [numEventKinds]string{
	"cue-appeared", "cue-intensified", "slide-started", "debris-reached", "slide-stopped",
}

func (k EventKind) String() string {
	if k < numEventKinds {
		return eventKindNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// Event is one thing that happened during Advance.
type Event struct {
	Kind EventKind
	Cell int
	X, Y float64 // centre of Cell, metres (x east, y south)
	// Slide is the ID of the slide (>= 1) for slide events, 0 for cues.
	Slide int
	Cue   CueKind // for cue events only
	// Intensity is 0–1 for cues (how far the cluster is from the cue's
	// threshold towards failure), debris depth (m) for DebrisReached, and
	// 0 otherwise.
	Intensity float64
	// T is the hazard time (s since New) at the end of the sub-step in
	// which the event happened. Cues of a sub-step come before its slides.
	T float64
}

// CueKind is a precursor sign of a landslide (USGS; Chinese MNR guidance).
type CueKind uint8

const (
	// Crack: arc-shaped cracks that open and widen at the crown.
	Crack CueKind = iota
	// MuddySpring: a new spring at the toe, or a spring suddenly muddy.
	MuddySpring
	// TiltingTrees: trees, poles and fences tilt where the mass creeps most.
	TiltingTrees
	// Rumbling: a rumbling from the slope that grows louder.
	Rumbling
	// SmallRockfall: stones and clods keep dropping from the steepest face.
	SmallRockfall
	// BulgingToe: the toe of the slope heaves and bulges.
	BulgingToe
	// NumCues is the number of cue kinds.
	NumCues
)

var cueText = [NumCues]struct{ id, en, enDesc, zh, zhDesc string }{
	Crack: {"crack", "Arc-shaped cracks",
		"Arc-shaped cracks open at the top of the slope and keep widening",
		"弧形裂缝", "坡体后缘出现弧形裂缝，并不断加宽"},
	MuddySpring: {"muddy-spring", "Muddy spring",
		"A new spring appears at the foot of the slope, or a spring suddenly turns muddy",
		"泉水变浑", "坡脚冒出新泉眼，或泉水突然变浑浊"},
	TiltingTrees: {"tilting-trees", "Tilting trees and poles",
		"Trees, poles and fences on the slope start to tilt",
		"树木电杆歪斜", "坡上树木、电线杆、围墙发生歪斜"},
	Rumbling: {"rumbling", "Rumbling",
		"A rumbling from inside the slope that grows louder",
		"山体异响", "坡体内传出隆隆声，并越来越响"},
	SmallRockfall: {"small-rockfall", "Small rockfalls",
		"Small stones and clods keep falling from the slope",
		"零星掉块", "坡面不断有小石块、土块滚落"},
	BulgingToe: {"bulging-toe", "Bulging toe",
		"The ground at the foot of the slope bulges and heaves",
		"坡脚鼓胀", "坡脚土体隆起、鼓胀"},
}

// String returns a stable identifier such as "muddy-spring".
func (k CueKind) String() string {
	if k < NumCues {
		return cueText[k].id
	}
	return fmt.Sprintf("CueKind(%d)", uint8(k))
}

// Name returns a short name for display: Chinese for lang "zh" or "zh-CN"
// (and other "zh-" tags), English otherwise.
func (k CueKind) Name(lang string) string {
	if k >= NumCues {
		return k.String()
	}
	if isZh(lang) {
		return cueText[k].zh
	}
	return cueText[k].en
}

// Description returns one sentence telling what a person sees or hears.
func (k CueKind) Description(lang string) string {
	if k >= NumCues {
		return k.String()
	}
	if isZh(lang) {
		return cueText[k].zhDesc
	}
	return cueText[k].enDesc
}

func isZh(lang string) bool {
	return lang == "zh" || (len(lang) > 3 && (lang[:3] == "zh-" || lang[:3] == "zh_"))
}
