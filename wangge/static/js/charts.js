/* Draws the overview charts from the page's JSON block; no inline handlers (strict CSP). */
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("chart-data");
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = data[el.getAttribute("data-chart")];
      if (!spec) { return; }
      var horizontal = el.getAttribute("data-kind") === "hbar";
      // Horizontal bars need room for every category label; grow the box with the data.
      if (horizontal) { el.style.height = Math.max(220, spec.labels.length * 26 + 60) + "px"; }
      var category = { type: "category", data: spec.labels, inverse: horizontal,
        axisLabel: { width: 110, overflow: "truncate", interval: 0 } };
      var value = { type: "value", minInterval: 1 };
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 8, right: 40, top: 10, bottom: 8, containLabel: true },
        xAxis: horizontal ? value : category,
        yAxis: horizontal ? category : value,
        series: [{ type: "bar", data: spec.values, itemStyle: { color: "#c0392b" },
          label: { show: true, position: horizontal ? "right" : "top" } }]
      });
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
