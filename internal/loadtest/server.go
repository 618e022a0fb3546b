package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rescuedrill/rescuedrill/server/transport"
)

// api talks to the server's HTTPS side (TCP, same port): it creates the
// drills like `drill facilitate create`, reads their ticks from
// /api/drills and scrapes /metrics, so the same code measures an
// in-process server and a separate `drill serve`.
type api struct {
	base string
	hc   *http.Client
}

func newAPI(addr string, certHash [32]byte) *api {
	var tc *tls.Config
	if certHash != [32]byte{} {
		tc = transport.PinnedTLS(certHash)
		tc.NextProtos = nil
	}
	// A generous timeout: an overloaded server is what a load test makes.
	return &api{base: "https://" + addr, hc: &http.Client{Timeout: 60 * time.Second,
		Transport: &http.Transport{TLSClientConfig: tc, ForceAttemptHTTP2: true}}}
}

func (a *api) close() { a.hc.CloseIdleConnections() }

// created is POST /api/drills's answer.
type created struct {
	ID               string `json:"id"`
	JoinCode         string `json:"join_code"`
	FacilitatorToken string `json:"facilitator_token"`
	TickHz           int    `json:"tick_hz"`
}

// create makes a drill, trying three times: under load the server may
// answer late, and a create that timed out may still have made its drill
// (harmless here: it sits in the lobby and is not counted).
func (a *api) create(ctx context.Context, scenario string, source []byte, seed uint64) (created, error) {
	var err error
	for range 3 {
		var c created
		if c, err = a.createOnce(ctx, scenario, source, seed); err == nil || ctx.Err() != nil {
			return c, err
		}
	}
	return created{}, err
}

func (a *api) createOnce(ctx context.Context, scenario string, source []byte, seed uint64) (created, error) {
	req := map[string]any{"scenario": scenario, "seed": seed}
	if len(source) > 0 {
		req["source"] = string(source)
	}
	body, _ := json.Marshal(req)
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+"/api/drills", bytes.NewReader(body))
	if err != nil {
		return created{}, err
	}
	hr.Header.Set("Content-Type", "application/json")
	rsp, err := a.hc.Do(hr)
	if err != nil {
		return created{}, err
	}
	defer rsp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(rsp.Body, 1<<20))
	if err != nil {
		return created{}, err
	}
	if rsp.StatusCode != http.StatusCreated {
		return created{}, fmt.Errorf("loadtest: creating a drill: %s: %s", rsp.Status, strings.TrimSpace(string(b)))
	}
	var c created
	if err := json.Unmarshal(b, &c); err != nil {
		return created{}, fmt.Errorf("loadtest: creating a drill: %w", err)
	}
	if c.TickHz == 0 {
		c.TickHz = 20
	}
	return c, nil
}

func (a *api) get(ctx context.Context, path string) ([]byte, error) {
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+path, nil)
	if err != nil {
		return nil, err
	}
	rsp, err := a.hc.Do(hr)
	if err != nil {
		return nil, err
	}
	defer rsp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(rsp.Body, 16<<20))
	if err == nil && rsp.StatusCode != http.StatusOK {
		err = fmt.Errorf("loadtest: GET %s: %s", path, rsp.Status)
	}
	return b, err
}

// drillNow is one drill in /api/drills.
type drillNow struct {
	Tick   uint64 `json:"tick"`
	Behind uint64 `json:"behind"`     // due, not stepped yet: late, not missed (a server before it: 0)
	At     int64  `json:"at_unix_ns"` // when the server read them (0: a server before it)
	State  string `json:"state"`
}

// ticks reads every drill's current tick and state (one List on the
// server, so all of one moment) and when it was read.
func (a *api) ticks(ctx context.Context) (map[string]drillNow, time.Time, error) {
	b, err := a.get(ctx, "/api/drills")
	at := time.Now()
	if err != nil {
		return nil, at, err
	}
	var ds []struct {
		ID string `json:"id"`
		drillNow
	}
	if err := json.Unmarshal(b, &ds); err != nil {
		return nil, at, fmt.Errorf("loadtest: /api/drills: %w", err)
	}
	m := make(map[string]drillNow, len(ds))
	for _, d := range ds {
		m[d.ID] = d.drillNow
	}
	return m, at, nil
}

// sample is one scrape of /metrics: every series by its name and labels as
// written ("rescuedrill_drills{state=\"running\"}").
type sample map[string]float64

func (a *api) metrics(ctx context.Context) (sample, error) {
	b, err := a.get(ctx, "/metrics")
	if err != nil {
		return nil, err
	}
	return parseMetrics(b)
}

// parseMetrics reads the Prometheus text format: "name{labels} value"
// lines; comments and timestamps are skipped.
func parseMetrics(b []byte) (sample, error) {
	s := sample{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		// name{labels} value [timestamp]: labels may hold spaces.
		var name, rest string
		if j := strings.LastIndexByte(line, '}'); j >= 0 {
			name, rest = line[:j+1], line[j+1:]
		} else if sp := strings.IndexByte(line, ' '); sp >= 0 {
			name, rest = line[:sp], line[sp:]
		}
		f := strings.Fields(rest)
		if name == "" || len(f) == 0 {
			return nil, fmt.Errorf("loadtest: metrics line %q", line)
		}
		v, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			return nil, fmt.Errorf("loadtest: metrics line %q: %w", line, err)
		}
		s[name] = v
	}
	return s, sc.Err()
}

// delta is after − before of one series (0 when absent).
func delta(before, after sample, name string) float64 { return after[name] - before[name] }

// bucket is one cumulative histogram bucket.
type bucket struct {
	le    float64
	count float64
}

// histDelta returns the buckets of histogram name observed between two
// scrapes, ascending.
func histDelta(before, after sample, name string) []bucket {
	var out []bucket
	prefix := name + `_bucket{le="`
	for k, v := range after {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		le := strings.TrimSuffix(strings.TrimPrefix(k, prefix), `"}`)
		f, err := strconv.ParseFloat(le, 64)
		if err != nil {
			if le != "+Inf" {
				continue
			}
			f = math.Inf(1)
		}
		out = append(out, bucket{le: f, count: v - before[k]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].le < out[j].le })
	return out
}

// histQuantile is the upper bound of the bucket holding quantile q: "p99
// ≤ this". +Inf when it is beyond the largest bucket, 0 with no samples.
func histQuantile(bs []bucket, q float64) float64 {
	if len(bs) == 0 || bs[len(bs)-1].count == 0 {
		return 0
	}
	want := q * bs[len(bs)-1].count
	for _, b := range bs {
		if b.count >= want {
			return b.le
		}
	}
	return math.Inf(1)
}
