"""Specification of suppression.phone: what a spreadsheet cell becomes, and why."""

from __future__ import annotations

import dataclasses
from typing import Any

import phonenumbers
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from suppression import phone
from suppression.phone import (
    LINE_TYPES,
    REJECTION_REASONS,
    PhoneNumber,
    Rejection,
    _normalize_slow,
    e164_or_rejection,
    normalize,
    timezones_for,
    to_e164,
)

# The oracle: phonenumbers itself (only library code is limited to one importer).
pn: Any = phonenumbers

MOBILE = ("+33612345678", "FR", "mobile", None)

# raw -> (e164, region, line_type, extension), region FR unless the number says otherwise
ACCEPTED = {
    "06 12 34 56 78": MOBILE,
    "06.12.34.56.78": MOBILE,
    "06-12-34-56-78": MOBILE,
    "06/12/34/56/78": MOBILE,
    "(06) 12 34 56 78": MOBILE,
    "0612345678": MOBILE,
    "  06 12 34 56 78  ": MOBILE,
    "+33612345678": MOBILE,
    "+33 6 12 34 56 78": MOBILE,
    "+33 (0)6 12 34 56 78": MOBILE,
    "+33 0 6 12 34 56 78": MOBILE,
    "0033612345678": MOBILE,
    "0033 (0)6 12 34 56 78": MOBILE,
    "06\u00a012\u00a034\u00a056\u00a078": MOBILE,  # no-break space
    "06\u200912\u200934\u200956\u200978": MOBILE,  # thin space
    "06\u202f12\u202f34\u202f56\u202f78": MOBILE,  # narrow no-break space
    "０６ １２ ３４ ５６ ７８": MOBILE,  # full-width digits
    "＋３３６１２３４５６７８": MOBILE,
    "612345678": MOBILE,  # Excel dropped the leading zero
    "06 12 34 56 78 poste 12": ("+33612345678", "FR", "mobile", "12"),
    "06 12 34 56 78 Poste 1234": ("+33612345678", "FR", "mobile", "1234"),
    "06 12 34 56 78 ext. 12": ("+33612345678", "FR", "mobile", "12"),
    "06 12 34 56 78 ext 12": ("+33612345678", "FR", "mobile", "12"),
    "06 12 34 56 78 x12": ("+33612345678", "FR", "mobile", "12"),
    "06 12 34 56 78 #12": ("+33612345678", "FR", "mobile", "12"),
    "0612345678;ext=5": ("+33612345678", "FR", "mobile", "5"),  # phonenumbers' own syntax
    "01 23 45 67 89": ("+33123456789", "FR", "fixed_line", None),
    "07 56 12 34 56": ("+33756123456", "FR", "mobile", None),
    "09 12 34 56 78": ("+33912345678", "FR", "voip", None),
    "0 800 12 34 56": ("+33800123456", "FR", "toll_free", None),
    "08 92 12 34 56": ("+33892123456", "FR", "premium_rate", None),
    "0810 12 34 56": ("+33810123456", "FR", "shared_cost", None),
    "0806 12 34 56": ("+33806123456", "FR", "uan", None),
    "+44 20 7946 0958": ("+442079460958", "GB", "fixed_line", None),
    "+1 201 555 0123": ("+12015550123", "US", "fixed_line_or_mobile", None),
    "+800 1234 5678": ("+80012345678", "001", "toll_free", None),
}

# French overseas numbers written in national form, region FR: one case per prefix.
OVERSEAS = {
    "0590 20 12 34": ("+590590201234", "GP", "fixed_line"),
    "0590 27 12 34": ("+590590271234", "BL", "fixed_line"),
    "0590 07 12 34": ("+590590071234", "MF", "fixed_line"),
    "0690 00 12 34": ("+590690001234", "GP", "mobile"),
    "0691 22 12 34": ("+590691221234", "GP", "mobile"),
    "0594 10 12 34": ("+594594101234", "GF", "fixed_line"),
    "0694 20 12 34": ("+594694201234", "GF", "mobile"),
    "0596 30 12 34": ("+596596301234", "MQ", "fixed_line"),
    "0696 20 12 34": ("+596696201234", "MQ", "mobile"),
    "0697 12 34 56": ("+596697123456", "MQ", "mobile"),
    "0262 16 12 34": ("+262262161234", "RE", "fixed_line"),
    "0263 10 12 34": ("+262263101234", "RE", "fixed_line"),
    "0692 12 34 56": ("+262692123456", "RE", "mobile"),
    "0693 01 23 45": ("+262693012345", "RE", "mobile"),
    "0269 60 12 34": ("+262269601234", "YT", "fixed_line"),
    "0639 01 23 45": ("+262639012345", "YT", "mobile"),
    # Saint-Pierre-et-Miquelon numbers are 6 digits after +508; phonenumbers alone would say
    # +33508412345, a French fixed line.
    "0508 41 23 45": ("+508412345", "PM", "fixed_line"),
    "690001234": ("+590690001234", "GP", "mobile"),  # Excel dropped the zero
    "508412345": ("+508412345", "PM", "fixed_line"),
    # not a valid Martinique number, so the ordinary French reading stands
    "0596 12 34 56": ("+33596123456", "FR", "fixed_line"),
}

