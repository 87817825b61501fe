"""Questions the 24-hour service passed on wait in the next show's queue, flagged; questions
asked while the desk runs reach its queue at once."""

from __future__ import annotations

import pytest

from tests.loop_support import spin_until
from tests.queue.answering.support import DRAFT_QUESTION, prepare, request, running_service
from videohelp.console.session import SessionOptions, ShowSession
from videohelp.core.paths import DataPaths
from videohelp.core.settings import Settings
from videohelp.queue.answering.clients import FILE_NAME, add_client
from videohelp.queue.comments import State
from videohelp.ui.queue_model import QuestionQueueModel


@pytest.fixture
def paths(tmp_path) -> DataPaths:
    return prepare(tmp_path / "data")


def _session(paths: DataPaths) -> ShowSession:
    settings = Settings()
    for name, value in (("program.width", 320), ("program.height", 180), ("program.fps", 10)):
        settings._values[name] = value
    return ShowSession(paths, settings, SessionOptions(actor="tester", listen=True,
                                                       host="127.0.0.1", port=0))


def test_passed_on_questions_wait_in_the_next_shows_queue(paths, qloop, qtbot) -> None:
    async def off_air() -> int:
        async with running_service(paths) as svc:
            assert (await svc.ask(DRAFT_QUESTION)).json()["answered"] is False
            await svc.hook.service.wait_stored()
            return int(svc.rows("SELECT id FROM comments")[0][0])
    passed_on = qloop.run_until_complete(off_air())

    session = _session(paths)
    model = QuestionQueueModel()
    session.commentsTriaged.connect(model.add_triaged)
    session.commentChanged.connect(model.comment_changed)
    qloop.run_until_complete(session.start())
    try:
        spin_until(qloop, lambda: passed_on in model.queue.questions, timeout=60)
        assert model.queue.questions[passed_on].flagged
        assert model.comment_at(0).id == passed_on and model.comment_at(0).state == State.FLAGGED

        # While the desk runs, a question asked through its own server reaches its queue.
        token = add_client(paths.root / FILE_NAME, "zlb")

        def ask():
            return qloop.run_until_complete(qloop.run_in_executor(None, lambda: request(
                session.server.port, "POST", "/api/v1/ask", '{"question": "摩托车上牌要带什么材料"}',
                {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})))
        first = ask()  # the engine is built at the first question: 503 until then
        assert first.status == 503 and first.headers["retry-after"] == "5"
        spin_until(qloop, lambda: session.answers.service.ready, timeout=90)
        reply = ask()
        assert reply.status == 200 and reply.json()["answered"] is False
        # Triage files it into the queue; the service's flag (a show action as auto-answer)
        # follows once the question is stored and settled.
        spin_until(qloop, lambda: len(model.queue.questions) == 2
                   and all(q.flagged for q in model.queue.questions.values()), timeout=10)
    finally:
        qloop.run_until_complete(session.stop())
