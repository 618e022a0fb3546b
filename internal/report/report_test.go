package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/replay"
	"github.com/rescuedrill/rescuedrill/internal/headless"
	"github.com/rescuedrill/rescuedrill/scenarios"
)

// drill is one recorded headless drill shared by the tests of this package.
type drill struct {
	out      *headless.Outcome
	log      *replay.Log
	warnings []engine.Event
	setup    engine.Setup
}

var (
	drillOnce sync.Once
	drillRec  *drill
	drillErr  error
)

// classDrill plays the landslide drill with a class of 40 bots (20 good, 20
// naive) once, recording its replay log and the warnings as they happened.
func classDrill(t *testing.T) *drill {
	t.Helper()
	drillOnce.Do(func() { drillRec, drillErr = record("landslide", "good:20,naive:20", 7) })
	if drillErr != nil {
		t.Fatal(drillErr)
	}
	return drillRec
}

func record(name, bots string, seed uint64) (*drill, error) {
	ld, err := scenarios.Builtin(name)
	if err != nil {
		return nil, err
	}
	specs, err := headless.ParseBots(bots)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	lw, err := replay.NewWriter(&buf, replay.Header{Scenario: name, Source: ld.Src, Seed: seed, TickHz: ld.Scenario.Hz(), EngineVersion: engine.Version})
	if err != nil {
		return nil, err
	}
	d := &drill{setup: engine.Setup{Scenario: ld.Scenario, Map: ld.Map}}
	d.out, err = headless.Run(d.setup, name, headless.Options{Seed: seed, Bots: specs, Log: lw,
		OnEvents: func(_ uint64, evs []engine.Event) {
			for _, e := range evs {
				if e.Kind == engine.EvWarning {
					d.warnings = append(d.warnings, e)
				}
			}
		}})
	if err != nil {
		return nil, err
	}
	d.log, err = replay.Decode(&buf)
	return d, err
}

// checkHTML tokenizes a page and fails on unbalanced elements, a missing
// html/head/body/title, and any src or href that would fetch something
// (everything must be inline or a data: URI). It returns the parsed tree.
func checkHTML(t *testing.T, page []byte) *html.Node {
	t.Helper()
	void := map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
		"img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}
	z := html.NewTokenizer(bytes.NewReader(page))
	var stack []string
	seen := map[string]bool{}
	doctype := false
	inSVG := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				t.Fatalf("tokenizer: %v", z.Err())
			}
			break
		}
		tok := z.Token()
		switch tt {
		case html.DoctypeToken:
			doctype = true
		case html.StartTagToken, html.SelfClosingTagToken:
			seen[tok.Data] = true
			for _, a := range tok.Attr {
				k := strings.ToLower(a.Key)
				if k == "src" || k == "href" || k == "xlink:href" || k == "action" || k == "srcset" {
					if !strings.HasPrefix(a.Val, "data:") && !strings.HasPrefix(a.Val, "#") {
						t.Errorf("<%s %s=%q>: the report must not load anything", tok.Data, a.Key, a.Val)
					}
				}
				if strings.HasPrefix(k, "on") {
					t.Errorf("<%s %s>: no script in the report", tok.Data, a.Key)
				}
			}
			if tok.Data == "script" || tok.Data == "link" || tok.Data == "iframe" {
				t.Errorf("<%s> in the report", tok.Data)
			}
			if tok.Data == "svg" {
				inSVG++
			}
			if tt == html.SelfClosingTagToken && (inSVG > 0 || void[tok.Data]) {
				if tok.Data == "svg" {
					inSVG--
				}
				continue
			}
			if void[tok.Data] {
				continue
			}
			stack = append(stack, tok.Data)
		case html.EndTagToken:
			if void[tok.Data] {
				t.Errorf("end tag for void element </%s>", tok.Data)
				continue
			}
			if len(stack) == 0 || stack[len(stack)-1] != tok.Data {
				t.Fatalf("unbalanced </%s>, open: %v", tok.Data, stack[max(0, len(stack)-5):])
			}
			stack = stack[:len(stack)-1]
			if tok.Data == "svg" {
				inSVG--
			}
		}
	}
	if len(stack) != 0 {
		t.Errorf("elements left open: %v", stack)
	}
	if !doctype {
		t.Error("no <!DOCTYPE html>")
	}
	for _, e := range []string{"html", "head", "body", "title", "meta", "style"} {
		if !seen[e] {
			t.Errorf("no <%s>", e)
		}
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func attr(n *html.Node, k string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == k {
			return a.Val, true
		}
	}
	return "", false
}

