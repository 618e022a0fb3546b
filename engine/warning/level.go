// Package warning issues China Meteorological Administration (CMA)
// four-colour warnings in a drill: rainstorm (暴雨), high temperature (高温)
// and geological-hazard risk (地质灾害气象风险). Trackers turn the simulated
// weather into the level its thresholds call for; the Issuer merges those
// with scripted injects and emits a Warning whenever a hazard's level
// changes. Every level carries the action guide the project's source article
// asks for: blue = get ready, yellow = pay attention, orange = avoid,
// red = evacuate, with concrete steps for the public and for schools in
// Chinese and English, and the CAP 1.2 severity and response type.
//
// Like the rest of the engine the package is deterministic: no clocks, no
// maps, fixed-resolution ring buffers, hazards always in the same order.
package warning

import "github.com/rescuedrill/rescuedrill/engine/text"

// Text is one message in the two languages the drills ship with.
type Text = text.Text

// Hazard is what a warning is about. The zero value is no hazard; the order
// of the constants is the order warnings are emitted in when several change
// at once.
type Hazard int

const (
	Rainstorm  Hazard = iota + 1 // 暴雨
	HighTemp                     // 高温
	Geological                   // 地质灾害气象风险
)

// numHazards sizes the per-hazard arrays, indexed by Hazard−1.
const numHazards = 3

// Hazards returns every hazard in emission order.
func Hazards() []Hazard { return []Hazard{Rainstorm, HighTemp, Geological} }

var hazardKeys = [...]string{"", "rainstorm", "high_temp", "geological"}

// Valid reports whether h is one of the three hazards.
func (h Hazard) Valid() bool { return h >= Rainstorm && h <= Geological }

// Key is the hazard's name in scenario files and events.
func (h Hazard) Key() string {
	if !h.Valid() {
		return "none"
	}
	return hazardKeys[h]
}

func (h Hazard) String() string { return h.Key() }

// ParseHazard reads a Key.
func ParseHazard(s string) (Hazard, bool) {
	for _, h := range Hazards() {
		if hazardKeys[h] == s {
			return h, true
		}
	}
	return 0, false
}

// Name is the hazard's name as a warning signal uses it.
func (h Hazard) Name() Text {
	switch h {
	case Rainstorm:
		return Text{ZH: "暴雨", EN: "Rainstorm"}
	case HighTemp:
		return Text{ZH: "高温", EN: "High Temperature"}
	case Geological:
		return Text{ZH: "地质灾害气象风险", EN: "Geological Hazard Risk"}
	}
	return Text{ZH: "无", EN: "None"}
}

// Level is a warning colour. None means no warning is in force: a change to
// None is the all-clear. Levels compare by severity, None < Blue < … < Red,
// and convert to the colour rank 0–4.
type Level int

const (
	None   Level = iota
	Blue         // Ⅳ 一般 — get ready
	Yellow       // Ⅲ 较重 — pay attention
	Orange       // Ⅱ 严重 — avoid
	Red          // Ⅰ 特别严重 — evacuate
)

var levelKeys = [...]string{"none", "blue", "yellow", "orange", "red"}

// Valid reports whether l is None or one of the four colours.
func (l Level) Valid() bool { return l >= None && l <= Red }

// Key is the level's name in scenario files and events.
func (l Level) Key() string {
	if !l.Valid() {
		return "invalid"
	}
	return levelKeys[l]
}

func (l Level) String() string { return l.Key() }

// ParseLevel reads a Key.
func ParseLevel(s string) (Level, bool) {
	for l := None; l <= Red; l++ {
		if levelKeys[l] == s {
			return l, true
		}
	}
	return None, false
}

// Allowed reports whether hazard h has a signal of level l. Every hazard
// can be at None; high temperature has no blue signal. Geological blue
// (level 4) exists but is not issued to the public (see Warning.Public).
func Allowed(h Hazard, l Level) bool {
	if !h.Valid() || !l.Valid() {
		return false
	}
	return !(h == HighTemp && l == Blue)
}

// Name is the colour.
func (l Level) Name() Text {
	switch l {
	case Blue:
		return Text{ZH: "蓝色", EN: "Blue"}
	case Yellow:
		return Text{ZH: "黄色", EN: "Yellow"}
	case Orange:
		return Text{ZH: "橙色", EN: "Orange"}
	case Red:
		return Text{ZH: "红色", EN: "Red"}
	}
	return Text{ZH: "无", EN: "None"}
}

// Grade is the roman-numeral grade of the CMA scale, Ⅳ (blue) to Ⅰ (red);
// empty for None.
func (l Level) Grade() string {
	switch l {
	case Blue:
		return "Ⅳ"
	case Yellow:
		return "Ⅲ"
	case Orange:
		return "Ⅱ"
	case Red:
		return "Ⅰ"
	}
	return ""
}

// Severity is the CMA grade word.
func (l Level) Severity() Text {
	switch l {
	case Blue:
		return Text{ZH: "一般", EN: "general"}
	case Yellow:
		return Text{ZH: "较重", EN: "relatively serious"}
	case Orange:
		return Text{ZH: "严重", EN: "serious"}
	case Red:
		return Text{ZH: "特别严重", EN: "extremely serious"}
	}
	return Text{ZH: "无", EN: "none"}
}

// Action is the one word the project's source article gives each colour
// (blue 准备, yellow 关注, orange 规避, red 转移); None is the all-clear.
func (l Level) Action() Text {
	switch l {
	case Blue:
		return Text{ZH: "准备", EN: "get ready"}
	case Yellow:
		return Text{ZH: "关注", EN: "pay attention"}
	case Orange:
		return Text{ZH: "规避", EN: "avoid"}
	case Red:
		return Text{ZH: "转移", EN: "evacuate"}
	}
	return Text{ZH: "解除", EN: "all clear"}
}

// CAPSeverity is the OASIS CAP 1.2 <severity> as colours are commonly
// mapped: red Extreme, orange Severe, yellow Moderate, blue Minor. (The
// reference sheet marks this mapping unverified against an official CMA
// document.) None maps to "Unknown", which CAP allows.
func (l Level) CAPSeverity() string {
	switch l {
	case Blue:
		return "Minor"
	case Yellow:
		return "Moderate"
	case Orange:
		return "Severe"
	case Red:
		return "Extreme"
	}
	return "Unknown"
}

// CAPResponse is the CAP 1.2 <responseType> for hazard h at level l,
// following the four action words: Prepare, Monitor, Avoid, Evacuate, and
// AllClear for None. Heat is the exception at red, where the action is to
// stay in cool shelter rather than to leave an area: Shelter.
func CAPResponse(h Hazard, l Level) string {
	switch l {
	case None:
		return "AllClear"
	case Blue:
		return "Prepare"
	case Yellow:
		return "Monitor"
	case Orange:
		return "Avoid"
	case Red:
		if h == HighTemp {
			return "Shelter"
		}
		return "Evacuate"
	}
	return "None"
}
