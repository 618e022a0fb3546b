package main

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"sync"

	"github.com/rescuedrill/rescuedrill/assets"
	"github.com/rescuedrill/rescuedrill/internal/explore"
)

// The flood explorer (drill explore, internal/explore) served by drill
// serve for every built-in map, so a teacher finds it beside the console:
// /explore/ lists the maps, /explore/MAP/ is the explorer of one. Maps
// are opened at their first visit (the slope model's set-up takes a moment)
// and kept; each explorer runs one simulation at a time and caches its
// last answers (explore.Handler).
func init() { extraRoutes = append(extraRoutes, mountExplorers) }

func mountExplorers(_ *drillServer, mux *http.ServeMux) {
	ex := &explorers{open: map[string]http.Handler{}}
	mux.HandleFunc("GET /explore/{$}", ex.index)
	mux.HandleFunc("GET /explore/{map}/", ex.serve)
	mux.HandleFunc("GET /explore/{map}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/explore/"+r.PathValue("map")+"/", http.StatusMovedPermanently)
	})
}

type explorers struct {
	mu   sync.Mutex
	open map[string]http.Handler
}

var exploreIndex = template.Must(template.New("explore").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>洪水模拟器 · Flood explorer</title>
<style>body{font-family:system-ui,"Noto Sans SC",sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.5}
a{font-size:1.2em}li{margin:.5em 0}</style></head><body>
<h1>洪水模拟器 <small>Flood explorer</small></h1>
<p>选一张地图：移动江水位和降雨，查看淹没范围、某地的水深和滑坡风险。<br>
Pick a map: move the river level and the rainfall, and see the flooded area, the depth at a place and the landslide risk.</p>
<ul>{{range .}}<li><a href="{{.}}/">{{.}}</a></li>{{end}}</ul>
<p><a href="/console">演练控制台 · Drill console</a></p>
</body></html>`))

func (ex *explorers) index(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = exploreIndex.Execute(w, assets.Names())
}

func (ex *explorers) serve(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("map")
	if !slices.Contains(assets.Names(), name) {
		http.Error(w, fmt.Sprintf("no built-in map %q · 没有这张内置地图 (see /explore/)", name), http.StatusNotFound)
		return
	}
	h, err := ex.handler(name)
	if err != nil {
		http.Error(w, "opening the map failed · 打开地图失败: "+err.Error(), http.StatusInternalServerError)
		return
	}
	http.StripPrefix("/explore/"+name, h).ServeHTTP(w, r)
}

// handler opens a built-in map's explorer once.
func (ex *explorers) handler(name string) (http.Handler, error) {
	ex.mu.Lock()
	defer ex.mu.Unlock()
	if h, ok := ex.open[name]; ok {
		return h, nil
	}
	m, err := explore.Open(name)
	if err != nil {
		return nil, err
	}
	h := explore.Handler(m)
	ex.open[name] = h
	return h, nil
}
