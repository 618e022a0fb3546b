package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/server/store"
)

// cmdResults lists the drills in the results database, or prints one
// drill's results: `drill results [--data DIR] [--json] [DRILL_ID]`.
func cmdResults(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("results", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "data directory of `drill serve` (default: the user's data directory)")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return errors.New("give at most one drill ID (no ID lists the drills)")
	}
	dir := *data
	if dir == "" {
		if dir, err = store.DefaultDataDir(); err != nil {
			return err
		}
	}
	// Reading results never creates a database where there was none.
	if _, err := os.Stat(filepath.Join(dir, store.DBName)); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if len(pos) == 1 {
			return fmt.Errorf("no drill %s: no results database in %s", pos[0], dir)
		}
		if *asJSON {
			fmt.Fprintln(stdout, "[]")
			return nil
		}
		fmt.Fprintf(stdout, "no drills yet: no results database in %s\n", dir)
		return nil
	}
	st, err := store.OpenDir(dir)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx := context.Background()
	if len(pos) == 0 {
		ds, err := st.ListDrills(ctx)
		if err != nil {
			return err
		}
		return printDrills(stdout, ds, *asJSON)
	}
	res, err := st.Results(ctx, pos[0])
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, res)
	}
	printResults(stdout, res)
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func printDrills(w io.Writer, ds []store.DrillSummary, asJSON bool) error {
	if asJSON {
		if ds == nil {
			ds = []store.DrillSummary{}
		}
		return writeJSON(w, ds)
	}
	if len(ds) == 0 {
		fmt.Fprintln(w, "no drills yet")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSCENARIO\tSTATE\tPARTICIPANTS\tCREATED")
	for _, d := range ds {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", d.ID, d.Scenario, stateText(d.Drill), d.Participants, clock(d.CreatedAt))
	}
	return tw.Flush()
}

// clock shows a stored time in the reader's time zone.
func clock(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05 MST")
}

func printResults(w io.Writer, r *store.DrillResults) {
	d := r.Drill
	fmt.Fprintf(w, "drill %s  scenario %s  seed %d  %d Hz  join code %s\n", d.ID, d.Scenario, d.Seed, d.TickHz, d.JoinCode)
	fmt.Fprintf(w, "state %s  created %s  started %s  ended %s\n", stateText(d), clock(d.CreatedAt), clock(d.StartedAt), clock(d.EndedAt))
	if d.EndReason == store.EndAbandoned {
		fmt.Fprintln(w, "abandoned: nobody came back to it, so drill serve ended it (--abandon-after); the results are a record, not a grade")
		fmt.Fprintln(w, "已放弃：无人返回，服务器按 --abandon-after 结束了演练；成绩仅作记录，不作评分")
	}
	if d.FinalHash != "" {
		fmt.Fprintf(w, "final tick %d (%s)  hash %s\n", d.FinalTick, drillTime(d.FinalTick, d.TickHz), d.FinalHash)
	}
	fmt.Fprintln(w)
	if len(r.Participants) == 0 {
		fmt.Fprintln(w, "no participants")
	}
	for _, p := range r.Participants {
		pol := p.Policy
		if pol == "" {
			pol = "human"
		}
		if p.Outcome == "" {
			fmt.Fprintf(w, "%-3d %-12s %-7s no results\n", p.Slot, p.Name, pol)
			continue
		}
		unfinished := ""
		if p.Unfinished {
			unfinished = "  (unfinished · 未完成)"
		}
		fmt.Fprintf(w, "%-3d %-12s %-7s score %3d  %s%s\n", p.Slot, p.Name, pol, p.Score, p.Outcome, unfinished)
		for _, o := range p.Objectives {
			fmt.Fprintf(w, "      %s %3d/%-3d %s / %s\n", o.Rating, o.Points, o.Max, o.TitleEN, o.TitleZH)
		}
		for _, it := range p.Breakdown {
			if !it.Applicable {
				continue
			}
			fmt.Fprintf(w, "      %3d/%-3d %-28s %s\n", it.Points, it.Max, it.Rule, it.ReasonEN)
			fmt.Fprintf(w, "              %-28s %s\n", "", it.ReasonZH)
		}
	}
	if len(r.Timeline) == 0 {
		return
	}
	fmt.Fprintln(w, "\ntimeline")
	for _, e := range r.Timeline {
		who := "-"
		switch {
		case e.Who >= 0:
			who = fmt.Sprintf("p%d", e.Who)
		case e.NPC != "":
			who = e.NPC
		}
		fmt.Fprintf(w, "%8s  %-14s %-12s %s %s %.2f\n", drillTime(e.Tick, d.TickHz), e.Kind, who, e.Ref, e.Level, e.Value)
	}
}

func drillTime(tick uint64, hz int) string {
	if hz <= 0 {
		return "-"
	}
	return engine.Seconds(float64(tick) / float64(hz)).String()
}

// stateText is a drill's state, with why it ended when it was abandoned.
func stateText(d store.Drill) string {
	if d.EndReason != "" {
		return string(d.State) + "/" + d.EndReason
	}
	return string(d.State)
}
