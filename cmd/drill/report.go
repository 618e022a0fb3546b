package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/rescuedrill/rescuedrill/engine/replay"
	"github.com/rescuedrill/rescuedrill/internal/report"
	"github.com/rescuedrill/rescuedrill/server/store"
)

func init() {
	register(command{name: "report", run: cmdReport,
		usage: "  drill report DRILL|REPLAY -o report.html [--lang zh|en|both] [--data DIR]\n" +
			"                                     the after-action report: one offline HTML file (演练总结报告)\n"})
}

// drillSource is a recorded drill: a replay file, or a served drill's
// journal with what the results store knows about it.
type drillSource struct {
	ID    string // server drill ID; "" for a replay file
	Path  string // the replay or journal file
	Log   *replay.Log
	Ld    *loaded
	Start time.Time // zero when unknown
	Names map[int32]string
	// Partial is set when the log is cut short (no end record).
	Partial error
}

// openDrill reads a drill for the trainer tools. An argument naming a file
// is a replay file; anything else is a drill ID in the data directory,
// whose journal (journals/ID.rdr) is re-simulated and whose results store
// gives the start time and the display names as corrected since.
func openDrill(arg, dataDir string) (*drillSource, error) {
	src := &drillSource{Path: arg}
	if st, err := os.Stat(arg); err != nil || st.IsDir() {
		dir := dataDir
		if dir == "" {
			if dir, err = store.DefaultDataDir(); err != nil {
				return nil, err
			}
		}
		src.ID = arg
		src.Path = filepath.Join(dir, "journals", arg+".rdr")
		if _, err := os.Stat(src.Path); err != nil {
			return nil, fmt.Errorf("%s is neither a replay file nor a drill with a journal in %s", arg, dir)
		}
		if err := src.fromStore(dir); err != nil {
			return nil, err
		}
	}
	if err := src.decode(); err != nil {
		return nil, err
	}
	return src, nil
}

// decode reads the replay or journal at s.Path and loads its scenario. A
// journal still being written (a running drill) decodes up to its last
// whole record, with Partial set.
func (s *drillSource) decode() error {
	raw, err := os.ReadFile(s.Path)
	if err != nil {
		return err
	}
	l, err := replay.Decode(bufio.NewReader(bytes.NewReader(raw)))
	if l == nil {
		return fmt.Errorf("%s: %w", s.Path, err)
	}
	s.Partial = err
	s.Log = l
	if s.Ld, err = scenarioFromReplay(s.Path, l.Header.Scenario, l.Header.Source); err != nil {
		return fmt.Errorf("scenario in %s: %w", s.Path, err)
	}
	return nil
}

// fromStore reads the drill's start time and names, when there is a
// results database (a journal copied without one still reports).
func (s *drillSource) fromStore(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, store.DBName)); err != nil {
		return nil
	}
	st, err := store.OpenDir(dir)
	if err != nil {
		return err
	}
	defer st.Close()
	return s.fromResults(context.Background(), st)
}

// fromResults takes the start time and the names from an open results
// store (drill serve's own, for the console's report).
func (s *drillSource) fromResults(ctx context.Context, st store.Store) error {
	res, err := st.Results(ctx, s.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	s.Start = res.Drill.StartedAt
	if s.Start.IsZero() {
		s.Start = res.Drill.CreatedAt
	}
	s.Names = map[int32]string{}
	for _, p := range res.Participants {
		s.Names[p.Slot] = p.Name
	}
	return nil
}

// collect re-simulates the drill for the report and the exports.
func (s *drillSource) collect(noMaps bool) (*report.Data, error) {
	return report.Collect(s.Ld.Setup(), s.Log, report.Options{DrillID: s.ID, Start: s.Start, Names: s.Names, NoMaps: noMaps})
}

// startFlag reads --start (RFC 3339) for drills whose start time is not
// recorded (replay files); the file's modification time otherwise.
func (s *drillSource) startOr(flagVal string) (time.Time, error) {
	if flagVal != "" {
		t, err := time.Parse(time.RFC3339, flagVal)
		if err != nil {
			return time.Time{}, fmt.Errorf("--start: %w (write 2026-06-03T09:30:00+08:00)", err)
		}
		return t, nil
	}
	if !s.Start.IsZero() {
		return s.Start, nil
	}
	st, err := os.Stat(s.Path)
	if err != nil {
		return time.Time{}, err
	}
	// The file was finished at the end of the drill.
	var last uint64
	if n := len(s.Log.Inputs); n > 0 {
		last = s.Log.Inputs[n-1].Tick
	}
	if s.Log.End != nil {
		last = s.Log.End.Tick
	}
	return st.ModTime().Add(-time.Duration(float64(last) / float64(s.Log.Header.TickHz) * float64(time.Second))), nil
}

// writeFileAtomic writes a whole file or leaves the old one.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

func cmdReport(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "report.html", "write the report here")
	langFlag := fs.String("lang", "both", "zh, en or both")
	data := fs.String("data", "", "data directory of `drill serve` (for a drill ID)")
	start := fs.String("start", "", "when the drill started (RFC 3339), for a replay file")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return 2, err
	}
	if len(pos) != 1 {
		return 2, errors.New("give one drill ID or replay file")
	}
	lang, err := report.ParseLang(*langFlag)
	if err != nil {
		return 2, err
	}
	src, err := openDrill(pos[0], *data)
	if err != nil {
		return 1, err
	}
	if src.Partial != nil {
		fmt.Fprintf(stderr, "drill report: %v (reporting on the %d inputs before it)\n", src.Partial, len(src.Log.Inputs))
	}
	if *start != "" {
		if src.Start, err = src.startOr(*start); err != nil {
			return 2, err
		}
	}
	d, err := src.collect(false)
	if err != nil {
		return 1, err
	}
	if err := writeFileAtomic(*out, func(w io.Writer) error { return report.Render(w, d, lang) }); err != nil {
		return 1, err
	}
	fmt.Fprintf(stdout, "wrote %s: %d participants, %d warnings, %d key events\n", *out, len(d.Participants), len(d.Warnings), len(d.Events))
	return 0, nil
}
