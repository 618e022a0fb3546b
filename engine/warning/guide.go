package warning

// Guide is what a warning says: the criterion it was issued on and the
// actions for the public and for schools, two to four concrete sentences
// each. The actions follow the CMA defence guidelines for each signal
// (预警信号防御指南), written as the action guides the project's source
// article asks for (blue 准备, yellow 关注, orange 规避, red 转移), and in the
// project's own words.
type Guide struct {
	Criteria Text // when this signal is issued
	Public   Text // what everyone should do
	School   Text // what schools and kindergartens should do
}

// Title is the headline of a warning: "暴雨橙色预警信号" / "Rainstorm Orange
// Warning", or the lifting of one.
func Title(h Hazard, l Level) Text {
	n := h.Name()
	if l == None {
		if h == Geological {
			return Text{ZH: n.ZH + "预警解除", EN: n.EN + " Warning Lifted"}
		}
		return Text{ZH: n.ZH + "预警信号解除", EN: n.EN + " Warning Lifted"}
	}
	c := l.Name()
	if h == Geological {
		return Text{ZH: n.ZH + c.ZH + "预警", EN: n.EN + " " + c.EN + " Warning"}
	}
	return Text{ZH: n.ZH + c.ZH + "预警信号", EN: n.EN + " " + c.EN + " Warning"}
}

// GuideFor returns the guide for hazard h at level l (None: the all-clear
// guide), and false for a combination that has no signal (see Allowed).
func GuideFor(h Hazard, l Level) (Guide, bool) {
	if !Allowed(h, l) {
		return Guide{}, false
	}
	return guides[h-1][l], true
}

