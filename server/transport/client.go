package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/http3"
	"github.com/quic-go/webtransport-go"
)

// clientQUICConfig is what Go clients and bots dial with.
func clientQUICConfig() *quic.Config {
	return clientQUICConfigWith(DialOptions{})
}

func clientQUICConfigWith(o DialOptions) *quic.Config {
	return &quic.Config{
		HandshakeIdleTimeout:             5 * time.Second,
		MaxIdleTimeout:                   30 * time.Second,
		KeepAlivePeriod:                  10 * time.Second,
		MaxIncomingStreams:               8,
		MaxIncomingUniStreams:            8,
		EnableDatagrams:                  !o.NoDatagrams,
		EnableStreamResetPartialDelivery: true,
	}
}

// DialOptions change how DialWith connects.
type DialOptions struct {
	// NoDatagrams does not negotiate QUIC datagrams (EnableDatagrams
	// false): the server then sends snapshots on the control stream and
	// reads poses from it (the stream fallback, docs/protocol.md §1.1).
	// For clients on networks that drop datagrams, and for tests.
	NoDatagrams bool
}

// Dial connects to a server over raw QUIC with ALPN "rescuedrill/1". tlsConf
// is usually PinnedTLS(hash) (or nil to verify against the system roots);
// its NextProtos are replaced. The caller opens the control stream with
// OpenStream.
func Dial(ctx context.Context, addr string, tlsConf *tls.Config) (ClientConn, error) {
	return DialWith(ctx, addr, tlsConf, DialOptions{})
}

// DialWith is Dial with options.
func DialWith(ctx context.Context, addr string, tlsConf *tls.Config, o DialOptions) (ClientConn, error) {
	tc := clientTLS(tlsConf, ALPN)
	qc, err := quic.DialAddr(ctx, addr, tc, clientQUICConfigWith(o))
	if err != nil {
		return nil, fmt.Errorf("transport: dial %s: %w", addr, err)
	}
	return wrapQUIC(qc, defaultDatagramQueue, nil), nil
}

// Refused reports whether err (from a dial, or a connection's first
// reads and writes) says the server turned the connection away because it
// was momentarily full, before any session began: QUIC's
// CONNECTION_REFUSED (quic-go's own queue of 32 handshaken connections
// overflowed before the server's accept loop ran, which a class pressing
// Join together can cause on a loaded server) or CodeBusy (the accept
// queue stayed full for HandshakeTimeout). Dialling again a moment later
// is the right answer; clients do it by themselves.
func Refused(err error) bool {
	var te *quic.TransportError
	if errors.As(err, &te) && te.Remote && te.ErrorCode == quic.ConnectionRefused {
		return true
	}
	var ae *quic.ApplicationError
	return errors.As(err, &ae) && ae.Remote && ae.ErrorCode == CodeBusy
}

// DialWebTransport opens a WebTransport session at url
// ("https://host:port/wt") the way a browser does (used by tests and Go
// tools). The session's QUIC connection is closed with the session.
func DialWebTransport(ctx context.Context, url string, tlsConf *tls.Config) (ClientConn, error) {
	var qconn *quic.Conn
	d := &webtransport.Transport{
		TLSClientConfig: clientTLS(tlsConf, http3.NextProtoH3),
		QUICConfig:      clientQUICConfig(),
		Config: &webtransport.Config{
			MaxIncomingStreams:    4,
			MaxIncomingUniStreams: 4,
			MaxIncomingData:       1 << 20,
		},
		DialAddr: func(ctx context.Context, addr string, tc *tls.Config, qcfg *quic.Config) (*quic.Conn, error) {
			qc, err := quic.DialAddrEarly(ctx, addr, tc, qcfg)
			qconn = qc
			return qc, err
		},
	}
	rsp, sess, err := d.Dial(ctx, url, nil)
	if err != nil {
		if rsp != nil {
			return nil, fmt.Errorf("transport: WebTransport dial %s: %s: %w", url, rsp.Status, err)
		}
		return nil, fmt.Errorf("transport: WebTransport dial %s: %w", url, err)
	}
	return wrapSession(sess, qconn, defaultDatagramQueue, nil), nil
}

func clientTLS(tlsConf *tls.Config, proto string) *tls.Config {
	var tc *tls.Config
	if tlsConf == nil {
		tc = &tls.Config{}
	} else {
		tc = tlsConf.Clone()
	}
	tc.NextProtos = []string{proto}
	if tc.MinVersion < tls.VersionTLS13 {
		tc.MinVersion = tls.VersionTLS13
	}
	return tc
}

// Dialer dials many raw-QUIC connections from one UDP socket (network bots
// and load tests: a thousand participants need not mean a thousand sockets).
type Dialer struct {
	udp *net.UDPConn
	tr  *quic.Transport
}

// NewDialer binds a UDP socket at localAddr ("127.0.0.1:0", ":0").
func NewDialer(localAddr string) (*Dialer, error) {
	ua, err := net.ResolveUDPAddr("udp", localAddr)
	if err != nil {
		return nil, fmt.Errorf("transport: dialer address %q: %w", localAddr, err)
	}
	udp, err := net.ListenUDP("udp", ua)
	if err != nil {
		return nil, fmt.Errorf("transport: dialer: %w", err)
	}
	return &Dialer{udp: udp, tr: &quic.Transport{Conn: udp}}, nil
}

// Dial is like the package-level Dial over the Dialer's socket.
func (d *Dialer) Dial(ctx context.Context, addr string, tlsConf *tls.Config) (ClientConn, error) {
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("transport: dial %s: %w", addr, err)
	}
	tc := clientTLS(tlsConf, ALPN)
	if tc.ServerName == "" {
		if host, _, err := net.SplitHostPort(addr); err == nil {
			tc.ServerName = host
		}
	}
	qc, err := d.tr.Dial(ctx, ua, tc, clientQUICConfig())
	if err != nil {
		return nil, fmt.Errorf("transport: dial %s: %w", addr, err)
	}
	return wrapQUIC(qc, defaultDatagramQueue, nil), nil
}

// Close closes every connection dialed through d and its socket.
func (d *Dialer) Close() error {
	err := d.tr.Close()
	if cerr := d.udp.Close(); err == nil && cerr != nil && !errors.Is(cerr, net.ErrClosed) {
		err = cerr
	}
	return err
}
