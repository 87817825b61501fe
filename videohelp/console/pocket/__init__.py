"""锦囊口袋: the library of short explainer clips, tied to the business items they explain.

- ``probe``: PyAV probe of a clip file (playable? duration, codecs, sound), thumbnail, strip;
- ``library``: the clips in the database (migration 0007), add, check, search;
- ``sheet``: the clip sheet (CSV/.xlsx) with the knowledge base's import rules;
- ``plays``: every airing and preview counted, and the daily review's figures;
- ``publish``: the static 点播检索 site for viewers (``videohelp pocket publish``).

No widgets here; on-air playback is ``videohelp.streaming.clip_air``.
"""
