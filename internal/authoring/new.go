// Package authoring holds the trainer's tools for writing scenarios:
// New writes a commented starting scenario for a hazard (on a built-in map
// or on the trainer's own elevation grid), and Check validates a scenario
// and dry-runs it with good and naive bots to find what validation cannot
// see — places nobody can reach, objectives that are never scored,
// hazards that never touch anyone. `drill new` and `drill check` are thin
// wrappers around them.
package authoring

import (
	"bytes"
	"embed"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"text/template"

	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

// The templates are compiled in so `drill new` works from a bare binary.
// They are not *.yaml at the top of scenarios/, which would make them
// built-in scenarios.
//
//go:embed templates/*.yaml.tmpl
var templateFS embed.FS

// Hazards are the hazards New has a template for.
var Hazards = []string{"flood", "landslide", "heat"}

// NewOptions says what scenario to write.
type NewOptions struct {
	Hazard string // flood, landslide or heat
	ID     string // the scenario's id: lower case, digits and '-'
	// Elevation is the trainer's own elevation grid; nil uses the hazard's
	// built-in map. ElevationPath is how the scenario file refers to it:
	// relative to the scenario's folder, '/'-separated.
	Elevation     *terrain.Grid
	ElevationPath string
	// SchemaPath is the path from the scenario's folder to the JSON schema,
	// for the editor modeline; "" leaves the modeline out (validate then
	// warns).
	SchemaPath string
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// ScenarioID turns a file name into a scenario id: lower case, runs of
// anything else to '-'. It returns "" when nothing usable is left.
func ScenarioID(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-")
}

// place is one generated place: a rectangle in scenario metres.
type place struct{ X0, Y0, X1, Y1 float64 }

func (p place) String() string {
	return fmt.Sprintf("[%s, %s, %s, %s]", num(p.X0), num(p.Y0), num(p.X1), num(p.Y1))
}

func num(v float64) string { return fmt.Sprintf("%g", math.Round(v*10)/10) }

// boundary is one water-level boundary segment, inclusive cells.
type boundary struct {
	Edge     string
	From, To int
}

// tmplData fills a template. Start, Safe and Low are the three places every
// template has: where people start, the place of safety, and the tempting
// low or dangerous place (the trap).
type tmplData struct {
	ID, SchemaPath string
	Custom         bool
	MapFile        string // the elevation grid, when Custom
	MapName        string // the built-in map, when not Custom
	Start          place
	Safe           place
	Low            place
	StartElev      string // metres, for comments
	SafeElev       string
	LowElev        string
	Boundaries     []boundary
	Levels         [4]string // river stage at 0, 30m, 60m, 90m of hazard time
	WaterX, WaterY string    // the water station (heat) or power switch (flood) position
	Stairs         *place    // flood-district's public stairs
}

// builtin holds the fixed places for a hazard's built-in map: the same
// ones the built-in scenarios use, from assets/maps/README.md.
var builtin = map[string]tmplData{
	"flood": {MapName: "flood-district",
		Start: place{250, 470, 400, 490}, Safe: place{440, 110, 520, 150}, Low: place{330, 335, 450, 345},
		StartElev: "166.6", SafeElev: "190", LowElev: "171",
		Boundaries: []boundary{{"south", 0, 159}, {"west", 105, 118}, {"east", 0, 118}, {"north", 145, 158}},
		Levels:     [4]string{"165.5", "167", "171", "174.5"},
		WaterX:     "357", WaterY: "471",
		Stairs: &place{300, 215, 315, 245}},
	"landslide": {MapName: "landslide-school",
		Start: place{196, 308, 316, 340}, Safe: place{66, 280, 114, 320}, Low: place{248, 345, 260, 512},
		StartElev: "158.9", SafeElev: "173.3", LowElev: "141"},
	"heat": {MapName: "heat-school",
		Start: place{58, 96, 142, 106}, Safe: place{60, 108, 140, 118}, Low: place{146, 108, 154, 116},
		StartElev: "300", SafeElev: "300", LowElev: "300",
		WaterX: "150", WaterY: "112"},
}

// New renders a starting scenario. It refuses an unknown hazard or an id
// the scenario format would refuse, so what it writes always validates.
func New(o NewOptions) ([]byte, error) {
	if !slices.Contains(Hazards, o.Hazard) {
		return nil, fmt.Errorf("no template for hazard %q: use one of %s", o.Hazard, strings.Join(Hazards, ", "))
	}
	if !idPattern.MatchString(o.ID) {
		return nil, fmt.Errorf("scenario id %q: use lower-case letters, digits and '-', starting with a letter or digit", o.ID)
	}
	d := builtin[o.Hazard]
	if o.Elevation != nil {
		if o.ElevationPath == "" {
			return nil, fmt.Errorf("an elevation grid needs the path the scenario refers to it by")
		}
		var err error
		if d, err = fromGrid(o.Hazard, o.Elevation); err != nil {
			return nil, err
		}
		d.Custom, d.MapFile = true, o.ElevationPath
	}
	d.ID, d.SchemaPath = o.ID, o.SchemaPath
	t, err := template.ParseFS(templateFS, "templates/"+o.Hazard+".yaml.tmpl")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
