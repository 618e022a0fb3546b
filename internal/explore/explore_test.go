package explore

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine/terrain"
)

// riverside opens the example map of docs/authoring.md (a river on the
// south edge, ground rising north to a hill, a road underpass 4 m deep)
// with the places the tests look at.
func riverside(t *testing.T) *Map {
	t.Helper()
	m, err := Open(filepath.Join("..", "authoring", "testdata", "riverside.elev.asc"))
	if err != nil {
		t.Fatal(err)
	}
	rect := func(id string, k terrain.PlaceKind, x0, y0, x1, y1 float64) terrain.Place {
		return terrain.Place{ID: id, Kind: k, NameZH: id, NameEN: id, Rect: &terrain.Rect{X0: x0, Y0: y0, X1: x1, Y1: y1}}
	}
	m.Places = []terrain.Place{
		rect("riverside_road", terrain.KindRoad, 0, 254, 400, 263),
		rect("underpass", terrain.KindUnderpass, 140, 200, 200, 210),
		rect("street", terrain.KindRoad, 140, 175, 200, 185), // beside the underpass, on the level
		rect("school", terrain.KindSchool, 160, 100, 240, 140),
		rect("hill_park", terrain.KindHilltop, 300, 40, 340, 80),
	}
	return m
}

func at(t *testing.T, m *Map, r *Result, id string) At {
	t.Helper()
	p, ok := m.Place(id)
	if !ok {
		t.Fatalf("no place %s", id)
	}
	return r.AtCells(m.PlaceCells(p))
}

