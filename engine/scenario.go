package engine

import "github.com/rescuedrill/rescuedrill/engine/text"

// The scenario types are the contract between a trainer's YAML file and the
// engine. They are plain data: package scenarios reads and validates them
// (with file:line:col errors) and generates the JSON Schema from these
// definitions, so every field carries a description a trainer can read in
// their editor.

// Text is a piece of text a person reads, in both languages.
type Text = text.Text

// Scenario is one drill as a trainer writes it.
type Scenario struct {
	ID        string  `json:"id" yaml:"id" jsonschema:"pattern=^[a-z0-9][a-z0-9-]*$,description=Stable identifier: lower case letters digits and dashes"`
	Title     Text    `json:"title" yaml:"title" jsonschema:"description=Title of the drill shown to participants and in reports"`
	Summary   Text    `json:"summary" yaml:"summary" jsonschema:"description=One or two sentences on what happens in the drill"`
	Hazard    string  `json:"hazard" yaml:"hazard" jsonschema:"enum=flood,enum=landslide,enum=heat,description=The main hazard of the drill"`
	TickHz    int     `json:"tick_hz,omitempty" yaml:"tick_hz,omitempty" jsonschema:"minimum=10,maximum=60,default=20,description=Simulation ticks per second (10-60)"`
	TimeScale float64 `json:"time_scale,omitempty" yaml:"time_scale,omitempty" jsonschema:"minimum=1,maximum=120,default=1,description=Hazard seconds per drill second: 10 shows ten minutes of rain in one minute of play"`
	Duration  Seconds `json:"duration" yaml:"duration" jsonschema:"description=How long the drill runs in drill (wall-clock) time such as 15m"`

	Map    MapRef      `json:"map" yaml:"map" jsonschema:"description=The terrain: a built-in map name or grid files"`
	Places []PlaceSpec `json:"places" yaml:"places" jsonschema:"description=Named places: schools shelters underpasses stairs and so on"`
	Spawn  SpawnSpec   `json:"spawn" yaml:"spawn" jsonschema:"description=Where participants start"`

	Flood     *FloodSpec     `json:"flood,omitempty" yaml:"flood,omitempty" jsonschema:"description=Rain and river settings; required when hazard is flood"`
	Landslide *LandslideSpec `json:"landslide,omitempty" yaml:"landslide,omitempty" jsonschema:"description=Rain and soil settings; required when hazard is landslide"`
	Heat      *HeatSpec      `json:"heat,omitempty" yaml:"heat,omitempty" jsonschema:"description=Weather over the drill; required when hazard is heat"`
	Warnings  WarningSpec    `json:"warnings,omitempty" yaml:"warnings,omitempty" jsonschema:"description=Warnings the simulated weather raises by itself"`

	Objects    []ObjectSpec `json:"objects,omitempty" yaml:"objects,omitempty" jsonschema:"description=Things participants act on: power switches water bottles phones"`
	NPCs       []NPCSpec    `json:"npcs,omitempty" yaml:"npcs,omitempty" jsonschema:"description=Non-player characters: a crowd an elderly neighbour a classmate"`
	Injects    []Inject     `json:"injects,omitempty" yaml:"injects,omitempty" jsonschema:"description=The master scenario events list (MSEL): what happens when"`
	Objectives []Objective  `json:"objectives" yaml:"objectives" jsonschema:"description=What the drill trains (HSEEP objectives) and how each is scored"`
	Guide      *GuideSpec   `json:"guide,omitempty" yaml:"guide,omitempty" jsonschema:"description=Hints for the scripted bots: where the right and the wrong choices lead"`
}

