package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/rescuedrill/rescuedrill/internal/durable"
	"github.com/rescuedrill/rescuedrill/server"
	"github.com/rescuedrill/rescuedrill/server/journal"
	"github.com/rescuedrill/rescuedrill/server/store"
)

func init() {
	register(command{name: "forget", run: cmdForget,
		usage: "  drill forget [--data DIR] [--ended-before YYYY-MM-DD] [--yes] [DRILL_ID …]   delete ended drills' records: names, results, journal, report key, uploaded map · 删除演练记录\n"})
}

// cmdForget deletes what the data directory keeps about ended drills: the
// participants' display names, results and timeline in the database, the
// journal (the replay file), the report key and an uploaded map. Schools
// keep pupils' records only as long as their own rules say; this is how
// they let them go. Without --yes it only lists what it would delete.
// Drills still open (lobby, running, paused) are refused: end them first.
func cmdForget(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("forget", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "data directory of `drill serve` (default: the user's data directory)")
	before := fs.String("ended-before", "", "every drill that ended before this day (YYYY-MM-DD, local time) · 在此日期之前结束的演练")
	yes := fs.Bool("yes", false, "really delete; without it drill forget only lists what it would delete · 确认删除")
	ids, err := parseFlags(fs, args)
	if err != nil {
		return 2, err
	}
	if len(ids) == 0 && *before == "" {
		return 2, errors.New("name the drills to forget (drill results lists them) or give --ended-before YYYY-MM-DD · 请给出演练编号或 --ended-before")
	}
	var cutoff time.Time
	if *before != "" {
		if cutoff, err = time.ParseInLocation("2006-01-02", *before, time.Local); err != nil {
			return 2, fmt.Errorf("--ended-before %q: want a day like 2026-09-01", *before)
		}
	}
	dir := *data
	if dir == "" {
		if dir, err = store.DefaultDataDir(); err != nil {
			return 1, err
		}
	}
	// Forgetting never creates a database where there was none.
	if _, err := os.Stat(filepath.Join(dir, store.DBName)); err != nil {
		return 1, fmt.Errorf("no results database in %s: %w", dir, err)
	}
	st, err := store.OpenDir(dir)
	if err != nil {
		return 1, err
	}
	defer st.Close()
	ctx := context.Background()
	all, err := st.ListDrills(ctx)
	if err != nil {
		return 1, err
	}

	targets, refused := pickForgotten(all, ids, cutoff, dir)
	for _, r := range refused {
		fmt.Fprintln(stderr, r)
	}
	if len(targets) == 0 {
		fmt.Fprintln(stdout, "nothing to forget · 没有可删除的演练")
		return exitFor(refused), nil
	}
	for _, t := range targets {
		fmt.Fprintf(stdout, "%s  %s  ended %s  %d participants' names and results, timeline", t.ID, t.Scenario, clock(t.EndedAt), t.Participants)
		for _, f := range forgetFiles(dir, t.ID) {
			if _, err := os.Stat(f); err == nil {
				rel, _ := filepath.Rel(dir, f)
				fmt.Fprintf(stdout, ", %s", rel)
			}
		}
		fmt.Fprintln(stdout)
	}
	if !*yes {
		fmt.Fprintf(stdout, "nothing deleted yet: add --yes to delete these %d drills · 尚未删除：加 --yes 确认删除\n", len(targets))
		return exitFor(refused), nil
	}
	for _, t := range targets {
		if err := forgetDrill(ctx, st, dir, t.ID); err != nil {
			if !errors.Is(err, store.ErrLogNotTruncated) {
				return 1, fmt.Errorf("forgetting %s: %w", t.ID, err)
			}
			fmt.Fprintf(stderr, "%s: %v; a running drill serve keeps old copies until it stops · 服务器停止后才会彻底清除\n", t.ID, err)
		}
		fmt.Fprintf(stdout, "forgot %s · 已删除\n", t.ID)
	}
	fmt.Fprintln(stdout, "A drill serve that is running still lists them until it restarts · 正在运行的服务器重启后不再列出")
	return exitFor(refused), nil
}

// pickForgotten chooses the drills to forget: those named by ID and, with
// a cutoff, every one that ended before it. A named drill that is unknown
// or still open is refused (with the reason), never skipped in silence.
func pickForgotten(all []store.DrillSummary, ids []string, cutoff time.Time, dir string) (targets []store.DrillSummary, refused []string) {
	byID := map[string]store.DrillSummary{}
	for _, d := range all {
		byID[d.ID] = d
	}
	take := func(d store.DrillSummary) {
		if !slices.ContainsFunc(targets, func(t store.DrillSummary) bool { return t.ID == d.ID }) {
			targets = append(targets, d)
		}
	}
	for _, id := range ids {
		d, ok := byID[id]
		switch {
		case !ok:
			refused = append(refused, fmt.Sprintf("%s: no such drill in %s (drill results lists them) · 没有这个演练", id, dir))
		case !forgettable(d, dir):
			refused = append(refused, fmt.Sprintf("%s: the drill is %s: end it first (drill facilitate end) · 演练尚未结束，请先结束", id, d.State))
		default:
			take(d)
		}
	}
	if !cutoff.IsZero() {
		for _, d := range all {
			if forgettable(d, dir) && d.EndedAt.Before(cutoff) {
				take(d)
			}
		}
	}
	return targets, refused
}

// forgettable: the drill ended and no server holds it open (an open
// drill's key file sits next to its journal until the end).
func forgettable(d store.DrillSummary, dir string) bool {
	if d.State != store.StateEnded || d.EndedAt.IsZero() {
		return false
	}
	_, err := os.Stat(filepath.Join(dir, "journals", d.ID+server.KeysExt))
	return errors.Is(err, os.ErrNotExist)
}

// forgetFiles are the files and folders a drill leaves in the data
// directory besides its database rows.
func forgetFiles(dir, id string) []string {
	return []string{
		filepath.Join(dir, "journals", id+journal.Ext),
		filepath.Join(dir, reportKeyDir, id+reportKeyExt),
		server.UploadDir(dir, id),
	}
}

// forgetDrill removes the files first and the database rows last, so an
// interrupted run leaves the drill listed and a second run finishes it.
func forgetDrill(ctx context.Context, st *store.SQLite, dir, id string) error {
	for _, f := range forgetFiles(dir, id) {
		if err := os.RemoveAll(f); err != nil {
			return err
		}
		if err := durable.SyncDir(filepath.Dir(f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return st.ForgetDrill(ctx, id)
}

func exitFor(refused []string) int {
	if len(refused) > 0 {
		return 1
	}
	return 0
}
