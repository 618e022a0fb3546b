package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// Metrics exposes the server in the Prometheus text format at /metrics,
// from a private registry (nothing global): drills by state, participants,
// tick durations, late ticks, rejected inputs, bytes, connections and
// protocol errors. Drill and session counters are read when scraped.
type Metrics struct {
	reg  *prometheus.Registry
	tick prometheus.Histogram
}

// NewMetrics reads the registry's drills, the session server's counters
// and, when transportStats is not nil, the transport's. Set
// Registry.OnTick to ObserveTick before drills are made.
func NewMetrics(r *Registry, s *Server, transportStats func() transport.Stats) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.tick = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "rescuedrill_tick_duration_seconds",
		Help: "Time one drill tick takes to step the world (all drills).",
		// 50 µs … 100 ms: the goal is p99 < 10 ms; a 20 Hz tick has 50 ms.
		Buckets: []float64{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1},
	})
	m.reg.MustRegister(m.tick, &collector{r: r, s: s, ts: transportStats},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// ObserveTick records one tick's duration (drill.Config.OnTick).
func (m *Metrics) ObserveTick(d time.Duration) { m.tick.Observe(d.Seconds()) }

// Handler serves the metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{MaxRequestsInFlight: 4})
}

// Registry is the private Prometheus registry (tests gather from it).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

var (
	descDrills       = prometheus.NewDesc("rescuedrill_drills", "Drills in the registry by state.", []string{"state"}, nil)
	descParticipants = prometheus.NewDesc("rescuedrill_participants", "Participants in drills that have not ended (people and bots, not those who left).", nil, nil)
	descTicks        = prometheus.NewDesc("rescuedrill_ticks_total", "Ticks stepped by all drills.", nil, nil)
	descLate         = prometheus.NewDesc("rescuedrill_late_ticks_total", "Ticks whose step took longer than the tick period.", nil, nil)
	descCaughtUp     = prometheus.NewDesc("rescuedrill_ticks_caught_up_total", "Ticks stepped behind their schedule, in a burst after the drill goroutine waited for a core.", nil, nil)
	descStarved      = prometheus.NewDesc("rescuedrill_ticks_starved_total", "Caught-up and given-up ticks of wakes that came late while the drill goroutine waited for a core (what snapshot shedding goes by).", nil, nil)
	descSlipped      = prometheus.NewDesc("rescuedrill_ticks_slipped_total", "Due ticks given up after a stall longer than the catch-up limit (drill time fell behind).", nil, nil)
	descShed         = prometheus.NewDesc("rescuedrill_snapshot_interval_multiplier", "How many times the snapshot interval is stretched for the load (1: none; 2, 4 while drills fall behind their tick schedule).", nil, nil)
	descMaxTick      = prometheus.NewDesc("rescuedrill_tick_max_seconds", "Longest tick of any drill in the registry.", nil, nil)
	descInputs       = prometheus.NewDesc("rescuedrill_inputs_total", "Inputs applied by all drills.", nil, nil)
	descRejected     = prometheus.NewDesc("rescuedrill_inputs_rejected_total", "Inputs refused by drills, by reason (queue_full, invalid).", []string{"reason"}, nil)
	descSlow         = prometheus.NewDesc("rescuedrill_subscriber_frames_dropped_total", "Frames a slow subscriber (session or recorder) missed.", nil, nil)
	descConns        = prometheus.NewDesc("rescuedrill_connections_total", "Client connections accepted by the session server.", nil, nil)
	descRejects      = prometheus.NewDesc("rescuedrill_join_rejects_total", "Hellos refused (wrong code or token, drill full or ended, rate limit).", nil, nil)
	descProtoErrs    = prometheus.NewDesc("rescuedrill_protocol_errors_total", "Malformed, unexpected or forbidden client messages.", nil, nil)
	descBytesOut     = prometheus.NewDesc("rescuedrill_bytes_out_total", "Bytes sent to clients (control stream and datagrams).", nil, nil)
	descBytesIn      = prometheus.NewDesc("rescuedrill_bytes_in_total", "Datagram bytes received from clients.", nil, nil)
	descOpen         = prometheus.NewDesc("rescuedrill_connections_open", "Client connections (raw QUIC and WebTransport) open now.", nil, nil)
	descAccepted     = prometheus.NewDesc("rescuedrill_transport_accepted_total", "Connections delivered by the transport, by kind (quic, webtransport).", []string{"kind"}, nil)
	descHandshake    = prometheus.NewDesc("rescuedrill_transport_handshake_failures_total", "QUIC connection attempts that never completed their handshake.", nil, nil)
	descRefused      = prometheus.NewDesc("rescuedrill_transport_refused_total", "Connections refused (accept queue full) and WebTransport upgrades refused.", nil, nil)
	descCodes        = prometheus.NewDesc("rescuedrill_rejects_total", "Errors the server sent to clients or closed connections with, by protocol error code (docs/protocol.md §7, §8).", []string{"code"}, nil)
	descPoseDrops    = prometheus.NewDesc("rescuedrill_poses_dropped_total", "Poses over the per-connection pose rate, dropped silently.", nil, nil)
	descChoiceLimit  = prometheus.NewDesc("rescuedrill_choices_rate_limited_total", "Choices refused for the per-connection choice rate.", nil, nil)
	descDgramDrops   = prometheus.NewDesc("rescuedrill_datagrams_dropped_total", "Outgoing datagrams dropped (full queue, too large).", nil, nil)
)

