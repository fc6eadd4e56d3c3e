"""Benchmark: first load of the agent workspace's case page, in headless Chromium against the local
runner (a fresh browser context each time: nothing cached), and the size of the built app, gzipped.

    python -m bench.workspace        (after make run has built web/dist; needs /usr/bin/chromium)
"""

import gzip
import statistics

from playwright.sync_api import sync_playwright

from tests.browser.conftest import DESKTOP, new_case
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.runner import API_KEY, REPO_ROOT, running_casetrail

RUNS = 5
ASSETS = REPO_ROOT / "web" / "dist" / "assets"


def bundle_sizes() -> dict[str, int]:
    return {path.name: len(gzip.compress(path.read_bytes(), 9)) for path in sorted(ASSETS.iterdir())}


def case_page_loads(url: str, case: dict) -> list[float]:
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for _ in range(RUNS):
            context = browser.new_context(viewport=DESKTOP)
            # Signed in already (the session is per tab), so the load measured is the case page's own.
            context.add_init_script(f"sessionStorage.setItem('casetrail.session', JSON.stringify({{kind: 'apiKey', apiKey: '{API_KEY}'}}))")
            page = context.new_page()
            page.goto(f"{url}/#/cases/{case['caseId']}")
            page.get_by_role("list", name="Timeline").get_by_role("article").first.wait_for()
            times.append(page.evaluate("performance.now()"))
            context.close()
        browser.close()
    return times


def main() -> None:
    sizes = bundle_sizes()
    print(f"\nweb/dist/assets, gzip -9: {sum(sizes.values()) / 1024:.0f} kB in {len(sizes)} files")
    for name, size in sorted(sizes.items(), key=lambda item: -item[1])[:6]:
        print(f"  {name:48} {size / 1024:7.1f} kB")
    with running_casetrail() as api:
        case = new_case(api, title="Benchmark case")
        for n in range(25):
            api.call("POST", f"/cases/{case['caseId']}/related-items", {"type": "comment", "content": {"body": f"Note {n}"}})
        times = case_page_loads(api.url, case)
    print(f"\ncase page, first load to the timeline shown (fresh context, {RUNS} runs): "
          f"median {statistics.median(times):.0f} ms, min {min(times):.0f} ms, max {max(times):.0f} ms")


if __name__ == "__main__":
    main()
