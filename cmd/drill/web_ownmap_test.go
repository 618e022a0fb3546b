package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/rescuedrill/rescuedrill/server"
)

// TestWebConsoleOwnMapUpload: a teacher picks the authoring guide's
// riverside scenario in the console with only its elevation grid and is
// told, at the line of map.land_use, that the land-use grid is missing;
// picking the scenario with both grids passes the check and creates the
// drill on that map (stored under DATA/scenarios/ID).
func TestWebConsoleOwnMapUpload(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	ds, base := webServer(t)
	ctx := browser(t, ds)
	dir := t.TempDir()
	t.Chdir(dir)
	scenario := guideScenario(t, root)
	pick := func(names ...string) {
		t.Helper()
		var paths []string
		for _, n := range names {
			paths = append(paths, filepath.Join(dir, n))
		}
		if _, err := chromedp.Run(ctx, chromedp.SetUploadFiles(chromedp.ID("file"), paths)); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/console?lang=en")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the console", `window.__console.ready === true`)

	pick(scenario, "riverside.elev.asc")
	waitJS(t, ctx, "the missing land-use grid at its line", `window.__console.problems?.ok === false &&
		window.__console.problems.problems.some((p) => p.line > 0 && p.path === 'map.land_use' && p.message.includes('riverside.landuse.asc was not uploaded')) &&
		[...document.querySelectorAll('#problems li')].some((li) => li.textContent.includes('riverside.landuse.asc'))`)
	if n := len(ds.reg.List()); n != 0 {
		t.Fatalf("%d drills after a failed check", n)
	}

	pick(scenario, "riverside.elev.asc", "riverside.landuse.asc")
	waitJS(t, ctx, "the scenario with both grids passing", `window.__console.problems?.ok === true && Object.keys(window.__console.upload.files || {}).length === 2`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("create"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the drill created and joined", `window.__console.created !== null && window.__console.joined === true`)
	entries := ds.reg.List()
	if len(entries) != 1 || entries[0].Scenario != scenario || entries[0].Setup.Map.LandUse == nil || entries[0].Setup.Map.Elev.NX != 80 {
		t.Fatalf("drills %v: want one on the riverside map", entries)
	}
	if _, err := os.Stat(filepath.Join(server.UploadDir(ds.opts.Data, entries[0].ID), "riverside.landuse.asc")); err != nil {
		t.Fatal(err)
	}
}
