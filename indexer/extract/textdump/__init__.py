"""Plain-text dumps of a page: headline, blank line, paragraphs, then perhaps captions, a site
footer naming the source, and a comment widget followed by the comments.

    lines   what one line is: a caption, a widget line, a footer, an author line
    thread  where the comments start and how they split into comments
    page    `parse`: the dump's parts in order
"""

from indexer.extract.textdump.page import parse, source_of, split_headline

__all__ = ["parse", "source_of", "split_headline"]
