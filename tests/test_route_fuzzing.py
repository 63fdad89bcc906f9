"""Every route, every role, hostile path and query parameters: never a 500.

The outside review found 500s with ids of 2**31 and more, huge page= and year=, unknown
status=/programme=, as_of far in the past or future and NUL bytes in filters (issue 13, item 5).
Each must be a 404 or a 400 with a message. Hypothesis draws the attack: each example picks a
route the role may reach (tests/test_access.py's policy table), replaces some of its path ids
with hostile integers and adds query parameters the app reads, with hostile values.

The run is bounded (a few examples per route and role, derandomized under CI);
`HYPOTHESIS_PROFILE=thorough pytest tests/test_route_fuzzing.py` searches far longer.
"""

import os
from urllib.parse import urlencode

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from academy.models import Role
from tests.test_access import POLICY, sign_in, url_args, world  # noqa: F401  (world: fixture)

_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
_THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
FUZZ = settings(
    max_examples=300 if _THOROUGH else 6,
    derandomize=_CI,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Every query parameter a page reads (request.args and the filter forms bound to it).
QUERY_NAMES = [
    "page",
    "year",
    "status",
    "programme",
    "as_of",
    "cohort",
    "day",
    "field",
    "kind",
    "tier",
    "level",
    "state",
    "campus",
    "q",
    "role",
    "by",
    "since",
    "until",
    "account",
    "person",
    "action",
    "window",
    "situation",
    "attempt",
    "course",
    "reason",
    "reason_other",
    "add_large",
    "add_medium",
    "add_small",
    "add_bigtech",
    "add_hub",
    "next",
    "v",
    "format",
    "lang",
    "job",
    "reminders",
]

HOSTILE_INTS = st.one_of(
    st.sampled_from([0, 2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64, 10**20, 10**30]),
    st.integers(min_value=0, max_value=2**80),
)
HOSTILE_TEXT = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "99999999999999999999",
            "1e400",
            "nan",
            "2025",
            "0001-01-01",
            "9999-12-31",
            "1900-02-29",
            "2025-13-45",
            "10000-01-01",
            "abc\x00def",
            "\x00",
            "' OR 1=1 --",
            "%00",
            "E1",
            "enrolled",
            "x" * 5000,
            "２０２５",
            "٣",
            "\ud7a3\ud7a3",
            "1" * 400,
        ]
    ),
    HOSTILE_INTS.map(str),
    st.integers(min_value=-(2**70), max_value=-1).map(str),
    st.text(max_size=30),
)


def _path(app, endpoint, args, replaced):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    ints = [a for a in rule.arguments if isinstance(args.get(a), int)]
    values = dict(args)
    for name, value in zip(ints, replaced, strict=False):
        if value is not None:
            values[name] = value
    with app.test_request_context():
        return url_for(endpoint, **values)


ROUTES_AND_ROLES = [
    pytest.param(endpoint, role, id=f"{endpoint}-{role}")
    for endpoint, (_, allowed) in sorted(POLICY.items())
    for role in sorted(allowed, key=str)
]


@pytest.mark.parametrize(("endpoint", "role"), ROUTES_AND_ROLES)
def test_no_parameter_gives_a_server_error(app, client, login_as, world, endpoint, role):  # noqa: F811
    user = sign_in(login_as, role, world)
    method = POLICY[endpoint][0]
    args = url_args(endpoint, world, user)

    @FUZZ
    @given(
        replaced=st.lists(st.one_of(st.none(), HOSTILE_INTS), max_size=3),
        query=st.dictionaries(st.sampled_from(QUERY_NAMES), HOSTILE_TEXT, max_size=4),
    )
    def attack(replaced, query):
        url = _path(app, endpoint, args, replaced)
        if query:
            url += ("&" if "?" in url else "?") + urlencode(query)
        response = client.open(url, method=method)
        assert response.status_code < 500, (method, url, response.status_code)
        if response.status_code == 400:
            assert response.get_data(as_text=True).strip(), "a 400 says what was wrong"

    attack()


