package main

import (
	"fmt"
	"image/color"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/rescuedrill/rescuedrill/client"
	"github.com/rescuedrill/rescuedrill/client/desktop/internal/view"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// playScene is the drill: the map under a follow camera (or the whole map
// for a spectator), the warning banner, prompts and the action bar.
type playScene struct {
	s       *session
	lang    view.Lang
	model   *view.Model
	world   *world
	cam     view.Camera
	steer   view.Steer
	v       client.View // this frame's interpolated world (Update samples, Draw reads)
	actions []view.Action
	last    time.Time
	placed  bool
	spect   bool
}

func newPlay(g *game, s *session, lang view.Lang) *playScene {
	p := &playScene{s: s, lang: lang, model: view.NewModel(lang, s.info.Slot), world: newWorld(s),
		cam: view.Camera{Scale: 2.5}, spect: s.info.Role != wire.RoleParticipant, last: time.Now()}
	p.model.Phase = s.info.Phase
	p.model.Roster = s.c.Roster()
	if sc := s.info.Scenario; sc != nil {
		p.steer.SetHeading(uint16(int(sc.Spawn.Heading*100) % 36000))
	}
	return p
}

func (p *playScene) mapSize() (w, h float64) {
	g := p.s.info.Grid
	return float64(g.NX) * p.world.cell, float64(g.NY) * p.world.cell
}

func (p *playScene) Update(g *game) (scene, error) {
	now := time.Now()
	dt := now.Sub(p.last).Seconds()
	p.last = now
	p.cam.W, p.cam.H = float64(g.w), float64(g.h)
	// Events: everything queued, never waiting.
	for drained := false; !drained; {
		select {
		case ev, ok := <-p.s.c.Events():
			if !ok {
				drained = true
				break
			}
			if cue, ok := p.model.Apply(ev, now); ok {
				g.sound.play(cue)
			}
		default:
			drained = true
		}
	}
	p.model.Connected = !p.s.retrying.Load()
	p.model.SetPhase(p.s.c.Phase())
	if p.model.Phase == wire.PhaseEnded {
		p.s.ended.Store(true)
	}
	p.model.Expire(now)
	p.world.refresh(p.s.c)
	p.v = p.s.c.SampleNow()
	if cue, ok := p.model.Observe(p.v, now); ok {
		g.sound.play(cue)
	}
	if p.model.Finished() {
		return newResults(p), nil
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyEscape) {
		return nil, ebiten.Termination
	}
	mx, my := ebiten.CursorPosition()
	if _, wy := ebiten.Wheel(); wy != 0 {
		p.cam.Zoom(wy, float64(mx), float64(my))
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyEqual) || inpututil.IsKeyJustPressed(ebiten.KeyKPAdd) {
		p.cam.Zoom(2, p.cam.W/2, p.cam.H/2)
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyMinus) || inpututil.IsKeyJustPressed(ebiten.KeyKPSubtract) {
		p.cam.Zoom(-2, p.cam.W/2, p.cam.H/2)
	}
	if p.spect {
		p.updateSpectator(dt)
		return nil, nil
	}
	me, ok := p.v.Participant(p.s.info.Slot)
	if !ok {
		return nil, nil
	}
	if !p.placed {
		p.cam.X, p.cam.Y, p.placed = me.X, me.Y, true
	}
	p.cam.Follow(me.X, me.Y, dt, 0.25)
	p.actions = view.ActionsNear(p.s.info.Scenario, p.s.info.NPCs, p.v.NPCs, me.X, me.Y, p.lang)
	if p.handleChoices(g, mx, my) {
		return nil, nil
	}
	// Movement.
	keys := view.Keys{
		Up:    ebiten.IsKeyPressed(ebiten.KeyW) || ebiten.IsKeyPressed(ebiten.KeyArrowUp),
		Down:  ebiten.IsKeyPressed(ebiten.KeyS) || ebiten.IsKeyPressed(ebiten.KeyArrowDown),
		Left:  ebiten.IsKeyPressed(ebiten.KeyA) || ebiten.IsKeyPressed(ebiten.KeyArrowLeft),
		Right: ebiten.IsKeyPressed(ebiten.KeyD) || ebiten.IsKeyPressed(ebiten.KeyArrowRight),
		Run:   ebiten.IsKeyPressed(ebiten.KeyShift),
	}
	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) && !p.onUI(g, mx, my) {
		wx, wy := p.cam.ToWorld(float64(mx), float64(my))
		p.steer.Target(wx, wy)
	}
	lx, ly := p.cam.ToWorld(float64(mx), float64(my))
	p.steer.Look(ebiten.IsMouseButtonPressed(ebiten.MouseButtonRight), lx, ly)
	in := p.steer.Update(keys, me.X, me.Y)
	if p.model.Phase != wire.PhaseRunning {
		in.MoveX, in.MoveY, in.Run = 0, 0, false
	}
	p.s.c.SetIntent(in.MoveX, in.MoveY, in.Run, in.Heading)
	return nil, nil
}

