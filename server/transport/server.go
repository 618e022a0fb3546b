package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/http3"
	"github.com/quic-go/webtransport-go"
)

// ALPN is the TLS application protocol of raw-QUIC clients (native clients
// and bots). Browsers negotiate "h3" and reach the server over WebTransport.
const ALPN = "rescuedrill/1"

// ErrServerClosed is returned by Accept after Close.
var ErrServerClosed = fmt.Errorf("transport: server closed: %w", net.ErrClosed)

// Config configures Listen. Zero values take the defaults noted.
type Config struct {
	// Certificate is the server's certificate (SelfSigned or LoadKeyPair).
	Certificate tls.Certificate
	// Handler serves HTTPS pages, over TCP and over HTTP/3, on the same port
	// number. nil answers 404.
	Handler http.Handler
	// WebTransportPath is where browsers open WebTransport sessions
	// (default "/wt").
	WebTransportPath string
	// CheckOrigin accepts or refuses a WebTransport request by its Origin
	// header. nil: webtransport-go's default (no Origin, or Origin host equal
	// to the request's Host).
	CheckOrigin func(r *http.Request) bool

	// MaxIncomingStreams limits concurrent bidirectional streams a client
	// may open per QUIC connection (default 8; the session uses one). For
	// HTTP/3 connections page requests count too, so it also bounds a
	// browser's parallel requests on one connection.
	MaxIncomingStreams int64
	// MaxIdleTimeout closes a silent connection (default 30 s).
	MaxIdleTimeout time.Duration
	// KeepAlivePeriod makes the server ping idle connections (default 10 s)
	// so NAT bindings of quiet clients (a spectator) survive.
	KeepAlivePeriod time.Duration
	// HandshakeTimeout bounds the QUIC handshake (default 5 s).
	HandshakeTimeout time.Duration
	// AcceptQueue is how many established connections may wait for Accept
	// (default 128); a connection that waits longer than HandshakeTimeout
	// for a free place is closed with CodeBusy.
	AcceptQueue int
	// DatagramQueue is each connection's outgoing datagram queue (default
	// 16); when it is full SendDatagram drops.
	DatagramQueue int
	// Logger gets transport-level events at Debug/Info level (default: none).
	Logger *slog.Logger
}

// Application error codes this package closes connections with. They are
// below the session layer's codes (server/wire) and do not overlap them
// (wire codes start at 1; 0 is "no error").
const (
	CodeNoError = 0x0
	// CodeBusy: the server's accept queue stayed full.
	CodeBusy = 0x100
	// CodeWrongProtocol: a QUIC connection negotiated an unknown ALPN.
	CodeWrongProtocol = 0x101
	// CodeGoingAway: the server is shutting down (Close, or the Listen
	// context ended); connect again. Not 0: a client must not take a
	// restart for the normal end of its session — the session layer's own
	// "shutdown" close races this one, and whichever arrives first, the
	// client rejoins.
	CodeGoingAway = 0x102
)

// Stats are counters since Listen.
type Stats struct {
	QUICAccepted         uint64 // raw-QUIC connections delivered by Accept
	WebTransportAccepted uint64 // WebTransport sessions delivered by Accept
	H3Connections        uint64 // HTTP/3 connections (pages and WebTransport)
	HandshakeFailures    uint64 // QUIC connection attempts that never completed their handshake (wrong ALPN, bad certificate, timeouts)
	Refused              uint64 // closed because the accept queue was full, or refused WebTransport upgrades
	DatagramsDropped     uint64 // outgoing datagrams dropped (full queue, too large after the fact)
	Open                 int64  // delivered connections (both kinds) not yet closed
}

type serverStats struct {
	quicAccepted, wtAccepted, h3Conns, handshakeFailures, refused, datagramsDropped atomic.Uint64
	open                                                                            atomic.Int64
}

