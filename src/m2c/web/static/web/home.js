// Draws the charts of a page from the JSON its view wrote into #home-charts (web/homes.py) or #page-charts:
// {element id: {kind: "donut" | "funnel" | "bar" | "heatmap", labels, series: [{name, data}], stacked}} (a funnel may
// set left and width, room for its labels on the right); "bubble" (x, y,
// size, colour by group, click opens the point's url) and "radar" (indicators, series) as their specs say.
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
  // A bubble chart: {points: [{name, x, y, size, size_label, quadrant, url}], quadrants: [{key, name, color}],
  // x_name, y_name, min, max, midpoint}. One series per group (its colour and legend entry); bubble area
  // follows size; dashed lines mark the midpoint on both axes.
  function bubble(spec) {
    var largest = Math.max.apply(null, spec.points.map(function (p) { return number(p.size); }).concat([1]));
    var mid = number(spec.midpoint) || 3;
    return {
      tooltip: {trigger: "item", formatter: function (p) {
        var d = p.data.point;
        return d.name + "<br>" + spec.x_name + ": " + d.x + "<br>" + spec.y_name + ": " + d.y +
          (d.size_label ? "<br>" + (spec.size_name || "") + ": " + d.size_label : "");
      }},
      legend: {bottom: 0},
      grid: {left: 56, right: 24, top: 24, bottom: 64},
      xAxis: {type: "value", name: spec.x_name, nameLocation: "middle", nameGap: 28, min: spec.min, max: spec.max},
      yAxis: {type: "value", name: spec.y_name, nameLocation: "middle", nameGap: 36, min: spec.min, max: spec.max},
      series: spec.quadrants.map(function (q, i) {
        return {
          name: q.name, type: "scatter", itemStyle: {color: q.color, opacity: 0.8},
          symbolSize: function (v, p) { return 14 + 50 * Math.sqrt(number(p.data.point.size) / largest); },
          label: {show: true, position: "top", fontSize: 11, formatter: function (p) { return p.data.point.name; }},
          data: spec.points.filter(function (p) { return p.quadrant === q.key; }).map(function (p) {
            return {value: [number(p.x), number(p.y)], point: p};
          }),
          markLine: i === 0 ? {silent: true, symbol: "none", lineStyle: {type: "dashed", color: "#adb5bd"},
                               label: {show: false}, data: [{xAxis: mid}, {yAxis: mid}]} : undefined
        };
      })
    };
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
        series: [{type: "pie", radius: ["45%", "70%"], center: ["50%", "42%"], label: {formatter: function (p) { return compact(number(p.value)); }},
                  data: spec.data}]
      };
    } else if (spec.kind === "funnel") {
      option = {
        tooltip: {trigger: "item", valueFormatter: compact},
        series: [{type: "funnel", sort: "none", left: spec.left || "10%", width: spec.width || "80%", minSize: "20%",
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
    } else if (spec.kind === "bubble") {
      option = bubble(spec);
    } else if (spec.kind === "radar") {
      option = {
        tooltip: {trigger: "item"},
        legend: {bottom: 0, type: "scroll"},
        radar: {indicator: spec.indicators, radius: "62%", center: ["50%", "46%"]},
        series: [{type: "radar", areaStyle: {opacity: 0.08},
                  data: spec.series.map(function (s) {
                    return {name: s.name, value: s.data.map(function (v) { return v === null ? 0 : number(v); })};
                  })}]
      };
    } else {
      option = {
        tooltip: {trigger: "axis", valueFormatter: compact},
        legend: spec.series.length > 1 ? {bottom: 0} : undefined,
        grid: {left: 8, right: 8, top: 16, bottom: spec.series.length > 1 ? 36 : 8, containLabel: true},
        // Every category named: long names (partners, customers) wrap within their slot instead of hiding.
        xAxis: {type: "category", data: spec.labels,
                axisLabel: {interval: 0, hideOverlap: true, overflow: "breakAll",
                            width: Math.max(48, Math.floor((el.clientWidth - 80) / Math.max(1, spec.labels.length)) - 8)}},
        yAxis: {type: "value", axisLabel: {formatter: compact}},
        series: spec.series.map(function (s) {
          return {name: s.name, type: "bar", stack: spec.stacked ? "total" : undefined, data: s.data.map(number)};
        })
      };
    }
    var chart = m2cChart(el);
    chart.setOption(option);
    if (spec.kind === "bubble") {
      chart.on("click", function (p) {
        if (p.data && p.data.point && p.data.point.url) { window.location.href = p.data.point.url; }
      });
    }
    el.setAttribute("data-chart-ready", "1");
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
