// Draws the charts of a page from the JSON its view wrote into #home-charts (web/homes.py) or #page-charts:
// {element id: {kind: "donut" | "funnel" | "bar" | "heatmap", labels, series: [{name, data}], stacked}}.
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
    } else if (spec.kind === "heatmap") {
      // {x: [column labels], y: [row labels], data: [[x, y, percent or "-", numerator, denominator]], label}
      option = {
        tooltip: {position: "top", formatter: function (p) {
          var d = p.data;
          return spec.y[d[1]] + "<br>" + spec.x[d[0]] + ": " + (d[4] ? d[3] + " / " + d[4] + " (" + d[2] + "%)" : "—");
        }},
        grid: {left: 8, right: 8, top: 8, bottom: 56, containLabel: true},
        xAxis: {type: "category", data: spec.x, splitArea: {show: true}, axisLabel: {interval: 0, hideOverlap: true}},
        yAxis: {type: "category", data: spec.y, inverse: true, splitArea: {show: true}},
        visualMap: {min: 0, max: 100, dimension: 2, calculable: false, orient: "horizontal", left: "center", bottom: 0,
                    itemHeight: 120, text: ["100%", "0%"], inRange: {color: ["#fde2e1", "#fff3c4", "#c7ecd0", "#2f9e44"]}},
        series: [{type: "heatmap", data: spec.data, label: {show: true, formatter: function (p) {
          return p.data[4] ? p.data[3] + "/" + p.data[4] : "";
        }}, emphasis: {itemStyle: {shadowBlur: 6, shadowColor: "rgba(0,0,0,0.3)"}}}]
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
