package loadtest

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"text/tabwriter"
)

// The goals of issue 3 on a 2-core machine.
const (
	GoalTickP99Ms   = 10.0 // p99 tick time below this
	GoalDownKbps    = 64.0 // average downstream per participant at most this
	tickHistogram   = "rescuedrill_tick_duration_seconds"
	missedTolerance = 1 // ticks per drill the two /api/drills reads may disagree by
)

// Report is one load run. Times are milliseconds, rates kbit/s (1,000
// bits) of snapshot payload unless a name says otherwise.
type Report struct {
	Mode         string  `json:"mode"` // in-process: server and bots share the process (and the cores)
	Scenario     string  `json:"scenario"`
	Drills       int     `json:"drills"`
	PerDrill     int     `json:"bots_per_drill"`
	Participants int     `json:"participants"`
	TickHz       int     `json:"tick_hz"`
	Seconds      float64 `json:"window_s"`
	JoinSeconds  float64 `json:"join_s"`
	JoinFailed   int     `json:"join_failed"` // bots that could not join (five tries each)
	EndedEarly   int     `json:"ended_early"` // drills that ended inside the window, left out with their bots
	CPUs         int     `json:"cpus"`

	Tick TickReport `json:"tick"`

	Down struct {
		AvgKbps       float64 `json:"avg_kbps"`        // mean over participants of each one's window average
		P50Kbps       float64 `json:"p50_kbps"`        // over participants
		P99Kbps       float64 `json:"p99_kbps"`        // over participants
		P99SecondKbps float64 `json:"p99_second_kbps"` // over every participant's every second
		MaxSecondKbps float64 `json:"max_second_kbps"`
		ServerKbps    float64 `json:"server_kbps"` // the server's bytes out ÷ participants (all messages)
	} `json:"downstream"`
	Up struct {
		ServerKbps  float64 `json:"server_kbps"` // the server's datagram bytes in ÷ participants
		PosesPerSec float64 `json:"poses_per_s"` // per participant
	} `json:"upstream"`

	Echo          Dist    `json:"input_to_echo"` // SetIntent → own heading in a decoded snapshot
	EchoLost      int64   `json:"echo_lost"`     // intents not echoed within 3 s
	Answer        Dist    `json:"answer_to_ack"` // Choose → ChoiceAck (journal synced)
	AnswerRefused int64   `json:"answer_refused"`
	Prompt        string  `json:"prompt"`
	PromptFailed  int     `json:"prompt_failed"`   // drills whose facilitator could not fire it
	SnapsPerSec   float64 `json:"snapshots_per_s"` // decoded, per participant
	// ShedMultiplier is the server's snapshot interval multiplier at the
	// window's end (1: full rate; 2, 4: shedding for the load).
	ShedMultiplier float64 `json:"snapshot_interval_multiplier"`
	Skipped        uint64  `json:"snapshots_skipped"`
	DecodeErrors   uint64  `json:"decode_errors"`
	Reconnects     uint64  `json:"reconnects"` // bots whose connection dropped and came back in the window

	Server struct {
		DatagramsDropped  float64 `json:"datagrams_dropped"`
		FramesDropped     float64 `json:"subscriber_frames_dropped"`
		InputsRejected    float64 `json:"inputs_rejected"`
		ProtocolErrors    float64 `json:"protocol_errors"`
		CPUSeconds        float64 `json:"cpu_s"`          // the server process's, from /metrics
		CPUCores          float64 `json:"cpu_cores"`      // CPUSeconds ÷ window
		ProcessCPUSeconds float64 `json:"loadtest_cpu_s"` // this process's (in-process: server + bots)
		// CPU milliseconds per participant per second of drill (in-process:
		// server and bots together, one process): what a
		// busy machine distorts least (it slows the work, it does not add
		// much to it); × 1,000 participants ÷ 1,000 = cores for 1,000.
		CPUPerParticipantMs float64 `json:"server_cpu_ms_per_participant_s"`
		BotCPUPerBotMs      float64 `json:"bot_cpu_ms_per_bot_s,omitempty"` // bots-only runs: this process is only bots
	} `json:"server"`

	Goals struct {
		TickP99 bool `json:"tick_p99_under_10ms"`
		NoMiss  bool `json:"no_missed_ticks"`
		Down    bool `json:"downstream_under_64kbps"`
		Met     bool `json:"met"`
	} `json:"goals"`
}

