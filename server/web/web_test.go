package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rescuedrill/rescuedrill/scenarios"
)

func server(t *testing.T, cfg Config) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	Mount(mux, cfg)
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func get(t *testing.T, url string, v any) *http.Response {
	t.Helper()
	r, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	if v != nil {
		if err := json.NewDecoder(r.Body).Decode(v); err != nil {
			t.Fatalf("%s: %v", url, err)
		}
	}
	return r
}

func TestPagesAndBundles(t *testing.T) {
	t.Parallel()
	s := server(t, Config{})
	for _, tc := range []struct{ path, contains, ctype string }{
		{"/play", `src="/web/play.js"`, "text/html"},
		{"/console", `src="/web/console.js"`, "text/html"},
		{"/web/play.js", "WebTransport", "text/javascript"},
		{"/web/console.js", "serverCertificateHashes", "text/javascript"},
		{"/web/play.css", "#view", "text/css"},
	} {
		r, err := http.Get(s.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(r.Body)
		r.Body.Close()
		b := string(body)
		if r.StatusCode != 200 || !strings.Contains(b, tc.contains) || !strings.HasPrefix(r.Header.Get("Content-Type"), tc.ctype) {
			t.Errorf("%s: %d %s, has %q: %v", tc.path, r.StatusCode, r.Header.Get("Content-Type"), tc.contains, strings.Contains(b, tc.contains))
		}
	}
	if r := get(t, s.URL+"/web/nothing.js", nil); r.StatusCode != 404 {
		t.Errorf("missing file: %d", r.StatusCode)
	}
}

func TestConfigPinsOnlySelfSigned(t *testing.T) {
	t.Parallel()
	var hash [32]byte
	for i := range hash {
		hash[i] = byte(255 - i)
	}
	for _, tc := range []struct {
		self bool
		want int
	}{{true, 32}, {false, 0}} {
		var c struct {
			CertHash []int  `json:"cert_hash"`
			WTPath   string `json:"wt_path"`
		}
		get(t, server(t, Config{CertHash: hash, SelfSigned: tc.self}).URL+"/api/web/config", &c)
		if len(c.CertHash) != tc.want || c.WTPath != "/wt" {
			t.Errorf("self-signed %v: %d hash bytes, path %q", tc.self, len(c.CertHash), c.WTPath)
		}
		if tc.want > 0 && (c.CertHash[0] != 255 || c.CertHash[31] != 224) {
			t.Errorf("hash bytes %v", c.CertHash)
		}
	}
}

func TestScenarioList(t *testing.T) {
	t.Parallel()
	var list []scenarioInfo
	get(t, server(t, Config{}).URL+"/api/web/scenarios", &list)
	if len(list) != len(scenarios.Builtins()) {
		t.Fatalf("%d scenarios listed, %d built in", len(list), len(scenarios.Builtins()))
	}
	for _, s := range list {
		if s.Title.ZH == "" || s.Title.EN == "" || s.Hazard == "" || len(s.Injects) == 0 {
			t.Errorf("%s: incomplete %+v", s.Name, s)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	s := server(t, Config{})
	flood, err := scenarios.Builtin("flood")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, src string
		ok        bool
		line      int // a problem expected on this line (0: none)
	}{
		{"good", string(flood.Src), true, 0},
		{"bad id", strings.Replace(string(flood.Src), "\nid: flood", "\nid: Not_Valid", 1), false, -1},
		{"not yaml", "id: [unclosed\n", false, 1},
		{"empty", "", false, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]string{"name": "mine.yaml", "source": tc.src})
			r, err := http.Post(s.URL+"/api/web/validate", "application/json", strings.NewReader(string(body)))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Body.Close()
			var v struct {
				OK       bool      `json:"ok"`
				Problems []problem `json:"problems"`
				Injects  []string  `json:"injects"`
			}
			if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
				t.Fatal(err)
			}
			if v.OK != tc.ok {
				t.Fatalf("ok = %v, want %v; problems %+v", v.OK, tc.ok, v.Problems)
			}
			if tc.ok && len(v.Injects) == 0 {
				t.Error("a good scenario lists no injects")
			}
			if !tc.ok && len(v.Problems) == 0 {
				t.Fatal("refused without problems")
			}
			hasLine := false
			for _, p := range v.Problems {
				if p.Severity == "error" && p.Line > 0 && (tc.line < 0 || p.Line == tc.line) && strings.Contains(p.Text, "mine.yaml") {
					hasLine = true
				}
			}
			if tc.line != 0 && !hasLine {
				t.Errorf("no error with a line number (want line %d): %+v", tc.line, v.Problems)
			}
		})
	}
	r, err := http.Post(s.URL+"/api/web/validate", "application/json", strings.NewReader("{"))
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusBadRequest {
		t.Errorf("bad JSON: %d", r.StatusCode)
	}
}
