package main

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rescuedrill/rescuedrill/scenarios"
	"github.com/rescuedrill/rescuedrill/server"
	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/store"
	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/web"
)

// serveOptions are drill serve's flags.
type serveOptions struct {
	Addr     string
	Data     string
	CertFile string
	KeyFile  string
	Hosts    []string
	// MaxDrills bounds the drills that have not ended (the create API is
	// open to anyone who reaches the port).
	MaxDrills int
	// Speed makes drills tick this many times faster than real time
	// (tests and demonstrations; 1 is real time).
	Speed float64
	// SnapshotHz caps snapshots per second per client (0: every tick).
	SnapshotHz int
	// FixedSnapshots turns off the load-driven snapshot shedding
	// (server.Server.AdaptiveSnapshots).
	FixedSnapshots bool
	// AbandonAfter, ResumeRecovered and ResumeGrace are the policies for
	// drills nobody comes back to and for recovered drills (serve_idle.go).
	AbandonAfter    time.Duration
	ResumeRecovered int
	ResumeGrace     time.Duration
}

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// cmdServe runs the drill server until SIGINT or SIGTERM.
func cmdServe(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o serveOptions
	fs.StringVar(&o.Addr, "addr", ":4433", "UDP (QUIC, HTTP/3) and TCP (HTTPS) address")
	fs.StringVar(&o.Data, "data", "", "data directory: results.db and journals/ (default: the user's data directory)")
	fs.StringVar(&o.CertFile, "cert", "", "PEM certificate chain (with --key); default: a self-signed certificate valid 13 days")
	fs.StringVar(&o.KeyFile, "key", "", "PEM private key for --cert")
	fs.Var((*stringList)(&o.Hosts), "host", "a name or address clients use, for the self-signed certificate (repeatable)")
	fs.IntVar(&o.MaxDrills, "max-drills", 100, "most drills that may be open (not ended) at once")
	fs.Float64Var(&o.Speed, "speed", 1, "drills tick this many times faster than real time (tests, demonstrations)")
	fs.IntVar(&o.SnapshotHz, "snapshot-hz", 0, "most snapshots a second per client (0: one per tick; 10 halves the per-client work for many large classes)")
	fs.BoolVar(&o.FixedSnapshots, "fixed-snapshot-rate", false, "never lower the snapshot rate when the machine cannot keep up (by default it halves, then quarters, while drills fall behind their tick schedule)")
	fs.DurationVar(&o.AbandonAfter, "abandon-after", 12*time.Hour, "end a drill nobody is connected to that stayed in the lobby or paused this long, as abandoned (0: never)")
	fs.IntVar(&o.ResumeRecovered, "resume-recovered", 0, "resume a recovered drill by itself once this % of its participants rejoined (0: the facilitator resumes it)")
	fs.DurationVar(&o.ResumeGrace, "resume-grace", 0, "resume a recovered drill this long after its first participant rejoined, however many are back (0: off)")
	verbose := fs.Bool("v", false, "debug logs")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q", pos[0])
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ds, err := startServer(ctx, o, log)
	if err != nil {
		return err
	}
	ds.printBanner(stdout)
	err = ds.serve(ctx)
	log.Info("shutting down; running drills keep their journals for recovery")
	ds.close()
	return err
}

// drillServer is everything drill serve runs: the store, the registry of
// drills with its results recorder, the session server, metrics and the
// listener.
type drillServer struct {
	opts      serveOptions
	log       *slog.Logger
	st        *store.SQLite
	reg       *server.Registry
	rec       *server.Recorder
	srv       *server.Server
	met       *server.Metrics
	ln        *transport.Server
	cert      tls.Certificate
	hash      [32]byte
	selfSig   bool
	certKept  bool // the self-signed certificate is the one from the last start
	recovered []*server.Entry
}