@pytest.mark.parametrize("endpoint", sorted(e for e, (m, _) in POLICY.items() if m == "GET"))
def test_ids_beyond_the_database_integer_range_are_not_found(
    app,
    client,
    login_as,
    world,  # noqa: F811
    endpoint,
):
    """Every path id of every route, at 2**31 and 2**63: 404, on PostgreSQL too."""
    allowed = POLICY[endpoint][1]
    role = Role.ADMIN if Role.ADMIN in allowed else sorted(allowed, key=str)[0]
    user = sign_in(login_as, role, world)
    args = url_args(endpoint, world, user)
    ints = [a for a in args if isinstance(args[a], int)]
    if not ints:
        pytest.skip("no id in this route's path")
    for huge in (2**31, 2**63, 10**20):
        for position in range(len(ints)):
            replaced = [None] * len(ints)
            replaced[position] = huge
            url = _path(app, endpoint, args, replaced)
            assert client.get(url).status_code == 404, url


REVIEW_INPUTS = [
    {"page": "99999999999999999999"},
    {"page": "0"},
    {"page": "-3"},
    {"year": "0"},
    {"year": "99999999999999999999"},
    {"year": "-2025"},
    {"status": "bogus"},
    {"programme": "bogus"},
    {"as_of": "0001-01-01"},
    {"as_of": "9999-12-31"},
    {"as_of": "1900-01-01"},
    {"since": "0001-01-01", "until": "9999-12-31"},
    {"q": "a\x00b"},
    {"account": "\x00"},
    {"cohort": "99999999999999999999"},
    {"campus": "2147483648"},
    {"attempt": "2147483648"},
    {"course": "9223372036854775808"},
    {"day": "9999-12-31"},
    {"day": "0001-01-01"},
    {"window": "bogus"},
    {"kind": "bogus"},
    {"tier": "bogus"},
    {"level": "bogus"},
    {"state": "bogus"},
    {"role": "bogus"},
    # The job a page follows (imports, matches, reports, reminders): no such row can exist.
    {"job": "2147483648"},
    {"job": "99999999999999999999"},
    {"reminders": "9223372036854775808"},
]


def _reviewer(endpoint):
    allowed = POLICY[endpoint][1]
    for role in (Role.COORDINATOR, Role.OFFICIAL, Role.ADMIN, Role.TRAINEE, Role.INSTRUCTOR):
        if role in allowed:
            return role


@pytest.mark.parametrize("endpoint", sorted(e for e, (m, _) in POLICY.items() if m == "GET"))
def test_the_reviews_inputs_give_a_404_or_a_400(app, client, login_as, world, endpoint):  # noqa: F811
    """The inputs the outside review found 500s with, on every page, one request each."""
    user = sign_in(login_as, _reviewer(endpoint), world)
    url = _path(app, endpoint, url_args(endpoint, world, user), [])
    for query in REVIEW_INPUTS:
        full = url + ("&" if "?" in url else "?") + urlencode(query)
        response = client.get(full)
        assert response.status_code < 500, (full, response.status_code)


@pytest.mark.parametrize("huge", [2**31, 2**63, 10**20])
def test_oversized_record_ids_in_forms_are_refused_without_a_500(
    app,
    client,
    login_as,
    world,  # noqa: F811
    huge,
):
    """Item 5: "an oversized enrolment_id" in a posted form gave a 500 on PostgreSQL."""
    sign_in(login_as, Role.COORDINATOR, world)
    cohort, campus = world["cohort"], world["campus"]
    invite = client.post(
        f"/accounts/cohorts/{cohort.id}/invitations", data={"enrolment_id": str(huge)}
    )
    remind = client.post(
        f"/outcomes/campuses/{campus.id}/reminders", data={"enrolment_ids": [str(huge)]}
    )
    assert invite.status_code < 500 and remind.status_code < 500


def test_a_number_of_hundreds_of_digits_is_a_form_error_not_a_crash(client, login_as, db):
    """WTForms' NumberRange turns the number into a float, which overflows past ~309 digits."""
    user = login_as(Role.COORDINATOR)
    answer = client.get(f"/dashboard/campus/{user.campus_id}", query_string={"year": "9" * 400})
    assert answer.status_code == 200


def test_an_official_filter_of_hundreds_of_digits_is_ignored(client, login_as, db):
    login_as(Role.OFFICIAL)
    answer = client.get("/dashboard/", query_string={"year": "9" * 400, "campus": "1" * 400})
    assert answer.status_code == 200
