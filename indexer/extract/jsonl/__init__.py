"""JSON lines: the Article record (DESIGN 3.2), or the field names scrapers use instead.

    fieldnames  the names each Article field goes by in scrapers' output: data
    bodytext    body text given as one string, split into paragraphs
    records     `iter_lines` streams a file line by line; `parse_record` reads one record
"""

from indexer.extract.jsonl.records import iter_lines, parse_record

__all__ = ["iter_lines", "parse_record"]