REJECTED = {
    "": "empty",
    "   ": "empty",
    "\u00a0": "empty",
    "abc": "not_a_number",
    "n/a": "not_a_number",
    "12": "too_short",
    "06 12 34 56": "too_short",
    "+33 1": "too_short",
    "06 12 34 56 78 9": "too_long",
    "12345678901234567890": "too_long",
    "+999 123456": "invalid_country_code",
    "0712345678": "invalid_number",
    # a country code is taken at its word: no overseas mapping for +33 or 0033
    "+33 6 90 12 34 56": "invalid_number",
    "0033 6 90 00 12 34": "invalid_number",
}


@pytest.mark.parametrize(("raw", "expected"), ACCEPTED.items(), ids=repr)
def test_accepted_shapes(raw: str, expected: tuple[str, str, str, str | None]) -> None:
    result = normalize(raw)
    assert isinstance(result, PhoneNumber)
    assert (result.e164, result.region, result.line_type, result.extension) == expected
    assert to_e164(raw) == expected[0]


@pytest.mark.parametrize(("raw", "expected"), OVERSEAS.items(), ids=repr)
def test_french_overseas_numbers_get_their_own_country_code(
    raw: str, expected: tuple[str, str, str]
) -> None:
    result = normalize(raw, "FR")
    assert isinstance(result, PhoneNumber)
    assert (result.e164, result.region, result.line_type) == expected


def test_every_overseas_prefix_is_specified() -> None:
    written = {raw.replace(" ", "")[:4] for raw in OVERSEAS if raw.startswith("0")}
    assert written == set(phone._FRENCH_OVERSEAS)


def test_overseas_mapping_is_for_region_fr_only() -> None:
    assert normalize("0690 00 12 34", "GP") == normalize("0690 00 12 34", "FR")
    assert normalize("0612345678", "GB") == Rejection("invalid_number", "0612345678")


@pytest.mark.parametrize(("raw", "reason"), REJECTED.items(), ids=repr)
def test_rejections_say_why(raw: str, reason: str) -> None:
    assert normalize(raw) == Rejection(reason, raw)
    assert to_e164(raw) is None


def test_none_is_empty() -> None:
    assert normalize(None) == Rejection("empty", "")
    assert to_e164(None) is None


def test_rejection_table_covers_every_reason() -> None:
    assert set(REJECTED.values()) | {"invalid_country_code"} == set(REJECTION_REASONS)
    assert normalize("0612345678", "XX") == Rejection("invalid_country_code", "0612345678")


def test_region_is_case_insensitive_and_other_regions_use_their_own_plan() -> None:
    assert normalize("0612345678", "fr") == normalize("0612345678", "FR")
    gb = normalize("020 7946 0958", "GB")
    assert isinstance(gb, PhoneNumber)
    assert (gb.e164, gb.national) == ("+442079460958", "020 7946 0958")


def test_national_is_phonenumbers_national_format_without_extension() -> None:
    assert normalize("0612345678 poste 12") == PhoneNumber(
        "+33612345678", "06 12 34 56 78", "FR", "mobile", "12"
    )
    assert normalize("0 800 12 34 56") == PhoneNumber(
        "+33800123456", "0 800 12 34 56", "FR", "toll_free"
    )


