"""HTML pages: bytes in, Article out.

    decode    the page's text from its bytes (BOM, HTTP header, <meta>, a check of the bytes)
    meta      what the page says about itself (JSON-LD, OpenGraph, article and Dublin Core meta)
    comments/ reader comment threads, found and taken out of the tree before anything else
    rules     what is markup noise, boilerplate or content: data, not logic
    body      the article's running text: blocks, a scored container, filtered blocks
    headline  the article's own headline (without the site's name) and its deck
    page      `parse`: the order the parts above are applied in
"""

from indexer.extract.html.page import parse

__all__ = ["parse"]
