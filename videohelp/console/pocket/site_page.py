"""The published site's page and script (static text; the data is ``data.js``).

Mobile first: one column at phone width, two at desktop width. The
Content-Security-Policy allows only the site's own files (and the beacon's
origin for ``connect-src`` when one is configured: ``{{CONNECT}}``), so the
page cannot load anything from elsewhere even by mistake.
"""

INDEX_HTML = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; img-src 'self' data:; \
media-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src {{CONNECT}}">
<meta name="referrer" content="no-referrer">
<title>锦囊口袋 · 交警视频帮</title>
<style>
:root { --accent: #1565c0; --warm: #f59e0b; --bg: #f4f6f9; --card: #fff; --text: #1f2937;
        --muted: #6b7280; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       background: var(--bg); color: var(--text); font-size: 16px; line-height: 1.5; }
header { background: var(--accent); color: #fff; padding: 14px 16px 12px; position: sticky; top: 0;
         z-index: 2; }
header h1 { margin: 0; font-size: 20px; }
header p { margin: 2px 0 10px; font-size: 13px; opacity: .85; }
#q { width: 100%; font-size: 17px; padding: 10px 12px; border-radius: 10px; border: 0; }
nav { display: flex; gap: 8px; overflow-x: auto; padding: 10px 16px; background: #fff;
      border-bottom: 1px solid #e5e7eb; }
nav button { flex: none; border: 1px solid #d1d5db; background: #fff; border-radius: 18px;
             padding: 6px 14px; font-size: 15px; }
nav button.on { background: var(--accent); border-color: var(--accent); color: #fff; }
main { padding: 12px 16px 40px; display: grid; gap: 10px; grid-template-columns: 1fr; }
.item { background: var(--card); border-radius: 12px; padding: 12px 14px; border: 0; text-align: left;
        font: inherit; color: inherit; box-shadow: 0 1px 2px rgba(0,0,0,.06); cursor: pointer; }
.item b { display: block; font-size: 16px; }
.item small { color: var(--muted); }
.tag { display: inline-block; font-size: 12px; padding: 1px 8px; border-radius: 10px;
       background: #fef3c7; color: #92400e; margin-right: 6px; }
.tag.ok { background: #dcfce7; color: #166534; }
#hint { color: var(--muted); padding: 0 16px; font-size: 14px; }
#detail { padding: 12px 16px 48px; }
#detail h2 { margin: 6px 0 4px; font-size: 21px; }
.back { border: 0; background: none; color: var(--accent); font-size: 16px; padding: 4px 0; }
.clip { background: #000; border-radius: 12px; overflow: hidden; margin: 12px 0 4px; }
.clip video { width: 100%; display: block; aspect-ratio: 16 / 9; background: #000; }
.clip-title { font-weight: bold; margin: 0 0 12px; }
.answer { background: var(--card); border-left: 4px solid var(--warm); padding: 10px 12px;
          border-radius: 8px; margin: 10px 0; }
.answer small { color: var(--muted); display: block; margin-top: 4px; }
.act { display: flex; gap: 14px; align-items: center; background: var(--card); border-radius: 12px;
       padding: 12px; margin: 12px 0; }
.act a { background: var(--accent); color: #fff; text-decoration: none; padding: 10px 16px;
         border-radius: 10px; font-weight: bold; }
.act img { width: 96px; height: 96px; }
footer { color: var(--muted); font-size: 12px; padding: 0 16px 24px; }
@media (min-width: 760px) {
  main { grid-template-columns: 1fr 1fr; max-width: 980px; margin: 0 auto; }
  header, nav, #detail, #hint, footer { padding-left: max(16px, calc(50% - 474px));
                                        padding-right: max(16px, calc(50% - 474px)); }
  #q { max-width: 560px; }
  .clip { max-width: 720px; }
}
</style>
</head>
<body>
<header>
<h1>锦囊口袋</h1>
<p>交警视频帮 · 车驾管业务讲解短片和答复</p>
<input id="q" type="search" placeholder="搜一搜：驾照到期、过户、电动车上牌…" autocomplete="off"
       aria-label="搜索业务">
</header>
<nav id="classes" aria-label="业务分类"></nav>
<p id="hint"></p>
<main id="list"></main>
<section id="detail" hidden></section>
<footer>具体办理要求以车管所最新公告为准。</footer>
<script src="data.js"></script>
<script src="app.js"></script>
</body>
</html>
"""

APP_JS = r"""(function () {
  "use strict";
  var D = window.POCKET, klass = D.classes[0];
  var list = document.getElementById("list"), detail = document.getElementById("detail");
  var hint = document.getElementById("hint"), q = document.getElementById("q");
  var nav = document.getElementById("classes");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  // The same keys as the publisher's index: CJK characters and pairs, latin words.
  function keys(text) {
    var out = {}, words = text.toLowerCase().match(/[a-z0-9]+/g) || [];
    words.forEach(function (w) { out[w] = 1; });
    (text.match(/[\u3400-\u9fff]+/g) || []).forEach(function (run) {
      if (run.length === 1) out[run] = 1;
      for (var i = 0; i + 1 < run.length; i++) out[run.slice(i, i + 2)] = 1;
    });
    return Object.keys(out);
  }
  function rank(i) { return 2 * D.items[i].clips.length + D.items[i].answers.length; }
  function search(text) {
    var ks = keys(text), score = {};
    if (!ks.length) return null;
    ks.forEach(function (k) {
      (D.index[k] || []).forEach(function (i) { score[i] = (score[i] || 0) + 1; });
    });
    var need = Math.max(1, Math.floor(ks.length / 3));
    return Object.keys(score).map(Number).filter(function (i) { return score[i] >= need; })
      .sort(function (a, b) {  // equal matches: items with clips, then with answers, first
        return score[b] - score[a] || rank(b) - rank(a) || a - b;
      });
  }
  function card(item) {
    var b = el("button", {"class": "item", "data-code": item.code});
    b.appendChild(el("b", {}, item.name));
    var meta = el("small", {});
    if (item.clips.length) meta.appendChild(el("span", {"class": "tag"}, "▶ 短片" + item.clips.length));
    if (item.answers.length) meta.appendChild(el("span", {"class": "tag ok"}, "答复"));
    meta.appendChild(document.createTextNode(item.klass + " · " + item.code));
    b.appendChild(meta);
    b.addEventListener("click", function () { open(item); });
    return b;
  }
  function render() {
    var found = search(q.value.trim());
    list.textContent = "";
    var items = found ? found.map(function (i) { return D.items[i]; })
                      : D.items.filter(function (it) { return it.klass === klass; });
    hint.textContent = found ? (found.length ? "找到 " + found.length + " 项业务"
                                             : "没有找到，换个说法试试") : "";
    items.forEach(function (it) { list.appendChild(card(it)); });
    nav.style.display = found ? "none" : "";
    detail.hidden = true; list.hidden = false;
  }
  function pick(files) {
    var wide = Math.min(window.innerWidth, 1280) * (window.devicePixelRatio || 1);
    var sorted = files.slice().sort(function (a, b) { return a.h - b.h; });
    for (var i = 0; i < sorted.length; i++) if (sorted[i].h * 16 / 9 >= wide * 0.9) return sorted[i];
    return sorted[sorted.length - 1];
  }
  function beacon(item, clip, what) {
    if (!D.beacon || !navigator.sendBeacon) return;
    navigator.sendBeacon(D.beacon, JSON.stringify({item: item.code, clip: clip.id, event: what}));
  }
  function open(item) {
    detail.textContent = "";
    var back = el("button", {"class": "back"}, "‹ 返回");
    back.addEventListener("click", function () { detail.hidden = true; list.hidden = false;
                                                 hint.hidden = false; });
    detail.appendChild(back);
    detail.appendChild(el("h2", {}, item.name));
    detail.appendChild(el("small", {}, item.klass + " · " + item.code));
    item.clips.forEach(function (clip) {
      var box = el("div", {"class": "clip"});
      var video = el("video", {controls: "", playsinline: "", preload: "metadata",
                               poster: clip.poster, "data-clip": clip.id});
      video.src = pick(clip.files).src;
      video.addEventListener("play", function () { beacon(item, clip, "play"); });
      box.appendChild(video);
      detail.appendChild(box);
      detail.appendChild(el("p", {"class": "clip-title"}, clip.title + "（" +
        Math.floor(clip.duration / 60) + ":" + ("0" + clip.duration % 60).slice(-2) + "）"));
    });
    if (item.answers.length) {
      item.answers.forEach(function (a) {
        var box = el("div", {"class": "answer"}, a.short);
        box.appendChild(el("small", {}, a.source));
        detail.appendChild(box);
      });
    } else {
      detail.appendChild(el("p", {"class": "answer"}, "答复正在整理，请以车管所公告为准。"));
    }
    if (item.documents.length) {
      detail.appendChild(el("p", {}, "需要的材料：" + item.documents.join("、")));
    }
    if (item.link) {
      var act = el("div", {"class": "act"});
      var a = el("a", {href: item.link, rel: "noopener noreferrer"}, "一键办理");
      act.appendChild(a);
      act.appendChild(el("img", {src: item.qr, alt: "一键办理二维码", loading: "lazy"}));
      detail.appendChild(act);
    }
    list.hidden = true; hint.hidden = true; detail.hidden = false;
    window.scrollTo(0, 0);
  }
  D.classes.forEach(function (name) {
    var b = el("button", {"data-class": name}, name);
    b.addEventListener("click", function () {
      klass = name;
      Array.prototype.forEach.call(nav.children, function (c) {
        c.className = c === b ? "on" : "";
      });
      render();
    });
    if (name === klass) b.className = "on";
    nav.appendChild(b);
  });
  q.addEventListener("input", render);
  render();
  // A link to one item (site/#DL03, as the 24-hour answers give) opens it at once.
  var wanted = decodeURIComponent((location.hash || "").slice(1));
  var linked = D.items.filter(function (it) { return it.code === wanted; })[0];
  if (linked) open(linked);
})();
"""
