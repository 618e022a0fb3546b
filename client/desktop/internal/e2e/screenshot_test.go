package e2e

import (
	"context"
	"encoding/hex"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/internal/netbot"
	"github.com/rescuedrill/rescuedrill/server"
	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

var update = flag.Bool("update", false, "write the screenshots to docs/images (the README's pictures)")

// client is the desktop client built once for the package's tests. A
// test binary cannot import ebiten itself: its init panics without an X
// display, so the client runs as its own program under Xvfb.
var clientBin string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "desktop-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	clientBin = filepath.Join(dir, "desktop")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// build compiles ./client/desktop (cached by the go command after the
// first time).
func build(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(clientBin); err == nil {
		return
	}
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(goBin, "build", "-o", clientBin, ".")
	cmd.Dir = filepath.Join("..", "..")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./client/desktop: %v\n%s", err, b)
	}
}

// liveServer is a real drill server on loopback (what `drill serve` runs):
// registry on the wall clock, raw QUIC + WebTransport with a self-signed
// certificate.
type liveServer struct {
	addr string
	hash [32]byte
	reg  *server.Registry
	stop func() // closes the listener and the sessions (idempotent)
}

func startLive(t *testing.T) *liveServer {
	t.Helper()
	t.Setenv("QUIC_GO_DISABLE_RECEIVE_BUFFER_WARNING", "true")
	ctx, cancel := context.WithCancel(context.Background())
	reg, err := server.NewRegistry(t.TempDir(), drill.RealClock{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cert, hash, err := transport.SelfSigned([]string{"localhost"}, time.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := transport.Listen(ctx, "127.0.0.1:0", transport.Config{Certificate: cert})
	if err != nil {
		t.Fatal(err)
	}
	srv := &server.Server{Reg: reg, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	done := make(chan struct{})
	go func() { _ = srv.Serve(ctx, ln); close(done) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			ln.Close()
			<-done
		})
	}
	t.Cleanup(func() {
		stop()
		reg.Close()
	})
	return &liveServer{addr: ln.Addr().String(), hash: hash, reg: reg, stop: stop}
}

// runningDrill creates a drill of a scenario, starts it with network bots
// playing and raises a warning, and returns its join code.
func (s *liveServer) runningDrill(t *testing.T, scenario string, hazard, level uint8) (string, *client.Client) {
	t.Helper()
	e, fac, err := s.reg.Create(context.Background(), server.CreateRequest{Scenario: scenario, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f, err := client.Dial(ctx, client.Options{Addr: s.addr, CertHash: s.hash, JoinCode: e.Code, Name: "teacher",
		Role: wire.RoleFacilitator, FacilitatorToken: fac})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	botCtx, stopBots := context.WithCancel(context.Background())
	bots := make(chan struct{})
	go func() {
		defer close(bots)
		_, _ = netbot.Run(botCtx, netbot.Options{Addr: s.addr, TLS: transport.PinnedTLS(s.hash), JoinCode: e.Code,
			Policy: "naive", Count: 4, Name: "bot"})
	}()
	t.Cleanup(func() { stopBots(); <-bots })
	if _, err := f.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Warn(ctx, hazard, level); err != nil {
		t.Fatal(err)
	}
	return e.Code, f
}

// shoot runs the client under Xvfb with --screenshot and returns the image.
func shoot(t *testing.T, args ...string) image.Image {
	t.Helper()
	return shootIn(t, t.TempDir(), args...)
}

// shootIn is shoot with the client's cache directory (tokens, terrain).
func shootIn(t *testing.T, cache string, args ...string) image.Image {
	t.Helper()
	out := filepath.Join(t.TempDir(), "shot.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	build(t)
	args = append([]string{"-a", clientBin}, append([]string{"--screenshot", out, "--after", "4s", "--mute",
		"--width", "960", "--height", "600"}, args...)...) // a later --after wins
	cmd := exec.CommandContext(ctx, "xvfb-run", args...)
	// Tokens and the terrain cache go to a test directory, not the user's.
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+cache)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("client under Xvfb: %v\n%s", err, b)
	}
	fh, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// stats are pixel counts in a region of a frame.
type stats struct {
	n, banner, water, ground int
	lumMean, lumSD           float64
}

func measure(img image.Image, r image.Rectangle, banner [3]uint8) stats {
	var s stats
	var sum, sum2 float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := img.At(x, y)
			r16, g16, b16, _ := c.RGBA()
			R, G, B := int(r16>>8), int(g16>>8), int(b16>>8)
			s.n++
			if abs(R-int(banner[0])) < 12 && abs(G-int(banner[1])) < 12 && abs(B-int(banner[2])) < 12 {
				s.banner++
			}
			// Water: blue well above red, above green (the depth ramp).
			if B > R+40 && B > G+8 {
				s.water++
			}
			// Ground: the land-use colours lit by the hillshade — not
			// blue-dominant, not near black, not the UI's dark panels.
			if B <= G+10 && R+G+B > 200 {
				s.ground++
			}
			l := 0.299*float64(R) + 0.587*float64(G) + 0.114*float64(B)
			sum += l
			sum2 += l * l
		}
	}
	s.lumMean = sum / float64(s.n)
	s.lumSD = math.Sqrt(math.Max(0, sum2/float64(s.n)-s.lumMean*s.lumMean))
	return s
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestScreenshot runs the real client under Xvfb against a live server
// whose drill has network bots and a warning in force, and checks that the
// frame shows the warning banner in the level's colour, terrain and (in
// the flood) water — not a blank or single-colour frame.
func TestScreenshot(t *testing.T) {
	if _, err := exec.LookPath("xvfb-run"); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("xvfb-run not installed (apt-get install xvfb; .ci/need-desktop.sh does it under CI)")
		}
		t.Fatal("xvfb-run is needed under CI: .ci/need-desktop.sh installs it")
	}
	srv := startLive(t)
	hex := hex.EncodeToString(srv.hash[:])
	tests := []struct {
		name, scenario string
		hazard, level  uint8
		banner         [3]uint8 // the level's banner colour (view.BannerFor)
		spectate       bool
		minWater       float64 // share of the map area
	}{
		{"flood", "flood", 1, 4, [3]uint8{0xc0, 0x00, 0x10}, false, 0.05},
		{"flood-spectator", "flood", 1, 3, [3]uint8{0xf0, 0x7a, 0x00}, true, 0.03},
		{"landslide", "landslide", 3, 3, [3]uint8{0xf0, 0x7a, 0x00}, true, 0}, // the whole slope with its cracks
		{"heat", "heat", 2, 4, [3]uint8{0xc0, 0x00, 0x10}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if testing.Short() && tt.name != "flood" {
				t.Skip("-short: the flood only")
			}
			code, _ := srv.runningDrill(t, tt.scenario, tt.hazard, tt.level)
			args := []string{"--server", srv.addr, "--cert-hash", hex, "--lang", "zh"}
			if tt.spectate {
				args = append(args, "--spectate", code)
			} else {
				args = append(args, "--join", code, "--name", "小明")
			}
			img := shoot(t, args...)
			b := img.Bounds()
			if b.Dx() != 960 || b.Dy() != 600 {
				t.Fatalf("frame %v, want 960×600", b)
			}
			top := measure(img, image.Rect(0, 0, b.Dx(), 120), tt.banner)
			if share := float64(top.banner) / float64(top.n); share < 0.6 {
				t.Errorf("banner: %.0f%% of the top rows in the level's colour %v, want ≥ 60%%", 100*share, tt.banner)
			}
			if top.lumSD < 10 {
				t.Errorf("banner has no text or icon (luminance SD %.1f)", top.lumSD)
			}
			m := measure(img, image.Rect(0, 170, b.Dx(), b.Dy()-110), tt.banner)
			ground, water := float64(m.ground)/float64(m.n), float64(m.water)/float64(m.n)
			t.Logf("map area: ground %.0f%%, water %.0f%%, luminance %.0f ± %.0f", 100*ground, 100*water, m.lumMean, m.lumSD)
			if ground < 0.15 {
				t.Errorf("terrain: %.0f%% ground-coloured pixels, want ≥ 15%%", 100*ground)
			}
			if m.lumSD < 8 {
				t.Errorf("map area is flat (luminance SD %.1f): no hillshade, contours or features", m.lumSD)
			}
			if water < tt.minWater {
				t.Errorf("water: %.1f%% of the map area, want ≥ %.0f%%", 100*water, 100*tt.minWater)
			}
			if *update {
				writeDoc(t, img, "desktop-"+tt.name+".png")
			}
		})
	}
}

