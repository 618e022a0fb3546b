// Package web serves the browser side of drill serve: the participant page
// (/play), the facilitator console (/console), their bundles (/web/…) from
// client/web's embedded dist, and the few JSON endpoints those pages need
// besides the drill API of cmd/drill (POST /api/drills creates a drill).
// Everything live — joining, state, commands, results — goes over
// WebTransport at /wt with the protocol of docs/protocol.md, so this package
// holds no drill state.
package web

import (
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"strings"

	webclient "github.com/rescuedrill/rescuedrill/client/web"
	"github.com/rescuedrill/rescuedrill/scenarios"
)

// Config is what the pages need from the server.
type Config struct {
	// CertHash is the SHA-256 of the server certificate's DER: a browser
	// opening WebTransport to a self-signed certificate must pin it with
	// serverCertificateHashes. The pages fetch it from /api/web/config
	// over the HTTPS connection they were loaded with (so the hash comes
	// from the same server; a real certificate does not need it).
	CertHash [32]byte
	// SelfSigned says the pages should pin CertHash (a CA-issued
	// certificate is trusted without it, and pinning it would fail once it
	// lives longer than 14 days).
	SelfSigned bool
}

// Mount adds the pages and endpoints to mux.
func Mount(mux *http.ServeMux, cfg Config) {
	dist, err := fs.Sub(webclient.Dist, "dist")
	if err != nil {
		panic(err) // the embed pattern guarantees dist exists
	}
	files := http.FileServerFS(dist)
	page := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "no-cache")
			http.ServeFileFS(w, r, dist, name)
		}
	}
	mux.HandleFunc("GET /play", page("index.html"))
	mux.HandleFunc("GET /console", page("console.html"))
	mux.Handle("GET /web/", http.StripPrefix("/web/", files))
	mux.HandleFunc("GET /api/web/config", cfg.config)
	mux.HandleFunc("GET /api/web/scenarios", listScenarios)
	mux.HandleFunc("POST /api/web/validate", validate)
}

// config answers GET /api/web/config.
func (c Config) config(w http.ResponseWriter, _ *http.Request) {
	type resp struct {
		// CertHash is a list of numbers: Go would write []byte as base64.
		CertHash []int  `json:"cert_hash,omitempty"`
		WTPath   string `json:"wt_path"`
	}
	var r resp
	r.WTPath = "/wt"
	if c.SelfSigned {
		for _, b := range c.CertHash {
			r.CertHash = append(r.CertHash, int(b))
		}
	}
	writeJSON(w, http.StatusOK, r)
}

// scenarioInfo is a built-in scenario as the console lists it.
type scenarioInfo struct {
	Name    string   `json:"name"`
	Hazard  string   `json:"hazard"`
	Title   text     `json:"title"`
	Summary text     `json:"summary"`
	Injects []string `json:"injects"`
}

type text struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

func listScenarios(w http.ResponseWriter, _ *http.Request) {
	out := []scenarioInfo{}
	for _, name := range scenarios.Builtins() {
		l, err := scenarios.Builtin(name)
		if err != nil {
			continue // a broken built-in is caught by the scenarios tests
		}
		sc := l.Scenario
		info := scenarioInfo{Name: name, Hazard: sc.Hazard, Title: text{sc.Title.ZH, sc.Title.EN}, Summary: text{sc.Summary.ZH, sc.Summary.EN}, Injects: []string{}}
		for _, in := range sc.Injects {
			info.Injects = append(info.Injects, in.ID)
		}
		out = append(out, info)
	}
	writeJSON(w, http.StatusOK, out)
}

// maxUpload bounds an uploaded scenario, as POST /api/drills does.
const maxUpload = 1 << 20

// maxValidateBody bounds POST /api/web/validate: the YAML and its map files
// in base64 at their limits, as drill serve's create takes them.
const maxValidateBody = maxUpload + scenarios.MaxUploadTotal/3*4 + 64<<10

// problem is one line-numbered problem of an uploaded scenario.
type problem struct {
	File     string `json:"file"` // the scenario, or the map file the problem is in
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Path     string `json:"path"`
	Message  string `json:"message"`
	Hint     string `json:"hint,omitempty"`
	Severity string `json:"severity"`
	Text     string `json:"text"` // the problem as drill validate prints it
}

// validate answers POST /api/web/validate {"name": "mine.yaml", "source":
// YAML, "files": {path: base64}} with {"ok", "problems", "title",
// "injects", "map_files"}: the checks drill validate and drill serve's
// create make, so a trainer sees every problem with its line before
// creating the drill. map_files are the paths the scenario's map: names,
// under which the console sends the grid files the teacher picked.
func validate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name   string            `json:"name"`
		Source string            `json:"source"`
		Files  map[string][]byte `json:"files"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxValidateBody))
	if err := dec.Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad request: " + err.Error()})
		return
	}
	name := req.Name
	if name == "" || strings.ContainsAny(name, "/\\") {
		name = "upload.yaml"
	}
	type resp struct {
		OK       bool      `json:"ok"`
		Problems []problem `json:"problems"`
		Title    *text     `json:"title,omitempty"`
		Injects  []string  `json:"injects,omitempty"`
		MapFiles []string  `json:"map_files"`
	}
	out := resp{Problems: []problem{}, MapFiles: []string{}}
	var l *scenarios.Loaded
	var err error
	if len(req.Files) == 0 && scenarios.CheckUploadName(name) != "" {
		l, err = scenarios.LoadSource(name, []byte(req.Source)) // a YAML on a built-in map, any name
	} else {
		var ps scenarios.Problems
		l, ps = scenarios.CheckUpload(name, []byte(req.Source), req.Files)
		if l != nil {
			for _, f := range l.MapFiles() {
				out.MapFiles = append(out.MapFiles, f.Path)
			}
		}
		err = ps.Err()
	}
	var ps scenarios.Problems
	switch {
	case err == nil:
		out.OK = true
		ps = l.Problems // warnings only
		out.Title = &text{l.Scenario.Title.ZH, l.Scenario.Title.EN}
		for _, in := range l.Scenario.Injects {
			out.Injects = append(out.Injects, in.ID)
		}
	case errors.As(err, &ps):
	default:
		ps = scenarios.Problems{{File: name, Msg: err.Error()}}
	}
	for _, p := range ps {
		out.Problems = append(out.Problems, problem{File: p.File, Line: p.Line, Col: p.Col, Path: p.Path, Message: p.Msg, Hint: p.Hint,
			Severity: p.Severity.String(), Text: p.String()})
	}
	writeJSON(w, http.StatusOK, out)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
