"""Quoted speech in an article's paragraphs, with who said it.

    marks     quotation marks of every style, and the spans they enclose
    words     speech verbs, titles and the words that never make a name: data
    speakers  the name a sentence attributes a quote to ("…," Major General Yury Popov said)
    mentions  who the article has named so far, for "he", "she" and "the 30-year-old"
    finder    `find_quotes`: quotes and speakers, paragraph by paragraph
"""

from indexer.extract.quotes.finder import find_quotes

__all__ = ["find_quotes"]
