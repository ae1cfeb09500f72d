"""An example llm-extract plugin: the `keywords` backend and the `tsv` output format."""