type collector struct {
	r  *Registry
	s  *Server
	ts func() transport.Stats
}

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descDrills, descParticipants, descTicks, descLate, descCaughtUp, descSlipped, descStarved, descShed, descMaxTick, descInputs,
		descRejected, descSlow, descConns, descRejects, descProtoErrs, descBytesOut, descBytesIn, descOpen, descAccepted,
		descHandshake, descRefused, descDgramDrops, descCodes, descPoseDrops, descChoiceLimit} {
		ch <- d
	}
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	if c.r != nil {
		var states [4]int
		var sum drill.Stats
		participants := 0
		for _, e := range c.r.List() {
			st := e.Drill.State()
			states[st]++
			s := e.Drill.Stats()
			sum.Ticks += s.Ticks
			sum.LateTicks += s.LateTicks
			sum.CaughtUp += s.CaughtUp
			sum.Slipped += s.Slipped
			sum.Starved += s.Starved
			sum.Inputs += s.Inputs
			sum.RejectedFull += s.RejectedFull
			sum.RejectedInvalid += s.RejectedInvalid
			sum.SlowSubscriberDrops += s.SlowSubscriberDrops
			sum.MaxTick = max(sum.MaxTick, s.MaxTick)
			if st != drill.Ended {
				participants += Participants(e)
			}
		}
		for s, n := range states {
			gauge(descDrills, float64(n), drill.State(s).String())
		}
		gauge(descParticipants, float64(participants))
		counter(descTicks, sum.Ticks)
		counter(descLate, sum.LateTicks)
		counter(descCaughtUp, sum.CaughtUp)
		counter(descSlipped, sum.Slipped)
		counter(descStarved, sum.Starved)
		gauge(descMaxTick, sum.MaxTick.Seconds())
		counter(descInputs, sum.Inputs)
		counter(descRejected, sum.RejectedFull, "queue_full")
		counter(descRejected, sum.RejectedInvalid, "invalid")
		counter(descSlow, sum.SlowSubscriberDrops)
	}
	if c.s != nil {
		counter(descConns, c.s.Conns.Load())
		counter(descRejects, c.s.Rejects.Load())
		counter(descProtoErrs, c.s.ProtocolErrors.Load())
		counter(descBytesOut, c.s.BytesOut.Load())
		counter(descBytesIn, c.s.BytesIn.Load())
		counter(descPoseDrops, c.s.PosesDropped.Load())
		counter(descChoiceLimit, c.s.ChoicesLimited.Load())
		gauge(descShed, float64(c.s.snapshotFactor()))
		for code := wire.Code(1); int(code) < len(c.s.byCode); code++ {
			// Every named code, so a dashboard sees the series before the first one.
			if name := code.String(); !strings.HasPrefix(name, "code_") {
				counter(descCodes, c.s.ErrorCount(code), name)
			}
		}
	}
	if c.ts != nil {
		t := c.ts()
		gauge(descOpen, float64(t.Open))
		counter(descAccepted, t.QUICAccepted, "quic")
		counter(descAccepted, t.WebTransportAccepted, "webtransport")
		counter(descHandshake, t.HandshakeFailures)
		counter(descRefused, t.Refused)
		counter(descDgramDrops, t.DatagramsDropped)
	}
}

// Participants counts a drill's participants who have not left (people
// and bots), joins not yet stepped included (a drill in its lobby).
func Participants(e *Entry) int {
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()
	left := 0
	_ = e.Drill.View(ctx, func(w *engine.World, _ drill.State) error {
		for _, p := range w.People() {
			if p.Status == engine.StatusLeft {
				left++
			}
		}
		return nil
	})
	return max(e.Drill.Joined()-left, 0)
}
