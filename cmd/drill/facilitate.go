package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rescuedrill/rescuedrill/engine/warning"
	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

const facilitateUsage = `drill facilitate — run a drill from the command line (演练主持)

  drill facilitate create --server ADDR --cert-hash HEX --scenario NAME|FILE.yaml [--seed N]
  drill facilitate start|pause|resume|end --server ADDR --cert-hash HEX --drill CODE --token T
  drill facilitate inject ID              --server ADDR --cert-hash HEX --drill CODE --token T
  drill facilitate warn HAZARD LEVEL      --server ADDR --cert-hash HEX --drill CODE --token T
        HAZARD rainstorm|high_temp|geological, LEVEL none|blue|yellow|orange|red
  drill facilitate cap FILE.xml           --server ADDR --cert-hash HEX --drill CODE --token T
        a CAP 1.2 alert as the warning (docs/reports.md)

create uses the HTTPS API (POST /api/drills) and prints the join code and
the facilitator token; the rest speak the drill protocol over QUIC as the
facilitator. end waits for the final results and prints them (--json: JSON).
--cert-hash is the SHA-256 drill serve prints (hex or base64); without it the
server's certificate must be trusted by the system.
`

// cmdFacilitate runs one facilitator operation.
func cmdFacilitate(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, facilitateUsage)
		if len(args) == 0 {
			return errors.New("which operation?")
		}
		return nil
	}
	op := args[0]
	if op == "cap" { // a CAP alert as the warning: cap.go
		_, err := capInject(args[1:], stdout, stderr)
		return err
	}
	fs := flag.NewFlagSet("facilitate "+op, flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("server", "localhost:4433", "the server's host:port")
	certHash := fs.String("cert-hash", "", "SHA-256 of the server's certificate (hex or base64), as drill serve prints it")
	scenario := fs.String("scenario", "", "create: a built-in scenario name or a scenario YAML file")
	seed := fs.Uint64("seed", 1, "create: random seed")
	code := fs.String("drill", "", "the drill's join code")
	token := fs.String("token", "", "the facilitator token create printed")
	timeout := fs.Duration("timeout", 15*time.Second, "give up after this long")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	tlsConf, err := pinnedTLS(*certHash)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if op == "create" {
		if len(pos) > 0 {
			return fmt.Errorf("unexpected argument %q", pos[0])
		}
		return facilitateCreate(ctx, *addr, tlsConf, *scenario, *seed, *asJSON, stdout)
	}
	cmd := wire.Command{Seq: 1}
	want := 0
	switch op {
	case "start":
		cmd.Op = wire.OpStart
	case "pause":
		cmd.Op = wire.OpPause
	case "resume":
		cmd.Op = wire.OpResume
	case "end":
		cmd.Op = wire.OpEnd
	case "inject":
		cmd.Op, want = wire.OpInject, 1
		if len(pos) == 1 {
			cmd.Inject = pos[0]
		}
	case "warn":
		cmd.Op, want = wire.OpWarn, 2
		if len(pos) == 2 {
			h, ok := warning.ParseHazard(pos[0])
			if !ok {
				return fmt.Errorf("hazard %q: rainstorm, high_temp or geological", pos[0])
			}
			l, ok := warning.ParseLevel(pos[1])
			if !ok {
				return fmt.Errorf("level %q: none, blue, yellow, orange or red", pos[1])
			}
			cmd.Hazard, cmd.Level = uint8(h), uint8(l)
		}
	default:
		fmt.Fprint(stderr, facilitateUsage)
		return fmt.Errorf("unknown operation %q", op)
	}
	if len(pos) != want {
		return fmt.Errorf("%s takes %d argument(s), got %d", op, want, len(pos))
	}
	if *code == "" || *token == "" {
		return errors.New("--drill CODE and --token T are needed (drill facilitate create prints them)")
	}
	res, ack, err := facilitateCommand(ctx, *addr, tlsConf, *code, *token, cmd)
	if err != nil {
		return err
	}
	if res == nil {
		fmt.Fprintf(stdout, "%s: done at tick %d\n", op, ack.Tick)
		return nil
	}
	if *asJSON {
		return writeJSON(stdout, res.Results)
	}
	fmt.Fprintf(stdout, "end: the drill ended at tick %d\n\n", ack.Tick)
	printWireResults(stdout, res)
	return nil
}

// pinnedTLS reads --cert-hash (64 hex digits or base64) into a TLS
// configuration that accepts just that certificate; empty: system roots.
func pinnedTLS(s string) (*tls.Config, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var b []byte
	var err error
	if len(s) == 64 {
		b, err = hex.DecodeString(s)
	} else {
		b, err = base64.StdEncoding.DecodeString(s)
	}
	if err != nil || len(b) != 32 {
		return nil, fmt.Errorf("--cert-hash %q: want the SHA-256 as 64 hex digits or base64", s)
	}
	var h [32]byte
	copy(h[:], b)
	return transport.PinnedTLS(h), nil
}

