"""Lab files applied by the fixtures: by a module's marker, an option, a
parameter; a file the daemon refuses fails the fixture with its file:line
message."""

import fnmatch
import os
import re
import shutil
import textwrap

import pytest_asalab

from inner import daemons_under, run


def test_a_bad_lab_file_fails_the_fixture(pytester):
    shutil.copy(os.path.join(os.path.dirname(__file__), "labs", "bad-model.yaml"), pytester.path / "bad.yaml")
    pytester.makepyfile(test_inner=textwrap.dedent("""
        import pytest

        pytestmark = pytest.mark.asalab_lab_file("bad.yaml")

        def test_never_runs(asalab):
            raise AssertionError("the fixture should have failed")
    """))
    result = run(pytester)
    result.assert_outcomes(errors=1)
    # The daemon's message: file, line, column and field.
    result.stdout.fnmatch_lines(["*asalab: the lab file *bad.yaml was refused: *bad.yaml:6:12: headends[[]1[]].model: unknown model \"ASA9999\"*"])
    assert "should have failed" not in result.stdout.str()
    assert daemons_under(pytester.path) == []


def test_the_option_applies_a_lab_file_to_the_daemon(pytester):
    shutil.copy(os.path.join(os.path.dirname(__file__), "labs", "branch.yaml"), pytester.path / "lab.yaml")
    pytester.makepyfile(test_inner=textwrap.dedent("""
        def test_lab(asalab):
            assert sorted(h["hostname"] for h in asalab.headends()) == ["asa1", "vasa1"]
    """))
    run(pytester, "--asalab-lab-file", "lab.yaml").assert_outcomes(passed=1)
    assert daemons_under(pytester.path) == []


def test_a_lab_file_per_parameter(pytester):
    shutil.copy(os.path.join(os.path.dirname(__file__), "labs", "branch.yaml"), pytester.path / "branch.yaml")
    (pytester.path / "one.yaml").write_text("headends:\n  - {hostname: solo, model: ASA5516}\n")
    pytester.makepyfile(test_inner=textwrap.dedent("""
        import pytest

        @pytest.mark.parametrize("asalab", ["branch.yaml", "one.yaml"], indirect=True)
        def test_lab(asalab):
            names = sorted(h["hostname"] for h in asalab.headends())
            assert names in (["asa1", "vasa1"], ["solo"])
            print("daemon", asalab.pid, ",".join(names))
    """))
    result = run(pytester, "-s")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*daemon * asa1,vasa1", "*daemon * solo"])
    pids = {line.split()[-2] for line in result.outlines if "daemon " in line}
    assert len(pids) == 2, result.outlines
    assert daemons_under(pytester.path) == []


def test_the_docs_example_is_test_example():
    here = os.path.dirname(__file__)
    with open(os.path.join(here, "..", "..", "docs", "pytest.md")) as f:
        doc = f.read()
    code = doc.split("```python\n# tests/test_example.py\n", 1)[1].split("```", 1)[0]
    with open(os.path.join(here, "test_example.py")) as f:
        assert code == f.read()
    lab = doc.split("with `tests/labs/branch.yaml`:\n\n```yaml\n", 1)[1].split("```", 1)[0]
    with open(os.path.join(here, "labs", "branch.yaml")) as f:
        assert lab == f.read()


def test_a_file_that_names_its_lab(pytester):
    (pytester.path / "hq.yaml").write_text("lab: hq\nheadends:\n  - {hostname: asa1, model: ASA5545}\n")
    pytester.makepyfile(test_inner=textwrap.dedent("""
        import pytest

        pytestmark = pytest.mark.asalab_lab_file("hq.yaml")

        def test_the_handle_reaches_the_files_lab(asalab):
            assert asalab.applied["created"] is True
            assert asalab.name == "hq"
            assert [h["model"] for h in asalab.headends()] == ["ASA5545"]
            assert asalab.lab("default").headends() == []

        def test_an_isolated_lab_gets_it_too(asalab_lab):
            assert asalab_lab.name != "hq"
            assert [h["hostname"] for h in asalab_lab.headends()] == ["asa1"]
    """))
    run(pytester).assert_outcomes(passed=2)
    assert daemons_under(pytester.path) == []