// MapRef names the terrain. Name picks a built-in map; the file fields
// point at ESRI ASCII grids relative to the scenario file.
type MapRef struct {
	Name    string `json:"name,omitempty" yaml:"name,omitempty" jsonschema:"description=A built-in map: chongqing flood-district landslide-school heat-school"`
	Elev    string `json:"elevation,omitempty" yaml:"elevation,omitempty" jsonschema:"description=Elevation grid file (.asc or 16-bit .png) relative to this file"`
	LandUse string `json:"land_use,omitempty" yaml:"land_use,omitempty" jsonschema:"description=Land-use class grid (.asc) relative to this file"`
	Soil    string `json:"soil,omitempty" yaml:"soil,omitempty" jsonschema:"description=Soil zone grid (.asc) relative to this file"`
}

// PlaceSpec is a named area. Exactly one of Rect or Circle is given, in
// metres: x grows east, y grows south from the map's north-west corner.
type PlaceSpec struct {
	ID     string    `json:"id" yaml:"id" jsonschema:"pattern=^[a-z0-9][a-z0-9_-]*$"`
	Kind   string    `json:"kind" yaml:"kind" jsonschema:"enum=school,enum=underpass,enum=basement,enum=bridge,enum=stairs,enum=shelter,enum=hilltop,enum=riverbank,enum=road,enum=sports_field,enum=shade,enum=water_station,enum=first_aid,enum=building,enum=assembly,enum=home,enum=park,enum=spring,enum=cool_room,enum=other"`
	Name   Text      `json:"name" yaml:"name"`
	Rect   []float64 `json:"rect,omitempty" yaml:"rect,omitempty" jsonschema:"minItems=4,maxItems=4,description=[x0 y0 x1 y1] in metres"`
	Circle []float64 `json:"circle,omitempty" yaml:"circle,omitempty" jsonschema:"minItems=3,maxItems=3,description=[x y radius] in metres"`
	Safe   bool      `json:"safe,omitempty" yaml:"safe,omitempty" jsonschema:"description=A place of safety for this hazard"`
	Danger bool      `json:"danger,omitempty" yaml:"danger,omitempty" jsonschema:"description=A place to avoid for this hazard (underpass basement riverbank)"`
}

// SpawnSpec says where participants start.
type SpawnSpec struct {
	Place   string  `json:"place" yaml:"place" jsonschema:"description=ID of the place where participants start"`
	Heading float64 `json:"heading_deg,omitempty" yaml:"heading_deg,omitempty" jsonschema:"description=Initial view direction in degrees clockwise from north"`
}

// SeriesPoint is one point of a time series in hazard time.
type SeriesPoint struct {
	At    Seconds `json:"at" yaml:"at" jsonschema:"description=Hazard time such as 0 or 30m or 2h"`
	Value float64 `json:"value" yaml:"value" jsonschema:"description=The value from this time on; linear between points"`
}

// FloodSpec drives the shallow-water model.
type FloodSpec struct {
	InitialLevel float64        `json:"initial_level,omitempty" yaml:"initial_level,omitempty" jsonschema:"description=Water surface (m above datum) that fills river cells at the start"`
	RainMMPerH   []SeriesPoint  `json:"rain_mm_per_h,omitempty" yaml:"rain_mm_per_h,omitempty" jsonschema:"description=Rain intensity in mm/h over hazard time"`
	DrainsMMPerH float64        `json:"drains_mm_per_h,omitempty" yaml:"drains_mm_per_h,omitempty" jsonschema:"minimum=0,description=Capacity of street drains removing water where it stands"`
	Boundaries   []BoundarySpec `json:"boundaries,omitempty" yaml:"boundaries,omitempty" jsonschema:"description=Where water enters or leaves the map at its edges"`
}

// BoundarySpec is a water-level or discharge condition on an edge segment.
type BoundarySpec struct {
	Edge   string        `json:"edge" yaml:"edge" jsonschema:"enum=north,enum=south,enum=east,enum=west"`
	From   int           `json:"from" yaml:"from" jsonschema:"minimum=0,description=First cell along the edge (column for north/south; row for east/west)"`
	To     int           `json:"to" yaml:"to" jsonschema:"minimum=0,description=Last cell along the edge inclusive"`
	Kind   string        `json:"kind" yaml:"kind" jsonschema:"enum=level,enum=discharge,enum=free,description=level: water surface in m; discharge: m³/s into the map; free: water leaves freely"`
	Series []SeriesPoint `json:"series,omitempty" yaml:"series,omitempty" jsonschema:"description=level: water surface in m; discharge: m³/s; over hazard time"`
}

