package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rescuedrill/rescuedrill/internal/durable"
	"github.com/rescuedrill/rescuedrill/internal/report"
	"github.com/rescuedrill/rescuedrill/internal/xapi"
	"github.com/rescuedrill/rescuedrill/server"
)

// The after-action report from the facilitator console:
//
//	GET /api/drills/{id}/report?lang=zh|en|both[&format=html|csv|xapi]
//	Authorization: Bearer FACILITATOR-TOKEN
//
// answers the same offline HTML file `drill report ID` writes (or the CSV
// of `drill xapi --csv`, or the statements of `drill xapi -o` with its
// default home page, activity IDs and pass mark, so an export from the
// console and one from the command line are the same statements). {id} is the drill ID, or a live drill's join
// code (the console that joined an existing drill knows only that).
//
// Who may read it. The report names the children, so only the drill's
// facilitator token opens it: a participant's token, no token or another
// drill's token are refused. The facilitator token lives in the drill's
// key file (server/keys.go) only while the drill runs — the file is
// deleted at the end — so the report needs its own durable proof: the
// SHA-256 of the token in DATA/report-keys/ID.sha256, written (fsynced)
// when the drill is created or recovered, before the create response hands
// the token out. A file next to the journal rather than a column in the
// results database, because the database is by design token-free (its
// schema test pins every column, docs/store.md) and shared with other
// work's migrations, while the report is made from the journal: the hash
// lives and is deleted with it, and a hash cannot be turned back into a
// token that runs a drill. The token is random (192 bits), so a plain
// SHA-256 is not open to guessing.
//
// Cost. A report re-simulates the whole journal (a second or more for a
// long drill), so it never runs on the drill goroutine or in the request's
// way unbounded: at most reportRenders run at once, reportQueue more may
// wait, and any further request is told 503 "busy, retry" with
// Retry-After. Concurrent requests for the same report share one render.
// A finished drill's report never changes, so it is kept in memory (up to
// reportCacheBytes); a running drill's ("so far", marked provisional by the
// report itself) is made afresh each time.

const (
	reportKeyDir     = "report-keys"
	reportKeyExt     = ".sha256"
	reportRenders    = 2
	reportQueue      = 4
	reportCacheBytes = 64 << 20
	reportCacheMax   = 32
	reportMastery    = 80 // the CSV's pass mark, as drill xapi's default
)

func init() {
	extraRoutes = append(extraRoutes, func(ds *drillServer, mux *http.ServeMux) {
		rs := newReportService(ds)
		mux.HandleFunc("GET /api/drills/{id}/report", rs.serve)
		mux.HandleFunc("GET /api/reports", rs.list)
	})
}

// reportServices finds a server's report service (tests look at its
// counters and fill its render slots).
var reportServices sync.Map // *drillServer → *reportService

// reportService renders, caches and guards the reports of one server.
type reportService struct {
	ds      *drillServer
	dir     string        // DATA/report-keys
	slots   chan struct{} // one token per render running
	queue   atomic.Int32  // most requests that may wait for a slot
	waiting atomic.Int32
	renders atomic.Int64 // re-simulations done (tests: the cache works)

	mu    sync.Mutex
	jobs  map[reportKey]*reportJob // in flight, or finished and kept
	order []reportKey              // kept ones, oldest first
	bytes int
}

type reportKey struct {
	id     string
	lang   report.Lang
	format string
}

// reportJob is one render; done closes when body or err is set.
type reportJob struct {
	done  chan struct{}
	body  []byte
	final bool // the drill had ended: the report is kept
	err   error
}

// errBusy: every render slot is taken and the queue is full.
var errBusy = errors.New("busy, retry")

func newReportService(ds *drillServer) *reportService {
	rs := &reportService{ds: ds, dir: filepath.Join(ds.opts.Data, reportKeyDir), slots: make(chan struct{}, reportRenders),
		jobs: map[reportKey]*reportJob{}}
	rs.queue.Store(reportQueue)
	if err := os.MkdirAll(rs.dir, 0o700); err != nil {
		ds.log.Error("report keys: no directory; reports of ended drills will be refused", "err", err)
	}
	// Drills recovered at start-up: their token is the key file's (or a
	// new one when that was lost), so the hash is written again.
	for _, e := range ds.reg.List() {
		rs.remember(e)
	}
	// New ones: before Create returns, so before anyone holds the token.
	// handler() runs before the listener, so nothing is created yet.
	next := ds.reg.OnDrill
	ds.reg.OnDrill = func(e *server.Entry, recovered bool) {
		rs.remember(e)
		if next != nil {
			next(e, recovered)
		}
	}
	reportServices.Store(ds, rs)
	return rs
}

func (rs *reportService) keyPath(id string) string { return filepath.Join(rs.dir, id+reportKeyExt) }

