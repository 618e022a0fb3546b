package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestAbandonedDrillRoundTrip: a drill saved with EndReason abandoned and
// unfinished results reads back so, in Results and ListDrills; a drill
// ended normally next to it keeps "" and finished results; an unknown
// reason is refused before anything is written.
func TestAbandonedDrillRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := open(t)
	at := time.Unix(1_800_000_000, 0).UTC()
	for _, tc := range []struct {
		id, reason string
	}{
		{"d-normal", ""},
		{"d-abandoned", EndAbandoned},
	} {
		if err := s.CreateDrill(ctx, drill(tc.id, at)); err != nil {
			t.Fatal(err)
		}
		r := results(3, at.Add(12*time.Hour))
		r.EndReason = tc.reason
		for i := range r.Participants {
			r.Participants[i].Unfinished = tc.reason == EndAbandoned
		}
		if err := s.SaveResults(ctx, tc.id, r); err != nil {
			t.Fatalf("%s: %v", tc.id, err)
		}
		got, err := s.Results(ctx, tc.id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Drill.EndReason != tc.reason || got.Drill.State != StateEnded {
			t.Fatalf("%s: end reason %q state %s, want %q ended", tc.id, got.Drill.EndReason, got.Drill.State, tc.reason)
		}
		for _, p := range got.Participants {
			if p.Unfinished != (tc.reason == EndAbandoned) {
				t.Fatalf("%s: participant %d unfinished %v", tc.id, p.Slot, p.Unfinished)
			}
		}
	}
	list, err := s.ListDrills(ctx)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, d := range list {
		reasons[d.ID] = d.EndReason
	}
	if reasons["d-normal"] != "" || reasons["d-abandoned"] != EndAbandoned {
		t.Fatalf("listed end reasons %v", reasons)
	}
	if err := s.CreateDrill(ctx, drill("d-odd", at)); err != nil {
		t.Fatal(err)
	}
	r := results(1, at)
	r.EndReason = "bored"
	if err := s.SaveResults(ctx, "d-odd", r); !errors.Is(err, ErrInvalid) {
		t.Fatalf("end reason %q: %v, want ErrInvalid", r.EndReason, err)
	}
	if got, err := s.Results(ctx, "d-odd"); err != nil || got.Drill.State != StateLobby || len(got.Participants) != 0 {
		t.Fatalf("refused save wrote something: %+v %v", got, err)
	}
}