// updateSpectator fits the whole map once, then lets the teacher pan with
// the keys and zoom with the wheel.
func (p *playScene) updateSpectator(dt float64) {
	w, h := p.mapSize()
	if !p.placed {
		p.cam.Fit(w, h, 40)
		p.cam.Y -= 60 / p.cam.Scale // room for the banner
		p.placed = true
	}
	step := 400 * dt / p.cam.Scale
	if ebiten.IsKeyPressed(ebiten.KeyW) || ebiten.IsKeyPressed(ebiten.KeyArrowUp) {
		p.cam.Y -= step
	}
	if ebiten.IsKeyPressed(ebiten.KeyS) || ebiten.IsKeyPressed(ebiten.KeyArrowDown) {
		p.cam.Y += step
	}
	if ebiten.IsKeyPressed(ebiten.KeyA) || ebiten.IsKeyPressed(ebiten.KeyArrowLeft) {
		p.cam.X -= step
	}
	if ebiten.IsKeyPressed(ebiten.KeyD) || ebiten.IsKeyPressed(ebiten.KeyArrowRight) {
		p.cam.X += step
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyF) {
		p.placed = false
	}
}

// handleChoices answers the open prompt (keys 1–9 or a click) and runs
// actions (their letter keys or a click). It reports whether the input was
// used.
func (p *playScene) handleChoices(g *game, mx, my int) bool {
	click := inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft)
	if pr, ok := p.model.Prompt(); ok {
		_, opts := p.promptLayout(g, pr)
		for i, o := range pr.Options {
			if (i < 9 && inpututil.IsKeyJustPressed(ebiten.Key1+ebiten.Key(i))) || (click && opts[i].has(mx, my)) {
				p.s.choose(wire.ChoiceAnswer, pr.Inject, o.ID)
				p.model.Answered(pr.Inject)
				return true
			}
		}
		if click && p.onUI(g, mx, my) {
			return true
		}
	}
	btns := p.actionLayout(g)
	for i, a := range p.actions {
		key, ok := letterKey(a.Key)
		if (ok && inpututil.IsKeyJustPressed(key)) || (click && btns[i].has(mx, my)) {
			p.s.choose(wire.ChoiceAct, a.Act, a.Target)
			return true
		}
	}
	return false
}

func letterKey(s string) (ebiten.Key, bool) {
	if len(s) != 1 || s[0] < 'A' || s[0] > 'Z' {
		return 0, false
	}
	return ebiten.KeyA + ebiten.Key(s[0]-'A'), true
}

// onUI reports whether a click lands on the banner, the action bar or a
// prompt rather than the map.
func (p *playScene) onUI(g *game, x, y int) bool {
	if _, ok := view.BannerFor(p.model.Levels, p.lang); ok && y < bannerH {
		return true
	}
	for _, b := range p.actionLayout(g) {
		if b.has(x, y) {
			return true
		}
	}
	if pr, ok := p.model.Prompt(); ok {
		box, _ := p.promptLayout(g, pr)
		return box.has(x, y)
	}
	return false
}

const bannerH = 132

// actionLayout places the action buttons along the bottom edge.
func (p *playScene) actionLayout(g *game) []rect {
	out := make([]rect, len(p.actions))
	bw, bh, gap := 250.0, 58.0, 10.0
	perRow := max(1, int((float64(g.w)-20)/(bw+gap)))
	for i := range out {
		row, col := i/perRow, i%perRow
		out[i] = rect{10 + float64(col)*(bw+gap), float64(g.h) - 40 - float64(row+1)*(bh+gap), bw, bh}
	}
	return out
}

