package main

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"

	"github.com/rescuedrill/rescuedrill/assets/fonts"
)

// scene is one screen: join, play or results. Update may return the next
// scene; Draw only reads.
type scene interface {
	Update(g *game) (scene, error)
	Draw(g *game, screen *ebiten.Image)
}

// game holds what every scene shares: the config, fonts, sound and the
// screenshot timer.
type game struct {
	cfg      config
	scene    scene
	src      *text.GoTextFaceSource
	faces    map[float64]*text.GoTextFace
	sound    *sound
	start    time.Time
	shot     bool // the screenshot was written: stop
	exitCode int
	w, h     int
	sess     *session // the connection, once joined
}

func newGame(cfg config) (*game, error) {
	src, err := text.NewGoTextFaceSource(bytes.NewReader(fonts.NotoSansSC))
	if err != nil {
		return nil, fmt.Errorf("font: %w", err)
	}
	g := &game{cfg: cfg, src: src, faces: map[float64]*text.GoTextFace{}, start: time.Now(), w: cfg.width, h: cfg.height}
	if !cfg.mute && cfg.screenshot == "" {
		g.sound = newSound()
	}
	j := newJoin(cfg)
	if cfg.code != "" && (cfg.name != "" || cfg.spectate) {
		j.submit() // flags carry everything: join at once
	}
	g.scene = j
	return g, nil
}

// face returns the UI font at a pixel size.
func (g *game) face(size float64) *text.GoTextFace {
	f, ok := g.faces[size]
	if !ok {
		f = &text.GoTextFace{Source: g.src, Size: size}
		g.faces[size] = f
	}
	return f
}

func (g *game) Update() error {
	if g.shot {
		return ebiten.Termination
	}
	next, err := g.scene.Update(g)
	if err != nil {
		return err
	}
	if next != nil {
		if _, joined := next.(*playScene); joined {
			g.start = time.Now() // --after counts from the join: a slow join does not eat it
		}
		g.scene = next
	}
	return nil
}

func (g *game) Draw(screen *ebiten.Image) {
	g.scene.Draw(g, screen)
	// The frame is taken --after the join (or the start, when the join
	// failed: then with its message), never while the join is still on
	// its way.
	if j, ok := g.scene.(*joinScene); ok && j.pending != nil {
		return
	}
	if g.cfg.screenshot != "" && !g.shot && time.Since(g.start) >= g.cfg.after {
		if err := writePNG(screen, g.cfg.screenshot); err != nil {
			fmt.Fprintln(os.Stderr, "screenshot:", err)
			g.exitCode = 1
		}
		g.shot = true
	}
}

func (g *game) Layout(w, h int) (int, int) {
	g.w, g.h = w, h
	return w, h
}

func (g *game) close() {
	if g.sess != nil {
		g.sess.close()
	}
}

// writePNG saves what was drawn this frame.
func writePNG(screen *ebiten.Image, path string) error {
	b := screen.Bounds()
	img := image.NewRGBA(b)
	screen.ReadPixels(img.Pix)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
