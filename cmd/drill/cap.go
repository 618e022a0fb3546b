package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rescuedrill/rescuedrill/internal/cap"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

func init() {
	register(command{name: "cap", run: cmdCAP,
		usage: "  drill cap DRILL|REPLAY -o DIR [--data DIR] [--origin LAT,LON] [--sender ID]\n" +
			"                                     every warning the drill issued as a CAP 1.2 alert, status Exercise (预警信息)\n" +
			"  drill cap inject FILE.xml --server ADDR --cert-hash HEX --drill CODE --token T\n" +
			"                                     issue a CAP alert in a running drill as its warning\n"})
}

// Chaotianmen, where the Jialing river meets the Yangtze in Chongqing: the
// built-in maps are drawn after that district, so their alerts are placed
// there unless --origin says otherwise.
const defaultOrigin = "29.5650,106.5800"

func cmdCAP(args []string, stdout, stderr io.Writer) (int, error) {
	if len(args) > 0 && args[0] == "inject" {
		return capInject(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("cap", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "cap", "directory for the alerts (NNN-hazard-level.xml)")
	data := fs.String("data", "", "data directory of `drill serve` (for a drill ID)")
	origin := fs.String("origin", defaultOrigin, "WGS 84 latitude,longitude of the map's north-west corner")
	sender := fs.String("sender", "rescuedrill@drill.invalid", "the alerts' <sender> (no spaces, commas, < or &)")
	start := fs.String("start", "", "when the drill started (RFC 3339), for a replay file (default: its modification time)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return 2, err
	}
	if len(pos) != 1 {
		return 2, errors.New("give one drill ID or replay file")
	}
	la, lo, ok := strings.Cut(*origin, ",")
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(la), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
	if !ok || err1 != nil || err2 != nil || lat < -89 || lat > 89 || lon < -180 || lon > 180 {
		return 2, fmt.Errorf("--origin %q: write latitude,longitude such as %s", *origin, defaultOrigin)
	}
	if *sender == "" || strings.ContainsAny(*sender, " ,<&") {
		return 2, fmt.Errorf("--sender %q: no spaces, commas, < or &", *sender)
	}
	src, err := openDrill(pos[0], *data)
	if err != nil {
		return 1, err
	}
	if src.Start, err = src.startOr(*start); err != nil {
		return 2, err
	}
	d, err := src.collect(true)
	if err != nil {
		return 1, err
	}
	key := d.DrillID
	if key == "" {
		key = fmt.Sprintf("%s-%d-%s", d.Scenario, d.Seed, d.FinalHash[:8])
	}
	key = strings.Map(func(r rune) rune {
		if r == ' ' || r == ',' || r == '<' || r == '&' {
			return '_'
		}
		return r
	}, key)
	m := src.Ld.l.Map.Elev
	ex := &cap.Exercise{Key: key, Sender: *sender, Start: d.Start, Times: d.Times, TickHz: d.TickHz, Title: d.Title,
		OriginLat: lat, OriginLon: lon, Width: float64(m.NX) * m.Cell, Height: float64(m.NY) * m.Cell}
	for _, p := range src.Ld.Scenario.Places {
		if p.Danger && len(p.Circle) == 3 {
			ex.Danger = append(ex.Danger, cap.Circle{Name: p.Name, X: p.Circle[0], Y: p.Circle[1], R: p.Circle[2]})
		}
		if p.Danger && len(p.Rect) == 4 {
			// A rectangle's circumscribed circle: CAP circles cover it.
			x0, y0, x1, y1 := p.Rect[0], p.Rect[1], p.Rect[2], p.Rect[3]
			r := 0.5 * math.Hypot(x1-x0, y1-y0)
			ex.Danger = append(ex.Danger, cap.Circle{Name: p.Name, X: (x0 + x1) / 2, Y: (y0 + y1) / 2, R: r})
		}
	}
	var ws []cap.Issued
	for _, w := range d.Warnings {
		ws = append(ws, cap.Issued{Tick: w.Tick, Hazard: w.Hazard, Level: w.Level})
	}
	alerts, err := cap.FromWarnings(ex, ws)
	if err != nil {
		return 1, err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return 1, err
	}
	for i := range alerts {
		doc, err := cap.Marshal(&alerts[i])
		if err != nil {
			return 1, err
		}
		// What leaves the tool is checked against the schema.
		if err := cap.Validate(doc); err != nil {
			return 1, fmt.Errorf("alert %d: %w", i+1, err)
		}
		name := filepath.Join(*out, fmt.Sprintf("%03d-%s-%s.xml", i+1, ws[i].Hazard, ws[i].Level))
		if err := writeFileAtomic(name, func(w io.Writer) error { _, err := w.Write(doc); return err }); err != nil {
			return 1, err
		}
	}
	fmt.Fprintf(stdout, "wrote %d CAP 1.2 alerts (status Exercise) to %s\n", len(alerts), *out)
	return 0, nil
}

// capInject reads a CAP alert and issues it in a running drill as the
// facilitator's warning (the same command as drill facilitate warn).
func capInject(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("cap inject", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("server", "localhost:4433", "the server's host:port")
	certHash := fs.String("cert-hash", "", "SHA-256 of the server's certificate (hex or base64), as drill serve prints it")
	code := fs.String("drill", "", "the drill's join code")
	token := fs.String("token", "", "the facilitator token")
	timeout := fs.Duration("timeout", 15*time.Second, "give up after this long")
	dry := fs.Bool("dry-run", false, "only say which warning the alert maps to")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return 2, err
	}
	if len(pos) != 1 {
		return 2, errors.New("give one CAP file")
	}
	raw, err := os.ReadFile(pos[0])
	if err != nil {
		return 1, err
	}
	a, err := cap.Parse(raw)
	if err != nil {
		return 1, fmt.Errorf("%s is not a CAP 1.2 alert: %w", pos[0], err)
	}
	h, l, err := cap.WarningOf(a)
	if err != nil {
		return 1, fmt.Errorf("%s: %w", pos[0], err)
	}
	if a.Status == "Actual" {
		fmt.Fprintf(stderr, "drill cap inject: %s is a real (Actual) alert; the drill treats it as an exercise warning\n", pos[0])
	}
	fmt.Fprintf(stdout, "%s → %s %s\n", pos[0], h.Key(), l.Key())
	if *dry {
		return 0, nil
	}
	if *code == "" || *token == "" {
		return 2, errors.New("--drill CODE and --token T are needed (drill facilitate create prints them)")
	}
	tlsConf, err := pinnedTLS(*certHash)
	if err != nil {
		return 2, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	_, ack, err := facilitateCommand(ctx, *addr, tlsConf, *code, *token, wire.Command{Seq: 1, Op: wire.OpWarn, Hazard: uint8(h), Level: uint8(l)})
	if err != nil {
		return 1, err
	}
	fmt.Fprintf(stdout, "warn: done at tick %d\n", ack.Tick)
	return 0, nil
}
