"""Checks a page's layout in the browser: nothing cut off, no word broken a syllable per line,
no tab out of reach. Returns the problems found (empty when the page is fine)."""

from __future__ import annotations

LAYOUT_PROBLEMS = r"""
(screenWidth) => {
  // The phone's width, not innerWidth: on a mobile viewport a too-wide page widens the layout
  // viewport and is zoomed out, so innerWidth grows with the overflow.
  const vw = screenWidth || window.innerWidth;
  const problems = [];
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return `${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : ""} "${text}"`;
  };
  const visible = (el) => {
    const s = getComputedStyle(el);
    if (s.visibility === "hidden" || s.display === "none") return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const inScroller = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (/(auto|scroll)/.test(s.overflowX)) return p;
    }
    return null;
  };
  // 1. The page itself never scrolls sideways.
  if (document.documentElement.scrollWidth > vw + 1) {
    problems.push(`page is ${document.documentElement.scrollWidth}px wide on a ${vw}px screen`);
  }
  // 2. Controls are wholly on screen (or inside something that scrolls on purpose, like a table).
  for (const el of document.querySelectorAll("a.btn, button, input:not([type=hidden]), select, textarea, .tabs a, .bc-subnav a, nav.nav a")) {
    if (!visible(el) || el.closest(".sr-only, .dropdown__panel, details:not([open]) > :not(summary)")) continue;
    const r = el.getBoundingClientRect();
    const scroller = inScroller(el);
    if (scroller && !scroller.matches(".tabs, .bc-subnav, nav.nav")) continue;
    if (r.right > vw + 1 || r.left < -1) problems.push(`cut off (${Math.round(r.left)}–${Math.round(r.right)}px): ${describe(el)}`);
  }
  // 3. No word broken one syllable per line: a box narrower than two characters holding longer text.
  for (const el of document.querySelectorAll("td, th, a, span, strong, h1, h2, h3, p, li, label, button, dd, dt")) {
    if (!visible(el) || el.closest(".sr-only")) continue;
    const text = Array.from(el.childNodes).filter((n) => n.nodeType === 3).map((n) => n.textContent).join("").trim();
    if (text.length < 3) continue;
    const s = getComputedStyle(el);
    const size = parseFloat(s.fontSize);
    const r = el.getBoundingClientRect();
    if (r.width < size * 2.2 && r.height > size * 2.6) problems.push(`one syllable per line (${Math.round(r.width)}px wide): ${describe(el)}`);
  }
  return problems;
}
"""


def layout_problems(page, width: int | None = None) -> list[str]:
    return page.evaluate(LAYOUT_PROBLEMS, width)
