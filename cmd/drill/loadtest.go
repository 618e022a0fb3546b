package main

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rescuedrill/rescuedrill/internal/loadtest"
)

func init() {
	register(command{name: "loadtest", usage: "  drill loadtest [--drills 25[,30,…]] [--bots 40] [--duration 60s] [--json]   load a drill server (in-process, or --bots-only --server ADDR) and measure ticks, bandwidth, latency\n", run: cmdLoadtest})
}

const loadtestUsage = `usage: drill loadtest [flags]

Creates --drills drills (the flood scenario by default), joins --bots light
bots to each through the client library over QUIC on loopback, starts them
and measures for --duration: the server's tick time (p50/p99/max), missed
ticks, downstream and upstream per participant, input-to-echo latency and
answer-to-ack latency. Without --server it starts a drill server in this
process (on 127.0.0.1, data in a temporary directory), so the bots share
the cores with it; --bots-only --server ADDR --cert-hash HEX loads a
separate drill serve instead.

--drills 25,30,40 runs one load after another (a new in-process server
each) and stops after the first that misses a goal (p99 tick < 10 ms, no
missed ticks, average downstream ≤ 64 kbit/s).
Exit status: 0 goals met, 3 a goal missed (or a bot could not join), 1 the
load could not run.

负载测试：在本进程内（或 --bots-only --server 指向另一个 drill serve）创建演练、
接入机器人并测量每拍耗时、漏拍、每人上下行带宽和输入回显延迟。
`

func cmdLoadtest(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, loadtestUsage); fs.PrintDefaults() }
	drills := fs.String("drills", "25", "drills at once; a list (25,30,40) runs a sweep")
	bots := fs.Int("bots", 40, "bots per drill (1–64)")
	duration := fs.Duration("duration", 60*time.Second, "measured window of drill time")
	warmup := fs.Duration("warmup", 5*time.Second, "run this long after the start before measuring")
	scenario := fs.String("scenario", "flood", "built-in scenario, or a YAML file using a built-in map (uploaded)")
	prompt := fs.String("prompt", "", `inject fired a third into the window so every bot answers (default: the scenario's first prompt; "-" none)`)
	seed := fs.Uint64("seed", 1, "seed of the first drill (the others +1 each)")
	snapshotHz := fs.Int("snapshot-hz", 0, "in-process server: most snapshots a second per client (drill serve --snapshot-hz)")
	fixedRate := fs.Bool("fixed-snapshot-rate", false, "in-process server: never lower the snapshot rate for the load (drill serve --fixed-snapshot-rate)")
	botsOnly := fs.Bool("bots-only", false, "only the bots: load the drill serve at --server")
	addr := fs.String("server", "", "host:port of a drill serve (with --bots-only)")
	certHash := fs.String("cert-hash", "", "SHA-256 of its certificate (hex or base64), as drill serve prints it")
	asJSON := fs.Bool("json", false, "print the reports as JSON")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measured window(s) to this file")
	verbose := fs.Bool("v", false, "the in-process server's info logs")
	pos, err := parseFlags(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, nil
		}
		return 1, err
	}
	if len(pos) > 0 {
		return 1, fmt.Errorf("unexpected argument %q", pos[0])
	}
	var counts []int
	for _, s := range strings.Split(*drills, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return 1, fmt.Errorf("--drills %q: want numbers ≥ 1, comma-separated", *drills)
		}
		counts = append(counts, n)
	}
	if *botsOnly != (*addr != "") {
		return 1, errors.New("--bots-only and --server ADDR go together")
	}
	cfg := loadtest.Config{PerDrill: *bots, Duration: *duration, Warmup: *warmup, Scenario: *scenario,
		Prompt: *prompt, Seed: *seed, Log: stderr}
	if strings.HasSuffix(*scenario, ".yaml") || strings.HasSuffix(*scenario, ".yml") {
		src, err := os.ReadFile(*scenario)
		if err != nil {
			return 1, err
		}
		cfg.Source = src
	}
	if *botsOnly {
		if cfg.CertHash, err = hashBytes(*certHash); err != nil {
			return 1, err
		}
		cfg.Addr, cfg.Mode = *addr, "bots-only"
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return 1, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return 1, err
		}
		defer pprof.StopCPUProfile()
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	var reports []*loadtest.Report
	code := 0
	for _, n := range counts {
		c := cfg
		c.Drills = n
		rep, err := runLoad(ctx, c, *botsOnly, *snapshotHz, *fixedRate, log)
		if err != nil {
			if ctx.Err() != nil {
				// Every request then fails with "context canceled", which
				// reads like a server fault; say what happened.
				return 1, fmt.Errorf("interrupted by SIGINT or SIGTERM (an outer timeout?) while running %d drills: %w", n, err)
			}
			return 1, err
		}
		reports = append(reports, rep)
		if !*asJSON {
			rep.WriteText(stdout)
			fmt.Fprintln(stdout)
		}
		if !rep.Goals.Met || rep.JoinFailed > 0 {
			code = 3
			break // beyond here the goals stay missed
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if len(reports) == 1 {
			return code, enc.Encode(reports[0])
		}
		return code, enc.Encode(reports)
	}
	if len(reports) > 1 {
		loadtest.WriteSummary(stdout, reports)
	}
	return code, nil
}

// runLoad runs one load: against cfg.Addr with botsOnly, else against a
// drill server started here for this run (fresh data directory, tick
// times recorded exactly).
func runLoad(ctx context.Context, cfg loadtest.Config, botsOnly bool, snapshotHz int, fixedRate bool, log *slog.Logger) (*loadtest.Report, error) {
	if botsOnly {
		return loadtest.Run(ctx, cfg)
	}
	dir, err := os.MkdirTemp("", "drill-loadtest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ds, err := startServer(sctx, serveOptions{Addr: "127.0.0.1:0", Data: dir, Hosts: []string{"127.0.0.1", "localhost"},
		MaxDrills: cfg.Drills + 10, SnapshotHz: snapshotHz, FixedSnapshots: fixedRate}, log)
	if err != nil {
		return nil, err
	}
	rec := &loadtest.TickRecorder{}
	met := ds.met
	ds.reg.OnTick = func(d time.Duration) { met.ObserveTick(d); rec.Observe(d) }
	served := make(chan error, 1)
	go func() { served <- ds.serve(sctx) }()
	defer func() {
		cancel()
		<-served
		ds.close()
	}()
	cfg.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(ds.ln.Port()))
	cfg.CertHash, cfg.Mode, cfg.Ticks = ds.hash, "in-process", rec
	return loadtest.Run(ctx, cfg)
}

// hashBytes decodes a --cert-hash (hex or base64, as pinnedTLS takes it);
// empty means the system roots verify the server.
func hashBytes(s string) ([32]byte, error) {
	var h [32]byte
	s = strings.TrimSpace(s)
	if s == "" {
		return h, nil
	}
	var b []byte
	var err error
	if len(s) == 64 {
		b, err = hex.DecodeString(s)
	} else {
		b, err = base64.StdEncoding.DecodeString(s)
	}
	if err != nil || len(b) != 32 {
		return h, fmt.Errorf("--cert-hash %q: want the SHA-256 as 64 hex digits or base64", s)
	}
	copy(h[:], b)
	return h, nil
}