// TestScreenshotScenes: the join screen with a wrong code says so, and
// the end of a drill shows the feedback scene with the score.
func TestScreenshotScenes(t *testing.T) {
	if _, err := exec.LookPath("xvfb-run"); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("xvfb-run not installed")
		}
		t.Fatal("xvfb-run is needed under CI: .ci/need-desktop.sh installs it")
	}
	if testing.Short() {
		t.Skip("-short")
	}
	srv := startLive(t)
	hex := hex.EncodeToString(srv.hash[:])
	t.Run("join-error", func(t *testing.T) {
		img := shoot(t, "--server", srv.addr, "--cert-hash", hex, "--join", "WRONG1", "--name", "小明")
		bg := measure(img, image.Rect(0, 0, 960, 60), [3]uint8{0x12, 0x20, 0x30})
		if share := float64(bg.banner) / float64(bg.n); share < 0.8 {
			t.Errorf("not the join screen: %.0f%% background at the top", 100*share)
		}
		// The message is drawn in light red under the join button.
		msg := measure(img, image.Rect(0, 380, 960, 540), [3]uint8{0xff, 0x8a, 0x80})
		if msg.banner < 30 {
			t.Errorf("no error message drawn (%d pixels of its colour)", msg.banner)
		}
		if *update {
			writeDoc(t, img, "desktop-join-error.png")
		}
	})
	t.Run("results", func(t *testing.T) {
		code, f := srv.runningDrill(t, "flood", 1, 2)
		build(t)
		// End the drill once the pupil is in it and has seen it run.
		ended := make(chan struct{})
		go func() {
			defer close(ended)
			deadline := time.Now().Add(60 * time.Second)
			for time.Now().Before(deadline) {
				for _, e := range f.Roster() {
					if e.Name == "小明" {
						time.Sleep(time.Second)
						ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
						defer cancel()
						_, _ = f.End(ctx)
						return
					}
				}
				time.Sleep(50 * time.Millisecond)
			}
		}()
		defer func() { <-ended }()
		img := shoot(t, "--server", srv.addr, "--cert-hash", hex, "--join", code, "--name", "小明", "--lang", "en", "--after", "6s")
		bg := measure(img, image.Rect(0, 0, 960, 30), [3]uint8{0x14, 0x1c, 0x28})
		if share := float64(bg.banner) / float64(bg.n); share < 0.8 {
			t.Errorf("not the results scene: %.0f%% of its background at the top", 100*share)
		}
		score := measure(img, image.Rect(0, 60, 960, 160), [3]uint8{0xf0, 0xa0, 0x20})
		if score.banner < 100 {
			t.Errorf("no score drawn (%d amber pixels)", score.banner)
		}
		if *update {
			writeDoc(t, img, "desktop-results.png")
		}
	})
}

