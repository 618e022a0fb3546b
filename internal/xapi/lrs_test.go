package xapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// testLRS is an in-process Learning Record Store: it checks what a real one
// checks (the version header, Basic authentication, JSON, every statement
// valid, no duplicate IDs in a batch) and keeps statements by ID, answering
// POST with 200 and the IDs, and 409 for an ID it already has. While down
// it answers 503.
type testLRS struct {
	t    *testing.T
	mu   sync.Mutex
	down bool
	byID map[string]json.RawMessage
	ord  []string
	hits int
}

func newTestLRS(t *testing.T) *testLRS { return &testLRS{t: t, byID: map[string]json.RawMessage{}} }

func (l *testLRS) setDown(d bool) { l.mu.Lock(); l.down = d; l.mu.Unlock() }

func (l *testLRS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hits++
	if l.down {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	}
	if r.URL.Path != "/xapi/statements" {
		http.NotFound(w, r)
		return
	}
	if v := r.Header.Get("X-Experience-API-Version"); v != Version {
		http.Error(w, "version header "+v, http.StatusBadRequest)
		return
	}
	if u, p, ok := r.BasicAuth(); !ok || u != "teacher" || p != "s3cret" {
		http.Error(w, "auth", http.StatusUnauthorized)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var batch []json.RawMessage
	switch r.Method {
	case http.MethodPost:
		if err := json.Unmarshal(body, &batch); err != nil {
			var one json.RawMessage
			if json.Unmarshal(body, &one) != nil {
				http.Error(w, "json", http.StatusBadRequest)
				return
			}
			batch = []json.RawMessage{one}
		}
	case http.MethodPut:
		batch = []json.RawMessage{body}
	default:
		http.Error(w, "method", http.StatusMethodNotAllowed)
		return
	}
	ids := make([]string, len(batch))
	seen := map[string]bool{}
	for i, raw := range batch {
		if err := Validate(raw); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var s struct{ ID string }
		json.Unmarshal(raw, &s)
		if seen[s.ID] || (r.Method == http.MethodPut && s.ID != r.URL.Query().Get("statementId")) {
			http.Error(w, "duplicate or mismatched id", http.StatusBadRequest)
			return
		}
		seen[s.ID] = true
		ids[i] = s.ID
	}
	// A batch with an ID already stored is refused whole, as some LRSs do.
	conflict := false
	for _, id := range ids {
		if _, ok := l.byID[id]; ok {
			conflict = true
		}
	}
	if conflict {
		http.Error(w, "conflict", http.StatusConflict)
		return
	}
	for i, id := range ids {
		l.byID[id] = batch[i]
		l.ord = append(l.ord, id)
	}
	if r.Method == http.MethodPut {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	json.NewEncoder(w).Encode(ids)
}

func (l *testLRS) stored() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.ord...)
}

