"""Extraction strategies for chat backends: how an article becomes model calls.

`single` (one call per article, for capable models) lives in `backends.chat`;
`sentences` (rules read the fields, the model labels sentences) lives here.
"""

DEFAULT_PROMPTS = {"single": "extract_v1", "sentences": "sentence_v1"}
