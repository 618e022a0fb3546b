package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/rescuedrill/rescuedrill/internal/durable"
	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/transport"
)

// The self-signed certificate is kept in the data directory so that a
// restart — after a crash above all — serves the same certificate: clients
// pin its SHA-256 (bots, drill facilitate, browsers' serverCertificateHashes),
// and a new hash at every start would lock every participant out of the
// drill they are reconnecting to.
const (
	certDir     = "tls"
	certFile    = "self-signed-cert.pem"
	certKeyFile = "self-signed-key.pem" // 0600
	// certRenewBefore: a kept certificate with less validity left than this
	// is replaced at start, so it does not expire in the middle of a drill
	// (a drill lasts minutes; a server may run for a day).
	certRenewBefore = 24 * time.Hour
)

// selfSignedCert returns the data directory's self-signed certificate if
// it is valid at now for at least certRenewBefore more and names every
// host; otherwise it makes a new one (transport.SelfSigned) and stores it.
// reused says which.
func selfSignedCert(dataDir string, hosts []string, now time.Time) (cert tls.Certificate, reused bool, err error) {
	dir := filepath.Join(dataDir, certDir)
	cp, kp := filepath.Join(dir, certFile), filepath.Join(dir, certKeyFile)
	if c, err := transport.LoadKeyPair(cp, kp); err == nil && certFits(c.Leaf, hosts, now) {
		return c, true, nil
	}
	c, _, err := transport.SelfSigned(hosts, now, transport.DefaultCertValidity)
	if err != nil {
		return c, false, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		return c, false, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return c, false, err
	}
	// The key first: a certificate file is only ever next to its own key.
	if err := durable.WriteFile(kp, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return c, false, err
	}
	if err := durable.WriteFile(cp, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]}), 0o644); err != nil {
		return c, false, err
	}
	return c, false, nil
}

// certFits reports whether a kept certificate can serve now.
func certFits(leaf *x509.Certificate, hosts []string, now time.Time) bool {
	if leaf == nil || now.Before(leaf.NotBefore) || leaf.NotAfter.Sub(now) < certRenewBefore {
		return false
	}
	for _, h := range hosts {
		if host, _, err := net.SplitHostPort(h); err == nil {
			h = host
		}
		if h == "" {
			continue
		}
		if ip := net.ParseIP(h); ip != nil && ip.IsUnspecified() {
			continue // not a name a client dials, so not in the certificate
		}
		if leaf.VerifyHostname(h) != nil {
			return false
		}
	}
	return true
}

// fastClock is the wall clock with every drill ticking speed times faster
// than its scenario's rate (drill serve --speed): a 15-minute drill in
// under a minute for tests and demonstrations. Only the tick period
// changes; the world steps exactly as at real speed, so journals and
// results are the same.
type fastClock struct{ speed float64 }

func (fastClock) Now() time.Time { return time.Now() }

func (c fastClock) NewTicker(d time.Duration) drill.Ticker {
	return drill.RealClock{}.NewTicker(max(time.Duration(float64(d)/c.speed), 100*time.Microsecond))
}

// clockFor is the drills' clock for --speed.
func clockFor(speed float64) (drill.Clock, error) {
	switch {
	case speed == 1:
		return drill.RealClock{}, nil
	case speed > 0 && speed <= 1000:
		return fastClock{speed: speed}, nil
	}
	return nil, errors.New(fmt.Sprint("--speed ", speed, ": want a factor in (0, 1000]"))
}
