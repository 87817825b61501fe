"""``POST /api/v1/ask``, ``/api/v1/openapi.json`` and the ``/ask`` page on the console's server.

Checks run cheapest first, and nothing is stored before all have passed:
method (405), CORS origin (403; preflight answered here), token (401), the
client's rate (429 + Retry-After), body (411/413 from ``http_body``, 415 not
JSON, 400 bad JSON), fields (422), the viewer's rate (429). Every error is a
JSON body ``{"error": code, "message": 中文}``.

CORS: a browser page may call the API only from an origin in the setting
``answers.cors_origins`` (or this server's own, the ``/ask`` page); its
preflight gets 204 with the allowed method and headers, any other origin 403.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from websockets.http11 import Request, Response

from videohelp.core.http_body import complete_request
from videohelp.core.platforms import PLATFORM_NAME
from videohelp.core.server import ConsoleServer, bearer_token, http_response
from videohelp.queue.answering.clients import ClientRegistry
from videohelp.queue.answering.limits import RateLimiter, retry_after
from videohelp.queue.answering.openapi import openapi_document
from videohelp.queue.answering.page import ask_page
from videohelp.queue.answering.service import AnsweringService, Asked, NotReadyError

log = logging.getLogger(__name__)

ASK_PATH = "/api/v1/ask"
OPENAPI_PATH = "/api/v1/openapi.json"
PAGE_PATH = "/ask"
_JSON = "application/json; charset=utf-8"
MAX_VIEWER_CHARS = 128
MAX_CHANNEL_CHARS = 64


def json_response(status: int, body: dict[str, Any], headers: dict[str, str] | None = None
                  ) -> Response:
    return http_response(status, json.dumps(body, ensure_ascii=False), _JSON, headers)


def error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return json_response(status, {"error": code, "message": message}, headers)


class AskApi:
    def __init__(self, service: AnsweringService, clients: ClientRegistry, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.service = service
        self.clients = clients
        config = service.config
        self.config = config
        self.origins = frozenset(config.cors_origins)
        self.client_limit = RateLimiter(config.client_per_s, max(1.0, 2 * config.client_per_s),
                                        clock)
        self.viewer_limit = RateLimiter(config.viewer_per_min / 60.0, config.viewer_burst, clock)
        self.handled_s: deque[float] = deque(maxlen=100_000)

    def install(self, server: ConsoleServer) -> None:
        server.add_http_route(ASK_PATH, self.ask)
        server.add_http_route(OPENAPI_PATH, self.openapi)
        server.add_http_route(PAGE_PATH, self.page)

    # -- CORS --------------------------------------------------------------------------
    def _origin_allowed(self, request: Request) -> tuple[bool, dict[str, str]]:
        origin = request.headers.get("Origin")
        if origin is None:
            return True, {}  # not a browser's cross-origin call (a backend, curl)
        origin = origin.rstrip("/")
        host = request.headers.get("Host", "")
        same = origin.split("://", 1)[-1] == host
        if origin in self.origins or same:
            return True, {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return False, {"Vary": "Origin"}

    def _preflight(self, request: Request) -> Response:
        allowed, headers = self._origin_allowed(request)
        if not allowed or "Origin" not in request.headers:
            return error(403, "origin_not_allowed", "该网页来源未获准调用问答接口", headers)
        headers.update({"Access-Control-Allow-Methods": "POST, OPTIONS",
                        "Access-Control-Allow-Headers": "Authorization, Content-Type",
                        "Access-Control-Max-Age": "600"})
        return http_response(204, b"", headers=headers)

    # -- the API -------------------------------------------------------------------------
    async def ask(self, plain: Request) -> Response:
        started = time.perf_counter()
        try:
            return await self._ask(plain)
        finally:
            # Handler time (after the request was read): for status displays and benches.
            self.handled_s.append(time.perf_counter() - started)

    async def _ask(self, plain: Request) -> Response:
        request = complete_request(None, plain)  # the server passes an HttpRequest already
        if request.method == "OPTIONS":
            return self._preflight(request)
        if request.method != "POST":
            return error(405, "method_not_allowed", "请用 POST 提交问题", {"Allow": "POST, OPTIONS"})
        allowed, cors = self._origin_allowed(request)
        if not allowed:
            return error(403, "origin_not_allowed", "该网页来源未获准调用问答接口", cors)
        client = self.clients.authenticate(bearer_token(request))
        if client is None:
            return error(401, "unauthorized", "缺少或错误的接入令牌",
                         {**cors, "WWW-Authenticate": 'Bearer realm="videohelp-answers"'})
        wait = self.client_limit.take(client.name)
        if wait:
            return error(429, "rate_limited", "请求过于频繁，请稍后再试",
                         {**cors, "Retry-After": retry_after(wait)})
        if request.body_error == 413:
            return error(413, "body_too_large",
                         f"请求体过大（最多 {self.config.max_body_bytes} 字节）", cors)
        if request.body_error == 411:
            return error(411, "length_required", "请求需带 Content-Length（不支持分块传输）", cors)
        if request.body_error is not None:
            return error(400, "bad_request", "请求格式错误", cors)
        if len(request.body) > self.config.max_body_bytes:
            return error(413, "body_too_large",
                         f"请求体过大（最多 {self.config.max_body_bytes} 字节）", cors)
        content_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return error(415, "unsupported_media_type", "请以 application/json 提交", cors)
        try:
            body = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return error(400, "bad_json", "请求体不是有效的 JSON", cors)
        fields = self._fields(body, client.platform)
        if isinstance(fields, Response):
            fields.headers.update(cors)
            return fields
        if fields.viewer:
            wait = self.viewer_limit.take((client.name, fields.viewer))
            if wait:
                return error(429, "viewer_rate_limited", "您提问太快了，请稍后再问",
                             {**cors, "Retry-After": retry_after(wait)})
        asked = Asked(fields.text, client.name, fields.platform, fields.viewer, fields.channel)
        try:
            answer = await self.service.ask(asked)
        except NotReadyError:
            return error(503, "starting", "问答服务正在启动，请稍后再试",
                         {**cors, "Retry-After": "5"})
        return json_response(200, answer.as_json(), cors)

    def _fields(self, body: Any, default_platform: str) -> Asked | Response:
        if not isinstance(body, dict):
            return error(422, "invalid_fields", "请求体应为 JSON 对象")
        question = body.get("question")
        if not isinstance(question, str) or not question.strip():
            return error(422, "invalid_fields", "缺少问题（question）")
        if len(question) > self.config.max_question_chars:
            return error(422, "question_too_long",
                         f"问题太长（最多 {self.config.max_question_chars} 字）")
        viewer = body.get("viewer_id", "")
        platform = body.get("platform") or default_platform
        channel = body.get("channel", "")
        if not isinstance(viewer, str | int) or len(str(viewer)) > MAX_VIEWER_CHARS:
            return error(422, "invalid_fields", f"viewer_id 应为不超过 {MAX_VIEWER_CHARS} 字的字符串")
        if not isinstance(platform, str) or not PLATFORM_NAME.match(platform):
            return error(422, "invalid_fields", "platform 应为小写字母、数字、_ 或 -（如 app、zlb）")
        if not isinstance(channel, str) or len(channel) > MAX_CHANNEL_CHARS:
            return error(422, "invalid_fields", f"channel 应为不超过 {MAX_CHANNEL_CHARS} 字的字符串")
        return Asked(question.strip(), "", platform, str(viewer), channel)

    def openapi(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return error(405, "method_not_allowed", "只支持 GET", {"Allow": "GET"})
        return json_response(200, openapi_document(self.config))

    def page(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return error(405, "method_not_allowed", "只支持 GET", {"Allow": "GET"})
        # The page runs no script but its own and loads nothing from elsewhere.
        csp = ("default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; "
               "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
               "frame-ancestors *")
        return http_response(200, ask_page(), "text/html; charset=utf-8",
                             {"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff",
                              "Referrer-Policy": "no-referrer"})