// TickReport is the server's step time per tick (all drills together)
// and whether the drills kept their rate.
type TickReport struct {
	Source string  `json:"source"` // "exact" (in-process recorder) or "histogram" (bucket bounds)
	N      int     `json:"n"`
	P50    float64 `json:"p50_ms"`
	P99    float64 `json:"p99_ms"`
	Max    float64 `json:"max_ms"`
	// From the server's histogram (both modes): the bucket bounds p50 and
	// p99 fall under; −1 is beyond the largest bucket (100 ms).
	HistP50  float64 `json:"hist_p50_le_ms"`
	HistP99  float64 `json:"hist_p99_le_ms"`
	Expected float64 `json:"expected"` // ticks the drills should have stepped between the reads
	Stepped  uint64  `json:"stepped"`
	Missed   int     `json:"missed"` // beyond one tick per drill of read skew
	Late     float64 `json:"late"`   // ticks whose step took longer than the period
	// CaughtUp are ticks stepped behind their schedule, in a burst after
	// a drill goroutine waited for a core (stepped, so not missed, but
	// late for the clients); Slipped are due ticks a drill gave up after a
	// stall beyond its catch-up limit (they show as missed too).
	CaughtUp float64 `json:"caught_up"`
	// Owed is the change, between the two reads, of the ticks the drills
	// were due and had not stepped yet (Drill.Behind): late, not missed.
	Owed    float64 `json:"owed"`
	Slipped float64 `json:"slipped"`
}

func buildReport(cfg Config, w *window) *Report {
	r := &Report{Mode: cfg.Mode, Scenario: cfg.Scenario, Drills: len(w.drills), PerDrill: cfg.PerDrill,
		TickHz: w.tickHz, Seconds: round1(w.seconds), CPUs: runtime.NumCPU(), Prompt: w.prompt}
	if len(cfg.Source) > 0 {
		r.Scenario += " (uploaded)"
	}
	r.Participants = len(w.down)
	n := float64(max(r.Participants, 1))

	// Ticks.
	bs := histDelta(w.before, w.after, tickHistogram)
	ms := func(s float64) float64 { return round3(s * 1000) }
	hq := func(q float64) float64 {
		v := histQuantile(bs, q)
		if math.IsInf(v, 1) {
			return -1 // beyond the largest bucket (100 ms); JSON has no infinity
		}
		return ms(v)
	}
	r.Tick.HistP50, r.Tick.HistP99 = hq(0.5), hq(0.99)
	if len(w.tickExact) > 0 {
		d := distOf(w.tickExact)
		r.Tick.Source, r.Tick.N, r.Tick.P50, r.Tick.P99, r.Tick.Max = "exact", d.N, d.P50, d.P99, d.Max
	} else {
		r.Tick.Source, r.Tick.P50, r.Tick.P99 = "histogram", r.Tick.HistP50, r.Tick.HistP99
		r.Tick.N = int(delta(w.before, w.after, tickHistogram+"_count"))
		r.Tick.Max = ms(w.after["rescuedrill_tick_max_seconds"]) // the longest since the server started
	}
	missed := 0.0
	for _, d := range w.drills {
		if w.ticksAfter[d.ID].State != "running" {
			continue // ended inside the window: left out (EndedEarly)
		}
		stepped := w.ticksAfter[d.ID].Tick - w.ticksBefore[d.ID].Tick
		secs := w.tickSeconds
		if a, b := w.ticksBefore[d.ID].At, w.ticksAfter[d.ID].At; a > 0 && b > a {
			// The server's own time of each drill's reads: the list is
			// read drill by drill, and on a loaded server that takes a
			// while, so one time for all would skew the later drills.
			secs = float64(b-a) / 1e9
		}
		want := secs * float64(d.TickHz)
		r.Tick.Expected += want
		r.Tick.Stepped += stepped
		// Ticks a drill owes at a read (its goroutine waits for a core
		// and steps them at its next wake) are late, not missed: the
		// ones given up are in Slipped, and show here too.
		owed := float64(w.ticksAfter[d.ID].Behind) - float64(w.ticksBefore[d.ID].Behind)
		r.Tick.Owed += owed
		missed += math.Max(0, want-float64(stepped)-owed-missedTolerance)
	}
	r.Tick.Expected = math.Round(r.Tick.Expected)
	r.Tick.Missed = int(math.Round(missed))
	r.Tick.Late = delta(w.before, w.after, "rescuedrill_late_ticks_total")
	r.Tick.CaughtUp = delta(w.before, w.after, "rescuedrill_ticks_caught_up_total")
	r.Tick.Slipped = delta(w.before, w.after, "rescuedrill_ticks_slipped_total")

	// Bandwidth.
	r.Down.AvgKbps = round1(mean(w.down))
	r.Down.P50Kbps = round1(floatRank(w.down, 0.5))
	r.Down.P99Kbps = round1(floatRank(w.down, 0.99))
	r.Down.P99SecondKbps = round1(floatRank(w.downSecond, 0.99))
	r.Down.MaxSecondKbps = round1(floatRank(w.downSecond, 1))
	kbps := func(bytes float64) float64 { return round1(bytes * 8 / 1000 / n / w.seconds) }
	r.Down.ServerKbps = kbps(delta(w.before, w.after, "rescuedrill_bytes_out_total"))
	r.Up.ServerKbps = kbps(delta(w.before, w.after, "rescuedrill_bytes_in_total"))
	r.Up.PosesPerSec = round1(w.posesPerSec)

	// Latency and sanity.
	r.Echo, r.EchoLost = distOf(w.echo), w.lost
	r.Answer, r.AnswerRefused = distOf(w.answers), w.refused
	r.SnapsPerSec, r.Skipped, r.DecodeErrors = round1(w.snapsPerSec), w.skipped, w.decErr
	r.ShedMultiplier = max(1, w.after["rescuedrill_snapshot_interval_multiplier"])
	r.Reconnects = w.reconnects
	r.PromptFailed = w.promptFailed
	r.EndedEarly = w.endedEarly

	r.Server.DatagramsDropped = delta(w.before, w.after, "rescuedrill_datagrams_dropped_total")
	r.Server.FramesDropped = delta(w.before, w.after, "rescuedrill_subscriber_frames_dropped_total")
	r.Server.InputsRejected = delta(w.before, w.after, `rescuedrill_inputs_rejected_total{reason="queue_full"}`) +
		delta(w.before, w.after, `rescuedrill_inputs_rejected_total{reason="invalid"}`)
	r.Server.ProtocolErrors = delta(w.before, w.after, "rescuedrill_protocol_errors_total")
	r.Server.CPUSeconds = round1(delta(w.before, w.after, "process_cpu_seconds_total"))
	r.Server.CPUCores = round3(r.Server.CPUSeconds / w.seconds)
	r.Server.ProcessCPUSeconds = round1(w.cpuSelf)
	r.Server.CPUPerParticipantMs = round3(r.Server.CPUSeconds * 1000 / n / w.seconds)
	if cfg.Mode == "bots-only" {
		r.Server.BotCPUPerBotMs = round3(w.cpuSelf * 1000 / n / w.seconds)
	}

	r.Goals.TickP99 = r.Tick.P99 >= 0 && r.Tick.P99 < GoalTickP99Ms && r.Tick.N > 0 // −1: beyond 100 ms
	r.Goals.NoMiss = r.Tick.Missed == 0
	r.Goals.Down = r.Down.AvgKbps <= GoalDownKbps
	r.Goals.Met = r.Goals.TickP99 && r.Goals.NoMiss && r.Goals.Down // JoinFailed is set by Run
	return r
}

