// The phone desk: the seat protocol (docs/protocol.md, "Seats") from a browser.
// Viewer text only ever reaches the page through textContent: nothing received is parsed as HTML.
// State for tests and tooling is mirrored on <html>: data-state (login, connecting, live,
// reconnecting), data-seq, data-comments, data-on-air (layers, sorted), data-preview (frames shown).
"use strict";

(() => {
  const TOKEN_KEY = "videohelp.desk.token";
  const PREVIEW_MS = 300;        // ~3 preview frames a second: enough to see what airs
  const PING_MS = 10000;         // a socket silent this long while visible is checked
  const PONG_TIMEOUT_MS = 4000;  // ...and replaced if it does not answer in time (sleep, new network)
  const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
  const STATES = {new: "新", triaged: "已分类", queued: "排队中", on_air: "上屏中", answered: "已回答",
    flagged: "已提交专家", dismissed: "已忽略", blocked: "已屏蔽"};
  const ROLES = {officer: "警官", presenter: "主持人", producer: "导播"};
  const LAYERS = {qa: "问答卡", qr: "一键办理", expert: "专家卡", lower_third: "字幕条", ticker: "滚动字幕",
    clock: "时钟", clip_title: "短片标题", background: "背景"};
  const PLATFORMS = {douyin: "抖音", app: "交警App", zlb: "浙里办", replay: "回放", wechat: "微信"};
  const ERRORS = {forbidden: "本席位无权执行此操作", not_found: "找不到该评论或该图层没有内容",
    bad_state: "当前状态不允许此操作", blocked: "已屏蔽的评论不能上屏", bad_text: "文字无效（为空、过长或含控制字符）",
    bad_card: "卡片内容无效", unknown_item: "未知业务事项", rate_limited: "操作太快，请稍后",
    internal: "主控台出错，操作未执行", bad_request: "请求无效"};

  // English for everything the page shows (desk-i18n.js); Chinese is the source and the default.
  const EN = window.VIDEOHELP_DESK_EN || {};
  const LANG_KEY = "videohelp.desk.lang";
  let lang = localStorage.getItem(LANG_KEY) === "en" ? "en" : "zh";
  let stateLabel = "未登录";
  function t(zh, vars) {
    let text = lang === "en" ? (EN[zh] || zh) : zh;
    for (const [name, value] of Object.entries(vars || {})) text = text.replace(`{${name}}`, String(value));
    return text;
  }
  const layerName = (layer) => (LAYERS[layer] ? t(LAYERS[layer]) : layer);
  const platformName = (platform) => (PLATFORMS[platform] ? t(PLATFORMS[platform]) : platform);
  const stateName = (state) => (STATES[state] ? t(STATES[state]) : state);

  const $ = (id) => document.getElementById(id);
  const root = document.documentElement;
  const loopback = /^(localhost|127(\.\d+){3}|\[::1\])$/.test(location.hostname);

  let token = localStorage.getItem(TOKEN_KEY) || "";
  let ws = null;
  let seq = 0, epoch = null, seat = null, actions = [];
  let comments = new Map(), questions = new Map(), onAir = {};
  let catalog = {};
  let selected = null, chosen = null, suggestions = [], showAll = false;
  let attempt = 0, rid = 0, pending = new Map();
  let reconnectTimer = null, pingTimer = null, pongTimer = null, previewTimer = null;
  let previewUrl = null, previewFrames = 0;
  let whipPort = null, publisher = null;

  // -- helpers ----------------------------------------------------------------------------------
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  // The page's own text: elements marked data-t (text), data-t-placeholder, data-t-label (aria-label, alt).
  function translatePage() {
    root.lang = lang === "en" ? "en" : "zh-CN";
    for (const node of document.querySelectorAll("[data-t]")) {
      if (!node.dataset.zh) node.dataset.zh = node.textContent;
      node.textContent = t(node.dataset.zh);
    }
    for (const node of document.querySelectorAll("[data-t-placeholder]")) node.placeholder = t(node.dataset.tPlaceholder);
    for (const node of document.querySelectorAll("[data-t-label]")) {
      node.setAttribute(node.tagName === "IMG" ? "alt" : "aria-label", t(node.dataset.tLabel));
    }
    $("status").textContent = t(stateLabel);
    $("lang").textContent = lang === "en" ? "中文" : "English";
  }
  function setLanguage(value) {
    lang = value;
    localStorage.setItem(LANG_KEY, lang);
    translatePage();
    fillRefile();
    if (root.dataset.state === "live") live();
  }
  function setState(state, label) {
    root.dataset.state = state;
    stateLabel = label;
    $("status").textContent = t(label);
    const off = state === "login";
    $("login").hidden = !off;
    $("desk").hidden = off;
    $("logout").hidden = off;
    $("panic").hidden = off;
    $("stale").hidden = state !== "reconnecting";
  }
  let toastTimer = null;
  function toast(text, bad) {
    const box = $("toast");
    box.textContent = text;
    box.className = bad ? "toast bad" : "toast";
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.hidden = true; }, bad ? 6000 : 2500);
  }
  function itemName(code) {
    if (!code) return t("未分类");
    const entry = catalog[code];
    if (!entry) return code;
    return `${lang === "en" && entry.name_en ? entry.name_en : entry.name}（${code}）`;
  }
  function can(action) { return actions.includes(action); }
  function authHeaders() { return {Authorization: `Bearer ${token}`}; }

  // -- login ------------------------------------------------------------------------------------
  function login(value) {
    token = value.trim();
    if (!token) return;
    if (location.protocol !== "https:" && !loopback) {
      $("login-error").textContent = t("此连接未加密：令牌只能通过 https 发送（主控台需启用 TLS）。");
      return;
    }
    localStorage.setItem(TOKEN_KEY, token);
    $("login-error").textContent = "";
    attempt = 0;
    connect();
  }
  function logout(message) {
    unpublish();
    localStorage.removeItem(TOKEN_KEY);
    token = "";
    closeSocket();
    stopPreview();
    clearTimeout(reconnectTimer);
    seq = 0; epoch = null; seat = null;
    comments = new Map(); questions = new Map(); onAir = {}; selected = null;
    $("seat").textContent = "";
    setState("login", "未登录");
    $("login-error").textContent = message || "";
  }

  // -- the socket -------------------------------------------------------------------------------
  function socketUrl() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const query = epoch ? `?since=${seq}&epoch=${encodeURIComponent(epoch)}` : "";
    return `${scheme}//${location.host}/desk/ws${query}`;
  }
  function closeSocket() {
    clearInterval(pingTimer); clearTimeout(pongTimer);
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try { ws.close(); } catch (e) { /* already closed */ }
      ws = null;
    }
  }
  function connect() {
    closeSocket();
    clearTimeout(reconnectTimer);
    if (!token) return;
    setState(epoch ? "reconnecting" : "connecting", epoch ? "重新连接中" : "连接中");
    const socket = new WebSocket(socketUrl());
    ws = socket;
    socket.onopen = () => socket.send(JSON.stringify({type: "auth", token}));
    socket.onmessage = (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      onMessage(message);
    };
    socket.onclose = (event) => {
      if (ws !== socket) return;
      ws = null;
      clearInterval(pingTimer); clearTimeout(pongTimer);
      if (event.code === 4003) { logout(t("令牌无效或已撤销，或该席位不能使用导播台。")); return; }
      if (event.code === 4001) { logout(t("令牌已被撤销。")); return; }
      scheduleReconnect();
    };
  }
  function scheduleReconnect() {
    if (!token) return;
    setState(epoch ? "reconnecting" : "connecting", "重新连接中");
    const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
    attempt += 1;
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(connect, delay);
  }
  function send(message) {
    if (!ws || ws.readyState !== WebSocket.OPEN || root.dataset.state !== "live") {
      toast(t("未连接，操作未发送"), true);
      return null;
    }
    rid += 1;
    const id = `p${rid}`;
    ws.send(JSON.stringify({...message, rid: id}));
    return id;
  }
  function act(message, done) {
    const id = send(message);
    if (id) pending.set(id, done || t("已完成"));
  }
  // A socket can look open after the phone slept or changed network: ask, and replace it if silent.
  function check() {
    if (!ws || ws.readyState !== WebSocket.OPEN) { if (token && !ws) connect(); return; }
    clearTimeout(pongTimer);
    rid += 1;
    const id = `ping${rid}`;
    pending.set(id, null);
    try { ws.send(JSON.stringify({type: "ping", rid: id})); } catch (e) { /* closing */ }
    pongTimer = setTimeout(() => {
      const stale = ws;
      ws = null;
      if (stale) { stale.onclose = null; try { stale.close(); } catch (e) { /* gone */ } }
      scheduleReconnect();
    }, PONG_TIMEOUT_MS);
  }

  function onMessage(m) {
    if (m.type === "snapshot") {
      seq = m.seq; epoch = m.epoch; seat = m.seat; actions = m.actions || [];
      comments = new Map((m.comments || []).map((c) => [c.id, c]));
      questions = new Map((m.questions || []).map((q) => [q.comment.id, q]));
      onAir = m.on_air || {};
      live();
    } else if (m.type === "resume") {
      if (m.epoch !== epoch) { return; }  // cannot happen: the console sends a snapshot instead
      live();
    } else if (m.type === "event") {
      if (m.seq <= seq) return;  // a resume may overlap what already arrived
      seq = m.seq;
      apply(m.name, m.data || {});
      render();
    } else if (m.type === "ok" || m.type === "error") {
      if (String(m.rid).startsWith("ping")) { clearTimeout(pongTimer); pending.delete(m.rid); return; }
      const done = pending.get(m.rid);
      pending.delete(m.rid);
      if (m.type === "ok") { if (done) toast(done); }
      else toast(`${t(ERRORS[m.code] || "操作失败")}：${m.message}`, true);
    }
  }
  function live() {
    attempt = 0;
    setState("live", "在线");
    $("seat").textContent = seat ? `${seat.name} · ${ROLES[seat.role] ? t(ROLES[seat.role]) : seat.role}` : "";
    clearInterval(pingTimer);
    pingTimer = setInterval(() => { if (!document.hidden) check(); }, PING_MS);
    startPreview();
    if (!Object.keys(catalog).length) loadCatalog();
    render();
  }
  function refiled(c) {  // the featured question got another item: its suggestions change too
    const before = comments.get(c.id);
    if (c.id === selected && before && before.item !== c.item) setTimeout(() => loadSuggestions(c.id), 0);
  }
  function apply(name, data) {
    if (name === "comment.added" || name === "comment.triaged") {
      for (const c of data.comments || []) { refiled(c); comments.set(c.id, c); }
    } else if (name === "comment.changed") {
      refiled(data.comment);
      comments.set(data.comment.id, data.comment);
      const q = questions.get(data.comment.id);
      if (q) q.comment = data.comment;
    } else if (name === "question.flagged") {
      questions.set(data.question.comment.id, data.question);
    } else if (name === "question.answered") {
      const q = questions.get(data.comment);
      if (q) { q.answers = [...(q.answers || []), data.answer]; if (!q.answer) q.answer = data.answer; }
    } else if (name === "question.closed" || name === "question.reopened") {
      const q = questions.get(data.comment);
      if (q) q.open = name === "question.reopened";
    } else if (name === "card.on_air") {
      onAir[data.layer] = {template: data.template, data: data.data, comment: data.comment};
    } else if (name === "card.cleared") {
      if (data.panic) onAir = {};
      for (const layer of data.layers || []) delete onAir[layer];
    }
  }

  // -- rendering --------------------------------------------------------------------------------
  function render() {
    root.dataset.seq = String(seq);
    root.dataset.comments = String(comments.size);
    root.dataset.onAir = Object.keys(onAir).sort().join(",");
    renderOnAir();
    renderPublish();
    renderQueue();
    renderFeatured();
    for (const [id, action] of [["take", "take"], ["qr", "take"], ["queue-btn", "queue"],
      ["dismiss", "dismiss"], ["flag", "flag"], ["panic", "panic"]]) {
      $(id).hidden = !can(action);
    }
  }
  function renderPublish() {
    $("publish").textContent = t(publisher ? "停止摄像头直播" : "手机摄像头直播");
  }
  function renderOnAir() {
    const box = $("on-air");
    box.replaceChildren();
    const layers = Object.keys(onAir).sort();
    if (!layers.length) box.append(el("span", "muted", t("画面上没有卡片")));
    for (const layer of layers) {
      const chip = el("span", "chip");
      chip.append(el("span", null, t("在播：{layer}", {layer: layerName(layer)})));
      if (can("clear")) {
        const button = el("button", null, t("下屏"));
        button.type = "button";
        button.dataset.layer = layer;
        button.addEventListener("click", () => act({type: "clear", layer}, t("{layer}已下屏", {layer: layerName(layer)})));
        chip.append(button);
      }
      box.append(chip);
    }
  }
  function visible(c) {
    if (c.repeat_of) return false;
    if (showAll) return true;
    return c.is_question !== false && !["answered", "dismissed", "blocked"].includes(c.state);
  }
  function textOf(c) { return c.text || c.text_masked; }
  function viewerOf(c) { return c.viewer || c.viewer_masked || t("观众"); }
  function renderQueue() {
    const list = $("queue");
    const rows = [...comments.values()].filter(visible).sort((a, b) => b.id - a.id).slice(0, 200);
    $("q-count").textContent = `（${rows.length}）`;
    list.replaceChildren();
    if (!rows.length) list.append(el("li", "muted", t(showAll ? "还没有评论" : "暂无待答问题")));
    for (const c of rows) {
      const li = el("li", c.state === "on_air" ? "on_air" : "");
      if (c.id === selected) li.classList.add("selected");
      li.dataset.id = String(c.id);
      li.append(el("span", "text", textOf(c)));
      const confidence = typeof c.confidence === "number" ? ` ${Math.round(c.confidence * 100)}%` : "";
      const kind = t(c.is_question === false ? "闲聊" : (c.is_question ? "问题" : "未分拣"));
      li.append(el("span", "info", `${viewerOf(c)} · ${platformName(c.platform)} · ${stateName(c.state)}` +
        ` · ${kind} · ${itemName(c.item)}${confidence}`));
      li.addEventListener("click", () => select(c.id));
      list.append(li);
    }
  }
  function renderFeatured() {
    const c = selected !== null ? comments.get(selected) || (questions.get(selected) || {}).comment : null;
    $("f-empty").hidden = Boolean(c);
    $("f-body").hidden = !c;
    if (!c) return;
    $("f-viewer").textContent = viewerOf(c);
    $("f-platform").textContent = platformName(c.platform);
    $("f-state").textContent = stateName(c.state);
    $("f-text").textContent = textOf(c);
    $("f-item").textContent = itemName(c.item);
    const onQa = onAir.qa && onAir.qa.comment === c.id;
    $("take").textContent = t(onQa ? "更新上屏答案" : "上屏问答卡");
    const refile = $("f-refile");
    refile.hidden = !can("triage") || !Object.keys(catalog).length;
    const entry = c.item ? catalog[c.item] : null;
    $("qr").disabled = !c.item || (entry && !entry.link);
    const list = $("f-suggestions");
    list.replaceChildren();
    const q = questions.get(c.id);
    const options = [...suggestions];
    for (const a of (q && q.answers) || []) {
      options.push({short_answer: a.text, item: q.item, status: "expert", source: a.expert});
    }
    if (!options.length) list.append(el("li", "muted", t("知识库中没有推荐答案")));
    options.forEach((s, index) => {
      const li = el("li", index === chosen ? "chosen" : "");
      li.append(el("span", null, s.short_answer));
      li.append(el("span", "src", `${itemName(s.item)} · ${statusName(s.status)} · ${s.source || ""}`));
      li.addEventListener("click", () => { chosen = index; $("f-answer").value = s.short_answer; renderFeatured(); });
      list.append(li);
    });
  }
  function statusName(status) {
    const name = {approved: "已审核", draft: "草稿", retired: "已停用", review: "待审核", expert: "专家回答"}[status];
    return name ? t(name) : status || "";
  }
  async function select(id) {
    selected = id; chosen = null; suggestions = [];
    $("f-answer").value = "";
    $("f-refile").value = "";
    render();
    await loadSuggestions(id);
  }
  async function loadSuggestions(id) {
    try {
      const response = await fetch(`/desk/suggest?comment=${id}`, {headers: authHeaders(), cache: "no-store"});
      if (response.ok && selected === id) {
        suggestions = (await response.json()).suggestions || [];
        renderFeatured();
      }
    } catch (e) { /* offline: the socket's reconnect shows it */ }
  }
  function fillRefile() {
    const refile = $("f-refile");
    refile.replaceChildren(el("option", null, t("改为业务…")));
    refile.firstChild.value = "";
    for (const code of Object.keys(catalog).sort()) {
      const option = el("option", null, itemName(code));
      option.value = code;
      refile.append(option);
    }
  }
  async function loadCatalog() {
    try {
      const response = await fetch("/desk/catalog", {headers: authHeaders(), cache: "no-store"});
      if (response.ok) {
        const body = await response.json();
        catalog = body.items || {};
        whipPort = body.whip_port || null;
        $("publish-box").hidden = !whipPort || !navigator.mediaDevices || !window.RTCPeerConnection;
        fillRefile();
        render();
      }
    } catch (e) { /* names are a help: codes still show */ }
  }

  // -- the program preview ----------------------------------------------------------------------
  function startPreview() {
    if (previewTimer === null) previewTimer = setTimeout(previewTick, 0);
  }
  function stopPreview() { clearTimeout(previewTimer); previewTimer = null; }
  async function previewTick() {
    previewTimer = null;
    if (!token) return;
    if (!document.hidden && root.dataset.state === "live") {
      try {
        const controller = new AbortController();
        const abort = setTimeout(() => controller.abort(), 3000);
        const response = await fetch("/desk/program.jpg", {headers: authHeaders(), cache: "no-store",
          signal: controller.signal});
        clearTimeout(abort);
        if (response.status === 401) { logout(t("令牌无效或已撤销。")); return; }
        if (response.ok) {
          const url = URL.createObjectURL(await response.blob());
          const img = $("preview");
          img.onload = () => { if (previewUrl) URL.revokeObjectURL(previewUrl); previewUrl = url; };
          img.src = url;
          previewFrames += 1;
          root.dataset.preview = String(previewFrames);
          $("preview-state").textContent = t("节目 {time}", {time: new Date().toLocaleTimeString("zh-CN", {hour12: false})});
        }
      } catch (e) {
        $("preview-state").textContent = t("画面暂停");
      }
    } else if (root.dataset.state !== "live") {
      $("preview-state").textContent = t("画面暂停");
    }
    if (token) previewTimer = setTimeout(previewTick, PREVIEW_MS);
  }

  // -- publishing the phone's camera and microphone (WHIP, RFC 9725) ------------------------
  function whipUrl() { return `${location.protocol}//${location.hostname}:${whipPort}/whip`; }
  function gathered(pc, ms) {  // WHIP sends one offer: wait for the candidates (bounded)
    return new Promise((resolve) => {
      if (pc.iceGatheringState === "complete") { resolve(); return; }
      const timer = setTimeout(resolve, ms);
      pc.addEventListener("icegatheringstatechange", () => {
        if (pc.iceGatheringState === "complete") { clearTimeout(timer); resolve(); }
      });
    });
  }
  async function publish() {
    if (publisher) { await unpublish(); return; }
    $("publish").disabled = true;
    $("publish-state").textContent = t("正在连接…");
    let stream = null, pc = null;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: {width: {ideal: 1280}, height: {ideal: 720}, frameRate: {ideal: 30}, facingMode: "user"},
        audio: true});
      pc = new RTCPeerConnection({iceServers: []});
      for (const track of stream.getTracks()) pc.addTransceiver(track, {direction: "sendonly", streams: [stream]});
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc, 2000);
      const response = await fetch(whipUrl(), {method: "POST", body: pc.localDescription.sdp,
        headers: {...authHeaders(), "Content-Type": "application/sdp"}});
      if (response.status !== 201) {
        throw new Error(response.status === 401 ? t("令牌被拒绝") : t("主控台拒绝（{status}）", {status: response.status}));
      }
      const resource = new URL(response.headers.get("Location"), whipUrl()).href;
      await pc.setRemoteDescription({type: "answer", sdp: await response.text()});
      publisher = {pc, stream, resource};
      pc.addEventListener("connectionstatechange", () => {
        const state = pc.connectionState;
        const label = {connected: "直播中", connecting: "正在连接…", disconnected: "信号中断",
          failed: "连接失败", closed: "已停止"}[state];
        $("publish-state").textContent = label ? t(label) : state;
        root.dataset.publish = state;
      });
      renderPublish();
    } catch (error) {
      if (pc) pc.close();
      if (stream) for (const track of stream.getTracks()) track.stop();
      $("publish-state").textContent = t("无法直播：{why}", {why: error.message || error});
    } finally {
      $("publish").disabled = false;
    }
  }
  async function unpublish() {
    const current = publisher;
    publisher = null;
    if (!current) return;
    current.pc.close();
    for (const track of current.stream.getTracks()) track.stop();
    renderPublish();
    $("publish-state").textContent = t("已停止");
    root.dataset.publish = "stopped";
    try { await fetch(current.resource, {method: "DELETE", headers: authHeaders()}); } catch (e) { /* gone anyway */ }
  }

  // -- actions ----------------------------------------------------------------------------------
  function current() { return selected !== null ? comments.get(selected) : null; }
  function wire() {
    $("login-form").addEventListener("submit", (event) => { event.preventDefault(); login($("token").value); });
    $("logout").addEventListener("click", () => logout(""));
    $("lang").addEventListener("click", () => setLanguage(lang === "en" ? "zh" : "en"));
    $("panic").addEventListener("click", () => act({type: "panic"}, t("已全部下屏")));
    $("publish").addEventListener("click", publish);
    $("take").addEventListener("click", () => {
      const c = current();
      if (!c) return;
      const answer = $("f-answer").value.trim();
      if (onAir.qa && onAir.qa.comment === c.id) {
        act({type: "update", layer: "qa", data: {answer: answer || null}}, t("答案已更新"));
      } else {
        const message = {type: "take", comment: c.id};
        if (answer) message.answer = answer;
        if (c.item) message.item = c.item;
        act(message, t("问答卡已上屏"));
      }
    });
    $("qr").addEventListener("click", () => {
      const c = current();
      if (c && c.item) act({type: "take", template: "qr", layer: "qr", data: {item: c.item}}, t("二维码已上屏"));
    });
    $("queue-btn").addEventListener("click", () => { const c = current(); if (c) act({type: "queue", comment: c.id}, t("已排队")); });
    $("dismiss").addEventListener("click", () => { const c = current(); if (c) act({type: "dismiss", comment: c.id}, t("已忽略")); });
    $("flag").addEventListener("click", () => {
      const c = current();
      if (!c) return;
      const note = $("f-note").value.trim();
      act(note ? {type: "flag", comment: c.id, note} : {type: "flag", comment: c.id}, t("已提交专家"));
      $("f-note").value = "";
    });
    $("f-refile").addEventListener("change", () => {
      const c = current();
      const item = $("f-refile").value;
      if (c && item) act({type: "triage", comment: c.id, item}, t("已改为：{item}", {item: itemName(item)}));
    });
    $("tab-questions").addEventListener("click", () => { showAll = false; tabs(); });
    $("tab-all").addEventListener("click", () => { showAll = true; tabs(); });
    // Back from sleep, or on a new network: check the socket at once instead of trusting it.
    document.addEventListener("visibilitychange", () => { if (!document.hidden && token) check(); });
    window.addEventListener("online", () => { if (token) check(); });
  }
  function tabs() {
    $("tab-questions").classList.toggle("active", !showAll);
    $("tab-all").classList.toggle("active", showAll);
    renderQueue();
  }

  // Exposed for the tests: cut the socket as a network change would (the page must recover).
  window.videohelpDesk = {drop() { if (ws) ws.close(); }, catalog() { return catalog; }};

  wire();
  translatePage();
  if (token) { setState("connecting", "连接中"); connect(); } else { setState("login", "未登录"); }
})();
