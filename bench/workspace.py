"""Benchmark: first load of the agent workspace's case page, in headless Chromium against the local
runner (a fresh browser context each time: nothing cached), and what it downloads, gzipped.

    python -m bench.workspace        (after make run has built web/dist; needs /usr/bin/chromium)

Prints the entry chunk (what index.html names: the boot script, its module preloads and the
stylesheet), the assets the case page loaded before its timeline showed, all of web/dist/assets, and
per run: when the case's first API request left and when the timeline's first entry was on screen
(the frame after it entered the page), in ms since navigation started.
"""

import gzip
import re
import statistics

from playwright.sync_api import sync_playwright

from tests.browser.conftest import DESKTOP, new_case
from tests.browser.runner import API_KEY, REPO_ROOT, running_casetrail
from tests.conftest import CHROMIUM, CHROMIUM_ARGS

RUNS = 7
DIST = REPO_ROOT / "web" / "dist"
SIGNED_IN = f"sessionStorage.setItem('casetrail.session', JSON.stringify({{kind: 'apiKey', apiKey: '{API_KEY}'}}))"
# When the timeline's first entry is in the page, the next frame: taken by the page itself, since
# Playwright's waiting polls at growing intervals and would add up to its polling period.
TIMELINE_SHOWN = """
new MutationObserver((_, observer) => {
  if (document.querySelector('ol[aria-label="Timeline"] article')) {
    observer.disconnect();
    requestAnimationFrame(() => { window.casetrailTimelineShown = performance.now(); });
  }
}).observe(document, { childList: true, subtree: true });
"""


def gzipped(name: str) -> int:
    return len(gzip.compress((DIST / "assets" / name).read_bytes(), 9))


def entry_assets() -> list[str]:
    """The files index.html itself loads (script, modulepreload, stylesheet)."""
    return re.findall(r'(?:src|href)="\./assets/([^"]+)"', (DIST / "index.html").read_text())


def case_page_loads(url: str, case: dict) -> list[dict]:
    runs = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for _ in range(RUNS):
            context = browser.new_context(viewport=DESKTOP)
            # Signed in already (the session is per tab), so the load measured is the case page's own.
            context.add_init_script(SIGNED_IN)
            context.add_init_script(TIMELINE_SHOWN)
            page = context.new_page()
            page.goto(f"{url}/#/cases/{case['caseId']}")
            shown = page.wait_for_function("window.casetrailTimelineShown").json_value()
            resources = page.evaluate("performance.getEntriesByType('resource').map((e) => [new URL(e.name).pathname, e.startTime])")
            runs.append({
                "shown": shown,
                "assets": {path.removeprefix("/assets/") for path, _ in resources if path.startswith("/assets/")},
                "api_started": min(start for path, start in resources if path.startswith("/cases/")),
            })
            context.close()
        browser.close()
    return runs


def kilobytes(names) -> str:
    js = sum(gzipped(n) for n in names if n.endswith(".js"))
    css = sum(gzipped(n) for n in names if n.endswith(".css"))
    return f"{(js + css) / 1024:.0f} kB (JavaScript {js / 1024:.0f} kB, CSS {css / 1024:.0f} kB) in {len(names)} files"


def main() -> None:
    everything = [path.name for path in (DIST / "assets").iterdir()]
    print(f"\nentry chunk (index.html), gzip -9: {kilobytes(entry_assets())}")
    print(f"all of web/dist/assets, gzip -9:   {kilobytes(everything)}")
    with running_casetrail() as api:
        case = new_case(api, title="Benchmark case")
        for n in range(25):
            api.call("POST", f"/cases/{case['caseId']}/related-items", {"type": "comment", "content": {"body": f"Note {n}"}})
        runs = case_page_loads(api.url, case)
    print(f"case page, assets loaded by the time the timeline shows, gzip -9: {kilobytes(runs[-1]['assets'])}")
    times = [run["shown"] for run in runs]
    print(f"case page, first load to the timeline shown (fresh context, {RUNS} runs): "
          f"median {statistics.median(times):.0f} ms, min {min(times):.0f} ms, max {max(times):.0f} ms")
    print(f"  the case's first API request left at: median {statistics.median(run['api_started'] for run in runs):.0f} ms")
    print("  each run (ms): " + ", ".join(f"{t:.0f}" for t in times))


if __name__ == "__main__":
    main()
