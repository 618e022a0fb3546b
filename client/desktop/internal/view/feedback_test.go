package view

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

func TestFeedbackFor(t *testing.T) {
	t.Parallel()
	results := []wire.Result{
		{Slot: 0, Name: "小红", Score: 60, Outcome: "safe", Items: []wire.Item{
			{Rule: "warnings/power_off", Points: 10, Max: 10, Applicable: true, ReasonZH: "关了电闸", ReasonEN: "switched off"},
			{Rule: "water/no_wading", Points: 0, Max: 15, Applicable: true, ReasonZH: "涉水", ReasonEN: "waded in"},
			{Rule: "warnings/reach_shelter", Points: 12, Max: 25, Applicable: true, ReasonZH: "迟到", ReasonEN: "late"},
			{Rule: "x/never", Points: 0, Max: 5, Applicable: false},
		}},
	}
	// A participant gets its own result and the server's class summary.
	class := &wire.ClassSummary{N: 2, AvgTenths: 705, Max: 100, Outcomes: []wire.OutcomeCount{
		{Outcome: "unsafe", Count: 1}, {Outcome: "safe", Count: 1}}}
	titles := map[string]wire.Text{"water/no_wading": {ZH: "不涉水", EN: "Never wade"}}
	f, ok := FeedbackFor(results, class, 0, titles, EN)
	if !ok {
		t.Fatal("no feedback for slot 0")
	}
	var got []string
	for _, l := range f.Lines {
		got = append(got, fmt.Sprintf("%d %s %s %s", l.Verdict, l.Task, l.Points, l.Reason))
	}
	want := []string{"2 Never wade 0/15 waded in", "1 warnings/reach_shelter 12/25 late",
		"0 warnings/power_off 10/10 switched off", "3 x/never – "}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("lines\n got %q\nwant %q", got, want)
	}
	// The class average is the summary's, in tenths of a point.
	if f.ClassN != 2 || f.ClassAvg != 70.5 || f.ClassBots || f.ClassSafe != 1 || f.Score != 60 || f.Outcome != "safe" {
		t.Errorf("class average %v over %d (bots %v, safe %d), want 70.5 over 2 people, 1 safe", f.ClassAvg, f.ClassN, f.ClassBots, f.ClassSafe)
	}
	if zh, _ := FeedbackFor(results, class, 0, titles, ZH); zh.Lines[0].Reason != "涉水" || zh.Lines[0].Task != "不涉水" {
		t.Errorf("zh line %+v", zh.Lines[0])
	}
	if _, ok := FeedbackFor(results, class, 9, titles, EN); ok {
		t.Error("feedback for a slot without a result")
	}
	// Without a summary (an old server) the average is not known.
	if f, _ := FeedbackFor(results, nil, 0, titles, EN); f.ClassN != 0 || f.ClassAvg != 0 {
		t.Errorf("no summary: %v over %d", f.ClassAvg, f.ClassN)
	}
	if avg, n, bots, safe := ClassOf(&wire.ClassSummary{N: 3, Bots: true, AvgTenths: -15, Outcomes: []wire.OutcomeCount{{Outcome: "safe", Count: 2}}}); avg != -1.5 || n != 3 || !bots || safe != 2 {
		t.Errorf("bots: %v over %d, %v, %d safe", avg, n, bots, safe)
	}
}

func TestJoinMessage(t *testing.T) {
	t.Parallel()
	opErr := &net.OpError{Op: "dial", Net: "udp", Err: errors.New("connection refused")}
	tests := []struct {
		err  error
		want JoinProblem
	}{
		{nil, ProblemNone},
		{&client.ServerError{Code: wire.CodeBadJoinCode}, ProblemCode},
		{fmt.Errorf("join: %w", &client.ServerError{Code: wire.CodeDrillFull}), ProblemFull},
		{&client.ServerError{Code: wire.CodeDrillEnded}, ProblemEnded},
		{&client.ServerError{Code: wire.CodeBadToken}, ProblemToken},
		{&client.ServerError{Code: wire.CodeTryLater}, ProblemBusy},
		{&client.ServerError{Code: wire.CodeInternal}, ProblemOther},
		{fmt.Errorf("dial: %w", transport.ErrCertHashMismatch), ProblemCertificate},
		{errors.New("tls: failed to verify certificate: x509: certificate signed by unknown authority"), ProblemCertificate},
		{context.DeadlineExceeded, ProblemUnreachable},
		{opErr, ProblemUnreachable},
		{errors.New("timeout: no recent network activity"), ProblemUnreachable},
		{errors.New("something odd"), ProblemOther},
	}
	for _, tt := range tests {
		if got := ClassifyJoinError(tt.err); got != tt.want {
			t.Errorf("%v: got %d, want %d", tt.err, got, tt.want)
		}
		for _, lang := range []Lang{ZH, EN} {
			if msg := JoinMessage(tt.err, lang); (msg == "") != (tt.err == nil) {
				t.Errorf("%v: message %q", tt.err, msg)
			}
		}
	}
	if !strings.Contains(JoinMessage(errors.New("something odd"), EN), "something odd") {
		t.Error("an unknown error is not shown")
	}
}

func TestPhrasesBothLanguages(t *testing.T) {
	t.Parallel()
	for k, p := range phrases {
		if p.ZH == "" || p.EN == "" {
			t.Errorf("phrase %q lacks a language: %+v", k, p)
		}
	}
	if EN.T("no-such-key") != "no-such-key" {
		t.Error("unknown key")
	}
	if ZH.Pick(wire.Text{EN: "only en"}) != "only en" {
		t.Error("fallback to the other language")
	}
}

// The model keeps the class summary that comes before the results.
func TestModelKeepsClassSummary(t *testing.T) {
	t.Parallel()
	m := NewModel(EN, 0)
	if m.Class != nil {
		t.Fatal("a summary before any came")
	}
	sum := wire.ClassSummary{N: 4, AvgTenths: 613, Max: 100}
	m.Apply(client.ClassEvent{ClassSummary: sum}, time.Now())
	m.Apply(client.ResultsEvent{Results: []wire.Result{{Slot: 0, Score: 50}}}, time.Now())
	if m.Class == nil || m.Class.N != 4 || m.Class.AvgTenths != 613 || m.Phase != wire.PhaseEnded {
		t.Fatalf("class %+v, phase %v", m.Class, m.Phase)
	}
	f, ok := FeedbackFor(m.Results, m.Class, 0, nil, EN)
	if !ok || f.ClassAvg != 61.3 || f.ClassN != 4 {
		t.Fatalf("feedback %+v", f)
	}
}