// Server listens on one UDP port for raw QUIC (ALPN "rescuedrill/1") and
// HTTP/3 + WebTransport ("h3"), and on the same TCP port number for HTTPS.
//
// How: the server owns one quic.Transport over its UDP socket and one
// quic.EarlyListener offering both ALPNs, and routes each connection by the
// negotiated protocol: "rescuedrill/1" connections become Conns as they are;
// "h3" connections go to webtransport.Server.ServeQUICConn, whose HTTP/3
// handler upgrades CONNECT requests on WebTransportPath to sessions (Conns)
// and gives every other request to Config.Handler. A TCP listener on the
// same port number serves Config.Handler over HTTPS (HTTP/2 or 1.1) and
// advertises HTTP/3 with Alt-Svc. An unknown ALPN fails the TLS handshake
// (counted in Stats.HandshakeFailures).
//
// 0-RTT is disabled (see quicConfig), so nothing a client sends can be
// replayed into a drill.
//
// quic-go asks the kernel for 7 MiB UDP buffers and logs "failed to
// sufficiently increase receive buffer size" where net.core.rmem_max is
// lower; raise it (sysctl -w net.core.rmem_max=7500000
// net.core.wmem_max=7500000) on a busy server or set
// QUIC_GO_DISABLE_RECEIVE_BUFFER_WARNING=true (the tests do).
type Server struct {
	cfg    Config
	log    *slog.Logger
	udp    *net.UDPConn
	tcp    net.Listener
	tr     *quic.Transport
	ln     *quic.EarlyListener
	h3     *http3.Server
	wt     *webtransport.Server
	https  *http.Server
	accept chan Conn
	stats  serverStats

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu    sync.Mutex
	raw   map[*quic.Conn]struct{} // live raw-QUIC connections, closed by Close
	close sync.Once
}

type quicConnKey struct{}
type trackKey struct{}

// handshakeTrack notes whether a connection attempt reached the
// application, to count handshake failures.
type handshakeTrack struct {
	conn atomic.Pointer[quic.Conn]
}

func (c *Config) withDefaults() Config {
	d := *c
	if d.WebTransportPath == "" {
		d.WebTransportPath = "/wt"
	}
	if d.MaxIncomingStreams <= 0 {
		d.MaxIncomingStreams = 8
	}
	if d.MaxIdleTimeout <= 0 {
		d.MaxIdleTimeout = 30 * time.Second
	}
	if d.KeepAlivePeriod <= 0 {
		d.KeepAlivePeriod = 10 * time.Second
	}
	if d.HandshakeTimeout <= 0 {
		d.HandshakeTimeout = 5 * time.Second
	}
	if d.AcceptQueue <= 0 {
		d.AcceptQueue = 128
	}
	if d.DatagramQueue <= 0 {
		d.DatagramQueue = defaultDatagramQueue
	}
	return d
}

// quicConfig is shared by raw QUIC and HTTP/3 connections (the ALPN is only
// known after the handshake). 0-RTT stays off: inputs must never come from
// replayable early data, and with Allow0RTT false quic-go rejects it, so the
// session layer never sees 0-RTT bytes. ListenEarly only lets the server
// send its first (0.5-RTT) bytes sooner; raw-QUIC connections are still
// delivered by Accept only after the handshake completed.
func (c *Config) quicConfig() *quic.Config {
	return &quic.Config{
		HandshakeIdleTimeout:             c.HandshakeTimeout,
		MaxIdleTimeout:                   c.MaxIdleTimeout,
		KeepAlivePeriod:                  c.KeepAlivePeriod,
		MaxIncomingStreams:               c.MaxIncomingStreams,
		MaxIncomingUniStreams:            8, // HTTP/3 needs 3 (control, QPACK ×2)
		EnableDatagrams:                  true,
		EnableStreamResetPartialDelivery: true, // required by WebTransport
		Allow0RTT:                        false,
	}
}

