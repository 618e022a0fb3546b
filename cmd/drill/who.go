package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

func init() {
	register(command{name: "who", usage: "  drill who --server ADDR --cert-hash HEX --drill CODE [--token T]   who is connected to a drill (after a restart: who is back) · 谁已连接\n", run: cmdWho})
}

// whoEntry is one participant as drill who prints it.
type whoEntry struct {
	Slot   uint32 `json:"slot"`
	Name   string `json:"name"`
	Status string `json:"status"` // connected, away, left
	Bot    bool   `json:"bot,omitempty"`
}

// whoReport is drill who's answer.
type whoReport struct {
	Code         string     `json:"join_code"`
	Phase        string     `json:"phase"`
	Tick         uint64     `json:"tick"`
	Connected    int        `json:"connected"`
	Participants int        `json:"participants"` // who have not left
	Roster       []whoEntry `json:"roster"`
}

// cmdWho shows a drill's roster with who is connected now: a teacher
// deciding whether to resume a drill the server recovered after a restart
// (its participants are away until they rejoin) can ask from a terminal
// what the console's roster shows. It looks as the facilitator with
// --token, otherwise as a spectator (the join code is enough to watch).
func cmdWho(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("who", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("server", "localhost:4433", "the server's host:port")
	certHash := fs.String("cert-hash", "", "SHA-256 of the server's certificate (hex or base64), as drill serve prints it")
	code := fs.String("drill", "", "the drill's join code")
	token := fs.String("token", "", "the facilitator token (optional: without it drill who watches as a spectator)")
	timeout := fs.Duration("timeout", 15*time.Second, "give up after this long")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return 2, err
	}
	if len(pos) > 0 || *code == "" {
		return 2, fmt.Errorf("usage: drill who --server ADDR --cert-hash HEX --drill CODE [--token T]")
	}
	tlsConf, err := pinnedTLS(*certHash)
	if err != nil {
		return 2, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	o := client.Options{Addr: *addr, TLS: tlsConf, JoinCode: *code, Role: wire.RoleSpectator, Name: "who", DeadAfter: -1,
		OnEvent: func(client.Event) {}}
	if *token != "" {
		o.Role, o.FacilitatorToken = wire.RoleFacilitator, *token
	}
	c, err := client.Dial(ctx, o)
	if err != nil {
		return 1, err
	}
	rep := whoReport{Code: c.Info().JoinCode, Phase: phaseName(c.Phase()), Tick: c.Info().Tick}
	for _, r := range c.Roster() {
		e := whoEntry{Slot: r.Slot, Name: r.Name, Bot: r.Flags&wire.RosterBot != 0, Status: "connected"}
		switch {
		case r.Flags&wire.RosterLeft != 0:
			e.Status = "left"
		case r.Flags&wire.RosterAway != 0:
			e.Status = "away"
			rep.Participants++
		default:
			rep.Participants++
			rep.Connected++
		}
		rep.Roster = append(rep.Roster, e)
	}
	_ = c.Close()
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return 0, enc.Encode(rep)
	}
	fmt.Fprintf(stdout, "drill %s · %s · tick %d\n", rep.Code, rep.Phase, rep.Tick)
	fmt.Fprintf(stdout, "connected · 已连接: %d of %d participants (%d away · 未连接)\n", rep.Connected, rep.Participants,
		rep.Participants-rep.Connected)
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  slot\tname · 姓名\tstatus · 状态")
	zh := map[string]string{"connected": "在线", "away": "未连接", "left": "已退出"}
	for _, e := range rep.Roster {
		name := e.Name
		if e.Bot {
			name += " (bot)"
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s · %s\n", e.Slot, name, e.Status, zh[e.Status])
	}
	return 0, tw.Flush()
}

func phaseName(p wire.Phase) string {
	switch p {
	case wire.PhaseLobby:
		return "lobby · 大厅"
	case wire.PhaseRunning:
		return "running · 进行中"
	case wire.PhasePaused:
		return "paused · 已暂停"
	case wire.PhaseEnded:
		return "ended · 已结束"
	}
	return fmt.Sprint("phase ", uint8(p))
}
