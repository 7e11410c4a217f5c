"""The people model: speaker forms to names and roles, organisations or nobody; one person
per article; commenters and sources; the alias file. (The `people` command and the alias
file at index time: test_people_cli.py.)"""

from __future__ import annotations

import pytest

from indexer.article import Article, Comment, Quote
from searchapp import people
from searchapp.fields import facet_values, name_values
from searchapp.people import AliasError, parse
from searchapp.people.aliases import parse as parse_aliases


def art(*speakers: str | None, body: str = "B", headline: str = "H", **fields) -> Article:
    return Article(id="a", path="p", headline=headline, body=body,
                   quotes=tuple(Quote(f"quote {i}", s) for i, s in enumerate(speakers)),
                   **fields)


def names(article: Article, aliases=None) -> list[str | None]:
    return [p.name if p else None for p in people.speakers(article, aliases)]


# -- one form --------------------------------------------------------------------------------

@pytest.mark.parametrize("form, name, role", [
    ("Indonesian Energy Minister Subroto", "Subroto", "Indonesian Energy Minister"),
    ("Chancellor of the Exchequer Nigel Lawson", "Nigel Lawson", "Chancellor of the Exchequer"),
    ("Exchequer Nigel Lawson", "Nigel Lawson", "Exchequer"),  # the extractor's cut
    ("U.S. Trade Representative Clayton Yeutter", "Clayton Yeutter",
     "U.S. Trade Representative"),
    ("Mines and Energy Minister Tarso Wibowo", "Tarso Wibowo", "Mines and Energy Minister"),
    ("Orvane Capital Markets Lisette Brandt", "Lisette Brandt", "Orvane Capital Markets"),
    ("Vice-Premier Tian", "Tian", "Vice-Premier"),
    ("Tokyo's Kimura", "Kimura", "Tokyo's"),
    ("President Reagan", "Reagan", "President"),
    ("Sir Anton Pell", "Anton Pell", "Sir"),
    ("Mr King", "King", "Mr"),  # a title that is also a surname ends a name
    ("Canada Hajime Watanabe", "Hajime Watanabe", "Canada"),
    ("Finance Minister Barend du Plessis", "Barend du Plessis", "Finance Minister"),
    ("FINANCE MINISTER OLE BRANDT", "Ole Brandt", "FINANCE MINISTER"),
])
def test_titles_and_roles_are_set_aside(form, name, role):
    assert parse(form) == people.Named(name, people.PERSON, role)


@pytest.mark.parametrize("form", [
    "Lord Hartwell", "Queen Mary",  # a title that is part of the name: kept
    "Jordan Pickwell", "Georgia Mane",  # a country only cuts before two words
    "Bryan Singer", "Murray Head", "Steve King",  # roles that are also surnames
    "Willy de Clercq", "Karl Otto Poehl", "Zeid al-Rifai",
])
def test_names_stay_whole(form):
    assert parse(form) == people.Named(form, people.PERSON, None)


@pytest.mark.parametrize("form", [
    "Co", "Bank", "Inc", "Daily",  # words that only end an organisation's name
    "R-Texas", "D-Calif.", "R-N.Y.",  # party-state tags
    "he", "They", "officials", "Spokesman",  # pronouns, roles without a name
    "American", "Western", "West German",  # "the American said"
    "Texas Democrat", "British Prime Minister", "the spokesman",
    "Two analysts", "Several U.S. officials",
    "President of Petroleos de Venezuela", "Chief Executive of the Harrow Hospitals Trust",
    "", "  ",
])
def test_not_speakers(form):
    assert parse(form) is None


@pytest.mark.parametrize("form, name", [
    ("Kidder Peabody and Co", "Kidder Peabody and Co"),
    ("Federal Reserve Board", "Federal Reserve Board"),
    ("Bank of Canada", "Bank of Canada"),
    ("the Bank of Canada", "Bank of Canada"),
    ("the Guardian", "The Guardian"),
    ("Bundesbank", "Bundesbank"), ("GATT", "GATT"), ("China", "China"), ("US", "US"),
    ("South Korea", "South Korea"), ("Tories", "Tories"), ("BBC Sport", "BBC Sport"),
])
def test_organisations_keep_their_full_name(form, name):
    assert parse(form) == people.Named(name, people.ORGANISATION, None)


