package client

import (
	"errors"
	"fmt"
	"io"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/webtransport-go"
	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// ServerError is an error the server reported: an Error message, or the
// application error code it closed the connection with (docs/protocol.md
// §7). Code says what to tell the user: bad_join_code, drill_full,
// bad_token (rejoin refused), drill_ended, try_later …
type ServerError struct {
	Code wire.Code
	Text string
}

func (e *ServerError) Error() string {
	if e.Text == "" || e.Text == e.Code.String() {
		return "rescuedrill server: " + e.Code.String()
	}
	return fmt.Sprintf("rescuedrill server: %s: %s", e.Code, e.Text)
}

// Errors of the client itself.
var (
	ErrClosed       = errors.New("client: closed")
	ErrDisconnected = errors.New("client: not connected (call Reconnect)")
	ErrNotAllowed   = errors.New("client: this role may not do that")
	// ErrProtocol wraps a server message the client cannot use (a
	// malformed Welcome, a Terrain that does not fit the grid).
	ErrProtocol = errors.New("client: protocol error")
)

// IsCertificateError reports whether err is a TLS failure because the
// server's certificate is not trusted or not the pinned one (tell the user
// to check the hash `drill serve` printed, or use a development flag).
func IsCertificateError(err error) bool {
	if errors.Is(err, transport.ErrCertHashMismatch) {
		return true
	}
	var te *quic.TransportError
	if errors.As(err, &te) && te.ErrorCode.IsCryptoError() {
		return true
	}
	return false
}

// CodeOf returns the protocol code of an error from this package: the
// ServerError's code, CodeNone for nil and CodeInternal otherwise.
func CodeOf(err error) wire.Code {
	var se *ServerError
	switch {
	case err == nil:
		return wire.CodeNone
	case errors.As(err, &se):
		return se.Code
	}
	return wire.CodeInternal
}

// linkError turns what ended a connection into what the caller sees:
// the server's Error message if it sent one, a *ServerError for a close
// with a code, nil for a normal close or the end of the control stream,
// and the transport error otherwise.
func linkError(err error, sent *ServerError) error {
	if sent != nil {
		return sent
	}
	var ae *quic.ApplicationError
	if errors.As(err, &ae) && ae.Remote {
		if ae.ErrorCode == 0 {
			return nil
		}
		return &ServerError{Code: wire.Code(ae.ErrorCode), Text: ae.ErrorMessage}
	}
	var se *webtransport.SessionError
	if errors.As(err, &se) && se.Remote {
		if se.ErrorCode == 0 {
			return nil
		}
		return &ServerError{Code: wire.Code(se.ErrorCode), Text: se.Message}
	}
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}
