"""Reading what a union office uploads: office files to clean Unicode text, with the
title, date, number and kind a person reads off the letterhead, and the text cut into
passages. Nothing here knows about search, answers, storage or chat.

Modules: ``readers`` (one reader per container: PDF, DOCX, .doc, RTF, text, HTML, pictures),
``ocr`` (Tesseract), ``encodings`` (TCVN3/VNI to Unicode), ``garble`` (does it read as
Vietnamese), ``layout`` (page furniture out, paragraphs back), ``docmeta`` (letterhead),
``ingest`` (one file to one :class:`~bot.documents.ingest.Document`), ``sandbox`` (reading in a
child process with limits), ``library`` (the files in ``knowledge/``), ``chunk`` (passages).
"""