// Listen binds addr ("host:port"; port 0 picks a free port) for UDP and
// then TCP on the same port number, and starts serving. Cancelling ctx
// closes the server like Close.
func Listen(ctx context.Context, addr string, cfg Config) (*Server, error) {
	c := cfg.withDefaults()
	if len(c.Certificate.Certificate) == 0 {
		return nil, errors.New("transport: Config.Certificate is empty")
	}
	if c.WebTransportPath[0] != '/' {
		return nil, fmt.Errorf("transport: WebTransportPath %q must start with /", c.WebTransportPath)
	}
	udp, tcp, err := bindPair(addr)
	if err != nil {
		return nil, err
	}
	logger := c.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{
		cfg:    c,
		log:    logger,
		udp:    udp,
		tcp:    tcp,
		accept: make(chan Conn, c.AcceptQueue),
		raw:    map[*quic.Conn]struct{}{},
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())

	s.tr = &quic.Transport{
		Conn: udp,
		ConnContext: func(ctx context.Context, _ *quic.ClientInfo) (context.Context, error) {
			t := &handshakeTrack{}
			context.AfterFunc(ctx, func() {
				if qc := t.conn.Load(); qc != nil {
					select {
					case <-qc.HandshakeComplete():
						return
					default:
					}
				}
				s.stats.handshakeFailures.Add(1)
			})
			return context.WithValue(ctx, trackKey{}, t), nil
		},
	}
	tlsConf := &tls.Config{
		Certificates: []tls.Certificate{c.Certificate},
		NextProtos:   []string{ALPN, http3.NextProtoH3},
		MinVersion:   tls.VersionTLS13,
	}
	s.ln, err = s.tr.ListenEarly(tlsConf, c.quicConfig())
	if err != nil {
		_ = s.tr.Close()
		_ = udp.Close()
		_ = tcp.Close()
		return nil, fmt.Errorf("transport: QUIC listen: %w", err)
	}

	s.h3 = &http3.Server{
		Handler:         http.HandlerFunc(s.serveH3),
		EnableDatagrams: true,
		MaxHeaderBytes:  64 << 10,
		Logger:          logger,
		ConnContext: func(ctx context.Context, qc *quic.Conn) context.Context {
			return context.WithValue(ctx, quicConnKey{}, qc)
		},
	}
	s.wt = &webtransport.Server{
		H3:          s.h3,
		CheckOrigin: c.CheckOrigin,
		Config: &webtransport.Config{
			// All three non-zero: Safari requires them (webtransport-go #355).
			MaxIncomingStreams:    4,
			MaxIncomingUniStreams: 4,
			MaxIncomingData:       1 << 20,
		},
		ReorderingTimeout: c.HandshakeTimeout,
	}

	s.https = &http.Server{
		Handler:           s.altSvc(s.pages()),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{c.Certificate}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelDebug),
	}

	s.wg.Go(s.acceptLoop)
	s.wg.Go(func() {
		if err := s.https.ServeTLS(tcp, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Info("transport: HTTPS server stopped", "err", err)
		}
	})
	if ctx != nil {
		stop := context.AfterFunc(ctx, func() { _ = s.Close() })
		context.AfterFunc(s.ctx, func() { stop() })
	}
	return s, nil
}

// bindPair binds UDP first, then TCP on the same port number. With port 0
// the OS picks the UDP port; if that TCP port is taken it tries again.
func bindPair(addr string) (*net.UDPConn, net.Listener, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("transport: address %q: %w", addr, err)
	}
	tries := 1
	if port == "0" || port == "" {
		tries = 20
	}
	var lastErr error
	for range tries {
		uaddr, err := net.ResolveUDPAddr("udp", net.JoinHostPort(host, port))
		if err != nil {
			return nil, nil, fmt.Errorf("transport: address %q: %w", addr, err)
		}
		udp, err := net.ListenUDP("udp", uaddr)
		if err != nil {
			return nil, nil, fmt.Errorf("transport: UDP listen: %w", err)
		}
		p := udp.LocalAddr().(*net.UDPAddr).Port
		tcp, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
		if err == nil {
			return udp, tcp, nil
		}
		_ = udp.Close()
		lastErr = err
	}
	return nil, nil, fmt.Errorf("transport: TCP listen on the UDP port: %w", lastErr)
}

// Addr is the bound address (UDP; TCP listens on the same port number).
func (s *Server) Addr() net.Addr { return s.udp.LocalAddr() }

// Port is the bound port number.
func (s *Server) Port() int { return s.udp.LocalAddr().(*net.UDPAddr).Port }

// Stats returns the counters.
func (s *Server) Stats() Stats {
	return Stats{
		QUICAccepted:         s.stats.quicAccepted.Load(),
		WebTransportAccepted: s.stats.wtAccepted.Load(),
		H3Connections:        s.stats.h3Conns.Load(),
		HandshakeFailures:    s.stats.handshakeFailures.Load(),
		Refused:              s.stats.refused.Load(),
		DatagramsDropped:     s.stats.datagramsDropped.Load(),
		Open:                 s.stats.open.Load(),
	}
}

// Accept returns the next connection, raw QUIC or WebTransport. The
// connection's handshake is complete; the client opens the first stream.
func (s *Server) Accept(ctx context.Context) (Conn, error) {
	select {
	case c := <-s.accept:
		return c, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-s.ctx.Done():
		return nil, ErrServerClosed
	}
}