// facilitateCreate creates a drill through POST /api/drills.
func facilitateCreate(ctx context.Context, addr string, tlsConf *tls.Config, scenario string, seed uint64, asJSON bool, stdout io.Writer) error {
	if scenario == "" {
		return errors.New("--scenario NAME or FILE.yaml is needed")
	}
	req := createRequest{Scenario: scenario, Seed: seed}
	if strings.HasSuffix(scenario, ".yaml") || strings.HasSuffix(scenario, ".yml") {
		// The YAML and the grid files its map: names (upload.go).
		name, src, files, err := scenarioUpload(scenario)
		if err != nil {
			return err
		}
		req.Scenario, req.Source, req.Files = name, string(src), files
	}
	body, _ := json.Marshal(req)
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+addr+"/api/drills", bytes.NewReader(body))
	if err != nil {
		return err
	}
	hr.Header.Set("Content-Type", "application/json")
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConf, ForceAttemptHTTP2: true}}
	defer client.CloseIdleConnections()
	rsp, err := client.Do(hr)
	if err != nil {
		return err
	}
	defer rsp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(rsp.Body, 1<<20))
	if err != nil {
		return err
	}
	if rsp.StatusCode != http.StatusCreated {
		var e struct{ Error string }
		if json.Unmarshal(b, &e) == nil && e.Error != "" {
			return fmt.Errorf("server: %s", e.Error)
		}
		return fmt.Errorf("server: %s", rsp.Status)
	}
	var cr createResponse
	if err := json.Unmarshal(b, &cr); err != nil {
		return fmt.Errorf("server answer: %w", err)
	}
	if asJSON {
		return writeJSON(stdout, cr)
	}
	fmt.Fprintf(stdout, "drill %s created (%s)\n", cr.ID, cr.Scenario)
	if len(req.Files) > 0 {
		fmt.Fprintf(stdout, "map files · 地图文件   %s\n", strings.Join(slices.Sorted(maps.Keys(req.Files)), ", "))
	}
	fmt.Fprintf(stdout, "join code · 加入码   %s\n", cr.JoinCode)
	fmt.Fprintf(stdout, "facilitator token   %s   (keep it secret)\n", cr.FacilitatorToken)
	return nil
}

// facilitateCommand joins the drill as its facilitator, sends one command
// and waits for its acknowledgement (for OpEnd also for the Results).
func facilitateCommand(ctx context.Context, addr string, tlsConf *tls.Config, code, token string, cmd wire.Command) (*wire.Results, *wire.CommandAck, error) {
	c, err := transport.Dial(ctx, addr, tlsConf)
	if err != nil {
		return nil, nil, err
	}
	defer c.CloseWithError(0, "done")
	ctl, err := c.OpenStream(ctx)
	if err != nil {
		return nil, nil, err
	}
	// Reads block on the stream: the context's end unblocks them.
	stop := context.AfterFunc(ctx, func() { _ = c.CloseWithError(0, "timeout") })
	defer stop()
	fr := wire.NewFrameReader(ctl, wire.MaxServerFrame)
	send := func(m wire.Message) error {
		_, err := ctl.Write(wire.AppendFrame(nil, m))
		return err
	}
	next := func() (wire.Message, error) {
		m, err := fr.ReadMessage()
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("no answer from the server: %w", ctx.Err())
			}
			return nil, err
		}
		if e, ok := m.(*wire.ErrorMsg); ok {
			return nil, fmt.Errorf("server: %s (%s)", e.Text, e.Code)
		}
		return m, nil
	}
	if err := send(&wire.Hello{Version: wire.Version, Role: wire.RoleFacilitator, JoinCode: code, Name: "facilitator", FacToken: token}); err != nil {
		return nil, nil, err
	}
	m, err := next()
	if err != nil {
		return nil, nil, err
	}
	w, ok := m.(*wire.Welcome)
	if !ok {
		return nil, nil, fmt.Errorf("expected Welcome, got %s", m.Type())
	}
	if cmd.Op == wire.OpInject && w.ScenarioFormat == wire.ScenarioJSON {
		// The drill would accept an unknown inject and do nothing: say so.
		var sc struct {
			Injects []struct{ ID string }
		}
		if json.Unmarshal(w.Scenario, &sc) == nil {
			var ids []string
			for _, in := range sc.Injects {
				ids = append(ids, in.ID)
			}
			if !slices.Contains(ids, cmd.Inject) {
				return nil, nil, fmt.Errorf("the scenario has no inject %q; it has: %s", cmd.Inject, strings.Join(ids, ", "))
			}
		}
	}
	if err := send(&cmd); err != nil {
		return nil, nil, err
	}
	var ack *wire.CommandAck
	for {
		m, err := next()
		if err != nil {
			return nil, ack, err
		}
		switch m := m.(type) {
		case *wire.CommandAck:
			if m.Seq != cmd.Seq {
				continue
			}
			if m.Result != wire.Accepted {
				return nil, m, fmt.Errorf("refused: %s", reasonText(m.Reason))
			}
			if cmd.Op != wire.OpEnd {
				return nil, m, nil
			}
			ack = m
		case *wire.Results:
			if ack != nil {
				return m, ack, nil
			}
		}
	}
}

func reasonText(r uint8) string {
	switch r {
	case wire.ReasonNotRunning:
		return "the drill is not running"
	case wire.ReasonUnknown:
		return "unknown inject"
	case wire.ReasonInvalid:
		return "invalid value"
	case wire.ReasonBadState:
		return "not possible in the drill's present state"
	}
	return fmt.Sprintf("reason %d", r)
}

// printWireResults prints the Results message as text.
func printWireResults(w io.Writer, res *wire.Results) {
	if len(res.Results) == 0 {
		fmt.Fprintln(w, "no participants")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLOT\tNAME\tPOLICY\tSCORE\tOUTCOME\tOBJECTIVES")
	for _, r := range res.Results {
		pol := r.Policy
		if pol == "" {
			pol = "human"
		}
		var objs []string
		for _, o := range r.Objectives {
			objs = append(objs, fmt.Sprintf("%s:%s", o.ID, o.Rating))
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\n", r.Slot, printable(r.Name), pol, r.Score, r.Outcome, strings.Join(objs, " "))
	}
	_ = tw.Flush()
}

// printable drops control characters, so a display name cannot drive the
// facilitator's terminal.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
}
