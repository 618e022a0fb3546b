package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/internal/report"
	"github.com/rescuedrill/rescuedrill/internal/xapi"
	"github.com/rescuedrill/rescuedrill/server/store"
)

func init() {
	register(command{name: "xapi", run: cmdXAPI,
		usage: "  drill xapi DRILL|REPLAY -o statements.json [--csv] [--lrs URL --lrs-auth USER:PASS] [--data DIR]\n" +
			"                                     learning records (xAPI 1.0.3) or a CSV for spreadsheets (学习记录)\n" +
			"  drill xapi --flush --lrs URL [--lrs-auth USER:PASS]   resend the offline queue\n"})
}

// The statements' defaults: the system pupils' accounts belong to and the
// prefix of activity IDs (the console's export uses them too, so both give
// the same statements).
const (
	xapiHomePage     = "https://rescuedrill.invalid"
	xapiActivityBase = xapiHomePage + "/xapi"
)

// queueName is the offline queue's file in the data directory.
const queueName = "xapi-queue.jsonl"

func cmdXAPI(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("xapi", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write the statements (or the CSV) here; - for standard output")
	asCSV := fs.Bool("csv", false, "write one CSV row per participant instead of xAPI statements")
	data := fs.String("data", "", "data directory of `drill serve` (drill IDs and the offline queue)")
	lrs := fs.String("lrs", "", "LRS endpoint (its xAPI base URL, …/xAPI/); statements go to ENDPOINT/statements")
	auth := fs.String("lrs-auth", "", "USER:PASS for the LRS (HTTP Basic); also read from $RESCUEDRILL_LRS_AUTH")
	queuePath := fs.String("queue", "", "offline queue file (default DATA/"+queueName+")")
	retryFor := fs.Duration("retry-for", 30*time.Second, "keep retrying an unreachable LRS this long; what is left stays queued")
	flush := fs.Bool("flush", false, "only resend the offline queue")
	home := fs.String("home-page", xapiHomePage, "the system pupils' pseudonymous accounts belong to (your drill server's address)")
	base := fs.String("activity-base", xapiActivityBase, "prefix of activity IDs")
	class := fs.String("class", "", "the class's name (the statements' team)")
	mastery := fs.Int("mastery", 80, "score (0–100) that passes")
	start := fs.String("start", "", "when the drill started (RFC 3339), for a replay file (default: its modification time)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return 2, err
	}
	if *mastery < 0 || *mastery > 100 {
		return 2, errors.New("--mastery: 0 to 100")
	}
	dir := *data
	if dir == "" {
		if dir, err = store.DefaultDataDir(); err != nil {
			return 1, err
		}
	}
	q := &xapi.Queue{Path: *queuePath}
	if q.Path == "" {
		q.Path = filepath.Join(dir, queueName)
	}
	var client *xapi.Client
	if *lrs != "" {
		if client, err = lrsClient(*lrs, *auth); err != nil {
			return 2, err
		}
	}
	if *flush {
		if client == nil || len(pos) != 0 {
			return 2, errors.New("--flush takes --lrs URL and no drill")
		}
		return deliver(q, client, *retryFor, stdout, stderr)
	}
	if len(pos) != 1 {
		return 2, errors.New("give one drill ID or replay file")
	}
	if *out == "" && client == nil {
		return 2, errors.New("say where the records go: -o FILE, and/or --lrs URL")
	}
	src, err := openDrill(pos[0], *data)
	if err != nil {
		return 1, err
	}
	if src.Start, err = src.startOr(*start); err != nil {
		return 2, err
	}
	d, err := src.collect(true)
	if err != nil {
		return 1, err
	}
	if *asCSV {
		if client != nil {
			return 2, errors.New("--csv is for spreadsheets; send statements to an LRS without it")
		}
		return 0, writeOut(*out, stdout, func(w io.Writer) error { return report.WriteCSV(w, d, *mastery) })
	}
	xd := xapiDrill(d, src.Ld.Scenario, *home, *base, *class, *mastery)
	sts := xapi.Build(xd)
	for _, s := range sts {
		if err := xapi.ValidateStatement(s); err != nil {
			return 1, fmt.Errorf("statement %s: %w", s.ID, err)
		}
	}
	if *out != "" {
		err := writeOut(*out, stdout, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			return enc.Encode(sts)
		})
		if err != nil {
			return 1, err
		}
		if *out != "-" {
			fmt.Fprintf(stdout, "wrote %s: %d statements for %d participants, registration %s\n", *out, len(sts), len(xd.Participants), xd.Registration())
		}
	}
	if client == nil {
		return 0, nil
	}
	if err := q.Add(sts); err != nil {
		return 1, err
	}
	return deliver(q, client, *retryFor, stdout, stderr)
}