// SoilSpec gives the strength and hydrology of one soil zone.
type SoilSpec struct {
	Zone          int     `json:"zone" yaml:"zone" jsonschema:"minimum=1,maximum=255"`
	CohesionKPa   float64 `json:"cohesion_kpa" yaml:"cohesion_kpa" jsonschema:"minimum=0"`
	FrictionDeg   float64 `json:"friction_deg" yaml:"friction_deg" jsonschema:"exclusiveMinimum=0,maximum=60"`
	UnitWeight    float64 `json:"unit_weight_kn_m3" yaml:"unit_weight_kn_m3" jsonschema:"minimum=10,maximum=30"`
	DepthM        float64 `json:"depth_m" yaml:"depth_m" jsonschema:"exclusiveMinimum=0,maximum=20"`
	KsMMPerH      float64 `json:"ks_mm_per_h" yaml:"ks_mm_per_h" jsonschema:"exclusiveMinimum=0,description=Saturated hydraulic conductivity"`
	InitialSatPct float64 `json:"initial_saturation_pct,omitempty" yaml:"initial_saturation_pct,omitempty" jsonschema:"minimum=0,maximum=100,description=Saturated share of the soil depth at the start: days of rain before the drill"`
}

// LandslideSpec drives the slope-stability model.
type LandslideSpec struct {
	RainMMPerH []SeriesPoint `json:"rain_mm_per_h" yaml:"rain_mm_per_h" jsonschema:"description=Rain intensity in mm/h over hazard time"`
	Soils      []SoilSpec    `json:"soils" yaml:"soils" jsonschema:"description=Strength and hydrology of each soil zone of the map"`
	SlideType  string        `json:"slide_type,omitempty" yaml:"slide_type,omitempty" jsonschema:"enum=translational,enum=debris_flow,enum=earthflow,enum=rockfall,description=Corominas class used for the runout reach"`
	WorstCase  bool          `json:"worst_case_reach,omitempty" yaml:"worst_case_reach,omitempty" jsonschema:"description=Use the 95% limit of the angle of reach (longer runout)"`
}

// HeatSpec gives the weather of a heat drill.
type HeatSpec struct {
	AirTempC    []SeriesPoint `json:"air_temp_c" yaml:"air_temp_c" jsonschema:"description=Air temperature in °C over hazard time"`
	HumidityPct []SeriesPoint `json:"humidity_pct" yaml:"humidity_pct" jsonschema:"description=Relative humidity in % over hazard time"`
	SolarWm2    []SeriesPoint `json:"solar_w_m2,omitempty" yaml:"solar_w_m2,omitempty"`
	WindMS      []SeriesPoint `json:"wind_m_s,omitempty" yaml:"wind_m_s,omitempty"`
	DaysAbove35 int           `json:"days_above_35,omitempty" yaml:"days_above_35,omitempty" jsonschema:"minimum=0,description=Days already at or above 35 °C before the drill (for the yellow high-temperature warning)"`
}

// WarningSpec says which warnings the simulated weather raises by itself.
type WarningSpec struct {
	Auto []string `json:"auto,omitempty" yaml:"auto,omitempty" jsonschema:"enum=rainstorm,enum=high_temp,enum=geological,description=Hazards whose warnings follow the CMA thresholds automatically: rainstorm high_temp geological"`
}

