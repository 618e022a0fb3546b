// Connection speaks the protocol (wire.js) over WebTransport: the first
// bidirectional stream is the control stream, datagrams carry poses and
// snapshots (docs/protocol.md §1). It is shared by the participant page and
// the facilitator console; the page decides what to do with each message.
import * as wire from './wire.js';

export const ROLE = { participant: 1, spectator: 2, facilitator: 3 };

// loadConfig fetches the certificate hash a self-signed server must be
// pinned with (served by server/web over the page's HTTPS connection).
export async function loadConfig() {
  const r = await fetch('/api/web/config');
  if (!r.ok) throw new Error(`config: HTTP ${r.status}`);
  return r.json();
}

export class Connection {
  // opts: {role, joinCode, name, lang, facToken, token}
  constructor(opts) {
    this.opts = opts;
    this.handlers = {};
    this.seq = 0;
    this.poseSeq = 0;
    this.decoder = null;
    this.welcome = null;
    this.terrain = null;
    this.closed = false;
    this.pending = new Map(); // seq → resolve for ChoiceAck / CommandAck
    this.stats = { snapshots: 0, dropped: 0, datagramsIn: 0, framesIn: 0 };
  }
  on(type, fn) { (this.handlers[type] ||= []).push(fn); return this; }
  emit(type, m) { for (const fn of this.handlers[type] || []) fn(m); }

  async open() {
    const cfg = await loadConfig();
    const url = `https://${location.host}${cfg.wt_path}`;
    const wtOpts = {};
    if (cfg.cert_hash && cfg.cert_hash.length) {
      wtOpts.serverCertificateHashes = [{ algorithm: 'sha-256', value: new Uint8Array(cfg.cert_hash) }];
    }
    this.wt = new WebTransport(url, wtOpts);
    await this.wt.ready;
    // From here on the server may read our Hello; before, a failure means
    // nobody joined (a refused or unreachable server).
    this.reached = true;
    this.wt.closed.then((info) => this.onClosed(info), (err) => this.onClosed({ reason: String(err) }));
    const stream = await this.wt.createBidirectionalStream();
    this.writer = stream.writable.getWriter();
    this.readLoop(stream.readable);
    this.datagramLoop();
    this.dgWriter = this.wt.datagrams.writable.getWriter();
    const o = this.opts;
    // Optional features (protocol §5.8): participants see their classmates'
    // heads and hands (xr) and where their hands point (aim), the console
    // gets the landslide risk layer (risk; the server grants it to
    // spectators and facilitators only).
    const xr = o.xr ?? o.role === ROLE.participant, risk = o.risk ?? o.role !== ROLE.participant;
    this.aim = xr && (o.aim ?? o.role === ROLE.participant);
    // A pupil's page asks for the class summary (§4.13): the class average
    // and outcome counts without anyone's names, shown with its results.
    const classSummary = o.classSummary ?? o.role === ROLE.participant;
    await this.sendMsg({ type: 'hello', role: o.role, joinCode: o.joinCode || '', name: o.name || '', lang: o.lang || 'zh-CN', datagrams: true, token: o.token || null, facToken: o.facToken || '', terrainHash: 0n, risk, xr, aim: this.aim, classSummary });
  }

