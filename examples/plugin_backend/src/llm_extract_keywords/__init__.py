"""An example llm-extract plugin: the `keywords` backend, the `lead` strategy and the `tsv`
output format."""