func hasClass(n *html.Node, c string) bool {
	v, _ := attr(n, "class")
	for _, f := range strings.Fields(v) {
		if f == c {
			return true
		}
	}
	return false
}

func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func text(n *html.Node) string {
	var b strings.Builder
	walk(n, func(m *html.Node) {
		if m.Type == html.TextNode {
			b.WriteString(m.Data)
		}
	})
	return strings.TrimSpace(b.String())
}

// TestClassReport renders the report of a 40-bot drill in each language and
// checks it is well-formed, self-contained and says what the drill did.
func TestClassReport(t *testing.T) {
	t.Parallel()
	d := classDrill(t)
	start := time.Date(2026, 6, 3, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	data, err := Collect(d.setup, d.log, Options{DrillID: "d-test", Start: start})
	if err != nil {
		t.Fatal(err)
	}
	if data.FinalHash != d.out.FinalHash || !data.ReplayOK {
		t.Fatalf("collect reached %s (ok %v), the drill %s", data.FinalHash, data.ReplayOK, d.out.FinalHash)
	}
	if len(d.warnings) == 0 {
		t.Fatal("the drill issued no warning: the test would prove nothing about the timeline")
	}
	for _, lang := range []Lang{LangBoth, LangZH, LangEN} {
		t.Run(string(lang), func(t *testing.T) {
			var page bytes.Buffer
			if err := Render(&page, data, lang); err != nil {
				t.Fatal(err)
			}
			doc := checkHTML(t, page.Bytes())
			// The browser tab's title is plain text (a <title> shows markup
			// literally).
			walk(doc, func(n *html.Node) {
				if n.DataAtom != atom.Title || n.Parent == nil || n.Parent.DataAtom != atom.Head {
					return
				}
				want := (&renderer{lang: lang}).txt(data.Title)
				if got := text(n); strings.ContainsAny(got, "<>") || !strings.HasPrefix(got, want) {
					t.Errorf("<title> %q, want it to start with %q, no markup", got, want)
				}
			})
			scores := map[int]int{}
			names := map[int]string{}
			var warns []string
			svgs, pngs := 0, 0
			walk(doc, func(n *html.Node) {
				if n.Type != html.ElementNode {
					return
				}
				switch {
				case n.DataAtom == atom.Tr && hasClass(n, "participant"):
					id, _ := attr(n, "data-pid")
					pid, _ := strconv.Atoi(id)
					walk(n, func(c *html.Node) {
						if c.Type == html.ElementNode && hasClass(c, "score") {
							scores[pid], _ = strconv.Atoi(text(c))
						}
						if c.Type == html.ElementNode && hasClass(c, "name") {
							names[pid] = text(c)
						}
					})
				case n.DataAtom == atom.Tr && hasClass(n, "ev-warning"):
					tick, _ := attr(n, "data-tick")
					ref, _ := attr(n, "data-ref")
					lv, _ := attr(n, "data-level")
					warns = append(warns, tick+" "+ref+" "+lv)
				case n.Data == "svg":
					svgs++
				case n.Data == "image":
					if h, _ := attr(n, "href"); strings.HasPrefix(h, "data:image/png;base64,") {
						pngs++
					}
				}
			})
			if len(scores) != len(d.out.Participants) {
				t.Errorf("%d participants in the score table, the drill had %d", len(scores), len(d.out.Participants))
			}
			for _, p := range d.out.Participants {
				if got, ok := scores[int(p.ID)]; !ok || got != p.Score {
					t.Errorf("participant %d: report says %d (listed %v), headless result %d", p.ID, got, ok, p.Score)
				}
				if names[int(p.ID)] != p.Name {
					t.Errorf("participant %d named %q, want %q", p.ID, names[int(p.ID)], p.Name)
				}
			}
			var want []string
			for _, e := range d.warnings {
				want = append(want, fmt.Sprintf("%d %s %s", e.Tick, e.Ref, e.Level))
			}
			if strings.Join(warns, "\n") != strings.Join(want, "\n") {
				t.Errorf("warnings in the timeline:\n%s\nthe drill issued:\n%s", strings.Join(warns, "\n"), strings.Join(want, "\n"))
			}
			if svgs < 2 || pngs < 2 {
				t.Errorf("%d SVG maps and %d embedded PNGs: want the track map and the key moments", svgs, pngs)
			}
			s := page.String()
			for _, w := range []string{`id="map"`, `id="objectives"`, `id="summary"`, `id="timeline"`, `class="track"`} {
				if !strings.Contains(s, w) {
					t.Errorf("the report has no %s", w)
				}
			}
			if lang != LangEN && !strings.Contains(s, "演练总结报告") {
				t.Error("no Chinese title")
			}
			if lang != LangZH && !strings.Contains(s, "After-action report") {
				t.Error("no English title")
			}
			if lang == LangEN && strings.Contains(s, "演练总结报告") {
				t.Error("Chinese in the English report")
			}
		})
	}
}

// TestClassSummary checks the summaries against the results they sum up.
func TestClassSummary(t *testing.T) {
	t.Parallel()
	d := classDrill(t)
	data, err := Collect(d.setup, d.log, Options{NoMaps: true})
	if err != nil {
		t.Fatal(err)
	}
	harmed, total := 0, 0
	for _, p := range data.Participants {
		total += p.Score
		if p.Harmed {
			harmed++
			if p.HarmWhy.EN == "" || p.HarmWhy.ZH == "" {
				t.Errorf("%s harmed without a reason", p.Name)
			}
		}
		if p.Safe && p.SafeTick < p.Joined {
			t.Errorf("%s safe before joining", p.Name)
		}
	}
	if data.Class.Harmed != harmed || data.Class.Count != len(d.out.Participants) {
		t.Errorf("class: %+v, counted %d harmed", data.Class, harmed)
	}
	if got := data.Class.MeanScore; got != float64(total)/float64(len(data.Participants)) {
		t.Errorf("mean %v", got)
	}
	if len(data.Moments) != 0 || data.Map.Base != "" {
		t.Error("NoMaps drew maps")
	}
	for _, o := range data.Objectives {
		n := 0
		for _, k := range o.Ratings {
			n += k
		}
		if n != len(data.Participants) {
			t.Errorf("objective %s rates %d participants", o.ID, n)
		}
	}
}

// TestCollectRefusesDivergence: a log that the engine does not reproduce
// (a wrong checkpoint, a wrong end hash) is not reported on.
func TestCollectRefusesDivergence(t *testing.T) {
	t.Parallel()
	d := classDrill(t)
	if len(d.log.Checkpoints) == 0 {
		t.Fatal("no checkpoints in the log")
	}
	bad := *d.log
	bad.Checkpoints = append([]replay.Checkpoint(nil), d.log.Checkpoints...)
	bad.Checkpoints[0].Hash ^= 1
	if _, err := Collect(d.setup, &bad, Options{NoMaps: true}); !errors.Is(err, ErrMismatch) {
		t.Fatalf("a wrong checkpoint: %v", err)
	}
	// The end hash, checked on a log cut where a third of its inputs are.
	cut := d.log.Inputs[len(d.log.Inputs)/3].Tick
	short := *d.log
	short.Checkpoints = nil
	short.Inputs = nil
	for _, in := range d.log.Inputs {
		if in.Tick < cut {
			short.Inputs = append(short.Inputs, in)
		}
	}
	short.End = &replay.End{Tick: cut, Hash: 1}
	if _, err := Collect(d.setup, &short, Options{NoMaps: true}); !errors.Is(err, ErrMismatch) {
		t.Fatalf("a wrong end hash: %v", err)
	}
	// Without an end record, what there is is reported, marked as such.
	short.End = nil
	got, err := Collect(d.setup, &short, Options{})
	if err != nil || got.ReplayOK || got.Ticks < short.Inputs[len(short.Inputs)-1].Tick {
		t.Fatalf("a journal cut short: %v, ok %v, %d ticks", err, got != nil && got.ReplayOK, got.Ticks)
	}
	if n := len(got.Moments); n == 0 || got.Moments[n-1].Tick != got.Ticks-1 || got.Moments[n-1].Caption.EN != "End of the record" {
		t.Errorf("a journal cut short ends on moments %+v", got.Moments)
	}
}
