"""Finding the passages that may answer a question: the offline embedding model, dense
(FAISS) and lexical (BM25) indexes, their fusion, the versioned index on disk, and question
parsing (diacritics restored, abbreviations spelled out). Uses :mod:`bot.documents`.

Modules: ``model`` (builds the offline model), ``embed`` (encoders, cache), ``dense``,
``lexical``, ``fusion``, ``index`` (versions, incremental build, atomic publish), ``retrieve``
(hybrid search), ``diacritics``, ``abbrev``, ``evaluate`` and ``metrics`` (retrieval quality).
"""