def test_a_marker_that_would_do_nothing_fails_the_test(pytester):
    shutil.copy(os.path.join(os.path.dirname(__file__), "labs", "branch.yaml"), pytester.path / "branch.yaml")
    pytester.makepyfile(test_inner=textwrap.dedent("""
        import pytest

        pytestmark = pytest.mark.asalab_lab_file("branch.yaml")

        def test_module_marker_on_asalab(asalab):
            assert len(asalab.headends()) == 2

        def test_module_marker_on_asalab_lab(asalab_lab):
            assert len(asalab_lab.headends()) == 2

        def test_no_fixture():
            pass

        @pytest.mark.asalab_lab_file("nosuch-typo.yaml")
        def test_test_marker_on_asalab(asalab):
            raise AssertionError("should not run")

        @pytest.mark.asalab_lab_file("branch.yaml")
        def test_test_marker_on_asalab_lab(asalab_lab):
            assert len(asalab_lab.headends()) == 2

        class TestC:
            pytestmark = pytest.mark.asalab_lab_file("nosuch-class.yaml")

            def test_in_class(self, asalab):
                raise AssertionError("should not run")
    """))
    result = run(pytester, "-rE")
    result.assert_outcomes(passed=4, errors=2)
    result.stdout.fnmatch_lines([
        "*ERROR at setup of test_test_marker_on_asalab*",
        "asalab: the asalab_lab_file marker of the test applies to its asalab_lab fixture, which it does not use*",
        "*ERROR at setup of TestC.test_in_class*",
        "asalab: the asalab_lab_file marker of the class applies to its tests' asalab_lab fixture, "
        "which the test does not use*",
    ])
    assert "should not run" not in result.stdout.str()
    # One daemon for the run: a module marker reaches the asalab_lab of its
    # tests only.
    result = run(pytester, "-rE", "--asalab-scope", "session", "-k", "module_marker")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at setup of test_module_marker_on_asalab *",
                                 "asalab: *marker reaches only asalab_lab under --asalab-scope session*--asalab-lab-file"])
    assert daemons_under(pytester.path) == []


def test_the_docs_build_commands_make_their_directory():
    # `go build -o DIR pkg1 pkg2` fails unless DIR exists; with the trailing
    # slash Go makes it.
    here = os.path.dirname(__file__)
    root = os.path.join(here, "..", "..")
    texts = {}
    for name in ("README.md", os.path.join("docs", "pytest.md")):
        with open(os.path.join(root, name)) as f:
            texts[name] = f.read()
    try:
        pytest_asalab.find_binary("headendd-nosuch", "ASALAB_NOSUCH")
    except pytest_asalab.AsalabError as err:
        texts["the install hint"] = str(err)
    bad = []
    for name, text in texts.items():
        for m in re.finditer(r"go build -o (\S+)((?: \./cmd/\S+)+)", text):
            if len(m.group(2).split()) > 1 and not m.group(1).endswith("/"):
                bad.append(f"{name}: {m.group(0)}")
    assert not bad
    assert "go build -o" in texts["the install hint"]
    # From the repository's root there is no tests/: the command names where
    # the plugin is, for a suite of the reader's own.
    assert "PYTHONPATH=python python3" not in texts["README.md"]


def test_pip_install_leaves_nothing_to_commit():
    # pip install /path/to/asalab/python (the docs' way) writes build/ and
    # pytest_asalab.egg-info/ beside pyproject.toml.
    with open(os.path.join(os.path.dirname(__file__), "..", ".gitignore")) as f:
        patterns = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    for left in ("build/", "pytest_asalab.egg-info/", "__pycache__/"):
        assert any(fnmatch.fnmatch(left, p) for p in patterns), left
