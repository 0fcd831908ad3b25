// Pipeline charts: ECharts over the numbers the page's tables show (already in the reporting currency).
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const chinese = (document.documentElement.lang || "").indexOf("zh") === 0;
  function short(value) {
    const n = Number(value) || 0;
    if (chinese) {
      if (Math.abs(n) >= 1e8) return (n / 1e8).toFixed(2).replace(/\.?0+$/, "") + "亿";
      if (Math.abs(n) >= 1e4) return (n / 1e4).toFixed(0) + "万";
      return n.toFixed(0);
    }
    if (Math.abs(n) >= 1e9) return (n / 1e9).toFixed(2).replace(/\.?0+$/, "") + "B";
    if (Math.abs(n) >= 1e6) return (n / 1e6).toFixed(1).replace(/\.0$/, "") + "M";
    if (Math.abs(n) >= 1e3) return (n / 1e3).toFixed(0) + "k";
    return n.toFixed(0);
  }
  const palette = ["#6c757d", "#0dcaf0", "#0d6efd", "#ffc107", "#198754", "#dc3545"];
  const axis = { axisLabel: { formatter: short } };
  const tooltip = { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return short(v) + " " + data.currency; } };

  const regionStage = echarts.init(document.getElementById("chart-region-stage"));
  regionStage.setOption({
    color: palette, tooltip: tooltip, legend: { top: 0 }, grid: { left: 60, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.regions }, yAxis: Object.assign({ type: "value" }, axis),
    series: data.stages.map(function (stage, i) {
      return { name: stage, type: "bar", stack: "weighted", emphasis: { focus: "series" }, data: data.weighted[i] };
    }),
  });

  const lines = echarts.init(document.getElementById("chart-lines"));
  lines.setOption({
    color: ["#adb5bd", "#0d6efd"], tooltip: tooltip, legend: { top: 0 }, grid: { left: 110, right: 20, top: 40, bottom: 30 },
    yAxis: { type: "category", data: data.lines }, xAxis: Object.assign({ type: "value" }, axis),
    series: [
      { name: chinese ? "管道" : "Pipeline", type: "bar", data: data.line_amount },
      { name: chinese ? "加权管道" : "Weighted", type: "bar", data: data.line_weighted },
    ],
  });

  const forecast = echarts.init(document.getElementById("chart-forecast"));
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
