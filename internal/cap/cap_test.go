package cap

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/engine/text"
	"github.com/rescuedrill/rescuedrill/engine/warning"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func exercise() *Exercise {
	return &Exercise{Key: "d-7", Sender: "drills@school.example", TickHz: 20,
		Start: time.Date(2026, 6, 3, 1, 30, 0, 0, time.UTC),
		Title: text.Text{ZH: "两江交汇滨江街区", EN: "Riverside district at the confluence"},
		// Chaotianmen, where the Jialing meets the Yangtze.
		OriginLat: 29.5650, OriginLon: 106.5800, Width: 800, Height: 600,
		Danger: []Circle{{Name: text.Text{ZH: "下穿通道", EN: "Underpass"}, X: 400, Y: 480, R: 30}}}
}

var sequence = []Issued{
	{Tick: 1200, Hazard: "rainstorm", Level: "blue"},
	{Tick: 2400, Hazard: "geological", Level: "blue"},
	{Tick: 3000, Hazard: "rainstorm", Level: "orange"},
	{Tick: 3100, Hazard: "geological", Level: "yellow"},
	{Tick: 4800, Hazard: "rainstorm", Level: "red"},
	{Tick: 9000, Hazard: "rainstorm", Level: "none"},
	{Tick: 9100, Hazard: "high_temp", Level: "orange"},
}

func TestExportValidatesAndRoundTrips(t *testing.T) {
	t.Parallel()
	alerts, err := FromWarnings(exercise(), sequence)
	if err != nil {
		t.Fatal(err)
	}
	if len(alerts) != len(sequence) {
		t.Fatalf("%d alerts for %d warnings", len(alerts), len(sequence))
	}
	for i, a := range alerts {
		w := sequence[i]
		doc, err := Marshal(&a)
		if err != nil {
			t.Fatal(err)
		}
		if err := Validate(doc); err != nil {
			t.Fatalf("alert %d does not validate: %v\n%s", i, err, doc)
		}
		back, err := Parse(doc)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := Marshal(back)
		if !bytes.Equal(doc, again) {
			t.Errorf("alert %d does not round-trip:\n%s\n---\n%s", i, doc, again)
		}
		back.XMLName = a.XMLName
		if !reflect.DeepEqual(*back, a) {
			t.Errorf("alert %d parsed differs:\n%+v\n%+v", i, *back, a)
		}
		if a.Status != "Exercise" {
			t.Errorf("alert %d status %s", i, a.Status)
		}
		if len(a.Info) != 2 || a.Info[0].Language != "zh-CN" || a.Info[1].Language != "en-US" {
			t.Errorf("alert %d info languages", i)
		}
		h, _ := warning.ParseHazard(w.Hazard)
		l, _ := warning.ParseLevel(w.Level)
		for _, in := range a.Info {
			if in.Severity != l.CAPSeverity() || in.ResponseType[0] != warning.CAPResponse(h, l) {
				t.Errorf("alert %d: severity %s response %v", i, in.Severity, in.ResponseType)
			}
			g, _ := warning.GuideFor(h, l)
			if !strings.Contains(in.Instruction, g.Public.In(in.Language)) {
				t.Errorf("alert %d %s: the instruction is not the action guide", i, in.Language)
			}
			if len(in.Area) == 0 || len(in.Area[0].Polygon) != 1 {
				t.Errorf("alert %d: no map polygon", i)
			}
		}
		// Back to the drill's warning input.
		gh, gl, err := WarningOf(back)
		if err != nil || gh != h || gl != l {
			t.Errorf("alert %d maps back to %v %v %v, want %v %v", i, gh, gl, err, h, l)
		}
	}
	// The first alert of a hazard is an Alert; each later one an Update of
	// the one before.
	if alerts[0].MsgType != "Alert" || alerts[1].MsgType != "Alert" || alerts[6].MsgType != "Alert" {
		t.Error("first alerts of a hazard are not Alerts")
	}
	for _, k := range [][2]int{{2, 0}, {4, 2}, {5, 4}, {3, 1}} {
		a, prev := alerts[k[0]], alerts[k[1]]
		if a.MsgType != "Update" || a.References != prev.Sender+","+prev.Identifier+","+prev.Sent {
			t.Errorf("alert %d: %s references %q, want alert %d", k[0], a.MsgType, a.References, k[1])
		}
	}
	// Geological blue is an internal grade; yellow goes to the public.
	if alerts[1].Scope != "Restricted" || alerts[3].Scope != "Public" || alerts[0].Scope != "Public" {
		t.Errorf("scopes %s %s %s", alerts[1].Scope, alerts[3].Scope, alerts[0].Scope)
	}
	if alerts[5].Info[0].ResponseType[0] != "AllClear" || alerts[5].Info[0].Urgency != "Past" {
		t.Errorf("the all-clear: %+v", alerts[5].Info[0])
	}
	// The map's polygon sits at the origin, its corners within the map.
	if p := alerts[0].Info[1].Area[0].Polygon[0]; !strings.HasPrefix(p, "29.56500,106.58000 ") {
		t.Errorf("polygon %s", p)
	}

	golden := filepath.Join("testdata", "rainstorm-orange.xml")
	doc, _ := Marshal(&alerts[2])
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, doc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(doc, want) {
		t.Errorf("export differs from %s (go test -update rewrites it):\n%s", golden, doc)
	}
}

func TestFromWarningsRefuses(t *testing.T) {
	t.Parallel()
	for _, w := range []Issued{{Hazard: "tornado", Level: "red"}, {Hazard: "high_temp", Level: "blue"}, {Hazard: "rainstorm", Level: "purple"}} {
		if _, err := FromWarnings(exercise(), []Issued{w}); err == nil {
			t.Errorf("%+v accepted", w)
		}
	}
}