def test_results_are_frozen_values() -> None:
    result = normalize("06 12 34 56 78")
    assert isinstance(result, PhoneNumber)
    assert result == normalize("+33612345678")
    assert hash(result) == hash(normalize("+33612345678"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.e164 = "+33700000000"  # type: ignore[misc]


COMMON_SHAPES = [
    "06 12 34 56 78",
    "06.12.34.56.78",
    "0612345678",
    "612345678",
    "+33612345678",
    "+33 (0)6 12 34 56 78",
    "0033612345678",
    "06\u202f12\u202f34\u202f56\u202f78",
    "０６１２３４５６７８",
    "06 12 34 56 78 poste 12",
    "0712345678",  # rejected, still without phonenumbers
]


def test_common_french_shapes_never_call_phonenumbers_parse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = {raw: (normalize(raw), to_e164(raw)) for raw in COMMON_SHAPES}

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the fast path called phonenumbers.parse")

    monkeypatch.setattr(pn, "parse", refuse)
    for raw in COMMON_SHAPES:
        assert (normalize(raw), to_e164(raw)) == expected[raw]


def test_timezones_for() -> None:
    assert timezones_for("+33612345678") == ("Europe/Paris",)
    assert timezones_for("+590690001234") == ("America/Guadeloupe",)
    for bad in ("0612345678", "+", "+999123456"):
        with pytest.raises(ValueError, match="E.164"):
            timezones_for(bad)


# --- properties --------------------------------------------------------------------------

SEPARATORS = (" ", ".", "-", "/", "\u00a0", "\u2009", "\u202f", "  ")
OVERSEAS_NSN_PREFIXES = tuple(prefix[1:] for prefix in phone._FRENCH_OVERSEAS)
FULL_WIDTH = str.maketrans({str(digit): chr(0xFF10 + digit) for digit in range(10)})


@st.composite
def nine_digits(draw: st.DrawFn) -> str:
    # Bias towards the interesting first digits: overseas prefixes, 0 (which phonenumbers
    # reinterprets), mobiles and special-rate numbers.
    start = draw(st.sampled_from(("", "0", "6", "7", "8", "9", "1", *OVERSEAS_NSN_PREFIXES)))
    rest = draw(st.text("0123456789", min_size=9, max_size=9))
    return (start + rest)[:9]


@st.composite
def french_cells(draw: st.DrawFn) -> str:
    """A French number the way sales files write it."""
    prefix = draw(
        st.sampled_from(
            ("0", "+33", "0033", "+33 (0)", "+33(0)", "+33 0", "0033 (0)", "0033 0", "")
        )
    )
    digits = draw(nine_digits())
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=5)))
    groups = [
        digits[start:end] for start, end in zip([0, *cuts], [*cuts, len(digits)], strict=True)
    ]
    body = groups[0]
    for group in groups[1:]:
        body += draw(st.sampled_from(SEPARATORS)) + group
    after_prefix = draw(st.sampled_from(("", " ", "-", ".")))
    text = prefix + after_prefix + body if prefix else body
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    if draw(st.integers(0, 3)) == 0:
        marker = draw(st.sampled_from((" poste ", " ext. ", " ext ", " x", "#", " #", ";ext=")))
        text += marker + draw(st.text("0123456789", min_size=1, max_size=8))
    return draw(st.sampled_from(("", " "))) + text + draw(st.sampled_from(("", " ", "\u00a0")))


messy_text = st.text(alphabet="0123456789+ ()-./#xXpostePOSTEabc\u00a0\u2009;=", max_size=30)
cells = st.one_of(french_cells(), messy_text)
regions = st.sampled_from(("FR", "FR", "fr", "GB", "US", "GP", "DE"))


@settings(max_examples=300, deadline=None)
@given(raw=cells, region=regions)
@example(raw="0690 12 34 56", region="FR")
@example(raw="+33 (0)6 12 34 56 78 poste 12", region="US")
@example(raw="0033 6 12 34 56 78", region="GB")
@example(raw=" " * 250 + "0612345678", region="FR")  # phonenumbers refuses over 250 characters
def test_fast_path_equals_slow_path(raw: str, region: str) -> None:
    assert normalize(raw, region) == _normalize_slow(raw, region)


@settings(max_examples=300, deadline=None)
@given(raw=cells, region=regions)
def test_to_e164_is_normalize_e164(raw: str, region: str) -> None:
    result = normalize(raw, region)
    assert to_e164(raw, region) == (result.e164 if isinstance(result, PhoneNumber) else None)
    # The screening path gives the same rejection, reason included.
    assert e164_or_rejection(raw, region) == (
        result.e164 if isinstance(result, PhoneNumber) else result
    )


