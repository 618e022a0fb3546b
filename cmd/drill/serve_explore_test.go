package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/server/transport"
)

// TestServeExplorer: drill serve lists the built-in maps at /explore/,
// serves each map's flood explorer under /explore/MAP/ (page, numbers and
// image, relative links), redirects /explore/MAP, and answers 404 for a
// map it does not have. A higher river floods more.
func TestServeExplorer(t *testing.T) {
	t.Parallel()
	ds := inProcessServer(t, t.TempDir())
	hc := &http.Client{Timeout: 3 * time.Minute, Transport: &http.Transport{TLSClientConfig: transport.PinnedTLS(ds.hash)}}
	defer hc.CloseIdleConnections()
	base := "https://127.0.0.1:" + strconv.Itoa(ds.ln.Port())
	fetch := func(path string) (int, string, string) {
		t.Helper()
		resp, err := hc.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var sb strings.Builder
		buf := make([]byte, 32<<10)
		for {
			n, err := resp.Body.Read(buf)
			sb.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return resp.StatusCode, resp.Header.Get("Content-Type"), sb.String()
	}

	code, _, body := fetch("/explore/")
	if code != 200 || !strings.Contains(body, `href="flood-district/"`) || !strings.Contains(body, "洪水模拟器") {
		t.Fatalf("/explore/: HTTP %d\n%s", code, body)
	}
	if code, _, _ := fetch("/explore/no-such-map/"); code != http.StatusNotFound {
		t.Fatalf("unknown map: HTTP %d, want 404", code)
	}
	if code, _, body := fetch("/explore/flood-district"); code != 200 || !strings.Contains(body, "api") {
		t.Fatalf("/explore/flood-district (redirected): HTTP %d", code)
	}
	depth := func(level string) float64 {
		t.Helper()
		code, ct, body := fetch("/explore/flood-district/api?hours=0.25&level=" + level)
		var a struct {
			Area float64 `json:"flooded_area_m2"`
		}
		if code != 200 || !strings.HasPrefix(ct, "application/json") || json.Unmarshal([]byte(body), &a) != nil {
			t.Fatalf("api at level %s: HTTP %d %s\n%s", level, code, ct, body)
		}
		return a.Area
	}
	_, _, page := fetch("/explore/flood-district/")
	low, high := depth("165"), depth("175")
	if !(high > low && low >= 0) {
		t.Fatalf("flooded area %v m² at 165 m and %v m² at 175 m: a higher river must flood more (page %d bytes)", low, high, len(page))
	}
	if code, ct, _ := fetch("/explore/flood-district/map.png?level=175&hours=0.25"); code != 200 || ct != "image/png" {
		t.Fatalf("map image: HTTP %d %s", code, ct)
	}
}
