"""Allow ``python -m videohelp``."""

from videohelp.entry import main

raise SystemExit(main())
