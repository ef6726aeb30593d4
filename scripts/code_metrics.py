"""Measure the codebase against the house-style limits.

Counts, over the application code (every first-party package; not tests, migrations or
the virtual environment):

1. modules longer than ``--max-module-lines`` (500);
2. functions and methods longer than ``--max-function-lines`` (80), decorators included;
3. ``# type: ignore`` comments (and, on a line of their own, those in tests, scripts and
   benchmarks: everything outside migrations counts towards the limit);
4. ``Any`` in the signatures of service functions (every function of a ``services.py``
   module or ``services/`` package, and every function elsewhere decorated with
   ``transaction.atomic``, as the import applier and rollback are): one per parameter or
   return annotation that mentions it;
5. imports inside functions whose line, or the line above, carries no comment saying
   which cycle the import breaks.

Usage: ``python scripts/code_metrics.py [--details]``. Exit status is always 0: this is a
measure, not a gate.
"""

from __future__ import annotations

import argparse
import ast
import io
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_PARTS = {".venv", "node_modules", "migrations", "tests", "scripts", ".git", "var"}


@dataclass
class Findings:
    long_modules: list[str] = field(default_factory=list)
    long_functions: list[str] = field(default_factory=list)
    type_ignores: list[str] = field(default_factory=list)
    type_ignores_outside_app: list[str] = field(default_factory=list)
    any_in_service_signatures: list[str] = field(default_factory=list)
    local_imports: list[str] = field(default_factory=list)


def application_modules() -> list[Path]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED_PARTS.intersection(relative.parts) or relative.name == "manage.py":
            continue
        found.append(path)
    return found


def support_modules() -> list[Path]:
    """Tests, scripts and benchmarks: not application code, but outside migrations."""
    found = []
    for part in ("tests", "scripts"):
        for path in sorted((ROOT / part).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if not {".venv", "node_modules", "migrations"}.intersection(relative.parts):
                found.append(path)
    return found


def _type_ignores(relative: Path, text: str) -> list[str]:
    """Comments that silence mypy (comments only: the words in a string do not count)."""
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return [
        f"{relative}:{token.start[0]}"
        for token in tokens
        if token.type == tokenize.COMMENT and token.string.lstrip("# ").startswith("type: ignore")
    ]


def _is_service_module(relative: Path) -> bool:
    return relative.name == "services.py" or "services" in relative.parts[:-1]


def _is_atomic(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether the function is decorated ``@transaction.atomic`` (with or without a call)."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr == "atomic":
            return True
        if isinstance(target, ast.Name) and target.id == "atomic":
            return True
    return False


def _mentions_any(annotation: ast.expr | None) -> bool:
    if annotation is None:
        return False
    return any(
        (isinstance(node, ast.Name) and node.id == "Any")
        or (isinstance(node, ast.Attribute) and node.attr == "Any")
        or (isinstance(node, ast.Constant) and isinstance(node.value, str) and "Any" in node.value)
        for node in ast.walk(annotation)
    )


def measure(max_module_lines: int, max_function_lines: int) -> Findings:
    findings = Findings()
    for path in application_modules():
        relative = path.relative_to(ROOT)
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        if len(lines) > max_module_lines:
            findings.long_modules.append(f"{relative}: {len(lines)} lines")
        findings.type_ignores.extend(_type_ignores(relative, text))
        tree = ast.parse(text, filename=str(relative))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - start + 1
            if length > max_function_lines:
                findings.long_functions.append(f"{relative}:{start} {node.name}: {length} lines")
            if _is_service_module(relative) or _is_atomic(node):
                arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
                if node.args.vararg:
                    arguments.append(node.args.vararg)
                if node.args.kwarg:
                    arguments.append(node.args.kwarg)
                annotations = [a.annotation for a in arguments] + [node.returns]
                for annotation in annotations:
                    if _mentions_any(annotation):
                        findings.any_in_service_signatures.append(
                            f"{relative}:{node.lineno} {node.name}"
                        )
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    here = lines[inner.lineno - 1]
                    above = lines[inner.lineno - 2] if inner.lineno > 1 else ""
                    where = f"{relative}:{inner.lineno}"
                    explained = "#" in here or above.strip().startswith("#")
                    # A nested function's imports are seen again from its outer function.
                    if not explained and where not in findings.local_imports:
                        findings.local_imports.append(where)
    for path in support_modules():
        relative = path.relative_to(ROOT)
        text = path.read_text(encoding="utf-8")
        findings.type_ignores_outside_app.extend(_type_ignores(relative, text))
    return findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list every finding")
    parser.add_argument("--max-module-lines", type=int, default=500)
    parser.add_argument("--max-function-lines", type=int, default=80)
    options = parser.parse_args()
    findings = measure(options.max_module_lines, options.max_function_lines)
    rows = [
        (f"modules over {options.max_module_lines} lines", findings.long_modules),
        (f"functions over {options.max_function_lines} lines", findings.long_functions),
        ("'# type: ignore' comments", findings.type_ignores),
        ("'# type: ignore' comments in tests and scripts", findings.type_ignores_outside_app),
        ("Any in service signatures", findings.any_in_service_signatures),
        ("imports inside functions without a reason", findings.local_imports),
    ]
    for title, items in rows:
        print(f"{len(items):5d}  {title}")
        if options.details:
            for item in items:
                print(f"         {item}")


if __name__ == "__main__":
    main()
