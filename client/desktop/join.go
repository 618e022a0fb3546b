package main

import (
	"image/color"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/rescuedrill/rescuedrill/client/desktop/internal/slots"
	"github.com/rescuedrill/rescuedrill/client/desktop/internal/view"
)

// joinScene asks for the server, the join code, a name and the language,
// and says clearly why a join failed.
type joinScene struct {
	cfg     config
	fields  [3][]rune // server, code, name
	focus   int
	lang    view.Lang
	pending <-chan dialResult
	msg     string
	runes   []rune
}

func newJoin(cfg config) *joinScene {
	j := &joinScene{cfg: cfg, lang: cfg.lang}
	j.fields[0], j.fields[1], j.fields[2] = []rune(cfg.server), []rune(cfg.code), []rune(cfg.name)
	if cfg.code != "" {
		j.focus = 2
	} else {
		j.focus = 1
	}
	return j
}

func (j *joinScene) submit() {
	code, name := strings.TrimSpace(string(j.fields[1])), strings.TrimSpace(string(j.fields[2]))
	switch {
	case code == "":
		j.msg = j.lang.T("need_code")
		return
	case name == "" && !j.cfg.spectate:
		j.msg = j.lang.T("need_name")
		return
	}
	cfg := j.cfg
	cfg.server = strings.TrimSpace(string(j.fields[0]))
	j.msg = ""
	j.pending = dial(cfg.options(code, name, j.lang), slots.Default())
}

// layout of the join screen: three fields, the language toggle, the button.
func (j *joinScene) boxes(g *game) (fields [3]rect, langBtn, joinBtn rect) {
	w := 560.0
	x := (float64(g.w) - w) / 2
	y := float64(g.h)/2 - 170
	for i := range fields {
		fields[i] = rect{x, y + float64(i)*84 + 28, w, 44}
	}
	langBtn = rect{x, y + 3*84 + 20, 200, 52}
	joinBtn = rect{x + w - 260, y + 3*84 + 20, 260, 52}
	return
}

func (j *joinScene) Update(g *game) (scene, error) {
	if j.pending != nil {
		select {
		case r := <-j.pending:
			j.pending = nil
			if r.err != nil {
				j.msg = view.JoinMessage(r.err, j.lang)
				return nil, nil
			}
			g.sess = r.s
			return newPlay(g, r.s, j.lang), nil
		default:
			return nil, nil // connecting: the window keeps drawing
		}
	}
	fields, langBtn, joinBtn := j.boxes(g)
	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
		x, y := ebiten.CursorPosition()
		for i, f := range fields {
			if f.has(x, y) {
				j.focus = i
			}
		}
		if langBtn.has(x, y) {
			j.lang = 1 - j.lang
		}
		if joinBtn.has(x, y) {
			j.submit()
		}
	}
	switch {
	case inpututil.IsKeyJustPressed(ebiten.KeyF2):
		j.lang = 1 - j.lang
	case inpututil.IsKeyJustPressed(ebiten.KeyTab):
		j.focus = (j.focus + 1) % 3
	case inpututil.IsKeyJustPressed(ebiten.KeyEnter) || inpututil.IsKeyJustPressed(ebiten.KeyNumpadEnter):
		j.submit()
	case repeating(ebiten.KeyBackspace):
		if f := j.fields[j.focus]; len(f) > 0 {
			j.fields[j.focus] = f[:len(f)-1]
		}
	}
	j.runes = ebiten.AppendInputChars(j.runes[:0])
	for _, r := range j.runes {
		if utf8.RuneLen(r) > 0 && len(j.fields[j.focus]) < 64 {
			j.fields[j.focus] = append(j.fields[j.focus], r)
		}
	}
	return nil, nil
}

// repeating is a key press with auto-repeat.
func repeating(k ebiten.Key) bool {
	d := inpututil.KeyPressDuration(k)
	return d == 1 || (d > 30 && d%4 == 0)
}

func (j *joinScene) Draw(g *game, screen *ebiten.Image) {
	screen.Fill(color.RGBA{0x12, 0x20, 0x30, 0xff})
	fields, langBtn, joinBtn := j.boxes(g)
	l := j.lang
	drawTextCentered(screen, l.T("title"), g.face(40), float64(g.w)/2, fields[0].y-110, white)
	drawTextCentered(screen, l.Two("蓝色准备 · 黄色关注 · 橙色规避 · 红色转移", "Blue get ready · Yellow pay attention · Orange avoid · Red evacuate"),
		g.face(18), float64(g.w)/2, fields[0].y-62, muted)
	labels := [3]string{l.T("server"), l.T("code"), l.T("name")}
	if j.cfg.spectate {
		labels[2] = l.T("spectating")
	}
	for i, f := range fields {
		drawText(screen, labels[i], g.face(18), f.x, f.y-28, muted)
		bg := color.RGBA{0x24, 0x30, 0x42, 0xff}
		if i == j.focus {
			bg = color.RGBA{0x30, 0x44, 0x60, 0xff}
		}
		fillRect(screen, f, bg)
		s := string(j.fields[i])
		if i == j.focus && (time.Now().UnixMilli()/500)%2 == 0 {
			s += "|"
		}
		drawText(screen, s, g.face(24), f.x+12, f.y+6, white)
	}
	button(screen, g, langBtn, "F2", l.T("language")+": "+l.Two("中文", "English"), false)
	btn := l.T("join")
	if j.pending != nil {
		btn = l.T("joining")
	}
	button(screen, g, joinBtn, "Enter", btn, true)
	y := joinBtn.y + 80
	if j.msg != "" {
		for _, line := range wrap(j.msg, g.face(20), fields[0].w) {
			drawText(screen, line, g.face(20), fields[0].x, y, color.RGBA{0xff, 0x8a, 0x80, 0xff})
			y += 28
		}
	}
	drawTextCentered(screen, l.T("tab_hint"), g.face(16), float64(g.w)/2, float64(g.h)-30, muted)
}
