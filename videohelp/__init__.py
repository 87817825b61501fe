"""videohelp: a broadcast console for live-streamed public-service Q&A shows."""

__version__ = "0.1.0"
APP_NAME = "videohelp"
