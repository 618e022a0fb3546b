package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/replay"
	"github.com/rescuedrill/rescuedrill/engine/terrain"
	"github.com/rescuedrill/rescuedrill/internal/headless"
)

// parseFlags lets flags come before or after the positional arguments
// (`drill run flood --json` and `drill run --json flood`).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func cmdRun(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.Uint64("seed", 1, "random seed")
	bots := fs.String("bots", "good:20,naive:20", "bot policies and counts")
	asJSON := fs.Bool("json", false, "print JSON")
	out := fs.String("replay", "", "write the replay file here")
	depthAt := fs.String("depth-at", "", "drill times to write flood depth grids at (10m,30m)")
	depthDir := fs.String("depth-dir", ".", "directory for depth grids")
	showTimeline := fs.Bool("timeline", false, "print the key events as they happen (to stderr)")
	stopAt := fs.String("stop-at", "", "stop early at this drill time (quick checks; scores are provisional)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("give one scenario: a built-in name (see `drill scenarios`) or a file")
	}
	ld, err := openScenario(pos[0])
	if err != nil {
		return err
	}
	specs, err := headless.ParseBots(*bots)
	if err != nil {
		return err
	}
	opts := headless.Options{Seed: *seed, Bots: specs}
	if *stopAt != "" {
		t, err := engine.ParseSeconds(*stopAt)
		if err != nil {
			return fmt.Errorf("--stop-at: %w", err)
		}
		opts.StopAt = uint64(float64(t) * float64(ld.Scenario.Hz()))
	}
	if *showTimeline {
		opts.OnEvents = timeline(stderr, ld.Scenario.Hz())
	}
	if *depthAt != "" {
		if ld.Scenario.Flood == nil {
			return fmt.Errorf("--depth-at: scenario %s has no flood", ld.Name)
		}
		for _, s := range strings.Split(*depthAt, ",") {
			t, err := engine.ParseSeconds(s)
			if err != nil {
				return fmt.Errorf("--depth-at: %w", err)
			}
			opts.AtTimes = append(opts.AtTimes, float64(t))
		}
		if err := os.MkdirAll(*depthDir, 0o755); err != nil {
			return err
		}
		opts.OnTime = func(t float64, w *engine.World) error {
			return writeDepth(filepath.Join(*depthDir, fmt.Sprintf("depth-%s.asc", engine.Seconds(t))), w)
		}
	}
	var f *os.File
	var bw *bufio.Writer
	if *out != "" {
		if f, err = os.Create(*out); err != nil {
			return err
		}
		defer f.Close()
		bw = bufio.NewWriter(f)
		opts.Log, err = replay.NewWriter(bw, replay.Header{Scenario: ld.Name, Source: ld.Source, Seed: *seed,
			TickHz: ld.Scenario.Hz(), EngineVersion: engine.Version})
		if err != nil {
			return err
		}
	}
	res, err := headless.Run(ld.Setup(), ld.Name, opts)
	if err != nil {
		return err
	}
	if bw != nil {
		if err := bw.Flush(); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return printOutcome(stdout, res, *asJSON)
}

// writeDepth writes the flood depth grid as an ESRI ASCII grid aligned with
// the map, so QGIS or LISFLOOD-FP tools overlay it on the terrain.
func writeDepth(path string, w *engine.World) error {
	fm := w.Flood()
	if fm == nil {
		return errors.New("no flood model")
	}
	el := w.Map().Elev
	g := &terrain.Grid{NX: el.NX, NY: el.NY, Cell: el.Cell, XLL: el.XLL, YLL: el.YLL, NoData: -9999,
		V: append([]float64(nil), fm.Depths()...)}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	if err := terrain.WriteASC(bw, g, 3); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func cmdReplay(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("give one replay file")
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	l, err := replay.Decode(bufio.NewReader(f))
	if err != nil && l == nil {
		return err
	}
	if err != nil {
		fmt.Fprintf(stderr, "drill replay: %v (replaying the %d inputs before it)\n", err, len(l.Inputs))
	}
	ld, err := scenarioFromReplay(pos[0], l.Header.Scenario, l.Header.Source)
	if err != nil {
		return fmt.Errorf("scenario in replay: %w", err)
	}
	res, err := headless.Replay(ld.Setup(), l, headless.Options{})
	if err != nil {
		return err
	}
	if l.End == nil {
		fmt.Fprintln(stderr, "drill replay: the log has no end record (drill cut short): replayed what there is")
	}
	return printOutcome(stdout, res, *asJSON)
}

func printOutcome(w io.Writer, o *headless.Outcome, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(o)
	}
	fmt.Fprintf(w, "scenario %s  seed %d  %d ticks at %d Hz\n\n", o.Scenario, o.Seed, o.Ticks, o.TickHz)
	for _, p := range o.Participants {
		pol := p.Policy
		if pol == "" {
			pol = "human"
		}
		fmt.Fprintf(w, "%-3d %-12s %-7s score %3d  %s\n", p.ID, p.Name, pol, p.Score, p.Outcome)
		for _, it := range p.Breakdown {
			if !it.Applicable {
				continue
			}
			fmt.Fprintf(w, "      %3d/%-3d %-28s %s\n", it.Points, it.Max, it.Rule, it.ReasonEN)
			fmt.Fprintf(w, "              %-28s %s\n", "", it.ReasonZH)
		}
	}
	fmt.Fprintf(w, "\nfinal hash %s\n", o.FinalHash)
	return nil
}
