"""The OpenAI Batch API engine: the online request bodies, sent as batches at half price.

`BatchJob` runs the ordinary Extractor with a transport that answers requests from
downloaded batch output and parks the rest for the next batch (see `transport`), so the
requests, the parsing, the records and the cache entries are those of an online run.
"""

from llm_extract.batch.job import BatchJob, BatchSummary, load_batch_prices

__all__ = ["BatchJob", "BatchSummary", "load_batch_prices"]