// startServer opens the data directory, recovers the drills that were
// running, makes or loads the certificate and listens. Sessions are served
// by serve.
func startServer(ctx context.Context, o serveOptions, log *slog.Logger) (_ *drillServer, err error) {
	if o.Data == "" {
		if o.Data, err = store.DefaultDataDir(); err != nil {
			return nil, err
		}
	}
	if o.MaxDrills <= 0 {
		o.MaxDrills = 100
	}
	if o.Speed == 0 {
		o.Speed = 1
	}
	clock, err := clockFor(o.Speed)
	if err != nil {
		return nil, err
	}
	ds := &drillServer{opts: o, log: log}
	defer func() {
		if err != nil {
			ds.close()
		}
	}()
	if ds.st, err = store.OpenDir(o.Data); err != nil {
		return nil, err
	}
	if ds.reg, err = server.NewRegistry(o.Data, clock, log); err != nil {
		return nil, err
	}
	ds.rec = &server.Recorder{Store: ds.st, Reg: ds.reg, Clock: clock, Log: log}
	ds.rec.Attach()
	ds.srv = &server.Server{Reg: ds.reg, Log: log, SnapshotHz: o.SnapshotHz, AdaptiveSnapshots: !o.FixedSnapshots && o.Speed == 1}
	ds.reg.SnapshotTicks = ds.srv.SnapshotTick     // capture only the ticks clients get
	var listening atomic.Pointer[transport.Server] // scrapes may come before Listen returns
	ds.met = server.NewMetrics(ds.reg, ds.srv, func() transport.Stats {
		if ln := listening.Load(); ln != nil {
			return ln.Stats()
		}
		return transport.Stats{}
	})
	ds.reg.OnTick = ds.met.ObserveTick
	if o.Speed == 1 {
		// On the wall clock a drill steps the ticks it fell behind (a
		// second's worth at most), so drill time keeps pace with the
		// class's; --speed's clock does not run with its tickers.
		ds.reg.MaxCatchUp = catchUpTicks
	}
	if ds.recovered, err = ds.reg.Recover(ctx); err != nil {
		return nil, fmt.Errorf("recovering drills: %w", err)
	}
	if err = ds.startIdlePolicies(ctx); err != nil {
		return nil, err
	}

	switch {
	case o.CertFile != "" || o.KeyFile != "":
		if o.CertFile == "" || o.KeyFile == "" {
			return nil, errors.New("--cert and --key go together")
		}
		if ds.cert, err = transport.LoadKeyPair(o.CertFile, o.KeyFile); err != nil {
			return nil, err
		}
	default:
		hosts := append([]string(nil), o.Hosts...)
		if h, err := os.Hostname(); err == nil && h != "" {
			hosts = append(hosts, h)
		}
		if host, _, err := net.SplitHostPort(o.Addr); err == nil && host != "" {
			hosts = append(hosts, host)
		}
		// Kept in the data directory: after a restart clients that pinned
		// its hash reconnect (servecert.go).
		if ds.cert, ds.certKept, err = selfSignedCert(o.Data, hosts, time.Now()); err != nil {
			return nil, err
		}
		ds.selfSig = true
	}
	if ds.hash, err = transport.CertHash(ds.cert); err != nil {
		return nil, err
	}
	// handler() runs here, after Recover and before anything listens:
	// extraRoutes may hook the registry (serve_report.go stores each new
	// drill's facilitator-token hash through Registry.OnDrill).
	ds.ln, err = transport.Listen(ctx, o.Addr, transport.Config{Certificate: ds.cert, Handler: ds.handler(), Logger: log})
	if err != nil {
		return nil, err
	}
	listening.Store(ds.ln)
	log.Info("listening", "addr", ds.ln.Addr().String(), "data", o.Data, "recovered", len(ds.recovered))
	return ds, nil
}

// serve speaks the protocol to clients until ctx ends.
func (ds *drillServer) serve(ctx context.Context) error {
	err := ds.srv.Serve(ctx, ds.ln)
	if errors.Is(err, transport.ErrServerClosed) {
		err = nil
	}
	return err
}

// close stops listening, stops the drills (their journals stay), lets the
// recorders finish and closes the store.
func (ds *drillServer) close() {
	if ds.ln != nil {
		_ = ds.ln.Close()
	}
	if ds.reg != nil {
		ds.reg.Close()
	}
	if ds.rec != nil {
		ds.rec.Wait()
	}
	if ds.st != nil {
		_ = ds.st.Close()
	}
}

// publicAddr is host:port as clients write it.
func (ds *drillServer) publicAddr() string {
	host := "localhost"
	if len(ds.opts.Hosts) > 0 {
		host = ds.opts.Hosts[0]
	} else if h, _, err := net.SplitHostPort(ds.opts.Addr); err == nil && h != "" && !net.ParseIP(h).IsUnspecified() {
		host = h
	}
	return net.JoinHostPort(host, strconv.Itoa(ds.ln.Port()))
}

