package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/rescuedrill/rescuedrill/engine/bot"
	"github.com/rescuedrill/rescuedrill/internal/netbot"
)

// cmdBots drives network bots in a running server's drill until it ends
// and prints each bot's final score.
func cmdBots(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bots", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("server", "localhost:4433", "the server's host:port")
	certHash := fs.String("cert-hash", "", "SHA-256 of the server's certificate (hex or base64), as drill serve prints it")
	code := fs.String("join", "", "the drill's join code")
	count := fs.Int("count", 1, "how many bots (1–64)")
	policy := fs.String("policy", "good", "good, naive or random")
	seed := fs.Uint64("seed", 0, "seed of the bots' random choices (0: the drill's seed)")
	name := fs.String("name", "", "display name prefix (default: the policy)")
	scenario := fs.String("scenario", "", "a drill on your own map: its scenario FILE.yaml, whose map files the bots read (the server sends only the YAML)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q", pos[0])
	}
	if *code == "" {
		return errors.New("--join CODE is needed")
	}
	if _, err := bot.New(0, *policy, 0); err != nil {
		return err
	}
	tlsConf, err := pinnedTLS(*certHash)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stderr, "%d %s bots joining %s at %s; they play until the drill ends\n", *count, *policy, *code, *addr)
	var mapFiles iofs.FS
	if *scenario != "" {
		mapFiles = os.DirFS(filepath.Dir(*scenario))
	}
	res, err := netbot.Run(ctx, netbot.Options{Addr: *addr, TLS: tlsConf, JoinCode: *code, Policy: *policy,
		Count: *count, Seed: *seed, Name: *name, MapFiles: mapFiles})
	if err != nil && *scenario == "" && strings.Contains(err.Error(), "cannot read map file") {
		err = fmt.Errorf("%w\nthe drill is on the trainer's own map: give --scenario FILE.yaml, the scenario with its grid files beside it · 自制地图的演练：用 --scenario 指定脚本文件", err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLOT\tNAME\tSCORE\tOUTCOME")
	for _, r := range res {
		if r.HasScore {
			fmt.Fprintf(tw, "%d\t%s\t%d\t%s\n", r.Slot, r.Name, r.Score, r.Outcome)
		} else {
			fmt.Fprintf(tw, "%d\t%s\t-\t-\n", r.Slot, r.Name)
		}
	}
	tw.Flush()
	return err
}
