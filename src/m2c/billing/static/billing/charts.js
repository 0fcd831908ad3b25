// Billing charts: the five flows of a contract and the finance workbench's queues. The numbers and
// labels come from the page (json_script), already translated; CSP forbids inline scripts.
(function () {
  "use strict";
  const chinese = (document.documentElement.lang || "").indexOf("zh") === 0;
  // The same rules as m2c.core.formatting.format_compact: 万/亿 for a Chinese reader, k/M/B otherwise.
  const UNITS = chinese ? [[1e8, "亿"], [1e4, "万"]] : [[1e9, "B"], [1e6, "M"], [1e3, "k"]];
  function short(value) {
    const n = Number(value) || 0;
    const size = Math.abs(n);
    for (const [unit, suffix] of UNITS) {
      if (size >= unit) return (n / unit).toFixed(2).replace(/\.?0+$/, "") + suffix;
    }
    return Math.round(n).toLocaleString("en-US");
  }
  const charts = [];

  const flowsData = document.getElementById("flows-data");
  if (flowsData) {
    const data = JSON.parse(flowsData.textContent);
    const chart = m2cChart(document.getElementById("chart-flows"));
    const categories = data.flows.concat(data.gaps);
    const amounts = data.values.map(Number).concat(data.gaps.map(function () { return null; }));
    const gaps = data.flows.map(function () { return null; }).concat(data.gap_values.map(Number));
    chart.setOption({
      color: ["#0d6efd", "#fd7e14"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
                 valueFormatter: function (v) { return v === null ? "—" : short(v) + " " + data.currency; } },
      legend: { top: 0 },
      grid: { left: 10, right: 60, top: 30, bottom: 10, containLabel: true },
      yAxis: { type: "category", inverse: true, data: categories },
      xAxis: { type: "value", axisLabel: { formatter: short } },
      series: [
        { name: data.series[0], type: "bar", stack: "f", data: amounts,
          label: { show: true, position: "right", formatter: function (p) { return p.value ? short(p.value) : ""; } } },
        { name: data.series[1], type: "bar", stack: "f", data: gaps,
          label: { show: true, position: "right", formatter: function (p) { return p.value ? short(p.value) : ""; } } },
      ],
    });
    charts.push(chart);
  }

  const benchData = document.getElementById("workbench-data");
  if (benchData) {
    const data = JSON.parse(benchData.textContent);
    const chart = m2cChart(document.getElementById("chart-workbench"));
    chart.setOption({
      color: ["#0d6efd"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 10, right: 30, top: 10, bottom: 10, containLabel: true },
      yAxis: { type: "category", inverse: true, data: data.queues },
      xAxis: { type: "value", minInterval: 1 },
      series: [{ name: data.series, type: "bar", data: data.counts,
                 itemStyle: { color: function (p) { return ["#0d6efd", "#dc3545", "#ffc107", "#6c757d"][p.dataIndex]; } },
                 label: { show: true, position: "right" } }],
    });
    charts.push(chart);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
