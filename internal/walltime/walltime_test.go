package walltime

import (
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/engine/replay"
)

var t0 = time.Date(2026, 6, 3, 9, 30, 0, 0, time.UTC)

func ns(d time.Duration) int64 { return t0.Add(d).UnixNano() }

func TestAt(t *testing.T) {
	t.Parallel()
	paused := []replay.Wall{
		{Tick: 0, Kind: replay.WallStart, UnixNano: ns(0)},
		{Tick: 100, Kind: replay.WallPause, UnixNano: ns(5 * time.Second)},
		{Tick: 100, Kind: replay.WallResume, UnixNano: ns(95 * time.Second)},
		{Tick: 200, Kind: replay.WallEnd, UnixNano: ns(100 * time.Second)},
	}
	restarted := []replay.Wall{
		{Tick: 0, Kind: replay.WallStart, UnixNano: ns(0)},
		{Tick: 40, Kind: replay.WallResume, UnixNano: ns(time.Hour)}, // the server died at tick ~40
	}
	late := []replay.Wall{{Tick: 20, Kind: replay.WallResume, UnixNano: ns(0)}}
	tests := []struct {
		name     string
		walls    []replay.Wall
		hz       int
		tick     uint64
		want     time.Duration // after t0
		fallback bool
	}{
		{"no records: start + ticks", nil, 20, 130, 6500 * time.Millisecond, true},
		{"no records at 3 Hz: whole ns", nil, 3, 1, 333333333, true},
		{"start", paused, 20, 0, 0, false},
		{"before the pause", paused, 20, 99, 4950 * time.Millisecond, false},
		{"the paused tick runs after the resume", paused, 20, 100, 95 * time.Second, false},
		{"after the pause: later by exactly the pause", paused, 20, 130, 96500 * time.Millisecond, false},
		{"after a restart", restarted, 20, 60, time.Hour + time.Second, false},
		{"before a restart", restarted, 20, 39, 1950 * time.Millisecond, false},
		{"before the first anchor counts back", late, 20, 0, -time.Second, false},
		{"pause records alone are no anchor", paused[1:2], 20, 20, time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fb := t0
			if !tt.fallback {
				fb = t0.Add(-24 * time.Hour) // must not be used
			}
			got := FromLog(tt.walls, tt.hz, fb).At(tt.tick)
			if want := t0.Add(tt.want); !got.Equal(want) {
				t.Fatalf("At(%d) = %v, want %v", tt.tick, got, want)
			}
		})
	}
}

func TestPausedAndEnd(t *testing.T) {
	t.Parallel()
	tl := FromLog([]replay.Wall{
		{Tick: 0, Kind: replay.WallStart, UnixNano: ns(0)},
		{Tick: 10, Kind: replay.WallPause, UnixNano: ns(time.Second)},
		{Tick: 10, Kind: replay.WallResume, UnixNano: ns(31 * time.Second)},
		{Tick: 50, Kind: replay.WallPause, UnixNano: ns(33 * time.Second)},
		{Tick: 50, Kind: replay.WallResume, UnixNano: ns(43 * time.Second)},
		{Tick: 60, Kind: replay.WallEnd, UnixNano: ns(43500 * time.Millisecond)},
	}, 20, time.Time{})
	if tl.Paused() != 40*time.Second || tl.Resumes() != 2 || !tl.End().Equal(t0.Add(43500*time.Millisecond)) || !tl.Start().Equal(t0) {
		t.Fatalf("paused %v resumes %d end %v start %v", tl.Paused(), tl.Resumes(), tl.End(), tl.Start())
	}
	if got := FromStart(t0, 20); got.Paused() != 0 || !got.End().IsZero() || got.Resumes() != 0 {
		t.Fatalf("FromStart: %+v", got)
	}
}
