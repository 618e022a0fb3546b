package heat

// Stage is how far heat illness has gone.
type Stage int

const (
	StageNormal Stage = iota
	// StageHeatExhaustion: core ≥ 38.5 °C or water deficit ≥ 3 % of body
	// mass. Conscious, sweating heavily; rest, shade, water and cooling
	// reverse it.
	StageHeatExhaustion
	// StageHeatStroke: core ≥ 40 °C. Confused, skin hot and dry; a medical
	// emergency: call 120 and cool at once.
	StageHeatStroke
	// StageCollapsed: core ≥ 41 °C. Unconscious on the ground.
	StageCollapsed
)

var stageNames = [...]string{"normal", "heat-exhaustion", "heat-stroke", "collapsed"}

func (s Stage) String() string {
	if s < 0 || int(s) >= len(stageNames) {
		return "Stage(?)"
	}
	return stageNames[s]
}

// Text names the stage.
func (s Stage) Text() Text {
	switch s {
	case StageHeatExhaustion:
		return Text{ZH: "热衰竭", EN: "heat exhaustion"}
	case StageHeatStroke:
		return Text{ZH: "热射病（重症中暑）", EN: "heat stroke"}
	case StageCollapsed:
		return Text{ZH: "晕倒", EN: "collapsed"}
	}
	return Text{ZH: "正常", EN: "normal"}
}

// FirstAid is what a bystander should do at this stage.
func (s Stage) FirstAid() Text {
	switch s {
	case StageHeatExhaustion:
		return Text{
			ZH: "扶到阴凉通风处躺下休息，松开衣物，用湿毛巾擦身并扇风，神志清醒时小口喝水或淡盐水；30分钟内不见好转就拨打120。",
			EN: "Move them to a cool, shaded, airy place to lie down; loosen clothing, wet the skin and fan; if fully awake, give small sips of water; call 120 if not better within 30 minutes.",
		}
	case StageHeatStroke, StageCollapsed:
		return Text{
			ZH: "立即拨打120。马上降温：移到阴凉处，用冷水浸泡或冷水淋湿全身并扇风，冰袋放在颈部、腋下和腹股沟；神志不清时不要喂水；昏迷者侧卧，保持呼吸道通畅。",
			EN: "Call 120 now. Cool at once: move to shade, immerse in cold water or soak the whole body and fan, ice packs at neck, armpits and groin; give nothing to drink if confused; lay an unconscious person on their side and keep the airway clear.",
		}
	}
	return Text{
		ZH: "注意补水，避开高温时段的剧烈活动，留意同伴的状态。",
		EN: "Keep drinking, avoid hard exercise in the hottest hours, and watch the people around you.",
	}
}

// Symptom is a sign that others can see, which NPCs show so that
// participants can recognise heat illness.
type Symptom int

const (
	// Heat exhaustion.
	SymptomSweatingHeavily Symptom = iota
	SymptomPale
	SymptomDizzy
	SymptomNausea
	// Heat stroke.
	SymptomHotDrySkin
	SymptomConfused
	SymptomCollapsed
)

var symptomNames = [...]string{"sweating-heavily", "pale", "dizzy", "nausea", "hot-dry-skin", "confused", "collapsed"}

func (s Symptom) String() string {
	if s < 0 || int(s) >= len(symptomNames) {
		return "Symptom(?)"
	}
	return symptomNames[s]
}

// Text describes the symptom as a first-aider would.
func (s Symptom) Text() Text {
	switch s {
	case SymptomSweatingHeavily:
		return Text{ZH: "大量出汗", EN: "sweating heavily"}
	case SymptomPale:
		return Text{ZH: "面色苍白、皮肤湿冷", EN: "pale, cool, clammy skin"}
	case SymptomDizzy:
		return Text{ZH: "头晕、乏力", EN: "dizzy and weak"}
	case SymptomNausea:
		return Text{ZH: "恶心、想吐", EN: "feeling sick"}
	case SymptomHotDrySkin:
		return Text{ZH: "皮肤发红、灼热、干燥", EN: "red, hot, dry skin"}
	case SymptomConfused:
		return Text{ZH: "意识模糊、言语混乱", EN: "confused, slurred speech"}
	case SymptomCollapsed:
		return Text{ZH: "晕倒、叫不醒", EN: "collapsed, does not respond"}
	}
	return Text{ZH: "未知", EN: "unknown"}
}

// symptomsByStage lists, in a fixed order, what each stage shows. The
// lists are the classic first-aid contrast: exhaustion is wet and pale,
// stroke is hot, dry and confused.
var symptomsByStage = [...][]Symptom{
	StageNormal:         nil,
	StageHeatExhaustion: {SymptomSweatingHeavily, SymptomPale, SymptomDizzy, SymptomNausea},
	StageHeatStroke:     {SymptomHotDrySkin, SymptomConfused},
	StageCollapsed:      {SymptomHotDrySkin, SymptomCollapsed},
}

// Symptoms returns the visible signs of the body's stage, in a fixed order.
// The slice is fresh; callers may keep or change it.
func (b *Body) Symptoms() []Symptom {
	if b.Stage < 0 || int(b.Stage) >= len(symptomsByStage) {
		return nil
	}
	return append([]Symptom(nil), symptomsByStage[b.Stage]...)
}