# -- one article -----------------------------------------------------------------------------

def test_forms_of_one_person_in_an_article_are_one_person_named_by_the_full_name():
    a = art("President Reagan", "Reagan", "Ronald Reagan", None, "Tass")
    assert names(a) == ["Ronald Reagan"] * 3 + [None, "Tass"]
    first = people.speakers(a)[0]
    assert first == people.Person("Ronald Reagan", people.PERSON, "President", "President Reagan")


def test_a_surname_joins_the_full_name_the_body_writes():
    a = art("Mr Eddington", body="British Airways chief Rod Eddington warned of cuts.")
    assert names(a) == ["Rod Eddington"]
    assert name_values(a)["speaker"] == ["Mr Eddington", "Rod Eddington"]
    assert facet_values(a)["speaker"] == ["Rod Eddington"]


def test_after_mr_two_words_are_a_surname_too():
    a = art("Mr Carrow Hale", "Dr Amir Haddad",
            body="Gallery director Edmund Carrow Hale opened it with Amir Haddad.")
    assert names(a) == ["Edmund Carrow Hale", "Amir Haddad"]
    assert names(art("Carrow Hale", body="Edmund Carrow Hale")) == ["Carrow Hale"]  # a name


def test_a_surname_two_full_names_share_is_left_alone():
    a = art("Mr Blair", "Tony Blair", body="Cherie Blair was there too.")
    assert names(a) == ["Blair", "Tony Blair"]
    assert names(art("Smith", "John Smith", "Mary Smith")) == ["Smith", "John Smith",
                                                                "Mary Smith"]


def test_different_full_names_are_never_merged():
    assert names(art("John Smith", "Mary Smith", "Smith Jones")) == [
        "John Smith", "Mary Smith", "Smith Jones"]


def test_spellings_of_one_full_name_take_the_fullest():
    assert names(art("Karl Poehl", "Karl Otto Poehl", "Poehl")) == ["Karl Otto Poehl"] * 3


def test_names_in_the_text_do_not_run_across_sentences_or_titles():
    a = art("Parry", "Baker", body="The coach was Steve Morgan. Parry said so.\n\n"
            "Treasury Secretary Baker spoke.")
    assert names(a) == ["Parry", "Baker"]
    a = art("Baker", body="Said Treasury Secretary James Baker: no.")
    assert names(a) == ["James Baker"]


def test_organisations_are_not_joined_to_people():
    a = art("Chrysler", body="Walter Chrysler founded it.")
    assert names(a) == ["Walter Chrysler"]  # a one-word name is a person's surname...
    a = art("GATT", body="Peter Gatt said.")
    assert names(a) == ["GATT"]  # ...an acronym an organisation's
    assert people.speakers(a)[0].kind == people.ORGANISATION


# -- commenters and sources ------------------------------------------------------------------

def test_a_commenter_is_the_handle_case_folded():
    a = art(comments=(Comment("x", "Jens Holm"), Comment("y", "jens  holm"),
                      Comment("z", None), Comment("w", "JENS HOLM ")))
    assert [p.name if p else None for p in people.commenters(a)] == [
        "jens holm", "jens holm", None, "jens holm"]
    assert people.commenters(a)[0].form == "Jens Holm"
    assert facet_values(a)["commenter"] == ["jens holm"]


@pytest.mark.parametrize("source, url, value", [
    ("Ridgeway Courier Online", None, "Ridgeway Courier"),
    ("Ridgeway Courier", "https://ridgeway-courier.example/a", "Ridgeway Courier"),
    ("Salon.com", None, "Salon"),
    ("the Guardian", None, "The Guardian"),
    ("Harbour Gazette - Digital Edition", None, "Harbour Gazette"),
    ("Online", None, "Online"),  # never the whole name
    (None, "https://www.ridgeway-courier.example/2019/a.html", "ridgeway-courier.example"),
    ("", "not a url", None),
    (None, None, None),
])
def test_a_source_is_the_sites_name_or_its_domain(source, url, value):
    a = art(source=source, url=url)
    assert people.source(a) == value
    assert facet_values(a)["source"] == ([value] if value else [])


# -- the alias file --------------------------------------------------------------------------