// remember writes the hash of a drill's facilitator token, durably.
func (rs *reportService) remember(e *server.Entry) {
	sum := sha256.Sum256([]byte(e.FacilitatorToken()))
	line := hex.EncodeToString(sum[:]) + "\n"
	path := rs.keyPath(e.ID)
	if old, err := os.ReadFile(path); err == nil && string(old) == line {
		return
	}
	if err := durable.WriteFile(path, []byte(line), 0o600); err != nil {
		rs.ds.log.Error("report key not saved: the console cannot fetch this drill's report after it ends", "drill", e.ID, "err", err)
	}
}

// validDrillRef is a drill ID or join code as a path element: no
// separators, nothing that could leave the journals directory.
func validDrillRef(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// bearer is the Authorization header's token, or "".
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// resolve finds the drill a request names: its ID and, while the server
// has it in memory, its entry. ok is false when there is no such drill.
func (rs *reportService) resolve(ref, client string) (id string, e *server.Entry, err error) {
	reg := rs.ds.reg
	if e = reg.ByID(ref); e != nil {
		return e.ID, e, nil
	}
	if _, err := os.Stat(reg.JournalPath(ref)); err == nil {
		return ref, nil, nil
	}
	// A join code: counted by the registry's limiter like a join, so the
	// endpoint is no faster way to guess codes than joining.
	e, err = reg.ByCode(ref, client)
	if err != nil {
		return "", nil, err
	}
	return e.ID, e, nil
}

// authorised checks a facilitator token against the live drill or the
// stored hash, in constant time.
func (rs *reportService) authorised(id string, e *server.Entry, token string) (bool, error) {
	if e != nil && e.IsFacilitator(token) {
		return true, nil
	}
	b, err := os.ReadFile(rs.keyPath(id))
	if err != nil {
		return false, err
	}
	want, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(want) != sha256.Size {
		return false, fmt.Errorf("report key %s is damaged", rs.keyPath(id))
	}
	got := sha256.Sum256([]byte(token))
	return subtle.ConstantTimeCompare(got[:], want) == 1, nil
}

func (rs *reportService) serve(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("id")
	q := r.URL.Query()
	lang, err := report.ParseLang(orDefault(q.Get("lang"), "both"))
	if err != nil {
		httpError(w, http.StatusBadRequest, err.Error())
		return
	}
	format := orDefault(q.Get("format"), "html")
	if format != "html" && format != "csv" && format != "xapi" {
		httpError(w, http.StatusBadRequest, "format: html, csv or xapi")
		return
	}
	token := bearer(r)
	if token == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="rescuedrill report"`)
		httpError(w, http.StatusUnauthorized, "the facilitator token is needed: Authorization: Bearer TOKEN · 需要组织者令牌")
		return
	}
	if !validDrillRef(ref) {
		httpError(w, http.StatusNotFound, "no such drill · 没有这个演练")
		return
	}
	client, _, _ := net.SplitHostPort(r.RemoteAddr)
	id, e, err := rs.resolve(ref, client)
	switch {
	case errors.Is(err, server.ErrRateLimited):
		w.Header().Set("Retry-After", "60")
		httpError(w, http.StatusTooManyRequests, err.Error())
		return
	case err != nil:
		httpError(w, http.StatusNotFound, "no such drill · 没有这个演练")
		return
	}
	ok, err := rs.authorised(id, e, token)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		rs.ds.log.Error("report key", "drill", id, "err", err)
	}
	if !ok {
		msg := "this token does not open the report: only the drill's facilitator token does · 此令牌无权查看报告（需要本演练的组织者令牌）"
		if errors.Is(err, os.ErrNotExist) && e == nil {
			msg = "no facilitator key is kept for this drill (it ran before reports were served); on the server: drill report " + id + " · 此演练没有保存组织者密钥，请在服务器上运行 drill report"
		}
		httpError(w, http.StatusForbidden, msg)
		return
	}

	job, err := rs.get(r.Context(), reportKey{id: id, lang: lang, format: format})
	switch {
	case errors.Is(err, errBusy):
		w.Header().Set("Retry-After", "5")
		httpError(w, http.StatusServiceUnavailable, "busy, retry · 报告生成繁忙，请稍后重试")
		return
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return // the client went away
	case errors.Is(err, os.ErrNotExist):
		httpError(w, http.StatusNotFound, "the drill's journal is gone · 演练日志已不存在")
		return
	case err != nil:
		rs.ds.log.Error("report not rendered", "drill", id, "err", err)
		httpError(w, http.StatusInternalServerError, "the report could not be made: "+err.Error())
		return
	}
	h := w.Header()
	name := "rescuedrill-report-" + id
	switch format {
	case "csv":
		h.Set("Content-Type", "text/csv; charset=utf-8")
		name += ".csv"
	case "xapi":
		h.Set("Content-Type", "application/json")
		name = "rescuedrill-xapi-" + id + ".json"
	default:
		h.Set("Content-Type", "text/html; charset=utf-8")
		// Opened in a tab it is still the offline page: no script runs,
		// nothing is fetched.
		h.Set("Content-Security-Policy", "default-src 'none'; img-src data:; style-src 'unsafe-inline'")
		if lang != report.LangBoth {
			name += "-" + string(lang)
		}
		name += ".html"
	}
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store") // children's names: not for shared caches
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Report-Final", fmt.Sprint(job.final))
	_, _ = w.Write(job.body)
}

// orDefault is a, or b when a is empty.
func orDefault(a, b string) string {
	if a == "" {
		return b
	}
	return a
}

// get returns a finished report, rendering it if needed: kept ones at
// once, one in flight by waiting for it, otherwise in a render slot.
func (rs *reportService) get(ctx context.Context, k reportKey) (*reportJob, error) {
	rs.mu.Lock()
	if j := rs.jobs[k]; j != nil {
		rs.mu.Unlock()
		select {
		case <-j.done:
			if j.err != nil {
				return nil, j.err
			}
			return j, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	j := &reportJob{done: make(chan struct{})}
	rs.jobs[k] = j
	rs.mu.Unlock()

	j.body, j.final, j.err = rs.render(ctx, k)
	rs.mu.Lock()
	if j.err != nil || !j.final {
		delete(rs.jobs, k)
	} else {
		rs.keep(k, len(j.body))
	}
	rs.mu.Unlock()
	close(j.done)
	if j.err != nil {
		return nil, j.err
	}
	return j, nil
}

// keep records a finished report in the cache and drops the oldest ones
// beyond its bounds. rs.mu is held.
func (rs *reportService) keep(k reportKey, n int) {
	rs.order = append(rs.order, k)
	rs.bytes += n
	for len(rs.order) > 1 && (rs.bytes > reportCacheBytes || len(rs.order) > reportCacheMax) {
		old := rs.order[0]
		rs.order = rs.order[1:]
		if j := rs.jobs[old]; j != nil {
			rs.bytes -= len(j.body)
			delete(rs.jobs, old)
		}
	}
}

// render waits for a slot, then re-simulates the journal and writes the
// report. final says the journal was complete (the drill ended).
func (rs *reportService) render(ctx context.Context, k reportKey) ([]byte, bool, error) {
	select {
	case rs.slots <- struct{}{}:
	default:
		if rs.waiting.Add(1) > rs.queue.Load() {
			rs.waiting.Add(-1)
			return nil, false, errBusy
		}
		select {
		case rs.slots <- struct{}{}:
			rs.waiting.Add(-1)
		case <-ctx.Done():
			rs.waiting.Add(-1)
			return nil, false, ctx.Err()
		}
	}
	defer func() { <-rs.slots }()
	rs.renders.Add(1)

	src := &drillSource{ID: k.id, Path: rs.ds.reg.JournalPath(k.id)}
	err := src.decode()
	if err != nil {
		return nil, false, err
	}
	if err := src.fromResults(ctx, rs.ds.st); err != nil {
		rs.ds.log.Warn("report: no start time or names from the results store", "drill", k.id, "err", err)
	}
	if k.format == "xapi" { // timestamps need a start, as in drill xapi
		if src.Start, err = src.startOr(""); err != nil {
			return nil, false, err
		}
	}
	d, err := src.collect(k.format != "html")
	if err != nil {
		return nil, false, err
	}
	var buf bytes.Buffer
	switch k.format {
	case "csv":
		err = report.WriteCSV(&buf, d, reportMastery)
	case "xapi":
		err = writeStatements(&buf, d, src)
	default:
		err = report.Render(&buf, d, k.lang)
	}
	if err != nil {
		return nil, false, err
	}
	return buf.Bytes(), src.Partial == nil && src.Log.End != nil, nil
}

// writeStatements writes the drill's xAPI statements as drill xapi -o does
// with its defaults, each checked against the spec's rules first.
func writeStatements(w io.Writer, d *report.Data, src *drillSource) error {
	sts := xapi.Build(xapiDrill(d, src.Ld.Scenario, xapiHomePage, xapiActivityBase, "", reportMastery))
	for _, s := range sts {
		if err := xapi.ValidateStatement(s); err != nil {
			return fmt.Errorf("statement %s: %w", s.ID, err)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sts)
}

// reportable is a stored drill as GET /api/reports lists it for the
// console's earlier-drill form: GET /api/drills knows only the drills in
// memory, so after a restart the ended ones would be missing. Like that
// list, no join code, token or name.
type reportable struct {
	ID           string    `json:"id"`
	Scenario     string    `json:"scenario"`
	State        string    `json:"state"`
	Created      time.Time `json:"created"`
	Participants int       `json:"participants"`
}

// list answers GET /api/reports: every drill in the results store whose
// journal is still there, newest first.
func (rs *reportService) list(w http.ResponseWriter, r *http.Request) {
	sums, err := rs.ds.st.ListDrills(r.Context())
	if err != nil {
		rs.ds.log.Error("report list", "err", err)
		httpError(w, http.StatusInternalServerError, "the drill list could not be read")
		return
	}
	out := []reportable{}
	for _, d := range sums {
		if _, err := os.Stat(rs.ds.reg.JournalPath(d.ID)); err != nil {
			continue
		}
		out = append(out, reportable{ID: d.ID, Scenario: d.Scenario, State: string(d.State), Created: d.CreatedAt.UTC(), Participants: d.Participants})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}
