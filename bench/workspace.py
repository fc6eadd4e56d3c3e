"""Benchmark: first load of the agent workspace's case page, in headless Chromium against the local
runner (a fresh browser context each time: nothing cached), and what it downloads, gzipped.

    python -m bench.workspace        (after make run has built web/dist; needs /usr/bin/chromium)

Prints the entry chunk (what index.html names: the boot script, its module preloads and the
stylesheets), the assets the case page loaded before its timeline showed, all of web/dist/assets,
and per run, in ms since navigation started: when the timeline's first entry was on screen (the
frame after it entered the page), and where the time went: when the JavaScript and CSS were all in,
when the page asked for the case (the boot's prefetch), when that request actually left (a browser
opens at most 6 connections to one HTTP/1.1 origin: a request waits for a free one), and when the
case and its timeline's first page were answered. Also the machine's load average, since a shared
2-core machine makes every figure noisy.

One unmeasured load comes first: the runner starts a second instance of the API function (a cold
start, as Lambda's) the first time requests arrive together; that load is printed on its own.

Each run opens its window, then waits for the browser to go idle before navigating: Debian's
Chromium 156 renders its omnibox's WebUI in a renderer of its own for every new window (about half
a second of CPU in the window's first second), which a person's browser did long before they open a
case, and which on 2 cores would otherwise be measured as the page's.
"""

import gzip
import os
import re
import statistics
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.conftest import DESKTOP, new_case
from tests.browser.runner import API_KEY, REPO_ROOT, running_casetrail
from tests.conftest import CHROMIUM, CHROMIUM_ARGS

RUNS = 7
DIST = REPO_ROOT / "web" / "dist"
SIGNED_IN = f"sessionStorage.setItem('casetrail.session', JSON.stringify({{kind: 'apiKey', apiKey: '{API_KEY}'}}))"
# When the timeline's first entry is in the page, the next frame: taken by the page itself, since
# Playwright's waiting polls at growing intervals and would add up to its polling period (and its
# injected script, evaluated in the page while it loads, would be measured as the page's work).
TIMELINE_SHOWN = """
window.casetrailTimelineShown = new Promise((resolve) => {
  new MutationObserver((_, observer) => {
    if (document.querySelector('ol[aria-label="Timeline"] article')) {
      observer.disconnect();
      requestAnimationFrame(() => resolve(performance.now()));
    }
  }).observe(document, { childList: true, subtree: true });
});
"""
RESOURCES = """performance.getEntriesByType('resource').map((e) => ({
  path: new URL(e.name).pathname, started: e.startTime, sent: e.requestStart, answered: e.responseEnd, bytes: e.transferSize,
}))"""


def gzipped(name: str) -> int:
    return len(gzip.compress((DIST / "assets" / name).read_bytes(), 9))


def entry_assets() -> list[str]:
    """The files index.html itself loads (script, modulepreload, stylesheet)."""
    return re.findall(r'(?:src|href)="\./assets/([^"]+)"', (DIST / "index.html").read_text())


def chromium_cpu_seconds() -> float:
    """CPU time used so far by every Chromium process (Linux: /proc), its window's renderers included."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"chromium" in (entry / "cmdline").read_bytes():
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            continue  # ended meanwhile
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_until_browser_idle(quiet_seconds: float = 0.3, at_most_seconds: float = 5) -> None:
    """Until Chromium used under a tenth of a core for `quiet_seconds` (or `at_most_seconds` passed)."""
    deadline = time.monotonic() + at_most_seconds
    used = chromium_cpu_seconds()
    while time.monotonic() < deadline:
        time.sleep(quiet_seconds)
        now = chromium_cpu_seconds()
        if now - used < quiet_seconds / 10:
            return
        used = now


def load_case_page(browser, url: str, case: dict) -> dict:
    context = browser.new_context(viewport=DESKTOP)
    # Signed in already (the session is per tab), so the load measured is the case page's own.
    context.add_init_script(SIGNED_IN)
    context.add_init_script(TIMELINE_SHOWN)
    page = context.new_page()
    wait_until_browser_idle()
    page.goto(f"{url}/#/cases/{case['caseId']}", wait_until="commit")
    shown = page.evaluate("window.casetrailTimelineShown")
    resources = [r for r in page.evaluate(RESOURCES) if r["started"] <= shown]
    context.close()
    assets = [r for r in resources if r["path"].startswith("/assets/")]
    case_reads = [r for r in resources if r["path"].startswith("/cases/")]
    return {
        "shown": shown,
        "assets": {r["path"].removeprefix("/assets/") for r in assets},
        "requests": len(resources) + 1,  # and the page itself
        "transferred": sum(r["bytes"] for r in resources),
        "code_in": max(r["answered"] for r in assets),
        "api_asked": min(r["started"] for r in case_reads),
        "api_sent": min(r["sent"] for r in case_reads),
        "api_answered": max(r["answered"] for r in case_reads),
    }


def kilobytes(names) -> str:
    js = sum(gzipped(n) for n in names if n.endswith(".js"))
    css = sum(gzipped(n) for n in names if n.endswith(".css"))
    return f"{(js + css) / 1024:.0f} kB (JavaScript {js / 1024:.0f} kB, CSS {css / 1024:.0f} kB) in {len(names)} files"


def load_average() -> str:
    return ", ".join(f"{figure:.2f}" for figure in os.getloadavg())


def spread(runs: list[dict], key: str) -> str:
    values = [run[key] for run in runs]
    return f"median {statistics.median(values):.0f} ms ({min(values):.0f}–{max(values):.0f})"


def main() -> None:
    everything = [path.name for path in (DIST / "assets").iterdir()]
    print(f"\nentry chunk (index.html), gzip -9: {kilobytes(entry_assets())}")
    print(f"all of web/dist/assets, gzip -9:   {kilobytes(everything)}")
    print(f"load average (1, 5, 15 min) before: {load_average()}")
    with running_casetrail() as api:
        case = new_case(api, title="Benchmark case")
        for n in range(25):
            api.call("POST", f"/cases/{case['caseId']}/related-items", {"type": "comment", "content": {"body": f"Note {n}"}})
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            warm_up = load_case_page(browser, api.url, case)
            runs = [load_case_page(browser, api.url, case) for _ in range(RUNS)]
            browser.close()
    last = runs[-1]
    print(f"case page, assets loaded by the time the timeline shows, gzip -9: {kilobytes(last['assets'])}")
    print(f"  {last['requests']} requests in all (page, assets, config.json, API), {last['transferred'] / 1024:.0f} kB transferred")
    print(f"first load after the runner started (not counted): {warm_up['shown']:.0f} ms")
    print(f"case page, first load to the timeline shown (fresh context, {RUNS} runs): {spread(runs, 'shown')}")
    print("  each run (ms): " + ", ".join(f"{run['shown']:.0f}" for run in runs))
    print(f"  JavaScript and CSS all in:          {spread(runs, 'code_in')}")
    print(f"  the case asked for (boot prefetch): {spread(runs, 'api_asked')}")
    print(f"  the case request left:              {spread(runs, 'api_sent')}")
    print(f"  the case and its timeline answered: {spread(runs, 'api_answered')}")
    print(f"load average (1, 5, 15 min) after: {load_average()}")


if __name__ == "__main__":
    main()
