// Package cap writes and reads OASIS Common Alerting Protocol 1.2 alerts
// for drills: every warning a drill issues becomes an alert with
// status=Exercise (so no system that receives one mistakes it for a real
// warning), with info blocks in zh-CN and English carrying the CMA colour's
// urgency, severity and certainty, the action guide as the instruction, and
// the drill map as the area. A CAP file can also be fed into a drill as a
// warning inject (WarningOf).
//
// Validate checks a document against the CAP 1.2 schema's structure
// (element order and cardinality, enumerations, the date-time pattern) and
// the specification's further rules; see validate.go for what it covers.
package cap

import (
	"encoding/xml"
	"fmt"
	"github.com/rescuedrill/rescuedrill/internal/walltime"
	"math"
	"strings"
	"time"

	"github.com/rescuedrill/rescuedrill/engine/text"
	"github.com/rescuedrill/rescuedrill/engine/warning"
)

// Namespace is CAP 1.2's XML namespace.
const Namespace = "urn:oasis:names:tc:emergency:cap:1.2"

// Alert is a CAP 1.2 <alert>, fields in the schema's order.
type Alert struct {
	XMLName     xml.Name `xml:"urn:oasis:names:tc:emergency:cap:1.2 alert"`
	Identifier  string   `xml:"identifier"`
	Sender      string   `xml:"sender"`
	Sent        string   `xml:"sent"`
	Status      string   `xml:"status"`
	MsgType     string   `xml:"msgType"`
	Source      string   `xml:"source,omitempty"`
	Scope       string   `xml:"scope"`
	Restriction string   `xml:"restriction,omitempty"`
	Addresses   string   `xml:"addresses,omitempty"`
	Code        []string `xml:"code"`
	Note        string   `xml:"note,omitempty"`
	References  string   `xml:"references,omitempty"`
	Incidents   string   `xml:"incidents,omitempty"`
	Info        []Info   `xml:"info"`
}

// Info is one <info> block: the alert in one language.
type Info struct {
	Language     string   `xml:"language,omitempty"`
	Category     []string `xml:"category"`
	Event        string   `xml:"event"`
	ResponseType []string `xml:"responseType"`
	Urgency      string   `xml:"urgency"`
	Severity     string   `xml:"severity"`
	Certainty    string   `xml:"certainty"`
	Audience     string   `xml:"audience,omitempty"`
	EventCode    []Value  `xml:"eventCode"`
	Effective    string   `xml:"effective,omitempty"`
	Onset        string   `xml:"onset,omitempty"`
	Expires      string   `xml:"expires,omitempty"`
	SenderName   string   `xml:"senderName,omitempty"`
	Headline     string   `xml:"headline,omitempty"`
	Description  string   `xml:"description,omitempty"`
	Instruction  string   `xml:"instruction,omitempty"`
	Web          string   `xml:"web,omitempty"`
	Contact      string   `xml:"contact,omitempty"`
	Parameter    []Value  `xml:"parameter"`
	Area         []Area   `xml:"area"`
}

// Value is a valueName/value pair (eventCode, parameter, geocode).
type Value struct {
	ValueName string `xml:"valueName"`
	Value     string `xml:"value"`
}

// Area is an <area>: a description and its shapes in WGS 84.
type Area struct {
	AreaDesc string   `xml:"areaDesc"`
	Polygon  []string `xml:"polygon"`
	Circle   []string `xml:"circle"`
	Geocode  []Value  `xml:"geocode"`
	Altitude string   `xml:"altitude,omitempty"`
	Ceiling  string   `xml:"ceiling,omitempty"`
}

// Parameter names this package writes, and WarningOf reads back first.
const (
	ParamHazard = "RescueDrill.hazard" // rainstorm, high_temp, geological
	ParamLevel  = "RescueDrill.level"  // none, blue, yellow, orange, red
	ParamGrade  = "CMA.grade"          // Ⅳ … Ⅰ
)

