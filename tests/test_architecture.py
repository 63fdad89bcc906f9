"""The package map of the README's Layout section, enforced: no module imports across a rule.

Imports are read from the source with ast, at module level and inside functions alike (an
import moved into a function to dodge a circle is still a dependency). A blueprint package is
one whose __init__ makes a Blueprint: importing any module inside it runs that __init__, which
imports the package's views, so it counts as importing the blueprint.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLASK = (
    "flask",
    "flask_babel",
    "flask_login",
    "flask_wtf",
    "flask_migrate",
    "flask_limiter",
    "flask_sqlalchemy",
    "htmx_flask",
    "werkzeug",
    "wtforms",
    "jinja2",
)


def read_sources(root: Path = ROOT) -> dict[str, str]:
    """Every module of the academy package by dotted name (a package by its own name)."""
    sources = {}
    for path in sorted((root / "academy").rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        sources[".".join(parts)] = path.read_text(encoding="utf-8")
    return sources


def imports_of(name: str, source: str, modules: set[str], typing_too: bool = True) -> set[str]:
    """Every module `name` imports, anywhere in its body; `from package import module` counts as
    the module, `from module import name` as the module. Without `typing_too`, imports under
    `if TYPE_CHECKING:` (annotations only, never run) are left out."""
    package = name if _is_package_source(name, modules) else name.rpartition(".")[0]
    tree = ast.parse(source)
    typing_only = set()
    if not typing_too:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                typing_only.update(id(inner) for inner in ast.walk(node))
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            submodules = {f"{base}.{alias.name}" for alias in node.names} & modules
            found.update(submodules)
            if len(submodules) < len(node.names):
                found.add(base)
    return found


def _is_package_source(name: str, modules: set[str]) -> bool:
    return any(m.startswith(name + ".") for m in modules)


def blueprint_packages(sources: dict[str, str]) -> set[str]:
    return {
        name
        for name, source in sources.items()
        if _is_package_source(name, set(sources)) and "Blueprint(" in source
    }


def is_routes(module: str) -> bool:
    last = module.rpartition(".")[2]
    return last == "routes" or last.endswith("_routes")


def _within(module: str, packages) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def violations(sources: dict[str, str]) -> list[str]:
    """Each import that crosses a rule of the package map, as "importer -> imported: rule"."""
    modules = set(sources)
    blueprints = blueprint_packages(sources)
    found = []
    for name, source in sources.items():
        for target in sorted(imports_of(name, source, modules)):
            top = target.partition(".")[0]
            academy = target == "academy" or target.startswith("academy.")
            routes = academy and is_routes(target)
            blueprint = academy and _within(target, blueprints)
            rule = None
            if _within(name, ["academy.kpi"]):
                if top in FLASK:
                    rule = "academy.kpi imports no Flask"
                elif routes or blueprint or target == "academy":
                    rule = "academy.kpi imports no blueprint or routes"
            elif _within(name, ["academy.models"]):
                if routes or blueprint or target == "academy":
                    rule = "academy.models imports no blueprint or routes"
                elif academy and "services" in target.split("."):
                    rule = "academy.models imports no services"
            elif _within(name, ["academy.progress_reports", "academy.exchange"]) and routes:
                rule = "progress reports and exchange import no routes"
            if "services" in name.split(".") and routes:
                rule = "a domain's services import no routes"
            if rule:
                found.append(f"{name} -> {target}: {rule}")
    return found


# Huey's tasks (academy.jobs.queue) call the job services, which enqueue those tasks: the task
# names are stored in queued messages, so moving the tasks would strand jobs queued at an upgrade.
KNOWN_CIRCLES = {("academy.jobs.queue", "academy.jobs.services")}


def circles(sources: dict[str, str]) -> list[tuple[str, str]]:
    """Pairs of modules that import each other, however deep in a function the import hides
    (imports for annotations only do not run, and do not count); a blueprint package and its own
    views are the one pattern allowed (bp in __init__, which imports the views that register on
    it)."""
    modules = set(sources)
    blueprints = blueprint_packages(sources)
    graph = {
        name: imports_of(name, source, modules, typing_too=False) & modules
        for name, source in sources.items()
    }
    found = []
    for name, targets in graph.items():
        for target in targets:
            if name < target and name in graph[target]:
                package_and_view = (name in blueprints and target.startswith(name + ".")) or (
                    target in blueprints and name.startswith(target + ".")
                )
                if not package_and_view and (name, target) not in KNOWN_CIRCLES:
                    found.append((name, target))
    return sorted(found)


def test_the_packages_the_rules_name_exist():
    sources = read_sources()
    for package in (
        "academy.kpi",
        "academy.models",
        "academy.progress_reports",
        "academy.exchange",
    ):
        assert package in sources, f"{package} is gone: update the package map and this test"
    assert {"academy.cohorts", "academy.outcomes"} <= blueprint_packages(sources)


def test_no_module_imports_across_the_package_map():
    assert violations(read_sources()) == []


def test_no_two_modules_import_each_other():
    assert circles(read_sources()) == []


def test_a_circle_hidden_in_a_function_is_caught():
    sources = read_sources()
    sources["academy.cohorts.seats"] += "\n\ndef f():\n    from academy.cohorts import planning\n"
    sources["academy.seeding"] += "\n\ndef g():\n    from academy.cohorts.demo import MARKS\n"
    assert circles(sources) == [
        ("academy.cohorts.demo", "academy.seeding"),
        ("academy.cohorts.planning", "academy.cohorts.seats"),
    ]


@pytest.mark.parametrize(
    ("module", "planted", "rule"),
    [
        ("academy.kpi.rules", "from flask import current_app", "academy.kpi imports no Flask"),
        (
            "academy.kpi.rules",
            "def f():\n    from academy.cohorts import services\n",
            "academy.kpi imports no blueprint or routes",
        ),
        ("academy.kpi", "import flask_login", "academy.kpi imports no Flask"),
        (
            "academy.models.cohorts",
            "from academy.cohorts.services import cohort_state",
            "academy.models imports no blueprint or routes",
        ),
        (
            "academy.models.cohorts",
            "def f():\n    from ..cohorts import routes\n",
            "academy.models imports no blueprint or routes",
        ),
        (
            "academy.progress_reports.pdf",
            "def f():\n    from academy.report_archive.routes import bp\n",
            "progress reports and exchange import no routes",
        ),
        (
            "academy.exchange.reading",
            "from academy.cohorts import import_routes",
            "progress reports and exchange import no routes",
        ),
        (
            "academy.cohorts.services",
            "def f():\n    from . import routes\n",
            "a domain's services import no routes",
        ),
    ],
)
def test_a_planted_import_across_a_rule_is_caught(module, planted, rule):
    sources = read_sources()
    assert module in sources
    sources[module] += "\n" + planted + "\n"
    assert any(v.startswith(f"{module} -> ") and v.endswith(rule) for v in violations(sources))


def test_imports_the_rules_allow_are_not_reported():
    sources = read_sources()
    sources["academy.kpi.rules"] += "\nimport sqlalchemy\nfrom academy.models import Cohort\n"
    sources["academy.progress_reports.pdf"] += (
        "\nfrom academy.cohorts.services import cohort_state\n"
    )
    sources["academy.cohorts.routes"] += "\nfrom academy.cohorts import services\n"
    assert violations(sources) == []


def test_no_symbolic_link_is_tracked():
    """A worktree's links to the main checkout's .venv and node_modules, once committed,
    replaced the real directories on the next checkout: nothing tracked may be a link."""
    import subprocess

    listed = subprocess.run(
        ["git", "ls-files", "--stage"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout (an unpacked archive has no index to read)")
    links = [line.split("\t", 1)[1] for line in listed.stdout.splitlines() if line[:6] == "120000"]
    assert links == []