// ObjectSpec is a thing a participant can act on.
type ObjectSpec struct {
	ID    string    `json:"id" yaml:"id"`
	Kind  string    `json:"kind" yaml:"kind" jsonschema:"enum=power_switch,enum=water,enum=phone,enum=belongings,enum=first_aid_kit,enum=alarm"`
	Name  Text      `json:"name" yaml:"name"`
	At    []float64 `json:"at" yaml:"at" jsonschema:"minItems=2,maxItems=2,description=[x y] in metres"`
	Count int       `json:"count,omitempty" yaml:"count,omitempty" jsonschema:"minimum=0,description=How many can be taken (0 = unlimited)"`
}

// NPCSpec places non-player characters.
type NPCSpec struct {
	ID       string  `json:"id" yaml:"id"`
	Kind     string  `json:"kind" yaml:"kind" jsonschema:"enum=crowd,enum=elder,enum=classmate,description=crowd follows others; elder needs help to move; classmate can fall ill in the heat"`
	Name     Text    `json:"name" yaml:"name"`
	Count    int     `json:"count,omitempty" yaml:"count,omitempty" jsonschema:"minimum=1,maximum=100,description=How many (crowd)"`
	Place    string  `json:"place" yaml:"place" jsonschema:"description=Where they start"`
	Lure     string  `json:"lure,omitempty" yaml:"lure,omitempty" jsonschema:"description=Place a crowd drifts toward when nobody leads it (the tempting wrong choice)"`
	Conform  float64 `json:"conformity,omitempty" yaml:"conformity,omitempty" jsonschema:"minimum=0,maximum=1,description=How strongly a crowd copies the people around it"`
	Activity string  `json:"activity,omitempty" yaml:"activity,omitempty" jsonschema:"enum=rest,enum=walk,enum=run,enum=sport"`
}

// Inject is one entry of the master scenario events list.
type Inject struct {
	ID      string      `json:"id" yaml:"id" jsonschema:"pattern=^[a-z0-9][a-z0-9_-]*$,description=Stable ID used by objectives and reports"`
	At      Seconds     `json:"at" yaml:"at" jsonschema:"description=Drill time (wall clock from start) when it fires"`
	Kind    string      `json:"kind" yaml:"kind" jsonschema:"enum=warning,enum=message,enum=prompt"`
	Warning *WarnInject `json:"warning,omitempty" yaml:"warning,omitempty"`
	Message *Text       `json:"message,omitempty" yaml:"message,omitempty"`
	Prompt  *Prompt     `json:"prompt,omitempty" yaml:"prompt,omitempty"`
	Expect  *Text       `json:"expected_action,omitempty" yaml:"expected_action,omitempty" jsonschema:"description=What players are expected to do (for the controller and the report)"`
}

// WarnInject issues a warning by script.
type WarnInject struct {
	Hazard string `json:"hazard" yaml:"hazard" jsonschema:"enum=rainstorm,enum=high_temp,enum=geological"`
	Level  string `json:"level" yaml:"level" jsonschema:"enum=blue,enum=yellow,enum=orange,enum=red,enum=none"`
}

// Prompt is a decision point: a question with options.
type Prompt struct {
	Question Text           `json:"question" yaml:"question"`
	Options  []PromptOption `json:"options" yaml:"options" jsonschema:"minItems=2"`
}

// PromptOption is one answer; Correct marks the right one(s).
type PromptOption struct {
	ID      string `json:"id" yaml:"id"`
	Text    Text   `json:"text" yaml:"text"`
	Correct bool   `json:"correct,omitempty" yaml:"correct,omitempty"`
	Why     *Text  `json:"why,omitempty" yaml:"why,omitempty" jsonschema:"description=Feedback shown after answering"`
}

// Objective groups critical tasks (HSEEP exercise evaluation guide).
type Objective struct {
	ID    string `json:"id" yaml:"id"`
	Title Text   `json:"title" yaml:"title"`
	Tasks []Task `json:"tasks" yaml:"tasks" jsonschema:"minItems=1"`
}

