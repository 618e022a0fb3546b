package netbot

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/quic-go/quic-go"

	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// TestRetryable: a bot redials after network trouble, silence and a
// server that is going away or throttling; it stops for good on refusals
// that will not change, on a normal close and when its mirror diverged.
// A close with a code from the server reads as that server error.
func TestRetryable(t *testing.T) {
	t.Parallel()
	remote := func(code uint64) error {
		return fmt.Errorf("read: %w", &quic.ApplicationError{Remote: true, ErrorCode: quic.ApplicationErrorCode(code), ErrorMessage: "x"})
	}
	tests := []struct {
		name  string
		err   error
		retry bool
	}{
		{"idle timeout", &quic.IdleTimeoutError{}, true},
		{"we gave up on a silent server", &quic.ApplicationError{Remote: false, ErrorCode: 0, ErrorMessage: "server silent"}, true},
		{"server shutting down", remote(uint64(wire.CodeShutdown)), true},
		{"transport closing on a restart", remote(transport.CodeGoingAway), true},
		{"join throttled", &serverError{Code: wire.CodeTryLater}, true},
		{"server bug", remote(uint64(wire.CodeInternal)), true},
		{"normal close", remote(0), false},
		{"end of stream", io.EOF, false},
		{"drill ended", remote(uint64(wire.CodeDrillEnded)), false},
		{"token refused", &serverError{Code: wire.CodeBadToken}, false},
		{"wrong join code", remote(uint64(wire.CodeBadJoinCode)), false},
		{"drill full", &serverError{Code: wire.CodeDrillFull}, false},
		{"mirror diverged", fmt.Errorf("%w diverged at tick 3", errMirror), false},
	}
	for _, tc := range tests {
		if got := retryable(closeError(tc.err)); got != tc.retry {
			t.Errorf("%s: retryable %v, want %v", tc.name, got, tc.retry)
		}
	}
	var se *serverError
	if err := closeError(remote(uint64(wire.CodeDrillEnded))); !errors.As(err, &se) || se.Code != wire.CodeDrillEnded {
		t.Errorf("a close with drill_ended reads as %v", err)
	}
}

// TestRefusedForNow: before its first welcome a bot has no token, so it
// knocks again only when the server turned the connection away before any
// join (momentarily full); anything else ends it, as before.
func TestRefusedForNow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"quic-go's queue overflowed", fmt.Errorf("open: %w", &quic.TransportError{Remote: true, ErrorCode: quic.ConnectionRefused}), true},
		{"accept queue stayed full", &quic.ApplicationError{Remote: true, ErrorCode: transport.CodeBusy, ErrorMessage: "server busy"}, true},
		{"handshake timed out", &quic.HandshakeTimeoutError{}, false},
		{"join throttled", &quic.ApplicationError{Remote: true, ErrorCode: quic.ApplicationErrorCode(wire.CodeTryLater)}, false},
		{"drill full", &quic.ApplicationError{Remote: true, ErrorCode: quic.ApplicationErrorCode(wire.CodeDrillFull)}, false},
	}
	for _, tc := range tests {
		err := closeError(tc.err)
		if got := refusedForNow(err); got != tc.want {
			t.Errorf("%s: refusedForNow(%v) = %v, want %v", tc.name, err, got, tc.want)
		}
		if tc.want && !retryable(err) {
			t.Errorf("%s: refused for now but not retryable", tc.name)
		}
	}
}