// promptLayout is the question panel in the middle with one big button per
// option.
func (p *playScene) promptLayout(g *game, pr wire.Prompt) (box rect, opts []rect) {
	w := min(760, float64(g.w)-40)
	h := 120 + float64(len(pr.Options))*76
	box = rect{(float64(g.w) - w) / 2, (float64(g.h)-h)/2 + 40, w, h}
	for i := range pr.Options {
		opts = append(opts, rect{box.x + 20, box.y + 100 + float64(i)*76, w - 40, 64})
	}
	return box, opts
}

func (p *playScene) Draw(g *game, screen *ebiten.Image) {
	screen.Fill(color.RGBA{0x20, 0x24, 0x28, 0xff})
	p.world.draw(g, screen, p.cam, p.v, p.model, p.s.info.Slot, p.lang)
	if x, y, ok := p.steer.HasTarget(); ok && !p.spect {
		sx, sy := p.cam.ToScreen(x, y)
		vector.StrokeCircle(screen, float32(sx), float32(sy), 8, 2, white, true)
		vector.StrokeLine(screen, float32(sx-12), float32(sy), float32(sx+12), float32(sy), 2, white, true)
		vector.StrokeLine(screen, float32(sx), float32(sy-12), float32(sx), float32(sy+12), 2, white, true)
	}
	top := 0.0
	if b, ok := view.BannerFor(p.model.Levels, p.lang); ok {
		drawBanner(g, screen, b)
		top = bannerH
	}
	p.drawStatus(g, screen, top)
	if p.spect {
		p.drawRoster(g, screen, top)
	} else {
		for i, a := range p.actions {
			button(screen, g, p.actionLayout(g)[i], a.Key, a.Label, false)
		}
	}
	if pr, ok := p.model.Prompt(); ok && !p.spect {
		p.drawPrompt(g, screen, pr)
	}
	p.drawToasts(g, screen, top)
	drawText(screen, p.lang.T("controls")+" · "+p.lang.T("esc_quit"), g.face(14), 12, float64(g.h)-26, muted)
}

// drawBanner: colour, icon, level bars, title, the level's verb and the
// action guide; the four-colour rule in small print.
func drawBanner(g *game, dst *ebiten.Image, b view.Banner) {
	fillRect(dst, rect{0, 0, float64(g.w), bannerH}, b.Back)
	drawIcon(dst, g, b.Icon, 62, 56, 34, b.Fore)
	for i := 0; i < 4; i++ {
		c := b.Fore
		if i >= b.Bars {
			c = color.RGBA{b.Fore.R, b.Fore.G, b.Fore.B, 0x50}
		}
		fillRect(dst, rect{30 + float64(i)*17, 100, 13, 18}, c)
	}
	x := 122.0
	drawText(dst, b.Verb, g.face(30), x, 8, b.Fore)
	drawText(dst, b.Title, g.face(20), x+textWidth(g, b.Verb, 30)+24, 16, b.Fore)
	lines := wrap(b.Guide, g.face(17), float64(g.w)-x-20)
	if len(lines) > 3 {
		lines = lines[:3]
	}
	drawText(dst, strings.Join(lines, "\n"), g.face(17), x, 50, b.Fore)
	drawText(dst, b.Colours, g.face(13), float64(g.w)-textWidth(g, b.Colours, 13)-12, bannerH-20, b.Fore)
}

func textWidth(g *game, s string, size float64) float64 { return textAdvance(s, g, size) }