// lrsClient reads --lrs and --lrs-auth (or the environment, so a password
// need not sit in the shell history).
func lrsClient(endpoint, auth string) (*xapi.Client, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--lrs %q: want the LRS's http(s) xAPI address", endpoint)
	}
	if auth == "" {
		auth = os.Getenv("RESCUEDRILL_LRS_AUTH")
	}
	c := &xapi.Client{Endpoint: endpoint, HTTP: &http.Client{Timeout: 30 * time.Second}}
	if auth != "" {
		user, pass, ok := strings.Cut(auth, ":")
		if !ok {
			return nil, errors.New("--lrs-auth: write USER:PASS")
		}
		c.User, c.Password = user, pass
	}
	return c, nil
}

// deliver sends the queue; an LRS that stays away is not an error of the
// drill: the statements wait in the queue for the next run or --flush.
func deliver(q *xapi.Queue, c *xapi.Client, retryFor time.Duration, stdout, stderr io.Writer) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), retryFor)
	defer cancel()
	n, err := q.Deliver(ctx, c, time.Second)
	left, perr := q.Pending()
	if perr != nil {
		return 1, perr
	}
	fmt.Fprintf(stdout, "sent %d statements to %s", n, c.Endpoint)
	if len(left) > 0 {
		fmt.Fprintf(stdout, "; %d wait in %s (drill xapi --flush --lrs URL sends them later)", len(left), q.Path)
	}
	fmt.Fprintln(stdout)
	if errors.Is(err, xapi.ErrRejected) {
		return 1, err
	}
	if err != nil {
		fmt.Fprintf(stderr, "drill xapi: the LRS is not reachable now: %v\n", err)
		return 3, nil
	}
	return 0, nil
}

func writeOut(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "-" || path == "" {
		return write(stdout)
	}
	return writeFileAtomic(path, write)
}

// xapiDrill turns the re-simulated drill into what package xapi needs.
func xapiDrill(d *report.Data, sc *engine.Scenario, home, base, class string, mastery int) *xapi.Drill {
	key := d.DrillID
	if key == "" {
		// A replay file: its scenario, seed and final state identify the run.
		key = fmt.Sprintf("replay:%s:%d:%s", d.Scenario, d.Seed, d.FinalHash)
	}
	questions := map[string]engine.Text{}
	for _, in := range sc.Injects {
		if in.Prompt != nil {
			questions[in.ID] = in.Prompt.Question
		}
	}
	xd := &xapi.Drill{Key: key, Scenario: sc.ID, Title: d.Title, Summary: d.Summary, Start: d.Start, Times: d.Times,
		TickHz: d.TickHz, EndTick: d.Ticks, HomePage: home, ActivityBase: base, Class: class, Mastery: mastery}
	for _, p := range d.Participants {
		xp := xapi.Participant{Slot: p.ID, Joined: p.Joined, Score: p.Score, Outcome: p.Outcome}
		for _, e := range p.Decisions {
			switch e.Kind {
			case "answered":
				xp.Decisions = append(xp.Decisions, xapi.Decision{Tick: e.Tick, Kind: "answer", Ref: e.Ref, Choice: e.Level, OK: e.OK, Name: questions[e.Ref]})
			case "action":
				n := engine.Text{ZH: e.Ref, EN: strings.ReplaceAll(e.Ref, "_", " ")}
				xp.Decisions = append(xp.Decisions, xapi.Decision{Tick: e.Tick, Kind: "action", Ref: e.Ref, Choice: e.Level, OK: e.OK, Name: n})
			case "helped":
				xp.Decisions = append(xp.Decisions, xapi.Decision{Tick: e.Tick, Kind: "action", Ref: "help", Choice: e.NPC, OK: true,
					Name: engine.Text{ZH: "帮助他人", EN: "help someone"}})
			}
		}
		xd.Participants = append(xd.Participants, xp)
	}
	return xd
}
