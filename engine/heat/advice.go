package heat

import "math"

// Level is the American College of Sports Medicine advice for outdoor
// activity at a given WBGT (ACSM 1996/2007 position stands, as used by
// school and club sport):
//
//	WBGT ≤ 27.8 °C        normal activity
//	27.9 – 30.0 °C        limit intense exercise, more rest and water
//	30.1 – 32.2 °C        cancel exercise for the unacclimatised and at-risk
//	> 32.2 °C             cancel outdoor exercise for everyone
type Level int

const (
	LevelNormal Level = iota
	LevelLimitIntense
	LevelCancelUnacclimatised
	LevelCancelAll
)

// ActivityAdvice maps a WBGT (°C) to the ACSM band. The bands are published
// at 0.1 °C resolution with gaps between them (27.8 | 27.9), so the reading
// is first rounded to 0.1 °C: 27.84 is normal, 27.85 limits intense
// exercise. Rounding is half away from zero, the way a display shows it.
func ActivityAdvice(wbgt float64) Level {
	r := math.Round(float64(wbgt*10)) / 10
	switch {
	case r <= 27.8:
		return LevelNormal
	case r <= 30.0:
		return LevelLimitIntense
	case r <= 32.2:
		return LevelCancelUnacclimatised
	}
	return LevelCancelAll
}

var levelNames = [...]string{"normal", "limit-intense", "cancel-unacclimatised", "cancel-all"}

func (l Level) String() string {
	if l < 0 || int(l) >= len(levelNames) {
		return "Level(?)"
	}
	return levelNames[l]
}

// Text is the advice as a school or club would post it.
func (l Level) Text() Text {
	switch l {
	case LevelNormal:
		return Text{
			ZH: "可正常进行户外活动，注意适时补水。",
			EN: "Normal outdoor activity; drink water regularly.",
		}
	case LevelLimitIntense:
		return Text{
			ZH: "限制高强度运动：缩短运动时间，增加阴凉处休息和饮水次数。",
			EN: "Limit intense exercise: shorten sessions, add rest breaks in the shade and water breaks.",
		}
	case LevelCancelUnacclimatised:
		return Text{
			ZH: "未适应高温者及体弱、患病者停止户外运动；其他人仅可进行轻度活动并密切观察。",
			EN: "Cancel outdoor exercise for anyone not used to the heat or unwell; others only light activity, watched closely.",
		}
	case LevelCancelAll:
		return Text{
			ZH: "停止一切户外体育活动，转到室内或阴凉通风处。",
			EN: "Cancel all outdoor exercise; move indoors or to cool, shaded, ventilated places.",
		}
	}
	return Text{ZH: "未知", EN: "unknown"}
}
