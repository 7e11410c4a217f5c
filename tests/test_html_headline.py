"""The HTML headline: the article's own title as printed, without the site's name, with the
deck when the page marks one; and an accuracy floor on the L3S Google-News pages."""

from __future__ import annotations

import importlib.util

import pytest
from conftest import SHARED, need

from indexer.errors import ExtractError
from indexer.extract.html import parse
from indexer.extract.html.headline import choose_headline, page_title
from indexer.extract.html.meta import PageMeta

TEXT = ("<p>The council met on Tuesday evening and, after a long debate, agreed to the plan "
        "that engineers had put forward last spring, with only two members against it.</p>"
        "<p>Work is due to start in the summer, once the contracts are signed, and the "
        "harbour will stay open to fishing boats throughout, officials said.</p>"
        "<p>Residents who spoke at the meeting said the wall had been crumbling for years, "
        "and that storms last winter had flooded several houses near the quay.</p>")
NAV = '<ul class="menu"><li><a href="/">Home</a></li><li><a href="/w">World</a></li></ul>'


def headline(html: str) -> str:
    return parse(html, "page.html").headline


def page(title: str | None, top: str, text: str = TEXT) -> str:
    head = f"<head><title>{title}</title></head>" if title is not None else ""
    return f"<html>{head}<body>{NAV}{top}<div class='story'>{text}</div></body></html>"


@pytest.mark.parametrize("title", [
    "Council votes to rebuild the harbour wall | The Daily Planet",
    "The Daily Planet - Local News - Council votes to rebuild the harbour wall",
    "Daily Planet: Local: Council votes to rebuild the harbour wall",
])
def test_site_name_is_cut_from_the_title_in_either_order(title):
    assert headline(page(title, "")) == "Council votes to rebuild the harbour wall"


def test_heading_agreeing_with_the_title_is_taken_as_printed():
    html = page("Council votes to rebuild harbour wall - The Daily Planet",
                "<h1>Council votes to rebuild the old harbour wall</h1>")
    assert headline(html) == "Council votes to rebuild the old harbour wall"


def test_logo_h1_loses_to_the_headline_above_the_text():
    html = page("The Daily Planet - Local",
                "<h1>The Daily Planet</h1><h2>Top stories</h2>"
                "<h2>Council votes to rebuild the harbour wall</h2>")
    assert headline(html) == "Council votes to rebuild the harbour wall"


def test_bold_font_headline_on_an_old_table_layout():
    html = ("<html><head><title>The Daily Planet</title></head><body><table><tr>"
            "<td><a href='/'>Home</a><br><a href='/s'>Sport</a></td><td>"
            "<p><font size='4'><b>Miners rescued after three days underground</b></font></p>"
            f"<p>January 15, 2008</p>{TEXT}</td></tr></table></body></html>")
    assert headline(html) == "Miners rescued after three days underground"


def test_span_classed_as_headline_inside_a_paragraph():
    html = page("Sports Wire",
                "<p><span class='headingstory'>Home side hold on for a late draw</span><br>"
                "By Jo Bloggs<br>January 15, 2008</p>")
    assert headline(html) == "Home side hold on for a late draw"


def test_dates_bylines_and_list_titles_are_not_the_headline():
    html = page(None, "<p><b>Tuesday, January 15, 2008</b></p><h3>Related links</h3>"
                      "<h2>Council votes to rebuild the harbour wall</h2>"
                      "<p><b>By Jo Bloggs</b></p>")
    assert headline(html) == "Council votes to rebuild the harbour wall"


def test_deck_marked_by_its_class_is_part_of_the_headline():
    html = page("Council votes to rebuild harbour wall | The Daily Planet",
                "<h1>Council votes to rebuild harbour wall</h1>"
                "<p class='standfirst'>Two years of work and four million pounds</p>")
    assert headline(html) == ("Council votes to rebuild harbour wall — "
                              "Two years of work and four million pounds")


def test_smaller_heading_right_below_is_the_deck():
    html = page("Council votes to rebuild harbour wall",
                "<div id='story-top'><h2>Council votes to rebuild harbour wall</h2>"
                "<h3>Work starts in the summer and takes two years</h3></div>")
    assert headline(html) == ("Council votes to rebuild harbour wall — "
                              "Work starts in the summer and takes two years")


def test_line_alone_with_the_headline_in_its_intro_wrapper_is_the_deck():
    top = ("<div class='{}'><h1>Do businesses want the new tablets at last?</h1>"
           "<p>Good news for the makers</p></div>")
    title = "Do businesses want the new tablets at last? | Tech Daily"
    assert headline(page(title, top.format("topIntroText"))) == (
        "Do businesses want the new tablets at last? Good news for the makers")
    assert headline(page(title, top.format("wrap"))) == (
        "Do businesses want the new tablets at last?")


def test_unmarked_paragraph_after_the_headline_is_not_a_deck():
    html = page("Council votes to rebuild harbour wall | The Daily Planet",
                "<h1>Council votes to rebuild harbour wall</h1>")
    assert headline(html) == "Council votes to rebuild harbour wall"
    credit = page("Council votes to rebuild harbour wall",
                  "<h1>Council votes to rebuild harbour wall</h1><h2>The Associated Press</h2>")
    assert headline(credit) == "Council votes to rebuild harbour wall"


def test_page_without_a_title():
    html = page(None, "<div class='sh'>Council votes to rebuild the harbour wall</div>")
    assert headline(html) == "Council votes to rebuild the harbour wall"
    html = page("", "<h1 class='headline'>Gulf states urge peace</h1>")
    assert headline(html) == "Gulf states urge peace"


def test_title_broken_by_markup_stops_where_code_starts():
    html = page("Ferry service resumes after the storm' + OAS_query + '\"></SCRIPT>", "")
    assert headline(html) == "Ferry service resumes after the storm"
    from lxml import html as lxml_html
    root = lxml_html.document_fromstring(
        "<html><head><title>Storm damage - News</titlevalue=\"x\" --></title></head>"
        "<body><p>x</p></body></html>")
    assert page_title(root) == "Storm damage - News"


def test_choose_headline_takes_plain_strings():
    meta = PageMeta(titles=["Storm hits the coast overnight - Daily Planet"])
    assert choose_headline(["Daily Planet", "Storm hits the coast overnight"], meta, "",
                           "Storm hits the coast overnight") == "Storm hits the coast overnight"
    assert choose_headline([], PageMeta(), "") == ""


def test_empty_page_still_raises():
    with pytest.raises(ExtractError):
        parse("<html><body></body></html>", "empty.html")


@pytest.mark.slow
def test_l3s_headline_accuracy_floor():
    corpus = SHARED / "corpora" / "l3s-gn1"
    tool = SHARED / "tools" / "evaluate_extraction.py"
    need(corpus.is_dir() and tool.is_file(), f"the L3S corpus is not at {corpus}")
    spec = importlib.util.spec_from_file_location("evaluate_extraction", tool)
    ev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ev)
    scored = good = 0
    for path, gold in ev.load_l3s(SHARED / "corpora"):
        if not gold["headline"]:
            continue
        try:
            ours = parse(ev.read_html(path), str(path)).headline
        except ExtractError:
            ours = ""
        scored += 1
        good += ev.prf(ours, gold["headline"], 1)[2] >= 0.8
    assert scored > 400
    assert good / scored >= 0.89, f"headline accuracy {good / scored:.3f}"
