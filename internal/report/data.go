// Package report builds the after-action report of a drill: one offline
// HTML file (inline CSS and SVG, images as data URIs, no script) with the
// exercise overview, the timeline of warnings, events and choices, a map
// with every participant's track and the hazard at key moments, the HSEEP
// objective ratings with strengths and areas for improvement, every
// participant's score and breakdown, and the class summary.
//
// Collect re-simulates a drill's input log (the engine is deterministic, so
// the replay is the drill) and gathers what the report needs into Data;
// Render turns Data into HTML with html/template. Neither touches files or
// the network: the command line reads the log and writes the file.
package report

import (
	"github.com/rescuedrill/rescuedrill/internal/walltime"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
)

// Text is a piece of text in zh-CN and English.
type Text = engine.Text

// Data is everything the report shows. It is also what the learning-record
// (xAPI) and CAP exports read, so one re-simulation serves all three.
type Data struct {
	DrillID  string    // server drill ID, or "" for a replay file
	Scenario string    // scenario name as recorded
	Title    Text      // scenario title
	Summary  Text      // scenario summary
	Hazard   string    // flood, landslide, heat
	Start    time.Time // when the drill started (zero when unknown)
	// Times is the wall-clock time of each tick: from the journal's start
	// and resume records when it has them (a paused drill's later events
	// at their true times), else Start + drill time. Set by Collect.
	Times     *walltime.Timeline
	Seed      uint64
	TickHz    int
	Ticks     uint64 // final tick
	FinalHash string
	Staged    []Staged // the staged variables of the exercise

	Participants []Participant
	Events       []Event   // key events in tick order (the timeline)
	Warnings     []Warning // every warning change, in order
	Objectives   []Objective
	Class        Class

	Map     MapView
	Moments []Moment // hazard snapshots at key moments

	// ReplayOK is false when the log had no end record (a drill cut short)
	// and the scores are those of the last tick replayed.
	ReplayOK bool
}

// Staged is one staged variable: what the trainer set for this exercise.
type Staged struct {
	Name  Text
	Value string
}

// Participant is one participant's record.
type Participant struct {
	engine.Result
	Joined      uint64  // tick
	Harmed      bool    // swept, buried or collapsed
	HarmKind    string  // engine status name when harmed
	HarmTick    uint64  // when the harm happened
	HarmWhy     Text    // what happened, where
	SafeTick    uint64  // first tick in a safe place (0 with Safe false)
	Safe        bool    // reached a place of safety
	Decisions   []Event // answers and actions, in order
	Track       []Point // position every TrackEvery ticks, then the last
	FinalStatus string
}

// Point is a position in map metres (x east, y south).
type Point struct{ X, Y float64 }

// Event is one key event of the timeline.
type Event struct {
	Tick  uint64
	Kind  string // engine event kind name
	Who   int32  // participant slot or -1
	NPC   string
	Ref   string
	Level string
	Value float64
	OK    bool
	Text  Text // the event in words
}

// Warning is one change of a hazard's warning as the drill issued it.
type Warning struct {
	Tick   uint64
	Hazard string // rainstorm, high_temp, geological
	Level  string // none, blue, yellow, orange, red
	Prev   string // the level before
	Title  Text
	Guide  Text // criteria
	Public Text // action guide for the public
	School Text // action guide for schools
}

// Objective is one objective over the class: ratings and what went well.
type Objective struct {
	ID       string
	Title    Text
	Ratings  map[string]int // P/S/M/U/- → participants
	Percent  int            // class share of points, 0–100
	Rating   string         // the class rating from Percent
	Strength []Text         // tasks most of the class did well
	Improve  []Text         // tasks many did not, with the commonest reason
}

// Class sums the drill up.
type Class struct {
	Count       int
	Safe        int
	Harmed      int
	MeanScore   float64
	MedianSafeS float64 // median drill seconds from joining to safety, of those who got there
	MaxSafeS    float64
	HarmedList  []Participant
}

// MapView is the map under the tracks.
type MapView struct {
	Title  Text
	Width  float64 // metres
	Height float64
	Places []Place
	Base   string // data URI of the shaded-relief PNG
}

// Place is a named area on the map.
type Place struct {
	ID     string
	Name   Text
	Kind   string
	Safe   bool
	Danger bool
	Rect   []float64 // x0 y0 x1 y1
	Circle []float64 // x y r
}

// Moment is the hazard at one moment of the drill.
type Moment struct {
	Tick    uint64
	Caption Text
	Overlay string  // data URI of a transparent PNG: water or debris
	People  []Point // where everyone was
	Harmed  []bool
}
