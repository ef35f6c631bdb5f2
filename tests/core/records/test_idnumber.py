"""ID numbers: check digits, normalisation, masking; the SQL rules agree with the Python ones."""

from __future__ import annotations

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.core.records import idnumber

VALID = "11010519491231002X"


def test_check_digit_and_reasons() -> None:
    assert idnumber.check_digit("11010519491231002") == "X"
    assert idnumber.problem(VALID) is None
    assert idnumber.problem(VALID.lower()) is None
    assert idnumber.problem(VALID[:17] + "1") == idnumber.CHECK
    assert idnumber.problem("") == idnumber.EMPTY
    assert idnumber.problem("1101051949123100") == idnumber.LENGTH
    assert idnumber.problem("11010519491231A02X") == idnumber.FORMAT
    assert idnumber.problem("110105194902300021") == idnumber.BIRTH  # 30 February
    assert idnumber.problem("110105491231002") == idnumber.OLD_15
    assert idnumber.problem("110105491231002", convert_15=True) is None


def test_15_to_18_is_the_same_person() -> None:
    assert idnumber.normalise("110105491231002", convert_15=True) == VALID
    assert idnumber.normalise("１１０１０５１９４９１２３１００２ｘ") == VALID
    assert idnumber.normalise(" 110105 19491231002x\u3000") == VALID


def test_mask_never_shows_the_middle() -> None:
    assert idnumber.mask(VALID) == "110***********002X"
    assert idnumber.mask("110105194912311234") == "110***********1234"
    assert "19491231" not in idnumber.mask(VALID)
    assert idnumber.mask("1234") == "****"


def test_sex_from_17th_digit() -> None:
    assert idnumber.sex(VALID) == "2"
    assert idnumber.sex("110105194912310010"[:16] + "1" + "0") == "1"


def _sql(values: list[str | None], convert_15: bool) -> list[tuple[str, str | None]]:
    con = duckdb.connect()
    norm = idnumber.sql_normalised("v", convert_15=convert_15)
    con.execute("CREATE TABLE t (i INTEGER, v VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(values)))
    rows = con.execute(f"SELECT {norm}, {idnumber.sql_problem(norm)} FROM t ORDER BY i").fetchall()
    return [(str(a), b) for a, b in rows]


ids = st.one_of(
    st.text(alphabet="0123456789Xx ０１２３４５６７８９\u3000", min_size=0, max_size=20),
    st.builds(
        lambda d, c: d + c,
        st.text(alphabet="0123456789", min_size=17, max_size=17),
        st.sampled_from("0123456789Xx"),
    ),
    st.builds(
        lambda y, m, d, s: f"130102{y:04d}{m:02d}{d:02d}{s:03d}",
        st.integers(1880, 2030),
        st.integers(0, 13),
        st.integers(0, 32),
        st.integers(0, 999),
    ).map(lambda s: s + idnumber.check_digit(s)),
    st.text(alphabet="0123456789", min_size=15, max_size=15),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(ids, min_size=1, max_size=30), st.booleans())
def test_sql_matches_python(values: list[str], convert_15: bool) -> None:
    expected = [
        (idnumber.normalise(v, convert_15=convert_15), idnumber.problem(v, convert_15=convert_15))
        for v in values
    ]
    assert _sql(list(values), convert_15) == expected
