"""GB 11643 resident ID checks and phone numbers."""

import datetime as dt

import pytest

from app.domain.identity import (
    make_resident_id,
    phone_problem,
    resident_id_check_char,
    resident_id_problem,
)


def test_known_valid_ids():
    # The standard's own example and one ending in X.
    assert resident_id_problem("11010519491231002X") is None
    assert resident_id_check_char("11010519491231002") == "X"
    assert resident_id_problem("110101199003074477") is None


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("110105194912310021", "校验位"),
        ("11010519491231002", "18位"),
        ("1101051949123100XX", "18位"),
        ("110105194913310023", "出生日期"),
        ("110105290001010012", "出生日期"),
    ],
)
def test_invalid_ids(number, problem):
    assert problem in resident_id_problem(number)


def test_made_ids_are_valid():
    for seq in range(50):
        assert resident_id_problem(make_resident_id("310104", dt.date(1980, 5, 17), seq)) is None


def test_phones():
    assert phone_problem("13812345678") is None
    assert phone_problem("021-62345678") is None
    assert phone_problem("1381234567") is not None
    assert phone_problem("abc") is not None