// TestScreenshotServerGone: the server goes away under a pupil; the window
// keeps drawing (the frame is taken seconds later) and says it is
// reconnecting, while the client retries with its token.
func TestScreenshotServerGone(t *testing.T) {
	if _, err := exec.LookPath("xvfb-run"); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("xvfb-run not installed")
		}
		t.Fatal("xvfb-run is needed under CI: .ci/need-desktop.sh installs it")
	}
	if testing.Short() {
		t.Skip("-short")
	}
	build(t)
	srv := startLive(t)
	code, f := srv.runningDrill(t, "flood", 1, 1)
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) {
			for _, e := range f.Roster() {
				if e.Name == "小明" {
					time.Sleep(time.Second)
					srv.stop()
					return
				}
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	defer func() { <-gone }()
	img := shoot(t, "--server", srv.addr, "--cert-hash", hex.EncodeToString(srv.hash[:]), "--join", code, "--name", "小明", "--after", "7s")
	// The amber "reconnecting" notice at the top right, under the banner.
	pill := measure(img, image.Rect(560, 160, 960, 230), [3]uint8{0xf0, 0xa0, 0x20})
	if pill.banner < 500 {
		t.Errorf("no reconnecting notice (%d amber pixels)", pill.banner)
	}
	if *update {
		writeDoc(t, img, "desktop-reconnecting.png")
	}
}

// writeDoc saves a screenshot for the README.
func writeDoc(t *testing.T, img image.Image, name string) {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "..", "docs", "images")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	fmt.Println("wrote", f.Name())
}
