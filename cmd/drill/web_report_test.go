package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/rescuedrill/rescuedrill/server"
)

// TestWebConsoleReportDownload: the console that joined an existing drill
// (by join code and facilitator token) offers the report so far while it
// runs and the after-action report when it ends; clicking downloads the
// HTML file (Blob + a.download) into the browser's download directory,
// naming the pupils. The CSV and the xAPI statements come the same way,
// and the "earlier drill" form refuses a pupil's token and takes the
// facilitator's.
func TestWebConsoleReportDownload(t *testing.T) {
	ds, base := webServer(t)
	ctx := browser(t, ds)
	bg := context.Background()
	e, fac, err := ds.reg.Create(bg, server.CreateRequest{Scenario: "heat", Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	var pupil string
	for _, n := range []string{"王小明", "Amy"} {
		if _, pupil, err = e.Join(bg, n); err != nil {
			t.Fatal(err)
		}
	}
	downloads := t.TempDir()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/console?lang=en")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads}); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the console with the stored drills", `window.__console.ready === true && document.getElementById('earlier-report') !== null && typeof window.__console.earlierDrills === 'number'`)
	evalJS(t, ctx, fmt.Sprintf(`document.getElementById('ex-code').value = %q; document.getElementById('ex-token').value = %q; document.getElementById('connect').click()`, e.Code, fac))
	waitJS(t, ctx, "joined as facilitator", `window.__console.joined === true`)
	common := []string{"--server", ds.ln.Addr().String(), "--cert-hash", hex.EncodeToString(ds.hash[:])}
	drillArgs := append([]string{"--drill", e.Code, "--token", fac}, common...)
	if _, errs, code := runCLI(t, append([]string{"facilitate", "start"}, drillArgs...)...); code != 0 {
		t.Fatalf("start: %s", errs)
	}
	waitJS(t, ctx, "running", `window.__console.phase === 1`)

	evalJS(t, ctx, `document.querySelector('#report-sofar button[data-format=html]').click()`)
	waitJS(t, ctx, "the report so far", `window.__console.reports.length === 1`)
	got := jsString(t, ctx, `JSON.stringify(window.__console.reports[0])`)
	if !strings.Contains(got, `"final":false`) || !strings.Contains(strings.ToLower(got), `<!doctype html`) {
		t.Errorf("the report so far: %s", got)
	}

	if _, errs, code := runCLI(t, append([]string{"facilitate", "end"}, drillArgs...)...); code != 0 {
		t.Fatalf("end: %s", errs)
	}
	waitJS(t, ctx, "the results with the report button", `window.__console.results !== null && document.querySelector('#report-final button[data-format=html]') !== null && document.getElementById('report-sofar') === null`)
	label := jsString(t, ctx, `document.querySelector('#report-final button').textContent`)
	if !strings.Contains(label, "After-action report") || !strings.Contains(label, "复盘报告") {
		t.Errorf("the report button reads %q", label)
	}
	evalJS(t, ctx, `document.querySelector('#report-final button[data-format=html]').click()`)
	waitJS(t, ctx, "the final report", `window.__console.reports.length === 2 && window.__console.reports[1].final === true`)
	page := waitDownload(t, filepath.Join(downloads, "rescuedrill-report-"+e.ID+".html"))
	for _, w := range []string{"<!doctype html", "王小明", "Amy", e.ID} {
		if !strings.Contains(strings.ToLower(page), strings.ToLower(w)) {
			t.Errorf("the downloaded report has no %q", w)
		}
	}
	evalJS(t, ctx, `document.querySelector('#report-final button[data-format=csv]').click()`)
	csv := waitDownload(t, filepath.Join(downloads, "rescuedrill-report-"+e.ID+".csv"))
	if !strings.Contains(csv, "王小明") {
		t.Errorf("the downloaded CSV has no pupil:\n%.300s", csv)
	}
	evalJS(t, ctx, `document.querySelector('#report-final button[data-format=xapi]').click()`)
	if st := waitDownload(t, filepath.Join(downloads, "rescuedrill-xapi-"+e.ID+".json")); !strings.Contains(st, `"verb"`) || strings.Contains(st, "王小明") {
		t.Errorf("the downloaded xAPI statements (pseudonymous, no names):\n%.300s", st)
	}
	screenshot(t, ctx, "web-console-report")

	// The earlier-drill form: a pupil's token is refused with the
	// server's reason; the facilitator's works.
	evalJS(t, ctx, fmt.Sprintf(`document.getElementById('earlier-report').open = true; document.getElementById('er-drill').value = %q; document.getElementById('er-token').value = %q; document.getElementById('er-get').click()`, e.ID, pupil))
	waitJS(t, ctx, "the refusal", `typeof window.__console.reportError === 'string' && window.__console.reportError.includes('facilitator')`)
	evalJS(t, ctx, fmt.Sprintf(`document.getElementById('er-token').value = %q; document.getElementById('er-get').click()`, fac))
	waitJS(t, ctx, "the earlier drill's report", `window.__console.reports.length === 5 && window.__console.reports[4].final === true`)
}

func jsString(t *testing.T, ctx context.Context, expr string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return s
}

// waitDownload waits for the browser to finish writing a download.
func waitDownload(t *testing.T, path string) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return string(b)
		}
		if time.Now().After(deadline) {
			m, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*"))
			t.Fatalf("no download %s; the directory has %v", path, m)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
