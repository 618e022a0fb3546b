package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"

	"github.com/rescuedrill/rescuedrill/scenarios"
)

// A scenario on the trainer's own map is created with its grid files in
// the same JSON body as the YAML: "files" maps each path the scenario's
// map: names (relative to the scenario) to the file's bytes, base64 in
// JSON (docs/server.md). One JSON body keeps the API one request for the
// command line and the console alike; its cost is a third more bytes and
// the body held in memory, bounded below.

// maxUpload bounds a POSTed scenario's YAML.
const maxUpload = 1 << 20

// maxCreateBody bounds POST /api/drills: the YAML, and the map files at
// their limit in base64, with room for the JSON around them.
const maxCreateBody = maxUpload + scenarios.MaxUploadTotal/3*4 + 64<<10

// uploadSlots lets two bodies larger than a plain YAML be read at once:
// the create API is open to anyone who reaches the port, and each such
// body is held in memory until the drill is made.
var uploadSlots = make(chan struct{}, 2)

// decodeCreate reads a create request within the limits, answering the
// client itself when it cannot; release must be called when ok.
func decodeCreate(w http.ResponseWriter, r *http.Request) (req createRequest, release func(), ok bool) {
	release = func() {}
	if r.ContentLength < 0 || r.ContentLength > maxUpload {
		select {
		case uploadSlots <- struct{}{}:
			release = func() { <-uploadSlots }
		case <-r.Context().Done():
			return req, release, false
		}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxCreateBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			httpError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the upload is larger than %d MiB: map files may be %d MiB each and %d MiB together · 上传内容过大",
				maxCreateBody>>20, scenarios.MaxUploadFile>>20, scenarios.MaxUploadTotal>>20))
		} else {
			httpError(w, http.StatusBadRequest, "bad request: "+err.Error())
		}
		release()
		return req, func() {}, false
	}
	switch {
	case len(req.Source) > maxUpload:
		httpError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the scenario file is larger than %d MiB", maxUpload>>20))
	case len(req.Files) > 0 && req.Source == "":
		httpError(w, http.StatusBadRequest, "map files came without the scenario's YAML (source)")
	default:
		return req, release, true
	}
	release()
	return req, func() {}, false
}

// scenarioUpload reads a scenario file and the grid files its map: names
// (relative to it) for POST /api/drills. The file is checked here first,
// as drill validate does, so problems show with their lines before
// anything is sent.
func scenarioUpload(file string) (name string, src []byte, files map[string][]byte, err error) {
	if ps := scenarios.CheckFile(file); ps.HasErrors() {
		return "", nil, nil, ps
	}
	if src, err = os.ReadFile(file); err != nil {
		return "", nil, nil, err
	}
	if len(src) > maxUpload {
		return "", nil, nil, fmt.Errorf("%s: larger than %d bytes", file, maxUpload)
	}
	name = filepath.Base(file)
	if msg := scenarios.CheckUploadName(name); msg != "" {
		return "", nil, nil, errors.New(msg)
	}
	dir := filepath.Dir(file)
	total := 0
	for _, ref := range scenarios.Validate(name, src).MapFiles() {
		if !fs.ValidPath(ref.Path) {
			return "", nil, nil, fmt.Errorf("%s: map file %q is outside the scenario's folder", file, ref.Path)
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(ref.Path)))
		if err != nil {
			return "", nil, nil, err
		}
		if files == nil {
			files = map[string][]byte{}
		}
		files[ref.Path] = b
		total += len(b)
	}
	if total > scenarios.MaxUploadTotal {
		return "", nil, nil, fmt.Errorf("%s: its map files are %d MiB together; the server takes %d MiB", file, total>>20, scenarios.MaxUploadTotal>>20)
	}
	return name, src, files, nil
}