// Exercise is what an export needs to know about the drill.
type Exercise struct {
	Key    string // the drill's ID (or a replay's identity); goes into identifiers
	Sender string // <sender>: no spaces, commas, < or &
	Start  time.Time
	TickHz int
	// Times, when set, gives each tick's wall-clock time with the drill's
	// pauses counted (from the journal); without it sent is Start plus
	// drill time, early by any pause before it.
	Times *walltime.Timeline
	Title text.Text // the scenario's title: the area's description
	// Origin is the WGS 84 latitude and longitude of the map's north-west
	// corner. Drill maps are in local metres; the area is placed here.
	OriginLat, OriginLon float64
	Width, Height        float64 // the map's extent in metres
	Danger               []Circle
}

// Circle is a place on the map to avoid: centre in map metres, radius in
// metres.
type Circle struct {
	Name    text.Text
	X, Y, R float64
}

// Issued is one warning change as the drill issued it.
type Issued struct {
	Tick   uint64
	Hazard string // rainstorm, high_temp, geological
	Level  string // none, blue … red
}

// timeFormat is CAP's date-time: no fractional seconds, a numeric offset
// ("Z" is not allowed).
const timeFormat = "2006-01-02T15:04:05-07:00"

// chinaTime is UTC+8, the time zone of the CMA warnings the drills model.
var chinaTime = time.FixedZone("CST", 8*3600)

func (ex *Exercise) at(tick uint64) string {
	if ex.Times == nil {
		ex.Times = walltime.FromStart(ex.Start, ex.TickHz)
	}
	return ex.Times.At(tick).In(chinaTime).Format(timeFormat)
}

// latLon turns map metres (x east, y south of the north-west corner) into
// WGS 84 degrees on a local tangent plane: metres per degree of latitude
// 111 320, of longitude 111 320·cos φ. Drill maps are a few kilometres
// across, where this is good to a metre.
func (ex *Exercise) latLon(x, y float64) (float64, float64) {
	lat := ex.OriginLat - y/111320
	lon := ex.OriginLon + x/(111320*math.Cos(ex.OriginLat*math.Pi/180))
	return lat, lon
}

func pair(lat, lon float64) string { return fmt.Sprintf("%.5f,%.5f", lat, lon) }

// areas is the drill map as a polygon, and the places to avoid as circles.
func (ex *Exercise) areas(lang string) []Area {
	var corners []string
	for _, c := range [][2]float64{{0, 0}, {ex.Width, 0}, {ex.Width, ex.Height}, {0, ex.Height}, {0, 0}} {
		corners = append(corners, pair(ex.latLon(c[0], c[1])))
	}
	out := []Area{{AreaDesc: ex.Title.In(lang), Polygon: []string{strings.Join(corners, " ")}}}
	if len(ex.Danger) > 0 {
		a := Area{AreaDesc: text.Text{ZH: "需避开的地点", EN: "Places to avoid"}.In(lang)}
		var names []string
		for _, d := range ex.Danger {
			lat, lon := ex.latLon(d.X, d.Y)
			a.Circle = append(a.Circle, fmt.Sprintf("%s %.3f", pair(lat, lon), d.R/1000))
			names = append(names, d.Name.In(lang))
		}
		sep, colon := ", ", ": "
		if strings.HasPrefix(lang, "zh") {
			sep, colon = "、", "："
		}
		a.AreaDesc += colon + strings.Join(names, sep)
		out = append(out, a)
	}
	return out
}

// Urgency, certainty and category for a warning. Severity and the
// response type come from package warning (CAPSeverity, CAPResponse).
func urgency(l warning.Level) string {
	switch l {
	case warning.Red, warning.Orange:
		return "Immediate"
	case warning.Yellow:
		return "Expected"
	case warning.Blue:
		return "Future"
	}
	return "Past"
}

func certainty(l warning.Level) string {
	switch l {
	case warning.Red:
		return "Observed"
	case warning.Orange, warning.Yellow:
		return "Likely"
	case warning.Blue:
		return "Possible"
	}
	return "Unlikely"
}

func category(h warning.Hazard) string {
	if h == warning.Geological {
		return "Geo"
	}
	return "Met"
}