func yes(ok bool) string {
	if ok {
		return "yes 是"
	}
	return "NO 否"
}

// WriteText prints the report as a table, in Chinese and English.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "Load test · 负载测试: %d drills × %d bots = %d participants, %s, %d Hz, %s, %.0f s measured (joins took %.1f s), %d CPUs\n",
		r.Drills, r.PerDrill, r.Participants, r.Scenario, r.TickHz, r.Mode, r.Seconds, r.JoinSeconds, r.CPUs)
	if r.JoinFailed > 0 {
		fmt.Fprintf(w, "  %d bots could not join (five tries each): the server or the machine was overloaded · %d 个机器人未能加入\n", r.JoinFailed, r.JoinFailed)
	}
	if r.EndedEarly > 0 {
		fmt.Fprintf(w, "  %d drills ended inside the window (joining took longer than the scenario) and are left out · %d 场演练提前结束，未计入\n", r.EndedEarly, r.EndedEarly)
	}
	if r.Mode == "in-process" {
		fmt.Fprintln(w, "  the bots share the process and the cores with the server · 机器人与服务器共用进程和CPU")
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "measure 指标\tvalue 数值\tgoal 目标\tmet 达标\n")
	fmt.Fprintf(tw, "tick step 每拍计算 p50 / p99 / max (%s, n=%d)\t%s / %s / %.2f ms\tp99 < %.0f ms\t%s\n",
		r.Tick.Source, r.Tick.N, le(r.Tick.P50), le(r.Tick.P99), r.Tick.Max, GoalTickP99Ms, yes(r.Goals.TickP99))
	fmt.Fprintf(tw, "  server histogram 服务器直方图 p50 / p99 ≤\t%s / %s ms\t\t\n", le(r.Tick.HistP50), le(r.Tick.HistP99))
	fmt.Fprintf(tw, "ticks stepped / expected 已走拍数/应走\t%d / %.0f (missed 漏拍 %d, late 超时 %.0f)\tno missed\t%s\n",
		r.Tick.Stepped, r.Tick.Expected, r.Tick.Missed, r.Tick.Late, yes(r.Goals.NoMiss))
	fmt.Fprintf(tw, "  caught up 补拍 / given up 放弃 / owed at the reads 读数时欠拍\t%.0f / %.0f / %+.0f ticks (stepped late in a burst / slipped / due, not yet stepped)\t\t\n",
		r.Tick.CaughtUp, r.Tick.Slipped, r.Tick.Owed)
	fmt.Fprintf(tw, "downstream 下行 per participant avg / p50 / p99\t%.1f / %.1f / %.1f kbit/s\tavg ≤ %.0f kbit/s\t%s\n",
		r.Down.AvgKbps, r.Down.P50Kbps, r.Down.P99Kbps, GoalDownKbps, yes(r.Goals.Down))
	fmt.Fprintf(tw, "  per second 每秒 p99 / max\t%.1f / %.1f kbit/s\t\t\n", r.Down.P99SecondKbps, r.Down.MaxSecondKbps)
	fmt.Fprintf(tw, "  server bytes out 服务器发出 ÷ participants\t%.1f kbit/s\t\t\n", r.Down.ServerKbps)
	fmt.Fprintf(tw, "upstream 上行 per participant (server bytes in)\t%.1f kbit/s, %.1f poses/s\t\t\n", r.Up.ServerKbps, r.Up.PosesPerSec)
	fmt.Fprintf(tw, "input→echo 输入到回显 p50 / p90 / p99 / max (n=%d)\t%.1f / %.1f / %.1f / %.1f ms\t\t(lost 丢失 %d)\n",
		r.Echo.N, r.Echo.P50, r.Echo.P90, r.Echo.P99, r.Echo.Max, r.EchoLost)
	fmt.Fprintf(tw, "answer→ack 回答到确认 p50 / p99 / max (n=%d, %s)\t%.1f / %.1f / %.1f ms\t\t(refused 拒绝 %d)\n",
		r.Answer.N, orNone(r.Prompt), r.Answer.P50, r.Answer.P99, r.Answer.Max, r.AnswerRefused)
	fmt.Fprintf(tw, "snapshots 快照 per participant\t%.1f /s decoded (skipped %d, errors %d; reconnects 重连 %d)\t\t\n",
		r.SnapsPerSec, r.Skipped, r.DecodeErrors, r.Reconnects)
	if r.ShedMultiplier > 1 {
		fmt.Fprintf(tw, "  snapshot interval ×%.0f for the load 快照间隔因负载放大 (server's shedding at the window's end)\t\t\t\n", r.ShedMultiplier)
	}
	fmt.Fprintf(tw, "server drops 服务器丢弃\tdatagrams %.0f, frames %.0f, inputs %.0f, protocol errors %.0f\t\t\n",
		r.Server.DatagramsDropped, r.Server.FramesDropped, r.Server.InputsRejected, r.Server.ProtocolErrors)
	fmt.Fprintf(tw, "CPU: server process 服务器进程 / this process 本进程\t%.1f s (%.2f cores) / %.1f s\t\t\n",
		r.Server.CPUSeconds, r.Server.CPUCores, r.Server.ProcessCPUSeconds)
	who := "server CPU per participant 每人服务器CPU"
	if r.Mode == "in-process" {
		who = "server + bot CPU per participant 每人服务器与机器人CPU"
	}
	fmt.Fprintf(tw, "  %s\t%.2f ms/s (1,000 participants: %.1f cores)\t\t\n", who,
		r.Server.CPUPerParticipantMs, r.Server.CPUPerParticipantMs)
	if r.Server.BotCPUPerBotMs > 0 {
		fmt.Fprintf(tw, "  bot CPU per bot 每个机器人CPU\t%.2f ms/s (1,000 bots: %.1f cores)\t\t\n",
			r.Server.BotCPUPerBotMs, r.Server.BotCPUPerBotMs)
	}
	tw.Flush()
	fmt.Fprintf(w, "goals met · 目标达成: %s\n", yes(r.Goals.Met))
}

func le(ms float64) string {
	if ms < 0 {
		return "> 100"
	}
	return fmt.Sprintf("%.2f", ms)
}

func orNone(s string) string {
	if s == "" || s == "-" {
		return "no prompt"
	}
	return s
}

// WriteSummary prints one line per run of a sweep.
func WriteSummary(w io.Writer, rs []*Report) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join([]string{"participants", "tick p50 ms", "tick p99 ms", "tick max ms", "missed",
		"down avg kbit/s", "down p99 kbit/s", "echo p50 ms", "echo p99 ms", "server cores", "goals"}, "\t"))
	for _, r := range rs {
		fmt.Fprintf(tw, "%d\t%.2f\t%.2f\t%.2f\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.2f\t%s\n", r.Participants, r.Tick.P50,
			r.Tick.P99, r.Tick.Max, r.Tick.Missed, r.Down.AvgKbps, r.Down.P99Kbps, r.Echo.P50, r.Echo.P99,
			r.Server.CPUCores, yes(r.Goals.Met))
	}
	tw.Flush()
}
