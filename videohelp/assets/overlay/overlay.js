// videohelp overlay page: mirrors the program's card layers from /overlay/ws.
//
// The server sends the same images the program composites (PNG, base64) and
// where they go; this page only positions them and runs the same transitions
// (progress per program frame, smoothstep easing, fade = opacity, slide = an
// offset to the card's edge of the frame) and the same crawl (whole pixels
// per frame). Text from the show only ever arrives inside images: nothing
// received is turned into markup. The page never reloads: it reconnects.
"use strict";

(function () {
  const stage = document.getElementById("stage");
  const root = document.documentElement;
  const layers = new Map();   // name -> state
  let fps = 30, width = 1920, height = 1080, socket = null, retry = 0;
  // The console closes an overlay socket that stays silent (not a page of ours); this
  // page says "ping" as often as the hello asks (heartbeat_s, 30 s by default).
  let heartbeatMs = 30000;
  const PNG = /^[A-Za-z0-9+/=]*$/;

  function ease(p) { p = Math.min(1, Math.max(0, p)); return p * p * (3 - 2 * p); }
  function frameNow() { return performance.now() * fps / 1000; }
  function num(v, d) { const n = Number(v); return Number.isFinite(n) ? n : d; }

  function image(png) {
    const img = document.createElement("img");
    img.alt = "";
    img.draggable = false;
    if (typeof png === "string" && PNG.test(png)) img.src = "data:image/png;base64," + png;
    return img;
  }

  function fit() {
    stage.style.width = width + "px";
    stage.style.height = height + "px";
    const scale = Math.min(window.innerWidth / width, window.innerHeight / height);
    // At the program's size (as OBS should be set) the page is pixel for pixel.
    stage.style.transform = Math.abs(scale - 1) < 1e-6 || !scale ? "" : "scale(" + scale + ")";
  }

  function build(state, msg) {
    const el = document.createElement("div");
    el.className = "layer";
    const card = msg.card || {};
    const base = image(card.png);
    base.style.left = num(card.x, 0) + "px";
    base.style.top = num(card.y, 0) + "px";
    el.appendChild(base);
    state.card = { x: num(card.x, 0), y: num(card.y, 0), w: num(card.w, 0), h: num(card.h, 0),
                   from: String(card.enter_from || "left") };
    state.crawl = null;
    if (msg.crawl) {
      const c = msg.crawl;
      const view = document.createElement("div");
      view.className = "crawl";
      view.style.left = num(c.x, 0) + "px";
      view.style.top = num(c.y, 0) + "px";
      view.style.width = num(c.w, 0) + "px";
      view.style.height = num(c.h, 0) + "px";
      const strip = image(c.png);
      view.appendChild(strip);
      el.appendChild(view);
      state.crawl = { strip: strip, width: num(c.w, 0), period: Math.max(1, num(c.period, 1)),
                      ppf: Math.max(1, num(c.ppf, 1)) };
    }
    el.style.zIndex = String(num(msg.z, 0));
    if (state.el) stage.replaceChild(el, state.el); else stage.appendChild(el);
    state.el = el;
  }

  function progress(state, frame) {
    const t = state.leaving ? state.leave : state.enter;
    if (!t.frames) return state.leaving ? 0 : 1;
    const step = (Math.floor(frame - state.start) + 1) / t.frames;
    return Math.min(1, Math.max(0, state.leaving ? state.from - step : state.from + step));
  }

  function transition(t) { t = t || {}; return { kind: String(t.kind || "cut"), frames: num(t.frames, 0) }; }

  function take(msg, snapshot) {
    const name = String(msg.layer);
    let state = layers.get(name);
    const now = frameNow();
    if (state && !state.leaving) {          // replaced in place: same progress, no flicker
      build(state, msg);
      state.crawlFrom = now;
      return;
    }
    const from = state ? progress(state, now - 1) : num(msg.progress, 0);
    state = state || {};
    state.enter = snapshot ? { kind: "cut", frames: 0 } : transition(msg.transition);
    state.leave = { kind: "cut", frames: 0 };
    state.leaving = false;
    state.start = now;
    state.from = snapshot ? 1 : from;
    state.crawlFrom = now - num(msg.travelled_frames, 0);
    build(state, msg);
    layers.set(name, state);
  }

  function update(msg) {
    const state = layers.get(String(msg.layer));
    if (state) build(state, msg);
  }

  function clear(msg) {
    const state = layers.get(String(msg.layer));
    if (!state || state.leaving) return;
    const now = frameNow();
    state.from = progress(state, now - 1);
    state.leave = transition(msg.transition);
    state.leaving = true;
    state.start = now;
  }

  function removeAll() {
    layers.forEach((state) => state.el && state.el.remove());
    layers.clear();
  }

  function look(state, frame) {
    const t = state.leaving ? state.leave : state.enter;
    const v = ease(progress(state, frame));
    if (t.kind === "fade") return { o: v, dx: 0, dy: 0 };
    if (t.kind === "slide" && v < 1) {
      const c = state.card;
      const d = { left: [-(c.x + c.w), 0], right: [width - c.x, 0], top: [0, -(c.y + c.h)],
                  bottom: [0, height - c.y] }[c.from] || [-(c.x + c.w), 0];
      return { o: v > 0 ? 1 : 0, dx: Math.round(d[0] * (1 - v)), dy: Math.round(d[1] * (1 - v)) };
    }
    return { o: v > 0 ? 1 : 0, dx: 0, dy: 0 };
  }

  function tick() {
    const frame = frameNow();
    let busy = false;
    const names = [];
    layers.forEach((state, name) => {
      const p = progress(state, frame);
      if (state.leaving && p <= 0) {
        state.el.remove();
        layers.delete(name);
        return;
      }
      if ((state.leaving && p > 0) || (!state.leaving && p < 1)) busy = true;
      const l = look(state, frame);
      state.el.style.opacity = l.o >= 1 ? "" : String(l.o);
      state.el.style.transform = l.dx || l.dy ? "translate(" + l.dx + "px," + l.dy + "px)" : "";
      if (state.crawl) {
        const c = state.crawl;
        const travelled = Math.max(0, Math.floor(frame - state.crawlFrom)) * c.ppf;
        const lead = c.width;
        const start = travelled < lead + c.period ? travelled : lead + (travelled - lead) % c.period;
        c.strip.style.left = -start + "px";
      }
      if (!state.leaving) names.push(name);
    });
    names.sort();
    root.dataset.layers = names.join(",");
    root.dataset.busy = busy ? "1" : "0";
    window.requestAnimationFrame(tick);
  }

  function onMessage(event) {
    let msg;
    try { msg = JSON.parse(event.data); } catch (e) { return; }
    if (!msg || typeof msg !== "object") return;
    switch (msg.type) {
      case "hello":
        fps = Math.max(1, num(msg.fps, 30));
        heartbeatMs = Math.max(100, num(msg.heartbeat_s, 30) * 1000);
        width = num(msg.width, 1920);
        height = num(msg.height, 1080);
        fit();
        removeAll();
        (msg.layers || []).forEach((layer) => take(layer, true));
        break;
      case "take": take(msg, false); break;
      case "update": update(msg); break;
      case "clear": case "auto_out": clear(msg); break;
      case "panic": removeAll(); break;
      default: return;
    }
    root.dataset.messages = String(num(root.dataset.messages, 0) + 1);
  }

  function connect() {
    const url = new URL("/overlay/ws", window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    // A console listening beyond loopback may protect the page with ?token=...: pass it on.
    const token = new URLSearchParams(window.location.search).get("token");
    if (token) url.searchParams.set("token", token);
    const ws = new WebSocket(url.href);
    socket = ws;
    let heartbeat = 0;
    const beat = () => {
      window.clearInterval(heartbeat);
      heartbeat = window.setInterval(() => {
        if (ws.readyState === WebSocket.OPEN) ws.send('{"type":"ping"}');
      }, heartbeatMs);
    };
    ws.onopen = () => { retry = 0; root.dataset.state = "connected"; beat(); };
    ws.onmessage = (event) => {
      const before = heartbeatMs;
      onMessage(event);
      if (heartbeatMs !== before) beat();
    };
    ws.onclose = () => {
      window.clearInterval(heartbeat);
      root.dataset.state = "disconnected";
      // Keep showing nothing stale: a lost console must not leave a card up forever.
      removeAll();
      retry = Math.min(retry + 1, 5);
      window.setTimeout(connect, 500 * retry);
    };
  }

  window.addEventListener("resize", fit);
  root.dataset.state = "connecting";
  root.dataset.layers = "";
  root.dataset.messages = "0";
  fit();
  connect();
  window.requestAnimationFrame(tick);
})();
