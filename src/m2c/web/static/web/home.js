// Draws the charts of a page from the JSON its view wrote into #home-charts (web/homes.py) or #page-charts:
// {element id: {kind: "donut" | "funnel" | "bar", labels, series: [{name, data}], stacked}}.
(function () {
  var source = document.getElementById("home-charts") || document.getElementById("page-charts");
  if (!source || !window.echarts) { return; }
  var specs = JSON.parse(source.textContent);
  var charts = [];
  function number(v) { return Number(v) || 0; }
  function compact(v) {
    var lang = document.documentElement.lang || "en";
    try {
      return new Intl.NumberFormat(lang.indexOf("zh") === 0 ? "zh-CN" : lang, {notation: "compact", maximumFractionDigits: 1}).format(v);
    } catch (e) { return String(v); }
  }
  Object.keys(specs).forEach(function (id) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var spec = specs[id];
    var option;
    if (spec.kind === "donut") {
      option = {
        tooltip: {trigger: "item"},
        legend: {bottom: 0, type: "scroll"},
        series: [{type: "pie", radius: ["45%", "70%"], center: ["50%", "42%"], label: {formatter: "{c}"},
                  data: spec.data}]
      };
    } else if (spec.kind === "funnel") {
      option = {
        tooltip: {trigger: "item", valueFormatter: compact},
        series: [{type: "funnel", sort: "none", left: "10%", width: "80%", minSize: "20%",
                  label: {formatter: function (p) { return p.name + "  " + compact(number(p.value)); }},
                  data: spec.data.map(function (d) { return {name: d.name, value: number(d.value)}; })}]
      };
    } else {
      option = {
        tooltip: {trigger: "axis", valueFormatter: compact},
        legend: spec.series.length > 1 ? {bottom: 0} : undefined,
        grid: {left: 8, right: 8, top: 16, bottom: spec.series.length > 1 ? 36 : 8, containLabel: true},
        xAxis: {type: "category", data: spec.labels, axisLabel: {interval: 0, hideOverlap: true}},
        yAxis: {type: "value", axisLabel: {formatter: compact}},
        series: spec.series.map(function (s) {
          return {name: s.name, type: "bar", stack: spec.stacked ? "total" : undefined, data: s.data.map(number)};
        })
      };
    }
    var chart = echarts.init(el);
    chart.setOption(option);
    el.setAttribute("data-chart-ready", "1");
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
