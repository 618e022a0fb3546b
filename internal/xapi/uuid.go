package xapi

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"regexp"
)

// UUID is an RFC 4122 (RFC 9562) UUID. Version 5 (name-based, SHA-1) is
// all this package makes: registrations and statement IDs must come out the
// same each time a drill is exported, so a re-send is recognised.
type UUID [16]byte

// NamespaceURL is RFC 4122's namespace for URLs.
var NamespaceURL = UUID{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}

// NewSHA1 is the version-5 UUID of name in namespace ns.
func NewSHA1(ns UUID, name string) UUID {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u UUID
	copy(u[:], h.Sum(nil))
	u[6] = (u[6] & 0x0f) | 0x50 // version 5
	u[8] = (u[8] & 0x3f) | 0x80 // RFC 4122 variant
	return u
}

func (u UUID) String() string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// uuidRE is the xAPI UUID rule: RFC 4122 form, variant 10xx.
var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`)

// checkUUID reports whether s is a UUID as xAPI requires.
func checkUUID(s string) error {
	if !uuidRE.MatchString(s) {
		return fmt.Errorf("%q is not an RFC 4122 UUID", s)
	}
	return nil
}