var langs = []struct{ tag, lang string }{{"zh-CN", "zh"}, {"en-US", "en"}}

// FromWarnings makes one alert per warning change. The first alert for a
// hazard is an Alert; later changes of it are Updates that reference the
// one before (an upgrade, a downgrade, or the all-clear with responseType
// AllClear). A warning not issued to the public (geological blue, an
// internal risk grade) is Restricted.
func FromWarnings(ex *Exercise, ws []Issued) ([]Alert, error) {
	var out []Alert
	last := map[string]Alert{}
	for i, w := range ws {
		h, ok := warning.ParseHazard(w.Hazard)
		if !ok {
			return nil, fmt.Errorf("warning %d: unknown hazard %q", i, w.Hazard)
		}
		l, ok := warning.ParseLevel(w.Level)
		if !ok || !warning.Allowed(h, l) {
			return nil, fmt.Errorf("warning %d: %s has no %q level", i, w.Hazard, w.Level)
		}
		prev := warning.None
		p, had := last[w.Hazard]
		if had {
			prev, _ = warning.ParseLevel(paramOf(&p.Info[0], ParamLevel))
		}
		pub := warning.Warning{Hazard: h, Level: l, Prev: prev}.Public()
		a := Alert{
			Identifier: fmt.Sprintf("rescuedrill.%s.%03d.%s.%s", ex.Key, i+1, w.Hazard, w.Level),
			Sender:     ex.Sender, Sent: ex.at(w.Tick), Status: "Exercise", MsgType: "Alert", Scope: "Public",
			Source: "RescueDrill",
			Note:   "演练，非真实预警。Drill exercise: this is not a real warning.",
		}
		if !pub {
			a.Scope = "Restricted"
			a.Restriction = "Internal risk grade, not issued to the public (CMA geological level 4) / 内部风险等级，不向公众发布"
		}
		if had {
			a.MsgType = "Update"
			a.References = p.Sender + "," + p.Identifier + "," + p.Sent
		}
		g, _ := warning.GuideFor(h, l)
		title := warning.Title(h, l)
		for _, lg := range langs {
			desc := g.Criteria.In(lg.lang)
			instr := g.Public.In(lg.lang)
			if s := g.School.In(lg.lang); s != "" {
				if lg.lang == "zh" {
					instr += "\n学校：" + s
				} else {
					instr += "\nSchools: " + s
				}
			}
			in := Info{Language: lg.tag, Category: []string{category(h)}, Event: h.Name().In(lg.lang),
				ResponseType: []string{warning.CAPResponse(h, l)}, Urgency: urgency(l), Severity: l.CAPSeverity(),
				Certainty: certainty(l), Effective: a.Sent,
				EventCode:  []Value{{ValueName: "CMA.signal", Value: w.Hazard + "_" + w.Level}},
				SenderName: text.Text{ZH: "RescueDrill 演练", EN: "RescueDrill exercise"}.In(lg.lang),
				Headline:   title.In(lg.lang), Description: desc, Instruction: instr,
				Parameter: []Value{{ParamHazard, w.Hazard}, {ParamLevel, w.Level}},
				Area:      ex.areas(lg.lang)}
			if gr := l.Grade(); gr != "" {
				in.Parameter = append(in.Parameter, Value{ParamGrade, gr})
			}
			a.Info = append(a.Info, in)
		}
		out = append(out, a)
		last[w.Hazard] = a
	}
	return out, nil
}

func paramOf(in *Info, name string) string {
	for _, p := range in.Parameter {
		if p.ValueName == name {
			return p.Value
		}
	}
	return ""
}

// Marshal writes an alert as an XML document.
func Marshal(a *Alert) ([]byte, error) {
	b, err := xml.MarshalIndent(a, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}

// Parse reads an alert. It checks the document against the schema first
// (Validate), so what it returns is a CAP 1.2 alert.
func Parse(data []byte) (*Alert, error) {
	if err := Validate(data); err != nil {
		return nil, err
	}
	var a Alert
	if err := xml.Unmarshal(data, &a); err != nil {
		return nil, err
	}
	return &a, nil
}
