// Texts people read, in Simplified Chinese and English. The language comes
// from ?lang=, then the browser; protocol texts carry both languages and
// pick() chooses.
const STRINGS = {
  'zh-CN': {
    title: 'RescueDrill 演练', join: '加入演练', joinCode: '加入码', name: '名字', connecting: '正在连接…', retrying: '服务器繁忙，正在重试…',
    joined: '已加入', slot: '位置', phase: ['等待开始', '进行中', '已暂停', '已结束'], tick: '时刻',
    enterVR: '进入 VR', enterAR: '桌面 AR', noXR: '此设备不支持 WebXR：使用三维视图（WASD 移动，拖动转向）',
    xrHint: '头显中：指向并选择；Apple Vision Pro：注视并捏合 · look and pinch',
    warning: '预警', hazards: ['', '暴雨', '高温', '地质灾害'], levels: ['解除', '蓝色', '黄色', '橙色', '红色'],
    prompt: '请选择', accepted: '已记录', rejected: '未被接受', score: '得分', results: '演练结果', closed: '连接已断开',
    actions: '行动', act: { switch_off_power: '关闭电源', take_water: '拿水', drink: '喝水', call_120: '拨打120', report_hazard: '报告险情', help: '帮助', give_water: '给水', move_to_shade: '到阴凉处', rest: '休息', take_belongings: '拿随身物品' },
    console: '演练控制台', token: '组织者令牌', scenario: '场景', builtin: '内置场景', upload: '上传 YAML', validate: '检查', create: '创建演练',
    start: '开始', pause: '暂停', resume: '继续', end: '结束', inject: '触发事件', warn: '发布预警', send: '发送', participants: '参与者',
    problems: '问题', noProblems: '没有问题', layers: '图层', water: '水深', debris: '滑坡堆积 / 风险', heat: '高温', outcome: '结果', objective: '目标', rating: '评级', points: '分数',
    joinHere: '扫码加入', copy: '复制',
    classAvg: (avg, max, n, bots) => `全班平均分 ${avg} / ${max}（${n} ${bots ? '个机器人' : '名学生'}）`,
    outcomes: { safe: '安全', active: '安全', unsafe: '未到达安全地点', swept: '被水冲走', buried: '被掩埋', collapsed: '中暑倒下', left: '中途离开' },
  },
  en: {
    title: 'RescueDrill', join: 'Join the drill', joinCode: 'Join code', name: 'Name', connecting: 'Connecting…', retrying: 'Server busy, trying again…',
    joined: 'Joined', slot: 'slot', phase: ['Waiting to start', 'Running', 'Paused', 'Ended'], tick: 'tick',
    enterVR: 'Enter VR', enterAR: 'Tabletop AR', noXR: 'No WebXR here: 3-D view (WASD to move, drag to turn)',
    xrHint: 'In a headset: point and select; on Apple Vision Pro: look and pinch · 注视并捏合',
    warning: 'Warning', hazards: ['', 'Rainstorm', 'High temperature', 'Geological hazard'], levels: ['lifted', 'Blue', 'Yellow', 'Orange', 'Red'],
    prompt: 'Choose', accepted: 'Recorded', rejected: 'Not accepted', score: 'Score', results: 'Results', closed: 'Disconnected',
    actions: 'Actions', act: { switch_off_power: 'Switch off power', take_water: 'Take water', drink: 'Drink', call_120: 'Call 120', report_hazard: 'Report hazard', help: 'Help', give_water: 'Give water', move_to_shade: 'Move to shade', rest: 'Rest', take_belongings: 'Take belongings' },
    console: 'Drill console', token: 'Facilitator token', scenario: 'Scenario', builtin: 'Built-in', upload: 'Upload YAML', validate: 'Check', create: 'Create drill',
    start: 'Start', pause: 'Pause', resume: 'Resume', end: 'End', inject: 'Fire inject', warn: 'Issue warning', send: 'Send', participants: 'Participants',
    problems: 'Problems', noProblems: 'No problems', layers: 'Layers', water: 'Water depth', debris: 'Landslide debris / risk', heat: 'Heat', outcome: 'Outcome', objective: 'Objective', rating: 'Rating', points: 'Points',
    joinHere: 'Scan to join', copy: 'Copy',
    classAvg: (avg, max, n, bots) => `Class average ${avg} of ${max} (${n} ${bots ? (n === 1 ? 'bot' : 'bots') : (n === 1 ? 'pupil' : 'pupils')})`,
    outcomes: { safe: 'Safe', active: 'Safe', unsafe: 'Not in a safe place', swept: 'Swept away', buried: 'Buried', collapsed: 'Collapsed from heat', left: 'Left the drill' },
  },
};

export const lang = (() => {
  const q = new URLSearchParams(location.search).get('lang');
  const l = q || navigator.language || 'zh-CN';
  return l.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
})();

export const S = STRINGS[lang];
export const other = STRINGS[lang === 'en' ? 'zh-CN' : 'en'];

// pick chooses a protocol text's language.
export const pick = (t) => (t ? (lang === 'en' ? t.en || t.zh : t.zh || t.en) : '');

// bi writes both languages, the page's first (signs and warnings show both).
export const bi = (key) => `${S[key]} · ${other[key]}`;

// Warning colours (GB/T 27962 style signal colours).
export const LEVEL_COLOURS = ['#888888', '#1e6fd9', '#f2c200', '#f07800', '#d71920'];