func (ds *drillServer) printBanner(w io.Writer) {
	addr := ds.publicAddr()
	hexHash := hex.EncodeToString(ds.hash[:])
	fmt.Fprintf(w, "RescueDrill server · 演练服务器\n")
	fmt.Fprintf(w, "  listening  %s — UDP: raw QUIC (%s), HTTP/3 and WebTransport; TCP: HTTPS\n", ds.ln.Addr(), transport.ALPN)
	fmt.Fprintf(w, "  data       %s (%s, journals/)\n", ds.opts.Data, store.DBName)
	if ds.selfSig {
		kept := "new"
		if ds.certKept {
			kept = "kept from the last start"
		}
		fmt.Fprintf(w, "  certificate self-signed ECDSA P-256 (%s, %s), valid until %s\n", kept,
			filepath.Join(ds.opts.Data, certDir), ds.cert.Leaf.NotAfter.Local().Format(time.DateTime))
	} else {
		fmt.Fprintf(w, "  certificate %s (valid until %s)\n", ds.opts.CertFile, ds.cert.Leaf.NotAfter.Local().Format(time.DateTime))
	}
	fmt.Fprintf(w, "    SHA-256 hex     %s\n", hexHash)
	fmt.Fprintf(w, "    SHA-256 base64  %s   (browsers: serverCertificateHashes)\n", base64.StdEncoding.EncodeToString(ds.hash[:]))
	if spki, err := transport.SPKIHash(ds.cert); err == nil {
		fmt.Fprintf(w, "    SPKI base64     %s   (Chromium: --ignore-certificate-errors-spki-list=…)\n", base64.StdEncoding.EncodeToString(spki[:]))
	}
	if len(ds.recovered) > 0 {
		fmt.Fprintf(w, "\nRecovered drills (paused; the facilitator resumes them; join codes and tokens as before) · 已恢复的演练（已暂停，加入码和令牌不变）:\n")
		for _, e := range ds.recovered {
			fmt.Fprintf(w, "  %s  %-10s tick %-6d join code %s  facilitator token %s\n", e.ID, e.Scenario, e.Drill.Tick(), e.Code, e.FacilitatorToken())
		}
	}
	fmt.Fprintf(w, "\nBuilt-in scenarios · 内置场景: %s\n", strings.Join(scenarios.Builtins(), ", "))
	fmt.Fprintf(w, "\nNext · 下一步:\n")
	fmt.Fprintf(w, "  create a drill   drill facilitate create --server %s --cert-hash %s --scenario flood\n", addr, hexHash)
	fmt.Fprintf(w, "                   (prints the join code and the facilitator token)\n")
	fmt.Fprintf(w, "  participants     join with the join code and a display name\n")
	fmt.Fprintf(w, "  run it           drill facilitate start --server %s --cert-hash %s --drill CODE --token TOKEN\n", addr, hexHash)
	fmt.Fprintf(w, "                   (then pause, resume, inject ID, warn HAZARD LEVEL, end)\n")
	fmt.Fprintf(w, "  status page      https://%s/     metrics  https://%s/metrics\n", addr, addr)
	fmt.Fprintf(w, "  results          drill results --data %s\n", ds.opts.Data)
}

// handler serves the HTTPS pages (TCP and HTTP/3): the status page,
// /metrics and the drill API.
func (ds *drillServer) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", ds.statusPage)
	mux.Handle("GET /metrics", ds.met.Handler())
	mux.HandleFunc("GET /api/drills", ds.listDrills)
	mux.HandleFunc("POST /api/drills", ds.createDrill)
	web.Mount(mux, web.Config{CertHash: ds.hash, SelfSigned: ds.selfSig}) // /play, /console, /web/, /api/web/
	for _, add := range extraRoutes {
		add(ds, mux)
	}
	return mux
}

// catchUpTicks is the most ticks a drill steps at once to catch up: a
// second at 20 Hz. A longer stall is given up (rescuedrill_ticks_slipped_total).
const catchUpTicks = 20

// extraRoutes are HTTPS routes other files of this command add in their
// init (as subcommands register themselves), so a new endpoint does not
// need an edit here.
var extraRoutes []func(ds *drillServer, mux *http.ServeMux)

// drillInfo is a drill as the status page and GET /api/drills show it: no
// join code, no token, no participant names.
type drillInfo struct {
	ID           string    `json:"id"`
	Scenario     string    `json:"scenario"`
	Title        string    `json:"title"`
	State        string    `json:"state"`
	Participants int       `json:"participants"`
	Tick         uint64    `json:"tick"`
	Behind       uint64    `json:"behind"`     // ticks due and not stepped yet (a drill waiting for a core)
	At           int64     `json:"at_unix_ns"` // when tick and behind were read
	Created      time.Time `json:"created"`
}

