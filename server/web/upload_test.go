package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestValidateWithMapFiles: the console's check of a scenario on its own
// map. Without files it learns which paths the map: names (map_files);
// with them the scenario passes; a missing or unnamed file is a problem
// with the line or the file it concerns.
func TestValidateWithMapFiles(t *testing.T) {
	t.Parallel()
	s := server(t, Config{})
	dir := filepath.Join("..", "..", "scenarios", "testdata")
	src, err := os.ReadFile(filepath.Join(dir, "valid-landslide.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	all := map[string][]byte{}
	for _, ext := range []string{"elev", "landuse", "soil"} {
		p := "maps/test-district." + ext + ".asc"
		if all[p], err = os.ReadFile(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
			t.Fatal(err)
		}
	}
	without := func(drop string) map[string][]byte {
		out := map[string][]byte{}
		for k, v := range all {
			if k != drop {
				out[k] = v
			}
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		files map[string][]byte
		ok    bool
		want  string // in one error's text
	}{
		{"no files yet", nil, false, "hill.yaml:12:14: map.elevation: map file maps/test-district.elev.asc was not uploaded"},
		{"all three", all, true, ""},
		{"soil missing", without("maps/test-district.soil.asc"), false, "hill.yaml:14:9: map.soil: map file maps/test-district.soil.asc was not uploaded"},
		{"an extra file", func() map[string][]byte { f := without(""); f["x.asc"] = []byte("1"); return f }(), false, "x.asc: the scenario does not name this file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{"name": "hill.yaml", "source": string(src), "files": tc.files})
			r, err := http.Post(s.URL+"/api/web/validate", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Body.Close()
			var v struct {
				OK       bool      `json:"ok"`
				Problems []problem `json:"problems"`
				MapFiles []string  `json:"map_files"`
			}
			if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
				t.Fatal(err)
			}
			if want := []string{"maps/test-district.elev.asc", "maps/test-district.landuse.asc", "maps/test-district.soil.asc"}; !slices.Equal(v.MapFiles, want) {
				t.Errorf("map_files = %v, want %v", v.MapFiles, want)
			}
			if v.OK != tc.ok {
				t.Fatalf("ok = %v, want %v: %+v", v.OK, tc.ok, v.Problems)
			}
			found := tc.want == ""
			for _, p := range v.Problems {
				if p.Severity == "error" && strings.Contains(p.Text, tc.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("no error %q in %+v", tc.want, v.Problems)
			}
		})
	}
}
