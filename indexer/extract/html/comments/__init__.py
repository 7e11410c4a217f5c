"""Reader comments in an HTML page, one module per way a thread is laid out.

    systems   the markup of comment systems (WordPress, Disqus, Livefyre...): data
    item      one comment's element: its author, date and words
    threads   `take_comments`: comment-classed threads, found, read and detached
    lists     threads without comment classes: repeated signed blocks, text/signature pairs
    anchored  flat Movable Type / TypePad threads, one run of paragraphs per comment anchor
    loose     loose text after a "Comments" heading, split at rules or signature lines
    sections  what leaves the tree with a thread: its section, heading, forms and notes
"""

from indexer.extract.html.comments.threads import take_comments

__all__ = ["take_comments"]