// guides[hazard−1][level]. High temperature has no blue signal; its blue
// entry stays empty and GuideFor refuses it.
var guides = [numHazards][5]Guide{
	Rainstorm - 1: {
		None: {
			Criteria: Text{ZH: "暴雨预警信号解除。", EN: "The rainstorm warning is lifted."},
			Public: Text{
				ZH: "暴雨预警已解除，但仍要注意积水、塌方和松动的山坡。危险区域未经确认安全前不要返回。",
				EN: "The rainstorm warning is lifted, but watch for standing water, collapsed ground and loosened slopes. Do not return to danger zones until they are declared safe.",
			},
			School: Text{
				ZH: "检查校舍、电路和排水设施后再恢复上课。确认学生上下学的道路安全，被淹过的场地清理消毒后再使用。",
				EN: "Check buildings, wiring and drains before classes resume. Make sure the roads pupils take to school are safe, and clean and disinfect flooded grounds before they are used again.",
			},
		},
		Blue: {
			Criteria: Text{
				ZH: "12小时内降雨量将达50毫米以上，或者已达50毫米以上且降雨可能持续。",
				EN: "50 mm or more of rain expected within 12 hours, or already fallen with more to come.",
			},
			Public: Text{
				ZH: "做好防暴雨准备：清理阳台、屋顶排水口，收好室外容易被冲走的物品。出行注意道路积水和交通阻塞，尽量避开低洼路段。",
				EN: "Get ready for heavy rain: clear balcony and roof drains and bring in anything the water could carry off. When you travel, watch for standing water and traffic jams and keep off low-lying roads.",
			},
			School: Text{
				ZH: "学校、幼儿园检查排水设施和低洼教室，安排好学生上下学的安全。提醒学生不要在河边、沟边逗留。",
				EN: "Schools and kindergartens check drains and low-lying classrooms and plan safe journeys to and from school. Remind pupils not to linger by rivers or ditches.",
			},
		},
		Yellow: {
			Criteria: Text{
				ZH: "6小时内降雨量将达50毫米以上，或者已达50毫米以上且降雨可能持续。",
				EN: "50 mm or more of rain expected within 6 hours, or already fallen with more to come.",
			},
			Public: Text{
				ZH: "密切关注雨情和预警更新。暂停空旷地带的户外作业，离开低洼地带和危房，到安全的地方避雨。切断低洼处有危险的室外电源，不要在大树下、电线杆旁避雨。",
				EN: "Follow the rain and the warning updates closely. Stop outdoor work in open ground; leave low-lying areas and unsafe buildings and shelter somewhere safe. Switch off dangerous outdoor power in low areas; do not shelter under big trees or beside power poles.",
			},
			School: Text{
				ZH: "停止户外活动课，学生留在安全的教室内。放学时由老师护送或家长接送，避开积水路段和河沟。",
				EN: "Cancel outdoor lessons and keep pupils in safe classrooms. At home time teachers escort pupils or parents collect them, avoiding flooded roads, rivers and ditches.",
			},
		},
		Orange: {
			Criteria: Text{
				ZH: "3小时内降雨量将达50毫米以上，或者已达50毫米以上且降雨可能持续。",
				EN: "50 mm or more of rain expected within 3 hours, or already fallen with more to come.",
			},
			Public: Text{
				ZH: "避免外出，远离河道、沟谷、陡坡和地下空间。切断有危险的室外电源，暂停户外作业。留意山洪、滑坡、泥石流的征兆，一旦发现立即撤离。",
				EN: "Avoid going out; keep away from river channels, gullies, steep slopes and underground spaces. Switch off dangerous outdoor power and stop outdoor work. Watch for signs of flash floods, landslides and debris flows, and leave at once if you see them.",
			},
			School: Text{
				ZH: "处于危险地带的学校停课；已到校的学生留在安全楼层，由老师看护。不让学生自行离校，等雨势减弱或家长到校接送。",
				EN: "Schools in danger zones close; pupils already at school stay on safe floors in their teachers' care. Do not let pupils leave on their own; wait for the rain to ease or for parents to collect them.",
			},
		},
		Red: {
			Criteria: Text{
				ZH: "3小时内降雨量将达100毫米以上，或者已达100毫米以上且降雨可能持续。",
				EN: "100 mm or more of rain expected within 3 hours, or already fallen with more to come.",
			},
			Public: Text{
				ZH: "听从指挥，立即转移到高处或指定避难场所。不要停留在地下室、地下车库、下穿通道和河岸边，不要涉水或开车穿越积水。停止集会，除特殊行业外停工停业。",
				EN: "Follow instructions and move to high ground or the designated shelter now. Do not stay in basements, underground car parks, underpasses or on riverbanks, and do not walk or drive through floodwater. Gatherings stop, and all but essential work stops.",
			},
			School: Text{
				ZH: "全面停课，取消一切集会和集体活动。在校学生由老师组织转移到高处安全区域并清点人数，不让任何学生独自离校。",
				EN: "All classes stop and all gatherings and group activities are cancelled. Teachers move pupils on site to safe high ground and count them; no pupil leaves alone.",
			},
		},
	},
	HighTemp - 1: {
		None: {
			Criteria: Text{ZH: "高温预警信号解除。", EN: "The high-temperature warning is lifted."},
			Public: Text{
				ZH: "高温预警已解除。天气仍然较热，继续注意补水和休息。",
				EN: "The high-temperature warning is lifted. It is still warm: keep drinking water and taking rests.",
			},
			School: Text{
				ZH: "恢复正常作息。体育活动的强度逐步恢复，仍要安排饮水时间。",
				EN: "Return to the normal timetable. Build PE back up gradually and keep the water breaks.",
			},
		},
		Yellow: {
			Criteria: Text{
				ZH: "连续三天日最高气温将在35℃以上。",
				EN: "Daily highs of 35 °C or more for three days running.",
			},
			Public: Text{
				ZH: "午后尽量减少户外活动，外出做好遮阳并及时补水。关心家中老人、病人和幼儿，做好防暑降温。",
				EN: "Cut down outdoor activity in the afternoon; cover up from the sun when you go out and drink regularly. Look after older, sick and very young people at home and keep them cool.",
			},
			School: Text{
				ZH: "减少午后户外体育课和活动，安排在阴凉处休息和饮水。老师留意学生有无头晕、大汗、面色苍白等中暑症状。",
				EN: "Reduce afternoon PE and outdoor activities, with rest in the shade and water breaks. Teachers watch pupils for signs of heat illness: dizziness, heavy sweating, pale skin.",
			},
		},
		Orange: {
			Criteria: Text{
				ZH: "24小时内最高气温将升至37℃以上。",
				EN: "Temperature rising to 37 °C or more within 24 hours.",
			},
			Public: Text{
				ZH: "避免在高温时段（约11时至16时）进行户外活动，户外作业人员缩短连续工作时间。为老、弱、病、幼做好防暑措施。注意用电安全，防止电线和电器过载引发火灾。",
				EN: "Avoid outdoor activity in the hottest hours (about 11:00 to 16:00); outdoor workers shorten their spells of continuous work. Protect older, frail, sick and very young people from the heat. Use electricity with care: overloaded wiring and appliances start fires.",
			},
			School: Text{
				ZH: "高温时段停止户外体育课和集体活动，改在室内进行。教室保持通风降温，备好饮用水和防暑药品。",
				EN: "Move PE and group activities indoors during the hottest hours. Keep classrooms ventilated and cool, with drinking water and heat first-aid supplies ready.",
			},
		},
		Red: {
			Criteria: Text{
				ZH: "24小时内最高气温将升至40℃以上。",
				EN: "Temperature rising to 40 °C or more within 24 hours.",
			},
			Public: Text{
				ZH: "停止户外露天作业（特殊行业除外），尽量留在室内阴凉处或避暑场所。对老、弱、病、幼采取保护措施，发现中暑者立即降温并拨打120。特别注意防火。",
				EN: "Stop outdoor work in the open (except essential services) and stay indoors somewhere cool or in a public cooling centre. Protect older, frail, sick and very young people; cool anyone with heat illness at once and call 120. Take special care against fire.",
			},
			School: Text{
				ZH: "停止一切户外活动，学生转移到有空调或通风良好的室内。必要时调整作息或停课，并安排专人巡查学生的身体状况。",
				EN: "Stop all outdoor activity and move pupils to air-conditioned or well-ventilated rooms. Change the timetable or close if needed, and have staff check on pupils' health.",
			},
		},
	},
	Geological - 1: {
		None: {
			Criteria: Text{ZH: "地质灾害气象风险预警解除。", EN: "The geological-hazard risk warning is lifted."},
			Public: Text{
				ZH: "地质灾害风险预警已解除。雨停后山体仍可能滑动，隐患点未经排查不要返回。",
				EN: "The geological-hazard warning is lifted. Slopes can still move after the rain stops; do not go back to hazard points until they have been checked.",
			},
			School: Text{
				ZH: "校园周边边坡和校舍经排查确认安全后再复课。复课后继续留意边坡有无新的裂缝。",
				EN: "Reopen only after the slopes around the school and its buildings have been checked and found safe. Keep watching the slopes for new cracks afterwards.",
			},
		},
		Blue: {
			Criteria: Text{
				ZH: "地质灾害气象风险四级：有一定风险（不对公众发布）。",
				EN: "Level 4: some risk of geological hazards (not issued to the public).",
			},
			Public: Text{
				ZH: "了解住处附近的地质灾害隐患点和撤离路线，备好应急包。下雨时留意房屋和山坡有无新的裂缝。",
				EN: "Learn the hazard points and escape routes near your home and keep an emergency bag ready. When it rains, check houses and slopes for new cracks.",
			},
			School: Text{
				ZH: "学校检查周边边坡和挡土墙。核对撤离路线和集合点，向学生讲解滑坡征兆。",
				EN: "Schools inspect nearby slopes and retaining walls. Check evacuation routes and assembly points, and teach pupils the warning signs of a landslide.",
			},
		},
		Yellow: {
			Criteria: Text{
				ZH: "地质灾害气象风险三级：风险较高。",
				EN: "Level 3: higher risk of geological hazards.",
			},
			Public: Text{
				ZH: "关注预警和巡查信息，少在山脚、沟谷和陡坎下停留。留意滑坡征兆：地面或墙体开裂、坡脚鼓胀、泉水突然变浑或断流、树木歪斜、异常响声。",
				EN: "Follow warnings and patrol reports, and spend less time at the foot of slopes, in gullies and under steep banks. Watch for landslide signs: cracks in the ground or walls, a bulging slope toe, springs suddenly muddy or dry, tilting trees, strange rumbling.",
			},
			School: Text{
				ZH: "暂停靠近边坡、沟谷的户外活动。安排专人巡查校园周边边坡，发现异常立即报告。",
				EN: "Stop outdoor activities near slopes and gullies. Have staff patrol the slopes around the school and report anything unusual at once.",
			},
		},
		Orange: {
			Criteria: Text{
				ZH: "地质灾害气象风险二级：风险高。",
				EN: "Level 2: high risk of geological hazards.",
			},
			Public: Text{
				ZH: "远离隐患点、陡坡、沟谷和河岸，夜间不在危险地带住宿。出现征兆时不要围观，立即向滑动方向的两侧撤离。",
				EN: "Keep away from known hazard points, steep slopes, gullies and riverbanks, and do not spend the night in danger zones. If signs appear, do not stop to watch: leave at once, sideways to the way the slope would slide.",
			},
			School: Text{
				ZH: "处于隐患区域的学校停课。在校学生由老师带领转移到远离边坡的安全区域，并清点人数。",
				EN: "Schools in hazard zones close. Teachers move pupils on site to safe ground away from slopes and count them.",
			},
		},
		Red: {
			Criteria: Text{
				ZH: "地质灾害气象风险一级：风险很高。",
				EN: "Level 1: very high risk of geological hazards.",
			},
			Public: Text{
				ZH: "危险区域内的人员立即转移到指定安置点，转移后不要擅自返回取物。不要走经过陡坡和沟谷的道路。",
				EN: "Everyone in danger zones moves to the designated shelter now and does not go back for belongings. Do not take roads that pass steep slopes or gullies.",
			},
			School: Text{
				ZH: "受威胁区域的学校全部停课。老师带领学生转移到安全地点并清点人数，交给家长前不让学生离开。",
				EN: "All schools in threatened areas close. Teachers lead pupils to safe ground, count them and keep them until they are handed to their parents.",
			},
		},
	},
}
