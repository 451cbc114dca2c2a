"""The regulation's vocabulary, one module per chapter that defines terms.

* :mod:`quyche.chapters.chuong_1` — the parties, their offices and other recipients (Điều 1).
* :mod:`quyche.chapters.chuong_2` — events of the six content areas (Điều 4–9).
* :mod:`quyche.chapters.chuong_3` — meetings and information on activities (Điều 10–11).
* :mod:`quyche.chapters.chuong_4` — the six modes of coordination and requests (Điều 12–13).
* :mod:`quyche.chapters.chuong_6` — annual evaluation and amendment (Điều 19–20).

Chapters V and VII define no vocabulary of their own: their duties are written in the rule files.
"""