func (ds *drillServer) drills() []drillInfo {
	out := []drillInfo{}
	for _, e := range ds.reg.List() {
		title := ""
		if sc := e.Setup.Scenario; sc != nil {
			title = sc.Title.ZH + " · " + sc.Title.EN
		}
		// Tick, Behind and the time are read together, before the
		// participant count (a call on the drill goroutine, slow on a
		// loaded server), so a load test compares each drill's ticks with
		// the time of its own read.
		st, tick, behind, at := e.Drill.State(), e.Drill.Tick(), e.Drill.Behind(), time.Now()
		out = append(out, drillInfo{ID: e.ID, Scenario: e.Scenario, Title: title, State: st.String(),
			Participants: server.Participants(e), Tick: tick, Behind: behind, At: at.UnixNano(), Created: e.Created.UTC()})
	}
	return out
}

func (ds *drillServer) listDrills(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(ds.drills())
}

// createRequest is POST /api/drills: a built-in scenario by name, or an
// uploaded scenario's YAML in source, named by scenario (its file name),
// with the map files it names in files (upload.go).
type createRequest struct {
	Scenario string            `json:"scenario"`
	Source   string            `json:"source,omitempty"`
	Files    map[string][]byte `json:"files,omitempty"`
	Seed     uint64            `json:"seed"`
}

// createResponse answers it: the facilitator keeps the token secret and
// gives participants the join code.
type createResponse struct {
	ID               string `json:"id"`
	JoinCode         string `json:"join_code"`
	FacilitatorToken string `json:"facilitator_token"`
	Scenario         string `json:"scenario"`
	TickHz           int    `json:"tick_hz"`
}

func (ds *drillServer) createDrill(w http.ResponseWriter, r *http.Request) {
	req, release, ok := decodeCreate(w, r)
	if !ok {
		return
	}
	defer release()
	if req.Scenario == "" && req.Source == "" {
		httpError(w, http.StatusBadRequest, "give a scenario name or its YAML source")
		return
	}
	open := 0
	for _, e := range ds.reg.List() {
		if e.Drill.State() != drill.Ended {
			open++
		}
	}
	if open >= ds.opts.MaxDrills {
		httpError(w, http.StatusServiceUnavailable, fmt.Sprintf("%d drills are open; end one first", open))
		return
	}
	e, fac, err := ds.reg.Create(r.Context(), server.CreateRequest{Scenario: req.Scenario, Source: []byte(req.Source), Files: req.Files, Seed: req.Seed})
	switch {
	case errors.Is(err, server.ErrScenario):
		httpError(w, http.StatusBadRequest, err.Error())
		return
	case err != nil:
		ds.log.Error("create drill", "err", err)
		httpError(w, http.StatusInternalServerError, "the drill could not be created")
		return
	}
	hz := 20
	if e.Setup.Scenario.TickHz != 0 {
		hz = e.Setup.Scenario.TickHz
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(createResponse{ID: e.ID, JoinCode: e.Code, FacilitatorToken: fac, Scenario: e.Scenario, TickHz: hz})
}

func httpError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

var statusTmpl = template.Must(template.New("status").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>RescueDrill · 演练服务器</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse}
td,th{padding:.3em .8em;border-bottom:1px solid #ccc;text-align:left}th span{font-weight:normal;color:#666}</style>
</head><body>
<h1>RescueDrill 演练服务器 <small>drill server</small></h1>
{{if .}}<table>
<tr><th>场景 <span>scenario</span></th><th>状态 <span>state</span></th><th>参与者 <span>participants</span></th><th>时刻 <span>tick</span></th></tr>
{{range .}}<tr><td>{{.Scenario}}<br><small>{{.Title}}</small></td><td>{{.State}}</td><td>{{.Participants}}</td><td>{{.Tick}}</td></tr>
{{end}}</table>
{{else}}<p>暂无演练 · No drills yet. <code>drill facilitate create --scenario flood</code></p>{{end}}
<p><a href="/metrics">metrics</a> · <a href="/api/drills">/api/drills</a></p>
</body></html>
`))

func (ds *drillServer) statusPage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = statusTmpl.Execute(w, ds.drills())
}
