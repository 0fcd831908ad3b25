"""The SPAN chart of the demo data in a real browser: one bubble per segment, and a bubble opens its segment."""

from __future__ import annotations

import pytest

from m2c.insight.models import Segment
from tests import demo_data
from tests.conftest import sign_in

COUNT = """() => {
  const chart = echarts.getInstanceByDom(document.getElementById('span-chart'));
  return chart.getOption().series.flatMap(s => s.data.map(d => d.point.name)).sort();
}"""
PIXEL = """(name) => {
  const chart = echarts.getInstanceByDom(document.getElementById('span-chart'));
  const series = chart.getOption().series;
  for (let i = 0; i < series.length; i++) {
    const d = series[i].data.find(d => d.point.name === name);
    if (d) { return chart.convertToPixel({seriesIndex: i}, d.value); }
  }
  return null;
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_demo_span_chart_has_one_bubble_per_segment_and_opens_it(page, live_server):
    demo_data.load(customers=12)
    segments = sorted(Segment.objects.values_list("name", flat=True))
    assert len(segments) == 6
    sign_in(page, live_server.url, "mkt.hq")
    page.goto("/insight/segments/")
    page.wait_for_selector("#span-chart[data-chart-ready]")
    assert page.evaluate(COUNT) == segments
    target = Segment.objects.get(code="health-south-wlan")
    # Click where the bubble is once the page has stopped moving: the CJK web font and the chart's entry
    # animation can shift or grow things after the chart is ready (a click measured too early once missed).
    page.evaluate("() => document.fonts.ready.then(() => new Promise(r => setTimeout(r, 1200)))")
    x, y = page.evaluate(PIXEL, target.name)
    box = page.locator("#span-chart").bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)
    with page.expect_navigation():
        page.mouse.click(box["x"] + x, box["y"] + y)
    assert page.url.endswith(f"/insight/segments/{target.pk}/")
    assert page.locator("#span-quadrant").inner_text() == "Harvest / re-segment"
