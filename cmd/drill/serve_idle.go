package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/rescuedrill/rescuedrill/server"
	"github.com/rescuedrill/rescuedrill/server/drill"
)

// startIdlePolicies applies drill serve's policies for drills nobody is
// at, right after the recovery and before the server takes connections
// (docs/server.md, "Abandoned and recovered drills"):
//
//   - every recovered drill's participants are shown away until they
//     rejoin, so the console's roster says who is back;
//   - --abandon-after: a drill with no connection that stayed in the lobby
//     or paused that long is ended as abandoned (checked now for the
//     recovered drills, by their journal's age, then about every minute);
//   - --resume-recovered / --resume-grace: a recovered drill resumes by
//     itself once that share of its participants is back, or that long
//     after the first came back. Off by default: the teacher resumes.
//
// The policies run on the wall clock, whatever --speed says: they are
// about a class's hours, not drill time.
func (ds *drillServer) startIdlePolicies(ctx context.Context) error {
	o := ds.opts
	switch {
	case o.AbandonAfter < 0:
		return fmt.Errorf("--abandon-after %v: want 0 (never) or a duration", o.AbandonAfter)
	case o.ResumeRecovered < 0 || o.ResumeRecovered > 100:
		return fmt.Errorf("--resume-recovered %d: want a percentage 0–100", o.ResumeRecovered)
	case o.ResumeGrace < 0:
		return fmt.Errorf("--resume-grace %v: want 0 or a duration", o.ResumeGrace)
	}
	clock := drill.RealClock{}
	expected := map[*server.Entry][]int32{}
	for _, e := range ds.recovered {
		slots, err := ds.srv.MarkRecoveredAway(ctx, e)
		if err != nil {
			ds.log.Warn("recovered drill's participants not marked away", "drill", e.ID, "err", err)
			continue
		}
		expected[e] = slots
	}
	if o.AbandonAfter > 0 {
		ab := &server.Abandoner{Reg: ds.reg, Srv: ds.srv, Clock: clock, After: o.AbandonAfter, Log: ds.log}
		ds.rec.EndReason = ab.EndReason // before any drill can end
		ab.Recovered(ds.recovered)
		if gone := ab.Check(ctx); len(gone) > 0 {
			ds.recovered = slices.DeleteFunc(ds.recovered, func(e *server.Entry) bool { return slices.Contains(gone, e.ID) })
			ds.log.Info("recovered drills older than --abandon-after ended as abandoned · 超时无人返回的演练已结束",
				"drills", gone, "abandon_after", o.AbandonAfter)
		}
		go ab.Run(ctx, 0)
	}
	if o.ResumeRecovered > 0 || o.ResumeGrace > 0 {
		rs := &server.Resumer{Srv: ds.srv, Clock: clock, Percent: o.ResumeRecovered, Grace: o.ResumeGrace, Log: ds.log}
		for _, e := range ds.recovered {
			go rs.Watch(ctx, e, expected[e], time.Second)
		}
	}
	return nil
}
