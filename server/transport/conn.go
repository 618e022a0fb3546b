// Package transport gives the drill server one kind of connection whether a
// client came over raw QUIC (native clients, bots) or over WebTransport
// (browsers and headsets): a reliable control stream plus unreliable
// datagrams. The server's session code sees only Conn.
package transport

import (
	"context"
	"io"
	"net"
)

// Stream is a reliable, ordered byte stream (one QUIC stream).
type Stream interface {
	io.Reader
	io.Writer
	io.Closer
}

// Conn is one client connection.
type Conn interface {
	// AcceptStream waits for the client to open a stream (the first one is
	// the control stream).
	AcceptStream(ctx context.Context) (Stream, error)
	// SendDatagram sends an unreliable message; it may fail when datagrams
	// are not negotiated or the message is too large (then use the stream).
	SendDatagram(b []byte) error
	// ReceiveDatagram waits for the next datagram from the client.
	ReceiveDatagram(ctx context.Context) ([]byte, error)
	// CloseWithError ends the connection with an application error code
	// (see server/wire error codes) and a short reason.
	CloseWithError(code uint64, reason string) error
	// Context is cancelled when the connection closes.
	Context() context.Context
	// RemoteAddr is for rate limiting only; it is never stored in results.
	RemoteAddr() net.Addr
	// Kind is "quic" or "webtransport".
	Kind() string
}
