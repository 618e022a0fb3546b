// The after-action report from the console: the same offline HTML file
// `drill report` writes (and the CSV and xAPI statements of `drill xapi`),
// fetched from GET /api/drills/{id}/report with the facilitator token as a
// Bearer header and offered as a download (a Blob and a.download; no new window,
// so no pop-up blocker and the token never sits in a URL). The server
// refuses every token but the facilitator's: the report names the
// children.
import { lang } from './i18n.js';

const STRINGS = {
  'zh-CN': {
    report: '复盘报告', soFar: '目前的复盘报告', csv: '成绩表 CSV', xapi: '学习记录 xAPI', earlier: '以前演练的复盘报告',
    drill: '演练编号或加入码', token: '组织者令牌', get: '下载报告', fetching: '正在生成报告…', busy: '服务器繁忙，正在重试…',
    saved: '已下载', provisional: '（演练尚未结束，为目前的情况）', failed: '无法获取报告',
  },
  en: {
    report: 'After-action report', soFar: 'Report so far', csv: 'Results CSV', xapi: 'Learning records (xAPI)', earlier: "An earlier drill's report",
    drill: 'Drill ID or join code', token: 'Facilitator token', get: 'Download the report', fetching: 'Making the report…', busy: 'Server busy, retrying…',
    saved: 'Downloaded', provisional: '(the drill has not ended: so far)', failed: 'The report could not be fetched',
  },
};
const T = STRINGS[lang];
const O = STRINGS[lang === 'en' ? 'zh-CN' : 'en'];
const both = (k) => `${T[k]} · ${O[k]}`;

let state = { reports: [] };

// fetchReport fetches a report and hands it to the browser as a download.
// A 503 (every render slot busy) is retried after Retry-After, a few
// times. It resolves to what arrived (window.__console.reports, for tests).
export async function fetchReport(ref, token, format = 'html', onBusy = () => {}) {
  const url = `/api/drills/${encodeURIComponent(ref)}/report?lang=both&format=${format}`;
  for (let attempt = 0; ; attempt++) {
    const r = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
    if (r.status === 503 && attempt < 5) {
      onBusy();
      await new Promise((ok) => setTimeout(ok, 1000 * Math.min(10, +r.headers.get('Retry-After') || 2)));
      continue;
    }
    if (!r.ok) {
      let msg = `HTTP ${r.status}`;
      try { msg = (await r.json()).error || msg; } catch { /* not JSON */ }
      throw new Error(msg);
    }
    const blob = await r.blob();
    const name = /filename="([^"]+)"/.exec(r.headers.get('Content-Disposition') || '')?.[1] || `rescuedrill-report-${ref}.${format === 'xapi' ? 'json' : format}`;
    const href = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = href;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 60000);
    const got = { name, size: blob.size, type: blob.type, final: r.headers.get('X-Report-Final') === 'true', head: (await blob.slice(0, 64).text()) };
    state.reports.push(got);
    return got;
  }
}

// reportButtons are the report and CSV buttons for one drill, with a line
// saying how the last fetch went. ended: the drill is over (else "so far").
function reportButtons(ref, token, ended) {
  const box = document.createElement('div');
  box.className = 'controls report';
  const note = document.createElement('span');
  note.className = 'report-note';
  const button = (label, format) => {
    const b = document.createElement('button');
    b.textContent = label;
    b.dataset.format = format;
    b.onclick = async () => {
      b.disabled = true;
      note.textContent = T.fetching;
      try {
        const got = await fetchReport(ref, token, format, () => { note.textContent = T.busy; });
        note.textContent = `${T.saved}: ${got.name}${got.final ? '' : ' ' + T.provisional}`;
      } catch (e) {
        note.textContent = `${T.failed}: ${e.message}`;
        state.reportError = e.message;
      } finally {
        b.disabled = false;
      }
    };
    return b;
  };
  box.append(button(ended ? both('report') : both('soFar'), 'html'), button(both('csv'), 'csv'), button(both('xapi'), 'xapi'), note);
  return box;
}

// offerReport puts the buttons for the console's drill (state.report: its
// ID or join code and the token) into container, replacing earlier ones
// there.
export function offerReport(container, ended) {
  if (!state.report) return;
  container.querySelector(':scope > .report')?.remove();
  if (ended) document.getElementById('report-sofar')?.remove(); // one button, the final report's
  const box = reportButtons(state.report.ref, state.report.token, ended);
  box.id = ended ? 'report-final' : 'report-sofar';
  container.append(box);
}

// mountReports keeps its record in the console's state and adds, under the
// setup panel, a form for an earlier drill's report (after a restart the
// drill is only in the data directory): its ID — GET /api/reports offers
// the stored drills — and the facilitator token.
export async function mountReports(consoleState) {
  state = consoleState;
  state.reports = [];
  const det = document.createElement('details');
  det.id = 'earlier-report';
  const sum = document.createElement('summary');
  sum.textContent = both('earlier');
  const ref = input('er-drill', both('drill'));
  const tok = input('er-token', both('token'));
  const list = document.createElement('datalist');
  list.id = 'er-drills';
  ref.querySelector('input').setAttribute('list', list.id);
  const go = document.createElement('button');
  go.id = 'er-get';
  go.textContent = both('get');
  const holder = document.createElement('div');
  go.onclick = () => {
    const r = ref.querySelector('input').value.trim(), t = tok.querySelector('input').value.trim();
    if (!r || !t) return;
    holder.replaceChildren(reportButtons(r, t, true));
    holder.querySelector('button').click();
  };
  det.append(sum, ref, tok, list, go, holder);
  document.getElementById('setup').append(det);
  try {
    // Every stored drill with a journal, ended ones from before a restart
    // too (GET /api/drills has only those in memory).
    const drills = await (await fetch('/api/reports')).json();
    for (const d of drills) list.append(new Option(`${d.scenario} · ${d.created.slice(0, 16).replace('T', ' ')} UTC · ${d.state} · ${d.participants}`, d.id));
    state.earlierDrills = drills.length;
  } catch { /* the list is a convenience */ }
}

function input(id, label) {
  const l = document.createElement('label');
  const i = document.createElement('input');
  i.id = id;
  l.append(`${label} `, i);
  return l;
}
