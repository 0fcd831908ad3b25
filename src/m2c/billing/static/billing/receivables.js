// Receivables charts: aging buckets stacked per customer/region/owner, and the monthly DSO trend.
// The numbers come from the page's JSON (json_script), so no inline script is needed (CSP).
(function () {
  "use strict";
  const source = document.getElementById("receivables-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const chinese = (document.documentElement.lang || "").indexOf("zh") === 0;
  const UNITS = chinese ? [[1e8, "亿"], [1e4, "万"]] : [[1e9, "B"], [1e6, "M"], [1e3, "k"]];
  function short(value) {
    const n = Number(value) || 0;
    const size = Math.abs(n);
    for (const [unit, suffix] of UNITS) {
      if (size >= unit) return (n / unit).toFixed(2).replace(/\.?0+$/, "") + suffix;
    }
    return Math.round(n).toLocaleString("en-US");
  }
  const palette = ["#adb5bd", "#ffe08a", "#ffc107", "#fd7e14", "#e8590c", "#dc3545", "#842029", "#6f42c1"];
  const aging = m2cChart(document.getElementById("chart-aging"));
  aging.setOption({
    color: palette, legend: { top: 0, type: "scroll" }, grid: { left: 60, right: 20, top: 40, bottom: 60 },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return short(v) + " " + data.currency; } },
    xAxis: { type: "category", data: data.groups, axisLabel: { interval: 0, rotate: data.groups.length > 5 ? 30 : 0 } },
    yAxis: { type: "value", axisLabel: { formatter: short } },
    series: data.buckets.map(function (name, i) {
      return { name: name, type: "bar", stack: "aging", emphasis: { focus: "series" }, data: data.values[i] };
    }),
  });
  const dso = m2cChart(document.getElementById("chart-dso"));
  dso.setOption({
    color: ["#0d6efd"], grid: { left: 50, right: 20, top: 30, bottom: 30 },
    tooltip: { trigger: "axis" }, xAxis: { type: "category", data: data.months }, yAxis: { type: "value" },
    series: [{ name: data.dso_label, type: "line", connectNulls: false, data: data.dso }],
  });
  window.addEventListener("resize", function () { aging.resize(); dso.resize(); });
})();
