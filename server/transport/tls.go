package transport

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"time"
)

const (
	// DefaultCertValidity is how long a self-signed certificate is valid when
	// the caller passes 0: browsers accept a certificate pinned with
	// serverCertificateHashes only if its whole validity period is shorter
	// than 14 days.
	DefaultCertValidity = 13 * 24 * time.Hour
	// MaxCertValidity is the exclusive upper bound for SelfSigned.
	MaxCertValidity = 14 * 24 * time.Hour

	// certBackdate moves NotBefore into the past so a client whose clock is
	// a little behind still accepts a certificate made a moment ago. It is
	// shortened when needed so NotAfter−NotBefore stays < 14 days.
	certBackdate = time.Hour
	// certMaxTotal keeps NotAfter−NotBefore safely under 14 days even after
	// the encoding rounds the times to whole seconds.
	certMaxTotal = MaxCertValidity - time.Minute
)

// SelfSigned makes an ECDSA P-256 certificate for hosts (names or IP
// addresses; "host:port" is accepted) plus localhost, 127.0.0.1 and ::1,
// valid from about now for validity (0 means DefaultCertValidity; 14 days or
// more is refused). It returns the certificate and the SHA-256 of its DER
// encoding, which is what a browser pins with serverCertificateHashes and
// what PinnedTLS checks.
//
// now is injected by the caller (the server passes its clock), so tests can
// make certificates that are expired or not yet valid.
func SelfSigned(hosts []string, now time.Time, validity time.Duration) (tls.Certificate, [32]byte, error) {
	var zero [32]byte
	if validity == 0 {
		validity = DefaultCertValidity
	}
	if validity < 0 {
		return tls.Certificate{}, zero, fmt.Errorf("transport: certificate validity %v is negative", validity)
	}
	if validity >= MaxCertValidity {
		return tls.Certificate{}, zero, fmt.Errorf("transport: certificate validity %v must be shorter than %v (browsers refuse pinned certificates valid for 14 days or more)", validity, MaxCertValidity)
	}
	if now.IsZero() {
		return tls.Certificate{}, zero, errors.New("transport: SelfSigned needs the current time")
	}
	backdate := min(certBackdate, certMaxTotal-validity)
	if backdate < 0 {
		backdate = 0
	}
	now = now.UTC().Truncate(time.Second)
	notBefore := now.Add(-backdate)
	notAfter := now.Add(validity)

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, zero, fmt.Errorf("transport: generating key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return tls.Certificate{}, zero, fmt.Errorf("transport: generating serial: %w", err)
	}
	dns, ips := sanList(hosts)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "rescuedrill (self-signed)", Organization: []string{"RescueDrill"}},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  false,
		DNSNames:              dns,
		IPAddresses:           ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, zero, fmt.Errorf("transport: creating certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, zero, fmt.Errorf("transport: parsing new certificate: %w", err)
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
	return cert, sha256.Sum256(der), nil
}

// sanList splits hosts into DNS names and IP addresses, always adding
// localhost, 127.0.0.1 and ::1, without duplicates.
func sanList(hosts []string) ([]string, []net.IP) {
	var dns []string
	var ips []net.IP
	seen := map[string]bool{}
	add := func(h string) {
		h = strings.TrimSpace(h)
		if host, _, err := net.SplitHostPort(h); err == nil {
			h = host
		}
		h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
		if h == "" {
			return
		}
		if ip := net.ParseIP(h); ip != nil {
			if ip.IsUnspecified() { // 0.0.0.0 / :: name no peer
				return
			}
			k := ip.String()
			if !seen[k] {
				seen[k] = true
				ips = append(ips, ip)
			}
			return
		}
		k := strings.ToLower(h)
		if !seen[k] {
			seen[k] = true
			dns = append(dns, k)
		}
	}
	for _, h := range hosts {
		add(h)
	}
	add("localhost")
	add("127.0.0.1")
	add("::1")
	return dns, ips
}

// LoadKeyPair loads a PEM certificate chain and key (real certificates,
// e.g. from an ACME client) and returns them with the leaf parsed.
func LoadKeyPair(certFile, keyFile string) (tls.Certificate, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("transport: loading key pair: %w", err)
	}
	if cert.Leaf == nil && len(cert.Certificate) > 0 {
		leaf, err := x509.ParseCertificate(cert.Certificate[0])
		if err != nil {
			return tls.Certificate{}, fmt.Errorf("transport: parsing certificate: %w", err)
		}
		cert.Leaf = leaf
	}
	return cert, nil
}

// CertHash is the SHA-256 of the leaf certificate's DER encoding (the value
// for serverCertificateHashes and PinnedTLS).
func CertHash(cert tls.Certificate) ([32]byte, error) {
	if len(cert.Certificate) == 0 {
		return [32]byte{}, errors.New("transport: certificate is empty")
	}
	return sha256.Sum256(cert.Certificate[0]), nil
}

// SPKIHash is the SHA-256 of the leaf's SubjectPublicKeyInfo, what
// Chromium's --ignore-certificate-errors-spki-list wants (base64-encoded) to
// load HTTPS pages from a self-signed server in tests.
func SPKIHash(cert tls.Certificate) ([32]byte, error) {
	if len(cert.Certificate) == 0 {
		return [32]byte{}, errors.New("transport: certificate is empty")
	}
	leaf := cert.Leaf
	if leaf == nil {
		var err error
		if leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
			return [32]byte{}, fmt.Errorf("transport: parsing certificate: %w", err)
		}
	}
	return sha256.Sum256(leaf.RawSubjectPublicKeyInfo), nil
}

// ErrCertHashMismatch is returned (wrapped) by a PinnedTLS handshake when the
// server's certificate is not the pinned one.
var ErrCertHashMismatch = errors.New("transport: server certificate does not match the pinned SHA-256")

// PinnedTLS returns a client TLS configuration that accepts the server only
// if the SHA-256 of its leaf certificate's DER encoding equals hash — what
// native clients and bots use with the hash `drill serve` prints, instead of
// a certificate authority. Names and validity dates are not checked: the hash
// pins one exact certificate. Dial and DialWebTransport set NextProtos.
func PinnedTLS(hash [32]byte) *tls.Config {
	return &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: true, // replaced by the hash check below
		VerifyPeerCertificate: func(rawCerts [][]byte, _ [][]*x509.Certificate) error {
			if len(rawCerts) == 0 {
				return fmt.Errorf("%w: no certificate", ErrCertHashMismatch)
			}
			got := sha256.Sum256(rawCerts[0])
			if subtle.ConstantTimeCompare(got[:], hash[:]) != 1 {
				return fmt.Errorf("%w: got %x", ErrCertHashMismatch, got)
			}
			return nil
		},
	}
}
