package explore

import (
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"sync"
)

// MaxWebHours bounds the hours a page visitor may ask for: each run is
// seconds of CPU, and a page is open to anyone who can reach it.
const MaxWebHours = 6

// Handler serves the explorer for one map: the page at "", the map images
// at map.png and the numbers at api. All links are relative, so the
// console can mount it under any prefix with http.StripPrefix.
func Handler(m *Map) http.Handler {
	h := &handler{m: m, cache: map[Params]*Result{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", h.page)
	mux.HandleFunc("GET /map.png", h.image)
	mux.HandleFunc("GET /api", h.api)
	return mux
}

type handler struct {
	m     *Map
	mu    sync.Mutex // one run at a time: the machine has few cores
	cache map[Params]*Result
	order []Params
}

// query reads the flood parameters and the spot of interest. Missing
// values take the map's defaults.
type query struct {
	Params
	Place string
	X, Y  float64
	HasXY bool
}

func (h *handler) parse(r *http.Request) (query, error) {
	q := query{Params: Params{Level: h.m.NormalLevel, Rain: 0, Hours: 1}}
	v := r.URL.Query()
	num := func(name string, dst *float64, lo, hi float64) error {
		s := v.Get(name)
		if s == "" {
			return nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || f < lo || f > hi {
			return fmt.Errorf("%s must be a number from %g to %g", name, lo, hi)
		}
		*dst = f
		return nil
	}
	lo, hi := h.m.elevRange()
	g := h.m.Terrain.Elev
	for _, e := range []error{
		num("level", &q.Level, math.Floor(lo)-1, math.Ceil(hi)+1),
		num("rain", &q.Rain, 0, 300),
		num("hours", &q.Hours, 0.25, MaxWebHours),
		num("x", &q.X, 0, g.Width()),
		num("y", &q.Y, 0, g.Height()),
	} {
		if e != nil {
			return q, e
		}
	}
	q.HasXY = v.Get("x") != "" && v.Get("y") != ""
	q.Place = v.Get("place")
	if q.Place != "" {
		if _, ok := h.m.Place(q.Place); !ok {
			return q, fmt.Errorf("no place %q on this map", q.Place)
		}
	}
	// Slider steps are coarse; rounding keeps the cache useful.
	q.Level = math.Round(q.Level*10) / 10
	q.Rain = math.Round(q.Rain)
	q.Hours = math.Round(q.Hours*4) / 4
	return q, nil
}

func (h *handler) result(p Params) (*Result, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r, ok := h.cache[p]; ok {
		return r, nil
	}
	r, err := h.m.Run(p)
	if err != nil {
		return nil, err
	}
	if len(h.order) >= 16 {
		delete(h.cache, h.order[0])
		h.order = h.order[1:]
	}
	h.cache[p] = r
	h.order = append(h.order, p)
	return r, nil
}

func (h *handler) image(w http.ResponseWriter, r *http.Request) {
	q, err := h.parse(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	res, err := h.result(q.Params)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	layer := FloodLayer
	if r.URL.Query().Get("layer") == "slope" {
		layer = SlopeLayer
	}
	var mark *[2]float64
	if q.HasXY {
		mark = &[2]float64{q.X, q.Y}
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	if err := encodePNG(w, h.m.Image(res, layer, mark)); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// Answer is the api's reply.
type Answer struct {
	Level       float64 `json:"level_m"`
	Rain        float64 `json:"rain_mm_per_h"`
	Hours       float64 `json:"hours"`
	FloodedArea float64 `json:"flooded_area_m2"`
	Spot        string  `json:"spot"` // the place id, or "x,y"
	MaxDepth    float64 `json:"max_depth_m"`
	MeanDepth   float64 `json:"mean_depth_m"`
	WetShare    float64 `json:"wet_share"`
	MinFS       float64 `json:"min_factor_of_safety"`
}

func (h *handler) api(w http.ResponseWriter, r *http.Request) {
	q, err := h.parse(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	res, err := h.result(q.Params)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	a := Answer{Level: q.Level, Rain: q.Rain, Hours: q.Hours, FloodedArea: res.FloodedArea}
	var cells []int
	switch {
	case q.Place != "":
		p, _ := h.m.Place(q.Place)
		cells, a.Spot = h.m.PlaceCells(p), q.Place
	case q.HasXY:
		if i, ok := h.m.CellAt(q.X, q.Y); ok {
			cells = []int{i}
		}
		a.Spot = fmt.Sprintf("%.0f,%.0f", q.X, q.Y)
	}
	at := res.AtCells(cells)
	a.MaxDepth, a.MeanDepth, a.WetShare, a.MinFS = at.MaxDepth, at.MeanDepth, at.WetShare, at.MinFS
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(a)
}

func (m *Map) elevRange() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, z := range m.Terrain.Elev.V {
		lo, hi = math.Min(lo, z), math.Max(hi, z)
	}
	return lo, hi
}

type pageData struct {
	Name              string
	Places            []placeOption
	Level, LevelLo    float64
	LevelHi           float64
	Width, Height     float64
	MaxHours          int
	ImgWidth, ImgHigh int
}

type placeOption struct{ ID, Label string }

func (h *handler) page(w http.ResponseWriter, r *http.Request) {
	lo, hi := h.m.elevRange()
	g := h.m.Terrain.Elev
	d := pageData{Name: h.m.Name, Level: h.m.NormalLevel, LevelLo: math.Floor(lo), LevelHi: math.Ceil(hi),
		Width: g.Width(), Height: g.Height(), MaxHours: MaxWebHours,
		ImgWidth: g.NX * h.m.scale(), ImgHigh: g.NY * h.m.scale()}
	for _, p := range h.m.Places {
		label := p.ID
		if p.NameZH != "" || p.NameEN != "" {
			label = p.NameZH + " · " + p.NameEN
		}
		d.Places = append(d.Places, placeOption{p.ID, label})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pageTmpl.Execute(w, d); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>洪水查询 · Flood explorer — {{.Name}}</title>
<style>
body { font-family: sans-serif; margin: 1rem; }
.maps { display: flex; flex-wrap: wrap; gap: 1rem; }
figure { margin: 0; }
img { max-width: 100%; cursor: crosshair; image-rendering: pixelated; }
label { display: block; margin: .4rem 0; }
output { font-weight: bold; }
</style>
</head>
<body>
<h1>洪水与滑坡风险查询 · Flood and landslide explorer — {{.Name}}</h1>
<p>选择地点或点击地图，调节江水位和雨强，查看淹没范围和该处水深；右图为同一场雨下的边坡安全系数。<br>
Pick a place or click the map, move the river level and the rain, and see the flooded area and the depth there; the right map shows the slopes' factor of safety under the same rain.</p>
<form id="f">
<label>地点 · Place
<select name="place" id="place">
<option value="">（点击地图 · click the map）</option>
{{range .Places}}<option value="{{.ID}}">{{.Label}}</option>
{{end}}</select></label>
<label>江水位 · River level (m): <output id="levelv">{{.Level}}</output>
<input type="range" name="level" id="level" min="{{.LevelLo}}" max="{{.LevelHi}}" step="0.5" value="{{.Level}}"></label>
<label>雨强 · Rain (mm/h): <output id="rainv">0</output>
<input type="range" name="rain" id="rain" min="0" max="150" step="5" value="0"></label>
<label>时长 · Hours: <output id="hoursv">1</output>
<input type="range" name="hours" id="hours" min="0.25" max="{{.MaxHours}}" step="0.25" value="1"></label>
</form>
<p id="answer" aria-live="polite"></p>
<div class="maps">
<figure><img id="flood" alt="洪水淹没图 · flood map" width="{{.ImgWidth}}" height="{{.ImgHigh}}"><figcaption>水深 · Water depth</figcaption></figure>
<figure><img id="slope" alt="边坡安全系数 · slope factor of safety" width="{{.ImgWidth}}" height="{{.ImgHigh}}"><figcaption>安全系数 · Factor of safety: 红 red &lt; 1, 橙 orange &lt; 1.15, 黄 yellow &lt; 1.5, 绿 green</figcaption></figure>
</div>
<script>
const W = {{.Width}}, H = {{.Height}};
let x = null, y = null;
const el = id => document.getElementById(id);
function params() {
  const p = new URLSearchParams();
  for (const k of ["level", "rain", "hours"]) p.set(k, el(k).value);
  if (el("place").value) p.set("place", el("place").value);
  else if (x !== null) { p.set("x", x.toFixed(1)); p.set("y", y.toFixed(1)); }
  return p;
}
async function refresh() {
  const p = params();
  el("flood").src = "map.png?layer=flood&" + p;
  el("slope").src = "map.png?layer=slope&" + p;
  el("answer").textContent = "计算中… computing…";
  const r = await fetch("api?" + p);
  if (!r.ok) { el("answer").textContent = await r.text(); return; }
  const a = await r.json();
  let s = "淹没面积 flooded area ≥ 10 cm: " + Math.round(a.flooded_area_m2) + " m²";
  if (a.spot) s += " · " + a.spot + ": 最大水深 max depth " + a.max_depth_m.toFixed(2) + " m, 平均 mean " +
    a.mean_depth_m.toFixed(2) + " m, 安全系数 FS " + a.min_factor_of_safety.toFixed(2);
  el("answer").textContent = s;
}
for (const k of ["level", "rain", "hours"]) {
  el(k).addEventListener("input", () => el(k + "v").textContent = el(k).value);
  el(k).addEventListener("change", refresh);
}
el("place").addEventListener("change", () => { x = y = null; refresh(); });
for (const id of ["flood", "slope"]) el(id).addEventListener("click", e => {
  const img = e.target;
  x = e.offsetX / img.clientWidth * W; y = e.offsetY / img.clientHeight * H;
  el("place").value = ""; refresh();
});
refresh();
</script>
</body>
</html>
`))
