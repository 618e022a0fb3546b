package e2e

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/client/desktop/internal/view"
	"github.com/rescuedrill/rescuedrill/server"
)

// TestJoinErrors dials a live server the ways a pupil gets it wrong and
// checks the join screen's diagnosis of each real error (no window needed).
func TestJoinErrors(t *testing.T) {
	srv := startLive(t)
	e, _, err := srv.reg.Create(context.Background(), server.CreateRequest{Scenario: "heat", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// A UDP port nobody answers on.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := pc.LocalAddr().String()
	pc.Close()
	wrongPin := srv.hash
	wrongPin[0] ^= 1
	tests := []struct {
		name string
		o    client.Options
		want view.JoinProblem
	}{
		{"right code", client.Options{Addr: srv.addr, CertHash: srv.hash, JoinCode: e.Code, Name: "a"}, view.ProblemNone},
		{"wrong code", client.Options{Addr: srv.addr, CertHash: srv.hash, JoinCode: "NOPE42", Name: "a"}, view.ProblemCode},
		{"wrong pin", client.Options{Addr: srv.addr, CertHash: wrongPin, JoinCode: e.Code, Name: "a"}, view.ProblemCertificate},
		{"self-signed, no pin", client.Options{Addr: srv.addr, JoinCode: e.Code, Name: "a"}, view.ProblemCertificate},
		{"unreachable", client.Options{Addr: dead, CertHash: srv.hash, JoinCode: e.Code, Name: "a"}, view.ProblemUnreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			c, err := client.Dial(ctx, tt.o)
			if c != nil {
				c.Close()
			}
			if got := view.ClassifyJoinError(err); got != tt.want {
				t.Errorf("got %d, want %d (err %v)", got, tt.want, err)
			}
			if tt.want != view.ProblemNone && view.JoinMessage(err, view.ZH) == "" {
				t.Error("no message for the pupil")
			}
		})
	}
}