// TestQueueDeliversAfterOutage: the LRS first refuses connections, then
// answers 503, then comes up; the statements wait in the queue file and
// arrive exactly once, in order. A re-send of statements the LRS already
// has (a lost answer) is recognised.
func TestQueueDeliversAfterOutage(t *testing.T) {
	t.Parallel()
	sts := Build(sampleDrill())
	q := &Queue{Path: filepath.Join(t.TempDir(), "xapi-queue.jsonl")}
	if err := q.Add(sts); err != nil {
		t.Fatal(err)
	}
	if err := q.Add(sts[:3]); err != nil { // queued twice: kept once
		t.Fatal(err)
	}
	ctx := context.Background()

	// Down: nothing listens on the port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := &Client{Endpoint: "http://" + addr + "/xapi/", User: "teacher", Password: "s3cret",
		HTTP: &http.Client{Timeout: 5 * time.Second}}
	if n, err := q.Flush(ctx, c); err == nil || n != 0 {
		t.Fatalf("flush to a closed port: sent %d, err %v", n, err)
	}

	// Up but in maintenance: 503.
	lrs := newTestLRS(t)
	lrs.setDown(true)
	srv := httptest.NewServer(lrs)
	defer srv.Close()
	c.Endpoint = srv.URL + "/xapi/"
	if n, err := q.Flush(ctx, c); err == nil || n != 0 {
		t.Fatalf("flush during 503: sent %d, err %v", n, err)
	}
	if p, _ := q.Pending(); len(p) != len(sts) {
		t.Fatalf("%d queued after the outage, want %d", len(p), len(sts))
	}

	// Back after a while: Deliver keeps retrying until it is.
	go func() {
		time.Sleep(150 * time.Millisecond)
		lrs.setDown(false)
	}()
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	n, err := q.Deliver(dctx, c, 20*time.Millisecond)
	if err != nil || n != len(sts) {
		t.Fatalf("deliver: sent %d of %d, err %v", n, len(sts), err)
	}
	got := lrs.stored()
	if len(got) != len(sts) {
		t.Fatalf("the LRS holds %d statements, want %d", len(got), len(sts))
	}
	for i := range sts {
		if got[i] != sts[i].ID {
			t.Fatalf("statement %d arrived as %s, want %s", i, got[i], sts[i].ID)
		}
	}
	if p, _ := q.Pending(); len(p) != 0 {
		t.Fatalf("%d left in the queue", len(p))
	}

	// The same drill exported again (its answer was lost, say): the LRS
	// answers 409 to the batch, the client checks statement by statement.
	if err := q.Add(sts); err != nil {
		t.Fatal(err)
	}
	if n, err := q.Flush(ctx, c); err != nil || n != len(sts) {
		t.Fatalf("re-send: %d, %v", n, err)
	}
	if len(lrs.stored()) != len(sts) {
		t.Fatalf("re-send stored duplicates: %d", len(lrs.stored()))
	}
}

// TestRejectedStaysQueued: a 4xx (here wrong credentials) is not retried in
// a loop; the statements stay queued.
func TestRejectedStaysQueued(t *testing.T) {
	t.Parallel()
	lrs := newTestLRS(t)
	srv := httptest.NewServer(lrs)
	defer srv.Close()
	q := &Queue{Path: filepath.Join(t.TempDir(), "q.jsonl")}
	sts := Build(sampleDrill())
	if err := q.Add(sts); err != nil {
		t.Fatal(err)
	}
	c := &Client{Endpoint: srv.URL + "/xapi", User: "teacher", Password: "wrong"}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := q.Deliver(ctx, c, time.Millisecond)
	if err == nil || !errorsIs(err, ErrRejected) {
		t.Fatalf("deliver with bad credentials: %v", err)
	}
	if lrs.hits != 1 {
		t.Errorf("%d requests: a rejection must not be retried", lrs.hits)
	}
	if p, _ := q.Pending(); len(p) != len(sts) {
		t.Errorf("%d queued, want %d", len(p), len(sts))
	}
}

// TestBatches: more statements than a batch go in several POSTs, and a
// failure half way leaves exactly the unsent ones queued.
func TestBatches(t *testing.T) {
	t.Parallel()
	d := sampleDrill()
	for i := 3; i < 120; i++ {
		d.Participants = append(d.Participants, Participant{Slot: int32(i), Score: i % 101})
	}
	sts := Build(d)
	if len(sts) <= 2*BatchSize {
		t.Fatalf("only %d statements", len(sts))
	}
	lrs := newTestLRS(t)
	var posts int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts++
		if posts == 2 {
			http.Error(w, "flaky", http.StatusBadGateway)
			return
		}
		lrs.ServeHTTP(w, r)
	}))
	defer srv.Close()
	q := &Queue{Path: filepath.Join(t.TempDir(), "q.jsonl")}
	q.Add(sts)
	c := &Client{Endpoint: srv.URL + "/xapi/", User: "teacher", Password: "s3cret"}
	n, err := q.Flush(context.Background(), c)
	if err == nil || n != BatchSize {
		t.Fatalf("first flush: %d, %v", n, err)
	}
	if p, _ := q.Pending(); len(p) != len(sts)-BatchSize || p[0].ID != sts[BatchSize].ID {
		t.Fatalf("queue after a failed second batch: %d", len(p))
	}
	n, err = q.Flush(context.Background(), c)
	if err != nil || n != len(sts)-BatchSize {
		t.Fatalf("second flush: %d, %v", n, err)
	}
	if got := lrs.stored(); len(got) != len(sts) {
		t.Fatal(fmt.Sprint(len(got)))
	}
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
