package transport

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/webtransport-go"
)

// ClientConn is the client's side of a connection: the client opens the
// control stream.
type ClientConn interface {
	Conn
	// OpenStream opens a new bidirectional stream, waiting while the
	// server's stream limit is reached. QUIC announces a stream with its
	// first bytes: the server's AcceptStream returns only after the client
	// wrote something (send the join message right away).
	OpenStream(ctx context.Context) (Stream, error)
}

// SafeDatagramSize is a datagram payload that always fits: QUIC guarantees
// 1200-byte packets, quic-go's conservative estimate then leaves 1160 bytes,
// and WebTransport's session prefix takes 1–2 more. Larger datagrams may work
// after path MTU discovery; quic-go decides per connection.
const SafeDatagramSize = 1150

// ErrDatagramTooLarge is matched (errors.Is) by the error SendDatagram
// returns for a payload that does not fit in one QUIC packet; the session
// layer then sends the message on the stream instead.
var ErrDatagramTooLarge = errors.New("transport: datagram too large")

// DatagramTooLargeError says how large a datagram may currently be.
type DatagramTooLargeError struct {
	Size int // the rejected payload
	Max  int // the largest payload known to fit on this connection (0: unknown)
}

func (e *DatagramTooLargeError) Error() string {
	return fmt.Sprintf("transport: datagram of %d bytes too large (max %d)", e.Size, e.Max)
}

// Is makes errors.Is(err, ErrDatagramTooLarge) true.
func (e *DatagramTooLargeError) Is(target error) bool { return target == ErrDatagramTooLarge }

// ConnStats are one connection's counters (see StatsConn).
type ConnStats struct {
	DatagramsQueued   uint64 // accepted by SendDatagram
	DatagramsSent     uint64 // handed to quic-go
	DatagramsDropped  uint64 // dropped because the send queue was full
	DatagramsTooLarge uint64 // rejected for size (synchronously or by quic-go)
	SmoothedRTT       time.Duration
	PacketsLost       uint64
	CongestionWindow  uint64
}

// StatsConn is implemented by every Conn this package returns.
type StatsConn interface {
	ConnStats() ConnStats
}

// conn adapts a quic-go connection or a WebTransport session to Conn and
// ClientConn.
//
// SendDatagram never blocks: quic-go's SendDatagram blocks once its internal
// queue of 32 datagrams is full (quic-go issue #4505) and takes no context,
// so a slow client would stall the drill goroutine. Instead each conn has a
// small bounded channel drained by one sender goroutine; when the channel is
// full the datagram is dropped and counted (datagrams are unreliable anyway
// and the snapshot encoder re-sends against the last acknowledged state).
// Oversized payloads are rejected synchronously when the size is known to be
// too large (above a limit quic-go reported earlier on this connection, or
// above MaxDatagram bytes); the first too-large datagram between
// SafeDatagramSize and quic-go's current limit is dropped asynchronously and
// teaches the conn the limit (on loopback quic-go starts at 1243 bytes for
// raw QUIC). The learned limit is kept for the connection's life even if path
// MTU discovery later allows more; budget with SafeDatagramSize.
type conn struct {
	kind   string
	ctx    context.Context
	remote net.Addr
	qconn  *quic.Conn // underlying QUIC connection, for stats (may be nil)

	acceptStream func(context.Context) (Stream, error)
	openStream   func(context.Context) (Stream, error)
	sendRaw      func([]byte) error
	recv         func(context.Context) ([]byte, error)
	closeFn      func(code uint64, reason string) error

	out       chan []byte
	startOnce sync.Once
	overhead  int64        // bytes the framing adds inside quic-go's datagram payload
	limit     atomic.Int64 // largest payload quic-go accepted after a too-large error; 0: unknown

	queued, sent, dropped, tooLarge atomic.Uint64
	srv                             *serverStats // may be nil (client side)
}

// MaxDatagram is the largest datagram payload ever attempted (an Ethernet
// MTU minus IPv6, UDP and minimal QUIC overhead); larger ones fail at once.
const MaxDatagram = 1452

func newConn(kind string, ctx context.Context, remote net.Addr, qconn *quic.Conn, queue int, srv *serverStats) *conn {
	if queue <= 0 {
		queue = defaultDatagramQueue
	}
	return &conn{kind: kind, ctx: ctx, remote: remote, qconn: qconn, out: make(chan []byte, queue), srv: srv}
}

