"""The shipped card templates; importing this package registers them all.

One module per template family; each draws with ``CardRenderer``'s helpers
and registers itself with ``@template`` (see ``videohelp.streaming.cards``).
"""

from videohelp.streaming.templates import (  # noqa: F401  (imported to register)
    clip_title,
    clock,
    expert,
    lower_third,
    qa,
    qr,
    ticker,
)