  onClosed(info) {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.poseTimer);
    this.emit('closed', info || {});
  }

  close() { try { this.wt?.close({ closeCode: 0, reason: 'bye' }); } catch { /* already closed */ } }

  async sendMsg(m) {
    const b = wire.frame(wire.encodeMessage(m));
    await this.writer.write(b);
  }

  async readLoop(readable) {
    const fr = new wire.FrameReader();
    const reader = readable.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        fr.push(value);
        for (let b; (b = fr.next());) { this.stats.framesIn++; this.handle(b); }
      }
    } catch (e) {
      this.emit('fault', e);
    }
  }

  async datagramLoop() {
    const reader = this.wt.datagrams.readable.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.stats.datagramsIn++;
        if (value[0] === wire.T.snapshot) this.snapshot(value);
      }
    } catch { /* the connection closed */ }
  }

  handle(b) {
    if (b[0] === wire.T.snapshot) { this.snapshot(b); return; }
    let m;
    try { m = wire.decodeMessage(b); } catch (e) { this.emit('fault', e); return; }
    switch (m.type) {
      case 'welcome':
        this.welcome = m;
        this.decoder = new wire.SnapshotDecoder(m.grid, m.layers);
        this.decoder.expectAim(this.aim); // as the Hello asked (§5.8 hand aim)
        this.emit('welcome', m);
        this.snapshot(m.full);
        this.poseTimer = setInterval(() => this.sendPose(), 100);
        return;
      case 'terrain': this.terrain = m; break;
      case 'choice_ack': case 'command_ack': {
        const p = this.pending.get(m.seq);
        if (p) { this.pending.delete(m.seq); p(m); }
        break;
      }
      case 'ping': this.sendMsg({ type: 'pong', nonce: m.nonce, tick: 0 }).catch(() => {}); break;
    }
    this.emit(m.type, m);
  }

  snapshot(b) {
    if (!this.decoder) return;
    let s;
    try { s = this.decoder.decode(b); } catch (e) { this.emit('fault', e); return; }
    if (!s) { this.stats.dropped++; return; }
    this.stats.snapshots++;
    this.lastTick = s.tick;
    this.emit('snapshot', s);
  }

  // sendPose sends the participant's intent (move, heading, optional XR
  // poses) with the decoder's acknowledgements. Spectators and
  // facilitators send poses too (no movement) so their snapshots stay
  // deltas against an acknowledged baseline.
  sendPose(p = this.lastPose || {}) {
    if (!this.decoder || this.closed) return;
    this.lastPose = p;
    const { ack, ackBits } = this.decoder.ack();
    const m = { type: 'pose', ack, ackBits, seq: ++this.poseSeq, tickHint: this.lastTick || 0,
      moveX: clampInt(p.moveX || 0, -1000, 1000), moveY: clampInt(p.moveY || 0, -1000, 1000),
      heading: ((Math.round(p.heading || 0) % 36000) + 36000) % 36000, run: !!p.run, head: p.head || null, hands: p.hands || null };
    const b = wire.encodeMessage(m);
    const max = this.wt.datagrams.maxDatagramSize || 1200;
    if (b.length <= max) this.sendDatagram(b);
    else this.sendMsg(m).catch(() => {});
  }

  // sendDatagram writes a pose datagram, or keeps it as the next one while
  // the previous write is in flight (a newer pose replaces it): a pose
  // supersedes the ones before it, so none should wait behind another.
  // Chromium hands datagrams to its network process one at a time, each
  // after a task on the page's main thread; a page whose main thread is
  // busy rendering (a headset, software WebGL) drains that queue slower
  // than it fills it — in the Vision Pro browser test 40 old "walk" poses
  // queued and the stop reached the server 10 s late (a teleport overshot
  // its target by 15 m).
  sendDatagram(b) {
    if (this.dgBusy) { this.dgNext = b; return; }
    this.dgBusy = true;
    this.dgWriter.write(b).catch(() => {}).finally(() => {
      this.dgBusy = false;
      const next = this.dgNext;
      this.dgNext = null;
      if (next && !this.closed) this.sendDatagram(next);
    });
  }

  // choice sends an act (kind 1) or an answer (kind 2) and resolves with
  // its ChoiceAck.
  choice(kind, action, target) {
    const seq = ++this.seq;
    return new Promise((resolve) => {
      this.pending.set(seq, resolve);
      this.sendMsg({ type: 'choice', seq, kind, action, target, tickHint: this.lastTick || 0 }).catch(() => {});
    });
  }

  // command sends a facilitator command (op 1 start … 6 warn) and resolves
  // with its CommandAck.
  command(op, { inject = '', hazard = 0, level = 0 } = {}) {
    const seq = ++this.seq;
    return new Promise((resolve) => {
      this.pending.set(seq, resolve);
      this.sendMsg({ type: 'command', seq, op, inject, hazard, level }).catch(() => {});
    });
  }
}

function clampInt(v, lo, hi) { return Math.max(lo, Math.min(hi, Math.round(v))); }
