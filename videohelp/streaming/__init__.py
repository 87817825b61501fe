"""Program output: cards, rendering, compositing, sources and outputs."""