ALIASES = b"""
[speakers.merge]
"Ronald Reagan" = ["reagan", "Ronnie Reagan"]
[speakers]
ignore = ["Reuters"]
keep_apart = ["baker"]
organisations = ["Tass"]
people = ["Bank"]
[commenters.merge]
"Jens Holm" = ["jholm"]
[commenters]
ignore = ["Admin"]
[sources.merge]
"Ridgeway Courier" = ["ridgeway-courier.example"]
"""


def test_aliases_merge_split_and_re_kind():
    aliases = parse_aliases(ALIASES)
    a = art("President Reagan", "Ronnie  Reagan", "Reuters", "Tass", "Bank", "Baker",
            body="James Baker spoke.")
    got = [(p.name, p.kind, p.role) if p else None for p in people.speakers(a, aliases)]
    assert got == [("Ronald Reagan", "person", "President"), ("Ronald Reagan", "person", None),
                   None, ("Tass", "organisation", None), ("Bank", "person", None),
                   ("Baker", "person", None)]
    assert names(art("Baker", body="James Baker spoke.")) == ["James Baker"]  # without them
    c = art(comments=(Comment("x", "JHolm"), Comment("y", "jens holm"), Comment("z", "admin")))
    assert [p.name if p else None for p in people.commenters(c, aliases)] == [
        "Jens Holm", "Jens Holm", None]
    s = art(url="https://ridgeway-courier.example/a")
    assert people.source(s, aliases) == "Ridgeway Courier"


def test_aliases_in_use_are_the_default():
    a = art("Reagan")
    people.use(parse_aliases(ALIASES))
    try:
        assert names(a) == ["Ronald Reagan"]
        assert facet_values(a)["speaker"] == ["Ronald Reagan"]
    finally:
        people.use(people.NO_ALIASES)
    assert names(a) == ["Reagan"]


def test_no_alias_file_is_no_aliases(tmp_path):
    assert people.load_aliases(str(tmp_path)) is people.NO_ALIASES
    (tmp_path / "people.toml").write_bytes(ALIASES)
    assert people.load_aliases(str(tmp_path)).path == str(tmp_path / "people.toml")


@pytest.mark.parametrize("text, message", [
    (b'[speakers.merge]\n"A B" = ["x"\n',
     "people.toml, line 2 is not valid TOML: Unclosed array"),
    (b'[speakers]\nignore = ["x"] ["y"]\n\n',
     "people.toml, line 2 is not valid TOML: Expected newline or end of document after a "
     "statement"),
    (b"[speaker]\nignore = []\n",
     "people.toml, line 1: unknown section [speaker]; the sections are [speakers], "
     "[commenters] and [sources]"),
    (b"[commenters]\npeople = []\n",
     "people.toml, line 2: unknown key 'people' in [commenters]; its keys are merge, ignore"),
    (b'[speakers.merge]\n"Ronald Reagan" = "Reagan"\n',
     "people.toml, line 2: [speakers.merge] 'Ronald Reagan' must be a list of names in "
     'quotes (["Reagan", "President Reagan"])'),
    (b'[speakers]\nignore = ["Co", " "]\n', "people.toml, line 2: [speakers] ignore holds "
     "an empty name"),
    (b'[speakers.merge]\n"Ronald Reagan" = ["Reagan"]\n"Nancy Reagan" = ["reagan"]\n',
     "people.toml, line 2: 'reagan' is merged into both 'Ronald Reagan' and 'Nancy Reagan' "
     "in [speakers.merge]"),
    (b'[speakers]\nignore = ["Reagan"]\n[speakers.merge]\n"Ronald Reagan" = ["Reagan"]\n',
     "people.toml, line 2: 'reagan' is both merged into 'Ronald Reagan' and in [speakers] "
     "ignore"),
    (b"speakers = 1\n", "people.toml, line 1: speakers must be a section ([speakers]), "
     "not a value"),
    (b"[sources]\nignore = [1]\n", "people.toml, line 2: [sources] ignore must be a list of "
     'names in quotes (["Reagan", "President Reagan"])'),
    ("[speakers]\nignore = ['é']\n".encode("latin-1"), "people.toml is not UTF-8 text"),
])
def test_alias_file_errors_are_one_sentence_with_the_line(text, message):
    with pytest.raises(AliasError) as e:
        parse_aliases(text, "people.toml")
    assert str(e.value) == message
