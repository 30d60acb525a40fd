"""The axe-core harness: runs axe in the page under test and reports WCAG 2.2 AA violations."""

from pathlib import Path

import axe_playwright_python

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _run(page, run_only: dict) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "runOnly => axe.run(document, {runOnly: runOnly, resultTypes: ['violations']})",
        run_only,
    )
    return result["violations"]


def axe_violations(page) -> list[dict]:
    """The violations axe finds in the page as it is now."""
    return _run(page, {"type": "tag", "values": WCAG_TAGS})


def axe_rule_violations(page, rules: list[str]) -> list[dict]:
    """The violations of some axe rules only (for example the AAA ``color-contrast-enhanced``)."""
    return _run(page, {"type": "rule", "values": rules})


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node['target']}" for node in violation["nodes"][:5])
    return "\n".join(lines)
