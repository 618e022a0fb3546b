// Package view is the desktop client's logic without a window: the scene
// state model, keys and clicks turned into intents, the follow camera, the
// warning banner, end-of-drill feedback, colour ramps and the terrain and
// water images. client/desktop draws what this package decides, so all of
// it is tested without ebiten, X11 or a GPU.
package view

import "github.com/rescuedrill/rescuedrill/server/wire"

// Lang is the language a pupil chose on the join screen.
type Lang int

const (
	ZH Lang = iota // 中文 (the default: the drills are for schools in Chongqing)
	EN
)

// Tag is the BCP 47 tag sent in the Hello.
func (l Lang) Tag() string {
	if l == EN {
		return "en"
	}
	return "zh-CN"
}

// Pick returns the text in the language, falling back to the other one
// when a scenario left it empty.
func (l Lang) Pick(t wire.Text) string {
	a, b := t.ZH, t.EN
	if l == EN {
		a, b = b, a
	}
	if a == "" {
		return b
	}
	return a
}

// Two picks between a Chinese and an English literal.
func (l Lang) Two(zh, en string) string { return l.Pick(wire.Text{ZH: zh, EN: en}) }

// T returns a UI phrase by key; an unknown key comes back as itself so a
// typo shows on screen instead of an empty label.
func (l Lang) T(key string) string {
	p, ok := phrases[key]
	if !ok {
		return key
	}
	return l.Pick(p)
}

// phrases are the client's own words. Every Chinese character used here
// must be in the shipped font subset (TestFontCoversText).
var phrases = map[string]wire.Text{
	"title":          {ZH: "灾害自救演练", EN: "RescueDrill"},
	"server":         {ZH: "服务器地址", EN: "Server address"},
	"code":           {ZH: "加入码", EN: "Join code"},
	"name":           {ZH: "你的名字", EN: "Your name"},
	"language":       {ZH: "语言", EN: "Language"},
	"join":           {ZH: "加入演练", EN: "Join the drill"},
	"joining":        {ZH: "正在连接…", EN: "Connecting…"},
	"tab_hint":       {ZH: "Tab 切换输入框，回车加入，F2 切换语言", EN: "Tab: next field · Enter: join · F2: language"},
	"need_code":      {ZH: "请输入老师给的加入码。", EN: "Type the join code your teacher gave you."},
	"need_name":      {ZH: "请输入你的名字。", EN: "Type your name."},
	"err_code":       {ZH: "加入码不对，请核对老师给的加入码。", EN: "That join code is wrong. Check the code your teacher gave you."},
	"err_full":       {ZH: "这场演练人数已满。", EN: "This drill is full."},
	"err_ended":      {ZH: "这场演练已经结束。", EN: "This drill has already ended."},
	"err_token":      {ZH: "无法回到原来的位置，请重新加入。", EN: "Your old place could not be restored; join again."},
	"err_later":      {ZH: "服务器正忙，请稍后再试。", EN: "The server is busy; try again in a moment."},
	"err_unreach":    {ZH: "连不上服务器：请检查地址和网络，确认老师已经启动服务器。", EN: "Cannot reach the server: check the address and the network, and that your teacher has started it."},
	"err_cert":       {ZH: "服务器证书不受信任：请用老师给的证书指纹 (--cert-hash)，或在开发时用 --insecure-dev。", EN: "The server's certificate is not trusted: use the certificate hash your teacher gave you (--cert-hash), or --insecure-dev while developing."},
	"err_other":      {ZH: "无法加入：", EN: "Could not join: "},
	"reconnecting":   {ZH: "网络断开，正在重新连接…", EN: "Connection lost, reconnecting…"},
	"lobby":          {ZH: "等待老师开始演练…", EN: "Waiting for the teacher to start…"},
	"paused":         {ZH: "演练已暂停", EN: "Drill paused"},
	"ended":          {ZH: "演练结束", EN: "The drill has ended"},
	"harmed":         {ZH: "你受伤了，演练对你已结束", EN: "You were harmed; the drill is over for you"},
	"score":          {ZH: "得分", EN: "Score"},
	"your_score":     {ZH: "你的得分", EN: "Your score"},
	"class_avg":      {ZH: "全班平均分", EN: "Class average"},
	"right":          {ZH: "做对了", EN: "Done right"},
	"wrong":          {ZH: "需要改进", EN: "To improve"},
	"not_scored":     {ZH: "未计分", EN: "Not scored"},
	"controls":       {ZH: "WASD/方向键移动 · Shift 跑 · 点击地图前往 · 右键看方向 · 滚轮缩放", EN: "WASD/arrows move · Shift run · click to walk · right button look · wheel zoom"},
	"spectating":     {ZH: "观察模式：全图", EN: "Spectator: whole map"},
	"esc_quit":       {ZH: "Esc 退出", EN: "Esc to quit"},
	"participants":   {ZH: "参与者", EN: "Participants"},
	"water_depth":    {ZH: "水深", EN: "Water depth"},
	"temperature":    {ZH: "气温", EN: "Temperature"},
	"act_power":      {ZH: "关闭电闸", EN: "Switch off power"},
	"act_water":      {ZH: "取水", EN: "Take water"},
	"act_drink":      {ZH: "喝水", EN: "Drink"},
	"act_help":       {ZH: "帮助他人", EN: "Help someone"},
	"act_give":       {ZH: "给他水喝", EN: "Give water"},
	"act_shade":      {ZH: "扶到阴凉处", EN: "Move to shade"},
	"act_report":     {ZH: "报告险情", EN: "Report a hazard"},
	"act_call":       {ZH: "拨打120", EN: "Call 120"},
	"act_belongings": {ZH: "拿随身物品", EN: "Take belongings"},
	"act_rest":       {ZH: "休息", EN: "Rest"},
	"ok":             {ZH: "已完成", EN: "Done"},
	"no_effect":      {ZH: "没有效果", EN: "No effect"},
	"rejected":       {ZH: "未被接受", EN: "Not accepted"},
	"answered":       {ZH: "已回答", EN: "Answered"},
	"water_carried":  {ZH: "携带的水", EN: "Water carried"},
	"you":            {ZH: "你", EN: "You"},
	"close":          {ZH: "关闭", EN: "Close"},
	"outcome":        {ZH: "结果", EN: "Outcome"},
	"time_left":      {ZH: "剩余", EN: "Left"},
	"class_unknown":  {ZH: "全班平均分由老师的结果查看", EN: "The class average is on the teacher's results"},
	"everyone":       {ZH: "全班成绩", EN: "Everyone's results"},
}
