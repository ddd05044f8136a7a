"""A worker started as `celery -A config worker` knows every task the code defines or beat sends.

The suite runs Celery eagerly, so a task module the worker never imports still passes every other
test while, in production, its tasks wait in the queue for ever ("Received unregistered task").
The worker's view is taken in a fresh interpreter: in this process the test modules have already
imported every tasks module, which would hide the gap.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_PARTS = {".venv", ".tools", "tests", "bench", "migrations", "var", "node_modules", ".git"}
TASK_DECORATORS = {"shared_task", "task"}

WORKER_VIEW = """
import json
from config.celery import app
app.loader.import_default_modules()
print(json.dumps({
    "registered": sorted(n for n in app.tasks if not n.startswith("celery.")),
    "beat": sorted({e["task"] for e in app.conf.beat_schedule.values()}),
}))
"""


def tasks_defined_in_code() -> dict[str, str]:
    """Every function decorated as a Celery task anywhere in the project: task name -> where."""
    found: dict[str, str] = {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if SKIP_PARTS.intersection(rel.parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for deco in node.decorator_list:
                fn = deco.func if isinstance(deco, ast.Call) else deco
                if getattr(fn, "id", getattr(fn, "attr", None)) not in TASK_DECORATORS:
                    continue
                explicit = next(
                    (k.value.value for k in getattr(deco, "keywords", []) if k.arg == "name"),
                    None,
                )
                module = ".".join(rel.with_suffix("").parts)
                found[explicit or f"{module}.{node.name}"] = f"{rel}:{node.lineno}"
    return found


def worker_view() -> dict[str, list[str]]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    out = subprocess.run(
        [sys.executable, "-c", WORKER_VIEW],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_scan_finds_tasks_of_every_app():
    # Guards the scanner itself: if it found nothing, the comparison below could not fail.
    defined = tasks_defined_in_code()
    assert "knowledge.calls.import" in defined
    assert "wellbeing.tasks.dispatch_notices" in defined
    assert {name.split(".")[0] for name in defined} >= {"knowledge", "bookclub", "wellbeing", "reports"}


def test_a_booted_worker_knows_every_task_in_the_code_and_the_beat_schedule():
    view = worker_view()
    registered = set(view["registered"])
    defined = tasks_defined_in_code()

    missing_defined = {name: where for name, where in defined.items() if name not in registered}
    missing_beat = sorted(set(view["beat"]) - registered)
    assert not missing_defined, f"tasks a real worker would not know: {missing_defined}"
    assert not missing_beat, f"beat entries no worker would run: {missing_beat}"
