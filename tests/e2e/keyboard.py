"""Moving through a page with the keyboard only: Tab (or Shift+Tab) until an element has the
focus, asserting that it gets there, in order, with a visible focus."""

from __future__ import annotations

FOCUSED = "el => el === document.activeElement"
FOCUS_VISIBLE = "() => document.activeElement.matches(':focus-visible')"
WHERE = """() => {
  const el = document.activeElement;
  return el ? `${el.tagName} ${el.getAttribute('name') || ''} "${(el.textContent || el.value
    || '').trim().slice(0, 40)}"` : 'nothing';
}"""


def tab_to(page, locator, *, backwards: bool = False, most: int = 80) -> None:
    """Tab until ``locator`` has the focus (never more than ``most`` presses)."""
    locator.wait_for(state="attached")
    key = "Shift+Tab" if backwards else "Tab"
    for _press in range(most):
        page.keyboard.press(key)
        if locator.evaluate(FOCUSED):
            assert page.evaluate(FOCUS_VISIBLE), f"no visible focus on {page.evaluate(WHERE)}"
            return
    raise AssertionError(f"{most} × {key} never reached {locator}; at {page.evaluate(WHERE)}")


def focused(page, locator) -> bool:
    return locator.evaluate(FOCUSED)
