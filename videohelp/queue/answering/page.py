"""The ``/ask`` chat page for the app's and 浙里办's web views (one self-contained HTML).

Mobile first (a phone's web view, 360-430 px wide), Chinese, no external
resource (no font, script or style from elsewhere: the CSP forbids it). The
web view opens ``/ask#token=CLIENT_TOKEN&viewer=VIEWER_ID``: the fragment never
reaches a server log or a Referer. Every text from the viewer or the answer is
put in with ``textContent``, never as HTML, and only http(s) links become the
一键办理 button.
"""

from __future__ import annotations

PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>交警视频帮 · 智能问答</title>
<style>
*{box-sizing:border-box}
html,body{margin:0;height:100%}
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
 background:#eef2f7;color:#1b2430;display:flex;flex-direction:column;font-size:16px}
header{background:#0b4f9c;color:#fff;padding:12px 16px;padding-top:max(12px,env(safe-area-inset-top))}
header h1{margin:0;font-size:18px;font-weight:600}
header p{margin:2px 0 0;font-size:12px;opacity:.85}
main{flex:1;overflow-y:auto;padding:12px 12px 4px}
main,form{width:100%;max-width:760px;margin:0 auto}
.msg{width:fit-content;max-width:86%;margin:0 0 12px;padding:10px 12px;border-radius:14px;line-height:1.55;
 white-space:pre-wrap;word-break:break-word}
.me{margin-left:auto;background:#0b4f9c;color:#fff;border-bottom-right-radius:4px}
.bot{background:#fff;border-bottom-left-radius:4px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.item{display:inline-block;font-size:12px;color:#0b4f9c;background:#e3edf9;border-radius:8px;
 padding:1px 8px;margin-bottom:6px}
.short{font-weight:600}
details{margin-top:6px;font-size:14px;color:#3a4655}
summary{color:#0b4f9c;cursor:pointer}
.source{margin-top:6px;font-size:12px;color:#6b7785}
.act{display:block;margin-top:10px;text-align:center;background:#e8541e;color:#fff;
 text-decoration:none;border-radius:10px;padding:10px;font-weight:600}
.clips{margin:8px 0 0;padding:0;list-style:none}
.clips a{display:block;margin-top:6px;padding:8px 10px;border-radius:8px;background:#f3f6fa;
 color:#0b4f9c;text-decoration:none;font-size:14px}
.pass{background:#fff8e6}
.err{background:#fdecea;color:#8a1c12}
form{display:flex;gap:8px;padding:8px 12px;padding-bottom:max(8px,env(safe-area-inset-bottom));
 background:#fff;border-top:1px solid #d9e0e8}
textarea{flex:1;resize:none;height:44px;border:1px solid #c8d1dc;border-radius:10px;padding:10px;
 font:inherit;font-size:16px}
button{min-width:64px;border:0;border-radius:10px;background:#0b4f9c;color:#fff;font:inherit;
 font-weight:600}
button:disabled{opacity:.5}
</style>
</head>
<body>
<header><h1>交警视频帮 · 智能问答</h1><p>答案来自经审核的官方知识库；不确定的问题将转交演播室解答</p></header>
<main id="log" aria-live="polite">
<div class="msg bot">您好！请问您想办理什么车驾管业务？例如：驾驶证到期怎么换证、二手车怎么过户。</div>
</main>
<form id="ask" autocomplete="off">
<textarea id="q" maxlength="300" placeholder="请输入您的问题" aria-label="您的问题"></textarea>
<button id="send" type="submit">提问</button>
</form>
<script>
(function () {
  "use strict";
  var params = new URLSearchParams(location.hash.replace(/^#/, ""));
  var token = params.get("token") || "";
  var viewer = params.get("viewer") || "";
  var log = document.getElementById("log");
  var form = document.getElementById("ask");
  var input = document.getElementById("q");
  var send = document.getElementById("send");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function safeUrl(url) {
    return typeof url === "string" && /^https?:\\/\\//i.test(url) ? url : null;
  }
  function add(node) { log.appendChild(node); node.scrollIntoView({block: "end"}); }

  function show(data) {
    if (!data.answered) { add(el("div", "msg bot pass", data.message)); return; }
    var box = el("div", "msg bot answer");
    if (data.item && data.item.name) { box.appendChild(el("span", "item", data.item.name)); }
    box.appendChild(el("div", "short", data.answer.short));
    if (data.answer.full && data.answer.full !== data.answer.short) {
      var more = el("details");
      more.appendChild(el("summary", "", "查看详细解答"));
      more.appendChild(el("div", "full", data.answer.full));
      box.appendChild(more);
    }
    box.appendChild(el("div", "source", "依据：" + data.answer.source.citation));
    var link = safeUrl(data.link);
    if (link) {
      var act = el("a", "act", "一键办理");
      act.href = link; act.target = "_blank"; act.rel = "noopener noreferrer";
      box.appendChild(act);
    }
    var clips = (data.clips || []).filter(function (c) { return safeUrl(c.url); });
    if (clips.length) {
      var list = el("ul", "clips");
      clips.forEach(function (c) {
        var li = el("li"); var a = el("a", "", "▶ " + (c.title || "视频讲解"));
        a.href = safeUrl(c.url); a.rel = "noopener noreferrer"; li.appendChild(a);
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    add(box);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var question = input.value.trim();
    if (!question) { return; }
    add(el("div", "msg me", question));
    input.value = ""; send.disabled = true;
    fetch("/api/v1/ask", {
      method: "POST",
      headers: {"Content-Type": "application/json", "Authorization": "Bearer " + token},
      body: JSON.stringify({question: question, viewer_id: viewer, channel: "web"})
    }).then(function (response) {
      return response.json().then(function (data) { return {status: response.status, data: data}; });
    }).then(function (reply) {
      if (reply.status === 200) { show(reply.data); }
      else { add(el("div", "msg bot err", reply.data.message || "暂时无法提问，请稍后再试")); }
    }).catch(function () {
      add(el("div", "msg bot err", "网络异常，请稍后再试"));
    }).then(function () { send.disabled = false; input.focus(); });
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault(); form.requestSubmit();
    }
  });
})();
</script>
</body>
</html>
"""


def ask_page() -> str:
    return PAGE