// drawStatus: the clock, the score, the connection state, the phase.
func (p *playScene) drawStatus(g *game, dst *ebiten.Image, top float64) {
	info := p.s.info
	hz := float64(max(info.TickHz, 1))
	left := max(0, (float64(info.EndTick)-p.v.Tick)/hz)
	s := fmt.Sprintf("%s   %s %d:%02d", p.lang.Pick(info.Title), p.lang.T("time_left"), int(left)/60, int(left)%60)
	if !p.spect {
		s += fmt.Sprintf("   %s %d", p.lang.T("score"), p.model.Score)
	}
	if t, ok := view.AirTemp(info.Scenario, p.v.Tick); ok {
		s += fmt.Sprintf("   %s %.1f °C", p.lang.T("temperature"), t)
	}
	if me, ok := p.v.Participant(info.Slot); ok && !p.spect {
		if w, _, _ := p.s.c.Fields(); w != nil {
			s += fmt.Sprintf("   %s %.2f m", p.lang.T("water_depth"), client.DepthAt(w, me.X, me.Y))
		}
	}
	fillRect(dst, rect{0, top, float64(g.w), 34}, color.RGBA{0, 0, 0, 0x90})
	drawText(dst, s, g.face(17), 12, top+5, white)
	msg, c := "", amber
	switch {
	case !p.model.Connected:
		msg = p.lang.T("reconnecting")
	case p.model.Phase == wire.PhaseLobby:
		msg, c = p.lang.T("lobby"), muted
	case p.model.Phase == wire.PhasePaused:
		msg = p.lang.T("paused")
	case p.spect:
		msg, c = p.lang.T("spectating"), muted
	}
	if msg != "" {
		w := textWidth(g, msg, 18) + 24
		fillRect(dst, rect{float64(g.w) - w - 10, top + 44, w, 34}, c)
		drawText(dst, msg, g.face(18), float64(g.w)-w+2, top+48, black)
	}
}

func (p *playScene) drawPrompt(g *game, dst *ebiten.Image, pr wire.Prompt) {
	box, opts := p.promptLayout(g, pr)
	fillRect(dst, box, panel)
	vector.StrokeRect(dst, float32(box.x), float32(box.y), float32(box.w), float32(box.h), 3, amber, false)
	lines := wrap(p.lang.Pick(pr.Question), g.face(22), box.w-40)
	drawText(dst, strings.Join(lines, "\n"), g.face(22), box.x+20, box.y+16, white)
	mx, my := ebiten.CursorPosition()
	for i, o := range pr.Options {
		button(dst, g, opts[i], fmt.Sprint(i+1), p.lang.Pick(o.Text), opts[i].has(mx, my))
	}
}

func (p *playScene) drawToasts(g *game, dst *ebiten.Image, top float64) {
	y := top + 90
	for _, t := range p.model.Toasts {
		lines := wrap(t.Text, g.face(17), 380)
		h := float64(len(lines))*23 + 14
		x := float64(g.w) - 410
		fillRect(dst, rect{x, y, 400, h}, panel)
		c := muted
		if t.Good {
			c = good
		}
		fillRect(dst, rect{x, y, 5, h}, c)
		drawText(dst, strings.Join(lines, "\n"), g.face(17), x+14, y+6, white)
		y += h + 8
	}
}

// drawRoster lists every participant for the teacher with where they are.
func (p *playScene) drawRoster(g *game, dst *ebiten.Image, top float64) {
	roster := p.s.c.Roster()
	x, y := 10.0, top+44
	// A class of 40 does not fit a laptop screen: as many rows as fit,
	// then how many more.
	fit := max(1, int((float64(g.h)-y-120)/22))
	more := 0
	if len(roster) > fit {
		roster, more = roster[:fit-1], len(roster)-(fit-1)
	}
	rows := len(roster)
	if more > 0 {
		rows++
	}
	fillRect(dst, rect{x, y, 260, float64(rows)*22 + 36}, panel)
	drawText(dst, fmt.Sprintf("%s (%d)", p.lang.T("participants"), len(roster)+more), g.face(17), x+10, y+6, white)
	y += 32
	defer func() {
		if more > 0 {
			drawText(dst, fmt.Sprintf("+%d …", more), g.face(15), x+10, y, muted)
		}
	}()
	for _, e := range roster {
		c := color.Color(white)
		st := ""
		if pv, ok := p.v.Participant(int32(e.Slot)); ok && pv.Status != 0 {
			c, st = bad, " ×"
		}
		if e.Flags&wire.RosterAway != 0 {
			c = muted
		}
		drawText(dst, fmt.Sprintf("%2d  %s%s", e.Slot, e.Name, st), g.face(15), x+10, y, c)
		y += 22
	}
}