# Screening decides a chunk of cells at a time (e164s_in_order): the very result of deciding
# them one at a time, whatever the mix, line breaks, long cells and other regions included.
chunk_cells = st.one_of(
    french_cells(),
    messy_text,
    st.sampled_from(("", "N/A", "0690 12 34 56", "06 12\n34 56 78", " " * 250 + "0612345678")),
    st.text(max_size=20),
)


@settings(max_examples=400, deadline=None)
@given(raws=st.lists(chunk_cells, max_size=30), region=regions)
@example(raws=["06 12 34 56 78", "+33 (0)7 51 63 46 13", "0033 6 12 34 56 78"], region="FR")
@example(raws=["０６ １２ ３４ ５６ ７８", "06\u202f12\u202f34\u202f56\u202f78", "é"], region="FR")
@example(raws=["0612345678", "06 12\n34 56 78", "0612345678"], region="FR")
def test_chunks_are_decided_as_one_cell_at_a_time(raws: list[str], region: str) -> None:
    assert phone.e164s_in_order(raws, region) == [e164_or_rejection(raw, region) for raw in raws]


def test_chunks_of_common_shapes_never_reach_the_cell_by_cell_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cells = ["06 12 34 56 78", "+33 (0)7 51 63 46 13", "0033 6.12.34.56.78", "612345678"]

    def refuse(raw: str, region: str = "FR") -> None:
        raise AssertionError(f"{raw!r} went cell by cell")

    monkeypatch.setattr(phone, "e164_or_rejection", refuse)
    assert phone.e164s_in_order(cells * 50, "FR") == ["+33612345678", "+33751634613",
        "+33612345678", "+33612345678"] * 50  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(raw=cells)
def test_normalize_is_idempotent(raw: str) -> None:
    result = normalize(raw)
    if isinstance(result, Rejection):
        assert result.reason in REJECTION_REASONS
        assert result.raw == raw
        return
    assert result.line_type in LINE_TYPES
    assert result.line_type != "unknown"
    assert normalize(result.e164) == dataclasses.replace(result, extension=None)


def _example_numbers() -> list[str]:
    numbers = []
    for region in sorted(pn.SUPPORTED_REGIONS):
        for kind in (pn.PhoneNumberType.FIXED_LINE, pn.PhoneNumberType.MOBILE):
            number = pn.example_number_for_type(region, kind)
            if number is not None:
                numbers.append(pn.format_number(number, pn.PhoneNumberFormat.E164))
    return numbers


EXAMPLES = _example_numbers()


@st.composite
def perturbed_examples(draw: st.DrawFn) -> str:
    """An example number of some region with a few digits changed, added or removed."""
    number = pn.parse(draw(st.sampled_from(EXAMPLES)))
    digits = list(pn.national_significant_number(number))
    for _ in range(draw(st.integers(0, 3))):
        digits[draw(st.integers(0, len(digits) - 1))] = draw(st.sampled_from("0123456789"))
    change = draw(st.sampled_from(("same", "same", "same", "add", "drop")))
    if change == "add":
        digits.append(draw(st.sampled_from("0123456789")))
    elif change == "drop" and len(digits) > 1:
        digits.pop()
    return f"+{number.country_code}{''.join(digits)}"


def _phonenumbers_verdict(text: str) -> Any:
    try:
        number = pn.parse(text)
    except pn.NumberParseException:
        return None
    return number if pn.is_valid_number(number) else None


@settings(max_examples=300, deadline=None)
@given(candidate=perturbed_examples())
@example(candidate="+2540020123450")  # E164 of an invalid number need not parse back to it
def test_numbers_with_a_country_code_get_phonenumbers_verdict(candidate: str) -> None:
    try:
        number = pn.parse(candidate)
    except pn.NumberParseException:
        assert isinstance(normalize(candidate), Rejection)
        return
    for style in (pn.PhoneNumberFormat.E164, pn.PhoneNumberFormat.INTERNATIONAL):
        text = pn.format_number(number, style)
        expected = _phonenumbers_verdict(text)
        result = normalize(text)
        if expected is None:
            assert isinstance(result, Rejection)
        else:
            assert isinstance(result, PhoneNumber)
            assert result.e164 == pn.format_number(expected, pn.PhoneNumberFormat.E164)
            assert result.national == pn.format_number(expected, pn.PhoneNumberFormat.NATIONAL)
            assert result.region == pn.region_code_for_number(expected)
