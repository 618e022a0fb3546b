package server

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// TestStreamFallbackChoice: snapshots go as datagrams only when the client
// asked for them in its Hello and its QUIC connection negotiated them
// (docs/protocol.md §1.1); otherwise they come as frames on the control
// stream — also for a client that sets the Hello flag on a connection
// without datagrams. Poses sent as frames move the participant either way.
func TestStreamFallbackChoice(t *testing.T) {
	addr, hash, srv, e, fac := liveServer(t)
	f, _ := dial(t, addr, hash, wire.Hello{Role: wire.RoleFacilitator, JoinCode: e.Code, FacToken: fac})
	f.send(&wire.Command{Seq: 1, Op: wire.OpStart})
	for i, tc := range []struct {
		quicDatagrams, helloFlag, wantDatagrams bool
	}{
		{true, true, true},
		{true, false, false},
		{false, true, false},
		{false, false, false},
	} {
		t.Run(fmt.Sprintf("quic=%v/hello=%v", tc.quicDatagrams, tc.helloFlag), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			conn, err := transport.DialWith(ctx, addr, transport.PinnedTLS(hash), transport.DialOptions{NoDatagrams: !tc.quicDatagrams})
			if err != nil {
				t.Fatal(err)
			}
			defer conn.CloseWithError(0, "")
			ctl, err := conn.OpenStream(ctx)
			if err != nil {
				t.Fatal(err)
			}
			c := &testClient{t: t, conn: conn, ctl: ctl, fr: wire.NewFrameReader(ctl, wire.MaxServerFrame)}
			c.send(&wire.Hello{Version: wire.Version, Role: wire.RoleParticipant, JoinCode: e.Code,
				Name: fmt.Sprintf("p%d", i), Datagrams: tc.helloFlag})
			w, ok := c.next().(*wire.Welcome)
			if !ok {
				t.Fatal("no welcome")
			}
			watchdog(t, c, 15*time.Second)
			var onDatagrams = make(chan int, 1)
			go func() {
				n := 0
				for {
					b, err := conn.ReceiveDatagram(ctx)
					if err != nil {
						onDatagrams <- n
						return
					}
					if len(b) > 0 && wire.Type(b[0]) == wire.TypeSnapshot {
						n++
					}
				}
			}()
			var onStream atomic.Int64
			go func() {
				for {
					m, err := c.fr.ReadMessage()
					if err != nil {
						return
					}
					if _, ok := m.(*wire.SnapshotData); ok {
						onStream.Add(1)
					}
				}
			}()
			// Walk east with Pose frames until the drill has moved us.
			x0 := -1.0
			for seq := uint64(1); ; seq++ {
				c.send(&wire.Pose{Seq: seq, MoveX: 1000, Heading: 9000})
				time.Sleep(25 * time.Millisecond) // under the pose rate; not a timing assertion
				var x float64
				_ = e.Drill.View(ctx, func(wd *engine.World, _ drill.State) error {
					for _, p := range wd.People() {
						if p.ID == w.Slot {
							x = p.X
						}
					}
					return nil
				})
				if x0 < 0 {
					x0 = x
				}
				if x > x0+1 && seq > 10 {
					break
				}
				if seq > 400 {
					t.Fatalf("pose frames did not move the participant (x %.2f → %.2f)", x0, x)
				}
			}
			conn.CloseWithError(0, "")
			dg, st := <-onDatagrams, int(onStream.Load())
			if tc.wantDatagrams && (dg == 0 || st > dg) {
				t.Fatalf("datagram client: %d snapshots as datagrams, %d on the stream", dg, st)
			}
			if !tc.wantDatagrams && (dg != 0 || st == 0) {
				t.Fatalf("fallback client: %d snapshots as datagrams, %d on the stream", dg, st)
			}
			t.Logf("%d snapshots as datagrams, %d on the stream", dg, st)
		})
	}
	if srv.ProtocolErrors.Load() != 0 {
		t.Fatalf("%d protocol errors", srv.ProtocolErrors.Load())
	}
}
