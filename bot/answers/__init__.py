"""From retrieved passages to what a member is told: the learned ranking and the answer's
band (confident, not sure, not found), the highlighted sentence, follow-ups, FAQ matches,
editions of a document, and the plain-text layout. Uses :mod:`bot.search`.

Modules: ``ranking`` (learned ranker and confidence), ``answer`` (the Answerer and the
Answer it builds), ``followup``, ``faq``, ``versions``, ``render`` (console layouts).
"""