func TestOpen(t *testing.T) {
	t.Parallel()
	m := riverside(t)
	if m.Terrain.LandUse == nil {
		t.Error("riverside.elev.asc: the land-use grid beside it was not read")
	}
	if len(m.Edges) == 0 || m.Edges[0].Side != terrain.South {
		t.Errorf("river edges %+v: want the water cells on the south edge", m.Edges)
	}
	fd, err := Open("flood-district")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := fd.Place("underpass"); !ok || fd.NormalLevel != 165 || len(fd.Edges) != 4 {
		t.Errorf("flood-district: places %d, normal level %g, edges %d", len(fd.Places), fd.NormalLevel, len(fd.Edges))
	}
	sc, err := Open(filepath.Join("..", "authoring", "testdata", "unreachable-yard.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sc.Place("yard"); !ok {
		t.Error("a scenario's places are the explorer's places")
	}
	for _, bad := range []string{"atlantis", "missing.asc", "missing.yaml"} {
		if _, err := Open(bad); err == nil {
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
}

// TestDeeperAtHigherLevels: above the bank (184 m), every rise of the
// river leaves deeper water on the riverside road and floods more ground.
func TestDeeperAtHigherLevels(t *testing.T) {
	t.Parallel()
	m := riverside(t)
	prevDepth, prevArea := -1.0, -1.0
	for _, level := range []float64{184.5, 185.5, 187, 189} {
		r, err := m.Run(Params{Level: level, Hours: 1})
		if err != nil {
			t.Fatal(err)
		}
		a := at(t, m, r, "riverside_road")
		if a.MeanDepth <= prevDepth || r.FloodedArea <= prevArea {
			t.Errorf("river at %g m: road depth %.3f (before %.3f), flooded %.0f m² (before %.0f): want deeper and wider",
				level, a.MeanDepth, prevDepth, r.FloodedArea, prevArea)
		}
		prevDepth, prevArea = a.MeanDepth, r.FloodedArea
	}
	if prevDepth < 1 {
		t.Errorf("river at 189 m leaves %.2f m on a road at 184 m: want about 5 m", prevDepth)
	}
}

// TestHilltopStaysDry: the hill park 20 m above the river stays dry in a
// high river and heavy rain; the riverside road does not.
func TestHilltopStaysDry(t *testing.T) {
	t.Parallel()
	m := riverside(t)
	r, err := m.Run(Params{Level: 188, Rain: 60, Hours: 1})
	if err != nil {
		t.Fatal(err)
	}
	if a := at(t, m, r, "hill_park"); a.MaxDepth >= WetDepth || a.WetShare > 0 {
		t.Errorf("hill park: %.2f m of water", a.MaxDepth)
	}
	if a := at(t, m, r, "riverside_road"); a.WetShare < 1 {
		t.Errorf("riverside road: only %.0f%% flooded with the river 4 m above it", 100*a.WetShare)
	}
}

// TestUnderpassFloodsFirst: under rain, with the river at its normal
// level, the underpass is the first place to flood and stays the deepest
// — the street beside it at the same height stays passable.
func TestUnderpassFloodsFirst(t *testing.T) {
	t.Parallel()
	m := riverside(t)
	first := ""
	for _, hours := range []float64{0.25, 0.5, 1} {
		r, err := m.Run(Params{Level: m.NormalLevel, Rain: 40, Hours: hours})
		if err != nil {
			t.Fatal(err)
		}
		under := at(t, m, r, "underpass")
		for _, p := range m.Places {
			a := r.AtCells(m.PlaceCells(p))
			if a.MaxDepth >= WetDepth && first == "" {
				first = p.ID
			}
			if p.ID != "underpass" && a.MaxDepth >= under.MaxDepth {
				t.Errorf("after %g h: %s %.2f m, as deep as the underpass %.2f m", hours, p.ID, a.MaxDepth, under.MaxDepth)
			}
		}
		if first != "" && first != "underpass" {
			t.Fatalf("after %g h %s flooded before the underpass", hours, first)
		}
	}
	if first != "underpass" {
		t.Error("an hour of 40 mm/h rain did not flood the underpass")
	}
}

func TestRunRefuses(t *testing.T) {
	t.Parallel()
	m := riverside(t)
	for _, p := range []Params{{Level: 184, Hours: 0}, {Level: 184, Hours: MaxHours + 1}, {Level: 184, Hours: 1, Rain: -1}} {
		if _, err := m.Run(p); err == nil {
			t.Errorf("Run(%+v) succeeded", p)
		}
	}
}

// TestHandler: the page has the picker and the sliders, the image is a
// PNG of the map's size, the api answers for a place and a point, and
// nonsense is a 400.
func TestHandler(t *testing.T) {
	t.Parallel()
	m := riverside(t)
	srv := httptest.NewServer(Handler(m))
	defer srv.Close()
	get := func(path string) (*http.Response, []byte) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, b
	}
	res, page := get("/")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("page: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, want := range []string{`<select name="place"`, `value="underpass"`, `name="level"`, `name="rain"`, `name="hours"`,
		`map.png?layer=flood`, "洪水", "Flood", "</html>"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, layer := range []string{"flood", "slope"} {
		res, b := get("/map.png?layer=" + layer + "&level=184&rain=20&hours=0.5&x=170&y=205")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("%s image: %d %s %s", layer, res.StatusCode, res.Header.Get("Content-Type"), b)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if s := m.scale(); img.Bounds().Dx() != 80*s || img.Bounds().Dy() != 60*s {
			t.Errorf("image %v, want %d×%d", img.Bounds(), 80*s, 60*s)
		}
	}
	for _, q := range []string{"place=underpass", "x=170&y=205"} {
		res, b := get("/api?level=184&rain=40&hours=0.5&" + q)
		var a Answer
		if res.StatusCode != 200 || json.Unmarshal(b, &a) != nil {
			t.Fatalf("api %s: %d %s", q, res.StatusCode, b)
		}
		if a.MaxDepth < WetDepth || a.FloodedArea <= 0 || a.Spot == "" {
			t.Errorf("api %s: %+v: want the flooded underpass", q, a)
		}
	}
	for _, bad := range []string{"/api?level=x", "/api?hours=100", "/api?place=atlantis", "/map.png?rain=-5"} {
		if res, _ := get(bad); res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, res.StatusCode)
		}
	}
}

// TestSVG: the SVG export is well-formed XML with both panels and the
// places named.
func TestSVG(t *testing.T) {
	t.Parallel()
	m := riverside(t)
	r, err := m.Run(Params{Level: 185, Hours: 0.25})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := m.WriteSVG(&b, r, &[2]float64{170, 205}); err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(&b)
	images, names := 0, map[string]bool{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if el.Name.Local == "image" {
				images++
			}
		case xml.CharData:
			names[strings.TrimSpace(string(el))] = true
		}
	}
	if images != 2 || !names["underpass"] || !names["hill_park"] {
		t.Errorf("SVG has %d images and names %v", images, names)
	}
}
