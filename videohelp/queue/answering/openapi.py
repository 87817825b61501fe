"""The OpenAPI 3.1 description served at ``/api/v1/openapi.json`` (docs/answers.md)."""

from __future__ import annotations

from typing import Any

from videohelp import __version__


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def openapi_document(config: Any) -> dict[str, Any]:
    limited = {**_error("Too many requests (the client's or the viewer's rate)"),
               "headers": {"Retry-After": {"schema": {"type": "integer"},
                                           "description": "Seconds to wait"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "videohelp 24-hour answers (智能问答)", "version": __version__,
                 "description": "Answers viewers' questions from the reviewed knowledge base. "
                                "Never a draft; below the confidence threshold the question is "
                                "passed on to the studio (answered: false)."},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A client token from "
                                                          "`videohelp answer client add`"}},
            "schemas": {
                "Question": {
                    "type": "object", "required": ["question"],
                    "properties": {
                        "question": {"type": "string", "minLength": 1,
                                     "maxLength": config.max_question_chars},
                        "viewer_id": {"type": "string", "maxLength": 128,
                                      "description": "The caller's id of the viewer (rate limit "
                                                     "per viewer; stored only as a digest)"},
                        "platform": {"type": "string", "pattern": "^[a-z][a-z0-9_-]{0,31}$",
                                     "description": "Platform the comment is stored under "
                                                    "(default: the client's, else 'ask')"},
                        "channel": {"type": "string", "maxLength": 64}}},
                "Answer": {
                    "type": "object", "required": ["answered", "reason", "confidence", "message"],
                    "properties": {
                        "answered": {"type": "boolean"},
                        "reason": {"type": "string", "enum": ["answered", "off_topic", "not_sure",
                                                              "no_reviewed_answer"]},
                        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                        "message": {"type": "string",
                                    "description": "The short answer, or the pass-on text"},
                        "item": {"type": "object", "properties": {"code": {"type": "string"},
                                                                  "name": {"type": "string"}}},
                        "answer": {"type": "object", "properties": {
                            "id": {"type": "string"}, "short": {"type": "string"},
                            "full": {"type": "string"}, "reviewed_at": {"type": "string"},
                            "source": {"type": "object", "properties": {
                                "file": {"type": "string"}, "article": {"type": "string"},
                                "citation": {"type": "string"}}}}},
                        "link": {"type": "string", "description": "一键办理 link of the item"},
                        "channels": {"type": "array", "items": {"type": "object", "properties": {
                            "name": {"type": "string"}, "path": {"type": "string"}}}},
                        "clips": {"type": "array", "items": {"type": "object"}}}},
                "Error": {"type": "object", "required": ["error", "message"],
                          "properties": {"error": {"type": "string"},
                                         "message": {"type": "string"}}}}},
        "paths": {
            "/api/v1/ask": {
                "post": {
                    "summary": "Ask a question",
                    "security": [{"bearer": []}],
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Question"}}}},
                    "responses": {
                        "200": {"description": "Answered, or passed on (answered: false)",
                                "content": {"application/json": {
                                    "schema": {"$ref": "#/components/schemas/Answer"}}}},
                        "400": _error("Not JSON, or a malformed request"),
                        "401": _error("Missing, wrong or revoked token"),
                        "403": _error("A browser origin not configured for CORS"),
                        "405": _error("Not POST"),
                        "411": _error("No Content-Length (chunked bodies are refused)"),
                        "413": _error(f"Body over {config.max_body_bytes} bytes"),
                        "415": _error("Not application/json"),
                        "422": _error("Missing or invalid fields, question too long"),
                        "429": limited,
                        "503": _error("The service is starting")}},
                "options": {"summary": "CORS preflight (configured origins only)",
                            "responses": {"204": {"description": "Allowed"},
                                          "403": _error("Origin not allowed")}}},
            "/api/v1/openapi.json": {"get": {"summary": "This document",
                                             "responses": {"200": {"description": "OpenAPI"}}}},
            "/ask": {"get": {"summary": "The chat page for an app's web view "
                                        "(token in the fragment: /ask#token=T&viewer=V)",
                             "responses": {"200": {"description": "HTML"}}}}},
    }