// Task is a critical task with its scoring rule. Which fields apply depends
// on Rule; the loader reports the ones that are missing.
type Task struct {
	ID        string   `json:"id" yaml:"id"`
	Title     Text     `json:"title" yaml:"title"`
	Points    int      `json:"points" yaml:"points" jsonschema:"minimum=1,maximum=100"`
	Rule      string   `json:"rule" yaml:"rule" jsonschema:"enum=reach,enum=avoid_water,enum=avoid_place,enum=notice,enum=action,enum=help,enum=answer,enum=escape_sideways,enum=stay_well,enum=unharmed"`
	After     *Trigger `json:"after,omitempty" yaml:"after,omitempty" jsonschema:"description=When the clock for this task starts (default: drill start)"`
	Within    Seconds  `json:"within,omitempty" yaml:"within,omitempty" jsonschema:"description=Time limit after the trigger (drill time)"`
	Before    *Trigger `json:"before,omitempty" yaml:"before,omitempty" jsonschema:"description=reach / action / help: it must be done before this happens; doing it later scores nothing"`
	Places    []string `json:"places,omitempty" yaml:"places,omitempty" jsonschema:"description=reach / avoid_place: place IDs"`
	Action    string   `json:"action,omitempty" yaml:"action,omitempty" jsonschema:"enum=switch_off_power,enum=take_water,enum=drink,enum=call_120,enum=report_hazard,enum=help,enum=give_water,enum=move_to_shade,enum=rest,description=action / help: the action required"`
	Target    string   `json:"target,omitempty" yaml:"target,omitempty" jsonschema:"description=help: NPC ID; action: object ID (optional)"`
	Prompt    string   `json:"prompt,omitempty" yaml:"prompt,omitempty" jsonschema:"description=answer: inject ID of the prompt"`
	MaxHazard string   `json:"max_hazard,omitempty" yaml:"max_hazard,omitempty" jsonschema:"enum=low,enum=danger_for_some,enum=danger_for_most,description=avoid_water: highest FD2321 class allowed"`
	Cue       string   `json:"cue,omitempty" yaml:"cue,omitempty" jsonschema:"enum=any,enum=crack,enum=muddy_spring,enum=tilting_trees,enum=rumbling,enum=small_rockfall,enum=bulging_toe,enum=symptom,description=notice: which cue"`
}

// Trigger starts a task's clock: a warning colour, an inject, or an event.
type Trigger struct {
	Warning string `json:"warning,omitempty" yaml:"warning,omitempty" jsonschema:"enum=blue,enum=yellow,enum=orange,enum=red,description=The first warning of at least this colour"`
	Inject  string `json:"inject,omitempty" yaml:"inject,omitempty" jsonschema:"description=An inject ID"`
	Event   string `json:"event,omitempty" yaml:"event,omitempty" jsonschema:"enum=slide_started,enum=cue_appeared,enum=npc_collapsed,enum=npc_symptoms,description=The first event of this kind"`
}

// GuideSpec tells scripted bots what the right and wrong choices are, so
// the same bot code plays every scenario.
type GuideSpec struct {
	Refuge  []string `json:"refuge" yaml:"refuge" jsonschema:"description=Safe places the good bot heads for"`
	Trap    []string `json:"trap,omitempty" yaml:"trap,omitempty" jsonschema:"description=Places the naive bot heads for (basement underpass downhill road)"`
	GoAt    string   `json:"go_at,omitempty" yaml:"go_at,omitempty" jsonschema:"enum=blue,enum=yellow,enum=orange,enum=red,enum=cue,enum=start,description=When the good bot leaves for refuge"`
	Prepare []string `json:"prepare,omitempty" yaml:"prepare,omitempty" jsonschema:"description=Object IDs the good bot acts on first (power switch water)"`
}

// DefaultTickHz is the tick rate of a scenario that does not set tick_hz.
const DefaultTickHz = 20

// Hz is the scenario's tick rate, with the default applied: the one place
// that decides it, for the world, replay headers and the server alike.
func (s *Scenario) Hz() int {
	if s.TickHz == 0 {
		return DefaultTickHz
	}
	return s.TickHz
}
