"""asalab_lab: a lab per test, reached with its own token, gone after it."""

import pytest

from pytest_asalab import AsalabError, Lab

# What the first test saw, for the second to check it is gone.
_first = {}


def test_a_lab_of_its_own(asalab, asalab_lab):
    asalab_lab.create("asa1", serial="FCH2648AAAB")
    other = asalab.create_lab()
    other.create("asa1", serial="FCH2648AAAC")
    # Same hostname, two labs: each token sees its own headend.
    assert asalab_lab.headend("asa1")["serial"] == "FCH2648AAAB"
    assert other.headend("asa1")["serial"] == "FCH2648AAAC"
    # This lab's token does not reach the other lab, nor admin requests.
    with pytest.raises(AsalabError) as err:
        Lab(asalab, other.name, asalab_lab.token).headends()
    assert "LAB_NOT_FOUND" in err.value.stderr
    with pytest.raises(AsalabError) as err:
        Lab(asalab, None, asalab_lab.token).ctl("lab", "list")
    assert "PermissionDenied" in err.value.stderr
    # Nor does it reach the daemon's default lab, which stays empty.
    assert asalab.headends() == []
    # Each lab has its own clock.
    asalab_lab.advance("2h")
    assert other.clock()["clock"]["now"] == "2026-01-05T09:00:00Z"
    asalab.delete_lab(other.name)
    _first.update(name=asalab_lab.name, token=asalab_lab.token)


def test_the_last_tests_lab_is_gone(asalab, asalab_lab):
    assert _first, "runs after test_a_lab_of_its_own"
    assert asalab_lab.name != _first["name"]
    assert asalab_lab.headends() == []
    assert _first["name"] not in [lab["name"] for lab in asalab.labs()]
    with pytest.raises(AsalabError) as err:
        Lab(asalab, _first["name"], _first["token"]).headends()
    assert "Unauthenticated" in err.value.stderr