// thirdParty is a CAP 1.2 alert of the kind another system sends, using
// parts of the schema the export does not: several categories, a resource,
// geocodes, altitude and ceiling, and an XML signature at the end.
const thirdParty = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>CN-CQ-2026-0603-001</identifier>
  <sender>warning@cq.example</sender>
  <sent>2026-06-03T09:30:00+08:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <code>IPAWSv1.0</code>
  <info>
    <language>zh-CN</language>
    <category>Met</category>
    <category>Safety</category>
    <event>暴雨</event>
    <responseType>Avoid</responseType>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <expires>2026-06-03T15:30:00+08:00</expires>
    <headline>重庆市渝中区暴雨橙色预警信号</headline>
    <resource>
      <resourceDesc>map</resourceDesc>
      <mimeType>image/png</mimeType>
      <size>1024</size>
      <uri>https://cq.example/map.png</uri>
    </resource>
    <area>
      <areaDesc>渝中区</areaDesc>
      <circle>29.56,106.57 5.0</circle>
      <geocode><valueName>GB2260</valueName><value>500103</value></geocode>
      <altitude>0</altitude>
      <ceiling>3000.5</ceiling>
    </area>
  </info>
  <Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo/></Signature>
</alert>
`

func TestValidatorAcceptsThirdParty(t *testing.T) {
	t.Parallel()
	a, err := Parse([]byte(thirdParty))
	if err != nil {
		t.Fatal(err)
	}
	h, l, err := WarningOf(a)
	if err != nil || h != warning.Rainstorm || l != warning.Orange {
		t.Fatalf("WarningOf: %v %v %v", h, l, err)
	}
}

// TestValidatorCatches breaks the third-party alert one rule at a time
// (schemaRejects, xsd_test.go); each must be caught.
func TestValidatorCatches(t *testing.T) {
	t.Parallel()
	for _, tc := range schemaRejects {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(thirdParty, tc.from) {
				t.Fatalf("the sample has no %q", tc.from)
			}
			doc := strings.Replace(thirdParty, tc.from, tc.to, 1)
			err := Validate([]byte(doc))
			if err == nil {
				t.Fatalf("not caught")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

func TestReferencesFormat(t *testing.T) {
	t.Parallel()
	good := strings.Replace(thirdParty, "<code>IPAWSv1.0</code>", "<code>IPAWSv1.0</code>\n  <references>a@b.example,id-1,2026-06-03T09:00:00+08:00 a@b.example,id-2,2026-06-03T09:10:00+08:00</references>", 1)
	if err := Validate([]byte(good)); err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(good, "id-2,", "", 1)
	if err := Validate([]byte(bad)); err == nil || !strings.Contains(err.Error(), "sender,identifier,sent") {
		t.Fatalf("bad references: %v", err)
	}
}

// TestWarningOfThirdParty maps alerts that carry no drill parameters.
func TestWarningOfThirdParty(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		alert   Alert
		h       warning.Hazard
		l       warning.Level
		wantErr bool
	}{
		{"rain red", Alert{MsgType: "Alert", Info: []Info{{Category: []string{"Met"}, Event: "暴雨", Severity: "Extreme"}}}, warning.Rainstorm, warning.Red, false},
		{"heat orange", Alert{MsgType: "Alert", Info: []Info{{Category: []string{"Met"}, Event: "高温", Severity: "Severe"}}}, warning.HighTemp, warning.Orange, false},
		{"heat in English", Alert{MsgType: "Update", Info: []Info{{Category: []string{"Met"}, Event: "Extreme Heat", Severity: "Moderate"}}}, warning.HighTemp, warning.Yellow, false},
		{"geo yellow", Alert{MsgType: "Alert", Info: []Info{{Category: []string{"Geo"}, Event: "地质灾害", Severity: "Moderate"}}}, warning.Geological, warning.Yellow, false},
		{"all clear", Alert{MsgType: "Update", Info: []Info{{Category: []string{"Met"}, Event: "暴雨", Severity: "Minor", ResponseType: []string{"AllClear"}}}}, warning.Rainstorm, warning.None, false},
		{"cancel", Alert{MsgType: "Cancel", Info: []Info{{Category: []string{"Geo"}, Severity: "Severe"}}}, warning.Geological, warning.None, false},
		{"heat blue", Alert{MsgType: "Alert", Info: []Info{{Category: []string{"Met"}, Event: "heat", Severity: "Minor"}}}, 0, 0, true},
		{"fire", Alert{MsgType: "Alert", Info: []Info{{Category: []string{"Fire"}, Severity: "Severe"}}}, 0, 0, true},
		{"unknown severity", Alert{MsgType: "Alert", Info: []Info{{Category: []string{"Met"}, Severity: "Unknown"}}}, 0, 0, true},
		{"no info", Alert{MsgType: "Alert"}, 0, 0, true},
		{"ack", Alert{MsgType: "Ack", Info: []Info{{Category: []string{"Met"}, Severity: "Severe"}}}, 0, 0, true},
		{"bad parameter", Alert{MsgType: "Alert", Info: []Info{{Category: []string{"Met"}, Parameter: []Value{{ParamHazard, "rainstorm"}, {ParamLevel, "purple"}}}}}, 0, 0, true},
	} {
		h, l, err := WarningOf(&tc.alert)
		if (err != nil) != tc.wantErr || (!tc.wantErr && (h != tc.h || l != tc.l)) {
			t.Errorf("%s: %v %v %v", tc.name, h, l, err)
		}
	}
}
