"""Language from common words: exact codes for clear texts, None when unsure."""

import pytest

from indexer.extract.language import guess_language

TEXTS = {
    "en": "The council said on Tuesday that the bridge would reopen in May, and that the cost "
          "of the repairs had been shared with the regional government, which has paid for it.",
    "de": "Der Stadtrat hat am Mittwoch beschlossen, dass die Brücke im Mai wieder geöffnet "
          "wird, und die Kosten werden von dem Land und der Stadt gemeinsam getragen.",
    "fr": "Le conseil municipal a annoncé que le pont sera rouvert en mai et que les frais des "
          "travaux sont partagés avec la région, qui a payé pour une partie du chantier.",
    "es": "El ayuntamiento anunció que el puente se abrirá en mayo y que los costes de las "
          "obras se comparten con la región, que ha pagado una parte por su cuenta.",
    "ru": "Городской совет заявил, что мост откроют в мае, и что расходы на ремонт будут "
          "разделены с регионом, который уже заплатил за это и не только.",
}


@pytest.mark.parametrize("code", sorted(TEXTS))
def test_clear_texts(code):
    assert guess_language(TEXTS[code]) == code


@pytest.mark.parametrize("text", ["", "Breaking news", "12 34 56", "Obama Clinton McCain"])
def test_short_or_wordless_texts_get_none(text):
    assert guess_language(text) is None
