package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/server/transport"
)

// TestSelfSignedCertKept: drill serve's self-signed certificate is kept in
// the data directory and served again at the next start (clients pin its
// hash), unless it is about to expire or does not name a host asked for;
// the key file is private.
func TestSelfSignedCertKept(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		later time.Duration // after the first start
		hosts []string
		kept  bool
	}{
		{"restart a minute later", time.Minute, []string{"drills.school.example", "0.0.0.0"}, true},
		{"restart with a subset of the hosts", time.Hour, []string{"drills.school.example"}, true},
		{"eleven days later", 11 * 24 * time.Hour, []string{"drills.school.example"}, true},
		{"under a day of validity left", 12*24*time.Hour + time.Hour, []string{"drills.school.example"}, false},
		{"expired", 14 * 24 * time.Hour, []string{"drills.school.example"}, false},
		{"a new host name", time.Minute, []string{"drills.school.example", "192.168.1.20"}, false},
		{"the clock went back before NotBefore", -2 * time.Hour, []string{"drills.school.example"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			first, kept, err := selfSignedCert(dir, []string{"drills.school.example", "127.0.0.1:4433"}, now)
			if err != nil || kept {
				t.Fatalf("first start: kept %v, %v", kept, err)
			}
			fi, err := os.Stat(filepath.Join(dir, certDir, certKeyFile))
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("key file: %v %v", fi, err)
			}
			again, kept, err := selfSignedCert(dir, tc.hosts, now.Add(tc.later))
			if err != nil {
				t.Fatal(err)
			}
			h1, _ := transport.CertHash(first)
			h2, _ := transport.CertHash(again)
			if kept != tc.kept || (h1 == h2) != tc.kept {
				t.Fatalf("kept %v (same hash %v), want %v", kept, h1 == h2, tc.kept)
			}
			if !tc.kept { // the replacement is stored and kept in turn
				third, kept, err := selfSignedCert(dir, tc.hosts, now.Add(tc.later))
				h3, _ := transport.CertHash(third)
				if err != nil || !kept || h3 != h2 {
					t.Fatalf("the new certificate is not kept: %v %v", kept, err)
				}
			}
		})
	}
}

// TestSpeedFlag: --speed accepts a factor in (0, 1000].
func TestSpeedFlag(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		speed float64
		ok    bool
	}{{1, true}, {25, true}, {0.5, true}, {1000, true}, {0, false}, {-2, false}, {1001, false}} {
		if _, err := clockFor(tc.speed); (err == nil) != tc.ok {
			t.Errorf("--speed %v: %v", tc.speed, err)
		}
	}
}
