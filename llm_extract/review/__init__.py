"""The analyst's correction loop: a review page for a run, and its export kept as gold.

Stages: `data` reads a run, an export or a gold folder and builds the page's data;
`render` writes the self-contained page (jinja2 template, script and CSS in `assets/`);
`gold` imports the page's export as a gold folder `llm-extract eval` reads.
"""

from llm_extract.review.data import ReviewDoc, ReviewInputError, load_review_input, page_data
from llm_extract.review.gold import ImportReport, import_export
from llm_extract.review.render import render_review_page

__all__ = [
    "ImportReport",
    "ReviewDoc",
    "ReviewInputError",
    "import_export",
    "load_review_input",
    "page_data",
    "render_review_page",
]
