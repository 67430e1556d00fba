"""Grow a dataset from articles: propose candidate facts for review, then merge them.

``ingest_files`` reads English or Vietnamese articles and proposes actors,
instruments and relations in the dataset's own format, each with its evidence
sentence and a ``review`` block (confidence, reason, ``links_to``).
``diff_candidates`` says what they would add; ``merge_candidates`` writes a
reviewed file into a dataset after full validation, atomically.
"""

from partnergraph.graph.ingest.extract import ingest_files, ingest_article
from partnergraph.graph.ingest.review import MergeError, diff_candidates, merge_candidates

__all__ = ["ingest_files", "ingest_article", "diff_candidates", "merge_candidates", "MergeError"]
