package xapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Client posts statements to a Learning Record Store.
type Client struct {
	// Endpoint is the LRS's xAPI base (…/xAPI/): statements go to
	// Endpoint + "statements".
	Endpoint string
	// User and Password for HTTP Basic authentication, when set.
	User, Password string
	HTTP           *http.Client
}

// ErrRejected means the LRS refused the statements themselves (a 4xx other
// than 409): retrying the same bytes will not help, so they stay queued for
// a person to look at rather than being resent in a loop.
var ErrRejected = errors.New("xapi: the LRS rejected the statements")

func (c *Client) url(q string) string {
	u := strings.TrimSuffix(c.Endpoint, "/") + "/statements"
	if q != "" {
		u += "?" + q
	}
	return u
}

func (c *Client) do(ctx context.Context, method, u string, body []byte) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("X-Experience-API-Version", Version)
	req.Header.Set("Content-Type", "application/json")
	if c.User != "" || c.Password != "" {
		req.SetBasicAuth(c.User, c.Password)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return resp.StatusCode, strings.TrimSpace(string(msg)), nil
}

// Send posts a batch. A 409 Conflict means the LRS already holds a
// statement with one of these IDs (a batch resent after a lost answer):
// the statements are then PUT one by one, where 204 and 409 both mean the
// LRS has that statement, since IDs are derived from the content's origin.
func (c *Client) Send(ctx context.Context, sts []Statement) error {
	if len(sts) == 0 {
		return nil
	}
	body, err := json.Marshal(sts)
	if err != nil {
		return err
	}
	code, msg, err := c.do(ctx, http.MethodPost, c.url(""), body)
	switch {
	case err != nil:
		return err
	case code == http.StatusOK || code == http.StatusNoContent:
		return nil
	case code == http.StatusConflict:
		for _, s := range sts {
			b, err := json.Marshal(s)
			if err != nil {
				return err
			}
			code, msg, err := c.do(ctx, http.MethodPut, c.url("statementId="+url.QueryEscape(s.ID)), b)
			switch {
			case err != nil:
				return err
			case code == http.StatusNoContent || code == http.StatusOK || code == http.StatusConflict:
			case code >= 400 && code < 500 && code != http.StatusTooManyRequests && code != http.StatusRequestTimeout:
				return fmt.Errorf("%w: PUT %s: %d %s", ErrRejected, s.ID, code, msg)
			default:
				return fmt.Errorf("xapi: PUT %s: %d %s", s.ID, code, msg)
			}
		}
		return nil
	case code >= 400 && code < 500 && code != http.StatusTooManyRequests && code != http.StatusRequestTimeout:
		return fmt.Errorf("%w: %d %s", ErrRejected, code, msg)
	}
	return fmt.Errorf("xapi: the LRS answered %d %s", code, msg)
}

// Queue is the offline queue: statements waiting for the LRS, one JSON
// statement per line in a file (normally DATA/xapi-queue.jsonl). A school's
// network goes down; the statements wait on disk and go with the next
// delivery. The file is replaced atomically, so a crash leaves either the
// old queue or the new one; only one process should use a queue at a time.
type Queue struct{ Path string }

// Pending returns the queued statements in order.
func (q *Queue) Pending() ([]Statement, error) {
	f, err := os.Open(q.Path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Statement
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var s Statement
		if err := json.Unmarshal(line, &s); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", q.Path, n, err)
		}
		out = append(out, s)
	}
	return out, sc.Err()
}

func (q *Queue) write(sts []Statement) error {
	if len(sts) == 0 {
		err := os.Remove(q.Path)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	if err := os.MkdirAll(filepath.Dir(q.Path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(q.Path), ".xapi-queue-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	bw := bufio.NewWriter(f)
	enc := json.NewEncoder(bw)
	for _, s := range sts {
		if err := enc.Encode(s); err != nil {
			f.Close()
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), q.Path)
}

// Add queues statements, leaving out any whose ID is already queued.
func (q *Queue) Add(sts []Statement) error {
	have, err := q.Pending()
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, s := range have {
		seen[s.ID] = true
	}
	for _, s := range sts {
		if !seen[s.ID] {
			seen[s.ID] = true
			have = append(have, s)
		}
	}
	return q.write(have)
}

// BatchSize bounds one POST.
const BatchSize = 100

// Flush sends the queue in order, batch by batch, removing each batch once
// the LRS has it. It stops at the first failure; what is left stays queued.
func (q *Queue) Flush(ctx context.Context, c *Client) (sent int, err error) {
	sts, err := q.Pending()
	if err != nil {
		return 0, err
	}
	for len(sts) > 0 {
		n := min(BatchSize, len(sts))
		if err := c.Send(ctx, sts[:n]); err != nil {
			return sent, err
		}
		sts = sts[n:]
		sent += n
		if err := q.write(sts); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// Deliver flushes the queue, retrying with growing pauses (1 s, 2 s, 4 s …
// up to 30 s) until it is empty, the LRS rejects the statements, or ctx
// ends. It returns how many it sent and, if any are left, why.
func (q *Queue) Deliver(ctx context.Context, c *Client, firstPause time.Duration) (int, error) {
	if firstPause <= 0 {
		firstPause = time.Second
	}
	total := 0
	pause := firstPause
	for {
		n, err := q.Flush(ctx, c)
		total += n
		if err == nil || errors.Is(err, ErrRejected) {
			return total, err
		}
		if n > 0 {
			pause = firstPause // it was up a moment ago
		}
		select {
		case <-ctx.Done():
			return total, fmt.Errorf("%w (gave up: %v)", err, ctx.Err())
		case <-time.After(pause):
		}
		pause = min(2*pause, 30*time.Second)
	}
}