// Close stops listening and closes every connection. It is idempotent.
func (s *Server) Close() error {
	s.close.Do(func() {
		s.cancel()
		_ = s.ln.Close()
		_ = s.wt.Close() // closes WebTransport and HTTP/3 connections it serves
		s.mu.Lock()
		for qc := range s.raw {
			_ = qc.CloseWithError(CodeGoingAway, "server shutting down")
		}
		s.mu.Unlock()
		_ = s.https.Close()
		s.wg.Wait()
		_ = s.tr.Close()
		_ = s.udp.Close()
		// Connections still waiting in the accept queue.
		for {
			select {
			case c := <-s.accept:
				_ = c.CloseWithError(CodeGoingAway, "server shutting down")
				continue
			default:
			}
			break
		}
	})
	return nil
}

func (s *Server) acceptLoop() {
	for {
		qc, err := s.ln.Accept(s.ctx)
		if err != nil {
			return
		}
		if t, ok := qc.Context().Value(trackKey{}).(*handshakeTrack); ok {
			t.conn.Store(qc)
		}
		s.wg.Go(func() { s.dispatch(qc) })
	}
}

// dispatch routes one accepted QUIC connection by its negotiated ALPN.
func (s *Server) dispatch(qc *quic.Conn) {
	switch proto := qc.ConnectionState().TLS.NegotiatedProtocol; proto {
	case ALPN:
		select {
		case <-qc.HandshakeComplete():
		case <-qc.Context().Done():
			return
		case <-s.ctx.Done():
			_ = qc.CloseWithError(CodeGoingAway, "server shutting down")
			return
		}
		s.mu.Lock()
		if s.ctx.Err() != nil {
			s.mu.Unlock()
			_ = qc.CloseWithError(CodeGoingAway, "server shutting down")
			return
		}
		s.raw[qc] = struct{}{}
		s.mu.Unlock()
		context.AfterFunc(qc.Context(), func() {
			s.mu.Lock()
			delete(s.raw, qc)
			s.mu.Unlock()
		})
		c := wrapQUIC(qc, s.cfg.DatagramQueue, &s.stats)
		if s.deliver(c) {
			s.stats.quicAccepted.Add(1)
		}
	case http3.NextProtoH3:
		s.stats.h3Conns.Add(1)
		if err := s.wt.ServeQUICConn(qc); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Debug("transport: HTTP/3 connection ended", "err", err)
		}
	default:
		// crypto/tls refuses unknown ALPNs during the handshake; this is a
		// safety net.
		_ = qc.CloseWithError(CodeWrongProtocol, "unsupported application protocol")
	}
}

// deliver hands c to Accept, waiting up to HandshakeTimeout for a place in
// the queue; a connection that gets none is closed with CodeBusy.
func (s *Server) deliver(c Conn) bool {
	s.stats.open.Add(1)
	context.AfterFunc(c.Context(), func() { s.stats.open.Add(-1) })
	select {
	case s.accept <- c:
		return true
	default:
	}
	t := time.NewTimer(s.cfg.HandshakeTimeout)
	defer t.Stop()
	select {
	case s.accept <- c:
		return true
	case <-t.C:
		s.stats.refused.Add(1)
		_ = c.CloseWithError(CodeBusy, "server busy")
	case <-c.Context().Done():
	case <-s.ctx.Done():
		_ = c.CloseWithError(CodeGoingAway, "server shutting down")
	}
	return false
}

// serveH3 is the HTTP/3 handler: WebTransport on the configured path,
// pages elsewhere.
func (s *Server) serveH3(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect || r.URL.Path != s.cfg.WebTransportPath {
		s.pages().ServeHTTP(w, r)
		return
	}
	sess, err := s.wt.Upgrade(w, r)
	if err != nil {
		s.stats.refused.Add(1)
		s.log.Debug("transport: WebTransport upgrade refused", "err", err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	qc, _ := r.Context().Value(quicConnKey{}).(*quic.Conn)
	c := wrapSession(sess, qc, s.cfg.DatagramQueue, &s.stats)
	if s.deliver(c) {
		s.stats.wtAccepted.Add(1)
	}
}

func (s *Server) pages() http.Handler {
	if s.cfg.Handler != nil {
		return s.cfg.Handler
	}
	return http.NotFoundHandler()
}

// altSvc advertises HTTP/3 on the same port to browsers that loaded a page
// over TCP.
func (s *Server) altSvc(h http.Handler) http.Handler {
	v := fmt.Sprintf(`h3=":%d"; ma=86400`, s.Port())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Alt-Svc", v)
		h.ServeHTTP(w, r)
	})
}
