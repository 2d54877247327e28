"""kro's plural (gobuffalo/flect's Pluralize of the lower-cased kind), including its quirks."""

from __future__ import annotations

import pytest

from kro_gen.registry.plural import kro_plural, plural_problem, pluralize


@pytest.mark.parametrize(
    ("word", "plural"),
    [
        ("car", "cars"), ("boy", "boys"), ("policy", "policies"), ("key", "keys"), ("person", "people"),
        ("child", "children"), ("ox", "oxen"), ("mouse", "mice"), ("index", "indices"),
        ("matrix", "matrices"), ("datum", "data"), ("medium", "media"), ("criterion", "criteria"),
        ("analysis", "analyses"), ("diagnosis", "diagnoses"), ("leaf", "leaves"), ("knife", "knives"),
        ("wolf", "wolves"), ("dwarf", "dwarfs"), ("hero", "heroes"), ("photo", "photos"),
        ("radio", "radios"), ("box", "boxes"), ("bus", "buses"), ("status", "statuses"),
        ("quiz", "quizzes"), ("church", "churches"), ("wish", "wishes"), ("class", "classes"),
        ("sheep", "sheep"), ("series", "series"), ("information", "information"), ("die", "dice"),
        ("alias", "aliases"), ("bureau", "bureaus"), ("chateau", "chateaux"), ("cactus", "cacti"),
        ("stadium", "stadiums"), ("database", "databases"), ("ingress", "ingresses"),
        ("gateway", "gateways"), ("webapp", "webapps"), ("microservicesapp", "microservicesapps"),
        ("superman", "supermen"), ("salesperson", "salespeople"), ("shoe", "shoes"), ("toe", "toes"),
    ],
)  # fmt: skip
def test_flect_plurals(word: str, plural: str) -> None:
    assert pluralize(word) == plural
    assert pluralize(plural) == plural  # a plural is kept


def test_kind_is_lower_cased_first() -> None:
    assert kro_plural("ValidationTestApp") == "validationtestapps"
    assert kro_plural("ComplexApp") == "complexapps"


def test_acronym_kinds_keep_flects_quirk_and_are_flagged() -> None:
    assert kro_plural("Api") == "apis"
    assert plural_problem("Api") is None
    assert kro_plural("DNS") == "dnsDNSes"  # flect matches acronyms upper-case
    assert (
        plural_problem("DNS") == "kro pluralises kind DNS as 'dnsDNSes', which is not a lower-case DNS label"
    )


def test_empty_word() -> None:
    assert pluralize("") == ""
