package view

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// JoinProblem is why a join failed, in words a pupil can act on.
type JoinProblem int

const (
	ProblemNone JoinProblem = iota
	ProblemCode             // wrong join code
	ProblemFull
	ProblemEnded
	ProblemToken
	ProblemBusy
	ProblemUnreachable // no answer: wrong address, server down, network
	ProblemCertificate // not the pinned certificate, or not trusted
	ProblemOther
)

// ClassifyJoinError sorts a Dial error into a JoinProblem.
func ClassifyJoinError(err error) JoinProblem {
	if err == nil {
		return ProblemNone
	}
	if client.IsCertificateError(err) || isX509(err) {
		return ProblemCertificate
	}
	var se *client.ServerError
	if errors.As(err, &se) {
		switch se.Code {
		case wire.CodeBadJoinCode:
			return ProblemCode
		case wire.CodeDrillFull:
			return ProblemFull
		case wire.CodeDrillEnded:
			return ProblemEnded
		case wire.CodeBadToken:
			return ProblemToken
		case wire.CodeTryLater:
			return ProblemBusy
		}
		return ProblemOther
	}
	var ne net.Error
	var oe *net.OpError
	var de *net.DNSError
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &oe) || errors.As(err, &de) ||
		(errors.As(err, &ne) && ne.Timeout()) || strings.Contains(err.Error(), "no recent network activity") {
		return ProblemUnreachable
	}
	return ProblemOther
}

// isX509 catches a certificate the system roots do not trust (no pin
// given), which crypto/tls reports as an x509 error, not a crypto alert.
func isX509(err error) bool {
	s := err.Error()
	return strings.Contains(s, "x509:") || strings.Contains(s, "certificate signed by unknown authority")
}

// JoinMessage is what the join screen says about err.
func JoinMessage(err error, lang Lang) string {
	switch ClassifyJoinError(err) {
	case ProblemNone:
		return ""
	case ProblemCode:
		return lang.T("err_code")
	case ProblemFull:
		return lang.T("err_full")
	case ProblemEnded:
		return lang.T("err_ended")
	case ProblemToken:
		return lang.T("err_token")
	case ProblemBusy:
		return lang.T("err_later")
	case ProblemUnreachable:
		return lang.T("err_unreach")
	case ProblemCertificate:
		return lang.T("err_cert")
	}
	return lang.T("err_other") + err.Error()
}
