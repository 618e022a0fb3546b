package wire

import "fmt"

// Code is a protocol error code. It is sent in an Error message and used as
// the QUIC / WebTransport application error code when the server closes a
// connection, so both ends and the metrics name the same reason.
type Code uint16

// Error codes (docs/protocol.md §7). Codes 1–31 are decode failures: the
// peer sent bytes that are not protocol version 1. Codes from 32 are
// session failures the server reports about a well-formed message.
const (
	CodeNone        Code = 0 // no error (normal close)
	CodeMalformed   Code = 1 // bytes do not decode (bad varint, trailing bytes …)
	CodeUnknownType Code = 2 // unknown message type byte
	CodeTooLarge    Code = 3 // frame or datagram longer than the limit
	CodeTruncated   Code = 4 // message ends inside a field
	CodeLimit       Code = 5 // a count or string length beyond its limit
	CodeBadValue    Code = 6 // a field outside its range (enum, bool, UTF-8, coordinate …)
	CodeBadBaseline Code = 7 // snapshot refers to an entity or tile that cannot exist

	CodeBadVersion  Code = 32 // protocol version not supported
	CodeUnexpected  Code = 33 // message not allowed now or in this direction
	CodeForbidden   Code = 34 // role may not do this (participant sent a facilitator command)
	CodeRateLimited Code = 35 // too many messages
	CodeBadJoinCode Code = 36 // no drill with this join code
	CodeBadToken    Code = 37 // participant or facilitator token not valid
	CodeDrillFull   Code = 38 // no participant slot left
	CodeDrillEnded  Code = 39 // the drill is over
	CodeTryLater    Code = 40 // join attempts from this address are throttled
	CodeTimeout     Code = 41 // nothing received for too long
	CodeShutdown    Code = 42 // the server is going away
	CodeInternal    Code = 43 // server bug; the connection is closed
)

var codeNames = map[Code]string{
	CodeNone: "none", CodeMalformed: "malformed", CodeUnknownType: "unknown_type",
	CodeTooLarge: "too_large", CodeTruncated: "truncated", CodeLimit: "limit",
	CodeBadValue: "bad_value", CodeBadBaseline: "bad_baseline", CodeBadVersion: "bad_version",
	CodeUnexpected: "unexpected", CodeForbidden: "forbidden", CodeRateLimited: "rate_limited",
	CodeBadJoinCode: "bad_join_code", CodeBadToken: "bad_token", CodeDrillFull: "drill_full",
	CodeDrillEnded: "drill_ended", CodeTryLater: "try_later", CodeTimeout: "timeout",
	CodeShutdown: "shutdown", CodeInternal: "internal",
}

// String is the code's stable name, used as a metrics label.
func (c Code) String() string {
	if s, ok := codeNames[c]; ok {
		return s
	}
	return fmt.Sprintf("code_%d", uint16(c))
}

// IsDecode reports whether the code is a decode failure (1–31).
func (c Code) IsDecode() bool { return c >= 1 && c < 32 }

// Error is a protocol error: every decoder returns one for malformed input,
// so the server can close that connection with Code and count it.
type Error struct {
	Code Code
	Msg  string
}

func (e *Error) Error() string { return "wire: " + e.Code.String() + ": " + e.Msg }

func errf(c Code, format string, args ...any) *Error {
	return &Error{Code: c, Msg: fmt.Sprintf(format, args...)}
}

// CodeOf returns the protocol code of err: its Code if it is an *Error,
// CodeInternal for any other non-nil error and CodeNone for nil.
func CodeOf(err error) Code {
	if err == nil {
		return CodeNone
	}
	if e, ok := err.(*Error); ok {
		return e.Code
	}
	return CodeInternal
}
