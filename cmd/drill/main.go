// Command drill runs RescueDrill: validate scenario files, list the
// built-in scenarios, run a drill headless with scripted bots, and replay a
// recorded drill to check its hash.
//
//	drill validate FILE...
//	drill scenarios
//	drill run SCENARIO|FILE [--seed N] [--bots good:20,naive:20] [--json] [--replay OUT]
//	          [--depth-at 10m,30m --depth-dir DIR]
//	drill replay FILE [--json]
//	drill results [--data DIR] [--json] [DRILL_ID]
//	drill serve [--addr :4433] [--data DIR] [--cert F --key F] [--host NAME]...
//	drill facilitate create|start|pause|resume|end|inject|warn …
//	drill bots --server ADDR --cert-hash HEX --join CODE --count N --policy good|naive|random [--seed S]
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

const usage = `drill — RescueDrill disaster-drill engine (灾害演练引擎)

Usage:
  drill validate FILE...        check scenario files; every problem with file:line:col
  drill scenarios               list the built-in scenarios
  drill run SCENARIO|FILE       run a drill headless with scripted bots
        --seed N                  random seed (default 1)
        --bots good:20,naive:20   bot policies and counts (good, naive, random)
        --json                    print one JSON object instead of text
        --replay OUT              write the replay file (input log and hashes)
        --depth-at 10m,30m        write flood depth grids (.asc) at these drill times
        --depth-dir DIR           where to write them (default .)
        --timeline                print warnings, signs, slides and harm as they happen (stderr)
        --stop-at 4m              stop early (quick checks; scores are provisional)
  drill replay FILE [--json]    re-simulate a replay file; exit 1 on any hash mismatch
  drill results [DRILL_ID]      list the stored drills, or print one drill's results
        --data DIR                data directory of drill serve (default: user data dir)
        --json                    print JSON instead of text
  drill serve                   run the drill server (QUIC, WebTransport, HTTPS on one port)
        --addr :4433              UDP and TCP address
        --data DIR                results.db and journals/ (default: user data dir)
        --cert F --key F          a real certificate (default: self-signed, 13 days)
        --host NAME               a name clients use, for the self-signed certificate (repeatable)
  drill facilitate OP           run a drill from the command line (drill facilitate help)
        create --scenario NAME    → join code and facilitator token
        start|pause|resume|end|inject ID|warn HAZARD LEVEL --drill CODE --token T
        --server ADDR --cert-hash HEX   the server and the hash drill serve prints
  drill bots                    network bots play a served drill until it ends; prints their scores
        --join CODE --count N     the drill's join code, how many bots
        --policy good|naive|random --seed S   policy, seed of their choices (default: the drill's)
        --server ADDR --cert-hash HEX

Try:
  drill run flood --bots good:20,naive:20
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: tests call it.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, fullUsage())
		return 2
	}
	var err error
	code := 0
	switch args[0] {
	case "validate":
		code = cmdValidate(args[1:], stdout, stderr)
	case "scenarios":
		err = cmdScenarios(stdout)
	case "run":
		err = cmdRun(args[1:], stdout, stderr)
	case "replay":
		err = cmdReplay(args[1:], stdout, stderr)
	case "results":
		err = cmdResults(args[1:], stdout, stderr)
	case "serve":
		err = cmdServe(args[1:], stdout, stderr)
	case "facilitate":
		err = cmdFacilitate(args[1:], stdout, stderr)
	case "bots":
		err = cmdBots(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, fullUsage())
	default:
		c, ok := registered[args[0]]
		if !ok {
			fmt.Fprintf(stderr, "drill: unknown command %q\n\n%s", args[0], fullUsage())
			return 2
		}
		code, err = c.run(args[1:], stdout, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "drill %s: %v\n", args[0], err)
		return 1
	}
	return code
}

// A command is one more drill subcommand. Each lives in its own file and
// registers itself from init, so adding one touches no shared switch.
type command struct {
	name  string
	usage string // the lines shown under "More commands", indented like usage
	run   func(args []string, stdout, stderr io.Writer) (exitCode int, err error)
}

var registered = map[string]command{}

func register(c command) {
	if _, dup := registered[c.name]; dup {
		panic("drill: command registered twice: " + c.name)
	}
	registered[c.name] = c
}

// fullUsage is the fixed usage text followed by the registered commands,
// sorted by name so the help reads the same on every run.
func fullUsage() string {
	if len(registered) == 0 {
		return usage
	}
	names := make([]string, 0, len(registered))
	for n := range registered {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(usage, "\nTry:\n  drill run flood --bots good:20,naive:20\n"))
	b.WriteString("\nMore commands:\n")
	for _, n := range names {
		b.WriteString(strings.TrimRight(registered[n].usage, "\n"))
		b.WriteString("\n")
	}
	b.WriteString("\nTry:\n  drill run flood --bots good:20,naive:20\n")
	return b.String()
}
