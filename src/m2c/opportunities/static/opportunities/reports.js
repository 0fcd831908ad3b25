// Pipeline charts: ECharts over the numbers the page's tables show (already in the reporting currency).
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const chinese = (document.documentElement.lang || "").indexOf("zh") === 0;
  // The same rules as m2c.core.formatting.format_compact: 万/亿 for a Chinese reader, k/M/B otherwise,
  // at most two decimals (dropped when zero), small amounts in full with grouping.
  const UNITS = chinese ? [[1e8, "亿"], [1e4, "万"]] : [[1e9, "B"], [1e6, "M"], [1e3, "k"]];
  function short(value) {
    const n = Number(value) || 0;
    const size = Math.abs(n);
    for (const [unit, suffix] of UNITS) {
      if (size >= unit) return (n / unit).toFixed(2).replace(/\.?0+$/, "") + suffix;
    }
    return Math.round(n).toLocaleString("en-US");
  }
  const palette = ["#6c757d", "#0dcaf0", "#0d6efd", "#ffc107", "#198754", "#dc3545"];
  const axis = { axisLabel: { formatter: short } };
  const tooltip = { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return short(v) + " " + data.currency; } };

  const regionStage = m2cChart(document.getElementById("chart-region-stage"));
  regionStage.setOption({
    color: palette, tooltip: tooltip, legend: { top: 0 }, grid: { left: 60, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.regions }, yAxis: Object.assign({ type: "value" }, axis),
    series: data.stages.map(function (stage, i) {
      return { name: stage, type: "bar", stack: "weighted", emphasis: { focus: "series" }, data: data.weighted[i] };
    }),
  });

  const lines = m2cChart(document.getElementById("chart-lines"));
  lines.setOption({
    color: ["#adb5bd", "#0d6efd"], tooltip: tooltip, legend: { top: 0 }, grid: { left: 110, right: 20, top: 40, bottom: 30 },
    yAxis: { type: "category", data: data.lines }, xAxis: Object.assign({ type: "value" }, axis),
    series: [
      { name: chinese ? "管道" : "Pipeline", type: "bar", data: data.line_amount },
      { name: chinese ? "加权管道" : "Weighted", type: "bar", data: data.line_weighted },
    ],
  });

  const forecast = m2cChart(document.getElementById("chart-forecast"));
  const categories = Object.keys(data.forecast);
  forecast.setOption({
    color: ["#adb5bd", "#0dcaf0", "#fd7e14", "#198754"], tooltip: tooltip, legend: { top: 0 },
    grid: { left: 60, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.periods }, yAxis: Object.assign({ type: "value" }, axis),
    series: categories.map(function (c) {
      return { name: data.forecast_labels[c], type: "bar", stack: "forecast", data: data.forecast[c] };
    }),
  });
  window.addEventListener("resize", function () { regionStage.resize(); lines.resize(); forecast.resize(); });
})();
