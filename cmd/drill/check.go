package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/internal/authoring"
	"github.com/rescuedrill/rescuedrill/scenarios"
)

func init() {
	register(command{name: "check",
		usage: "  drill check FILE [--good N --naive N --seeds 1,2,3 --strict]   validate, then dry-run with good and naive bots\n",
		run:   cmdCheck})
}

// cmdCheck validates a scenario and dry-runs it. Exit 1 on errors (and,
// with --strict, on warnings); 0 with warnings alone.
func cmdCheck(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	good := fs.Int("good", 10, "good bots per run")
	naive := fs.Int("naive", 10, "naive bots per run")
	seedList := fs.String("seeds", "1,2,3", "one dry run per seed")
	strict := fs.Bool("strict", false, "fail on warnings too")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return 2, nil
	}
	if len(pos) != 1 {
		fmt.Fprint(stderr, "usage: drill check FILE [--good N --naive N --seeds 1,2,3 --strict]\n")
		return 2, nil
	}
	if *good < 1 || *naive < 1 || *good+*naive > engine.MaxParticipants {
		return 2, fmt.Errorf("--good and --naive: at least 1 each, at most %d together", engine.MaxParticipants)
	}
	var seeds []uint64
	for _, s := range strings.Split(*seedList, ",") {
		v, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return 2, fmt.Errorf("--seeds %q: whole numbers separated by commas", *seedList)
		}
		seeds = append(seeds, v)
	}
	r, err := authoring.Check(pos[0], authoring.CheckOptions{Good: *good, Naive: *naive, Seeds: seeds})
	if err != nil {
		return 1, err
	}
	printCheck(stdout, r)
	warnings := 0
	for _, p := range r.Problems {
		if p.Severity == scenarios.Warning {
			warnings++
		}
	}
	switch {
	case !r.OK():
		fmt.Fprintf(stderr, "drill check: %s has errors\n", r.File)
		return 1, nil
	case *strict && warnings > 0:
		fmt.Fprintf(stderr, "drill check: %s has %d warnings (--strict)\n", r.File, warnings)
		return 1, nil
	}
	return 0, nil
}

func printCheck(w io.Writer, r *authoring.Report) {
	if r.Ran {
		fmt.Fprintf(w, "MSEL timeline (dry run, seed %d) · 演练时间线\n", r.Seeds[0])
		for _, e := range r.Timeline {
			fmt.Fprintf(w, "%8s  %-9s %s\n", engine.Seconds(e.At).String(), e.Kind, e.What)
		}
		fmt.Fprintf(w, "\nbots over %d runs · 机器人试运行\n", len(r.Seeds))
		fmt.Fprintf(w, "  good   %3d: %3d safe, %3d harmed, mean score %3.0f  %s\n", r.Good.Bots, r.Good.Safe, r.Good.Harmed, r.Good.MeanScore,
			yesNo(r.GoodSurvive(), "good bots survive · 正确做法能保证安全", "good bots come to harm · 正确做法也会受伤"))
		fmt.Fprintf(w, "  naive  %3d: %3d safe, %3d harmed, mean score %3.0f  %s\n\n", r.Naive.Bots, r.Naive.Safe, r.Naive.Harmed, r.Naive.MeanScore,
			yesNo(r.NaiveFail(), "naive bots do not · 错误做法会失分或受伤", "naive bots do as well · 区分不出对错"))
	}
	for _, p := range r.Problems {
		fmt.Fprintln(w, p.String())
	}
	switch {
	case !r.OK():
		fmt.Fprintf(w, "%s: errors · 有错误\n", r.File)
	case len(r.Problems) > 0:
		fmt.Fprintf(w, "%s: ok, with warnings · 通过（有警告）\n", r.File)
	default:
		fmt.Fprintf(w, "%s: ok · 通过\n", r.File)
	}
}

func yesNo(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}