func wrapQUIC(qc *quic.Conn, queue int, srv *serverStats) *conn {
	c := newConn(KindQUIC, qc.Context(), qc.RemoteAddr(), qc, queue, srv)
	c.acceptStream = func(ctx context.Context) (Stream, error) {
		s, err := qc.AcceptStream(ctx)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	c.openStream = func(ctx context.Context) (Stream, error) {
		s, err := qc.OpenStreamSync(ctx)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	c.sendRaw = qc.SendDatagram
	c.recv = qc.ReceiveDatagram
	c.closeFn = func(code uint64, reason string) error {
		return qc.CloseWithError(quic.ApplicationErrorCode(code), reason)
	}
	return c
}

func wrapSession(s *webtransport.Session, qc *quic.Conn, queue int, srv *serverStats) *conn {
	c := newConn(KindWebTransport, s.Context(), s.RemoteAddr(), qc, queue, srv)
	c.overhead = 8
	c.acceptStream = func(ctx context.Context) (Stream, error) {
		st, err := s.AcceptStream(ctx)
		if err != nil {
			return nil, err
		}
		return st, nil
	}
	c.openStream = func(ctx context.Context) (Stream, error) {
		st, err := s.OpenStreamSync(ctx)
		if err != nil {
			return nil, err
		}
		return st, nil
	}
	c.sendRaw = s.SendDatagram
	c.recv = s.ReceiveDatagram
	c.closeFn = func(code uint64, reason string) error {
		// WebTransport session error codes are 32 bits.
		return s.CloseWithError(webtransport.SessionErrorCode(min(code, math.MaxUint32)), reason)
	}
	return c
}

// Kind values.
const (
	KindQUIC         = "quic"
	KindWebTransport = "webtransport"
)

const defaultDatagramQueue = 16

func (c *conn) AcceptStream(ctx context.Context) (Stream, error) { return c.acceptStream(ctx) }
func (c *conn) OpenStream(ctx context.Context) (Stream, error)   { return c.openStream(ctx) }
func (c *conn) ReceiveDatagram(ctx context.Context) ([]byte, error) {
	return c.recv(ctx)
}
func (c *conn) CloseWithError(code uint64, reason string) error { return c.closeFn(code, reason) }
func (c *conn) Context() context.Context                        { return c.ctx }
func (c *conn) RemoteAddr() net.Addr                            { return c.remote }
func (c *conn) Kind() string                                    { return c.kind }

// DatagramsEnabled reports whether both ends negotiated QUIC datagrams
// (RFC 9221). Without them SendDatagram fails and the peer never sends
// any: the session layer uses the control stream instead. WebTransport
// sessions always have them (webtransport-go requires HTTP datagrams).
func (c *conn) DatagramsEnabled() bool {
	if c.qconn == nil {
		return true
	}
	d := c.qconn.ConnectionState().SupportsDatagrams
	return d.Local && d.Remote
}

// SendDatagram queues b (copied) for sending and returns at once; see the
// type's comment. It returns a *DatagramTooLargeError (errors.Is
// ErrDatagramTooLarge) for payloads known not to fit, and the connection's
// error once it is closed. A full queue drops the datagram silently (counted
// in ConnStats and Server.Stats).
func (c *conn) SendDatagram(b []byte) error {
	if err := c.ctx.Err(); err != nil {
		if cause := context.Cause(c.ctx); cause != nil {
			return cause
		}
		return err
	}
	max := int(c.limit.Load())
	if max == 0 {
		max = MaxDatagram
	}
	if len(b) > max {
		c.tooLarge.Add(1)
		return &DatagramTooLargeError{Size: len(b), Max: int(c.limit.Load())}
	}
	c.startOnce.Do(func() { go c.sendLoop() })
	p := make([]byte, len(b))
	copy(p, b)
	select {
	case c.out <- p:
		c.queued.Add(1)
	default:
		c.dropped.Add(1)
		if c.srv != nil {
			c.srv.datagramsDropped.Add(1)
		}
	}
	return nil
}

func (c *conn) sendLoop() {
	for {
		select {
		case <-c.ctx.Done():
			return
		case p := <-c.out:
			err := c.sendRaw(p) // may block while quic-go's own queue is full
			if err == nil {
				c.sent.Add(1)
				continue
			}
			if qe, ok := errors.AsType[*quic.DatagramTooLargeError](err); ok {
				c.tooLarge.Add(1)
				if c.srv != nil {
					c.srv.datagramsDropped.Add(1)
				}
				// quic-go's limit is for the whole DATAGRAM payload; a
				// WebTransport datagram spends up to 8 of those bytes on
				// its session prefix.
				if m := qe.MaxDatagramPayloadSize - c.overhead; m > 0 {
					c.limit.Store(m)
				}
				continue
			}
			if c.ctx.Err() != nil {
				return
			}
			// Other errors (e.g. datagrams not negotiated): drop and count.
			c.dropped.Add(1)
			if c.srv != nil {
				c.srv.datagramsDropped.Add(1)
			}
		}
	}
}

// ConnStats reports this connection's datagram counters and, when the QUIC
// connection is known, its RTT and loss.
func (c *conn) ConnStats() ConnStats {
	st := ConnStats{
		DatagramsQueued:   c.queued.Load(),
		DatagramsSent:     c.sent.Load(),
		DatagramsDropped:  c.dropped.Load(),
		DatagramsTooLarge: c.tooLarge.Load(),
	}
	if c.qconn != nil {
		qs := c.qconn.ConnectionStats()
		st.SmoothedRTT = qs.SmoothedRTT
		st.PacketsLost = qs.PacketsLost
		st.CongestionWindow = qs.CongestionWindow
	}
	return st
}

var (
	_ ClientConn = (*conn)(nil)
	_ StatsConn  = (*conn)(nil)
)

// DeadlineStream is implemented by every Stream this package returns
// (quic-go and webtransport-go streams alike): the session layer can bound
// a read of the control stream without a goroutine.
type DeadlineStream interface {
	Stream
	SetReadDeadline(t time.Time) error
	SetWriteDeadline(t time.Time) error
	SetDeadline(t time.Time) error
}

var (
	_ DeadlineStream = (*quic.Stream)(nil)
	_ DeadlineStream = (*webtransport.Stream)(nil)
)
