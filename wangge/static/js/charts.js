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
      // Vertical bars: let category labels wrap to their slot instead of running together.
      var slot = Math.max(36, Math.floor((el.clientWidth - 60) / Math.max(1, spec.labels.length)) - 6);
      var category = { type: "category", data: spec.labels, inverse: horizontal,
        axisLabel: horizontal ? { width: 110, overflow: "truncate", interval: 0 }
                              : { width: slot, overflow: "break", interval: 0 } };
      // Bars from index ``highlight_from`` on (e.g. the bands over 60) get a second colour.
      var from = typeof spec.highlight_from === "number" ? spec.highlight_from : Infinity;
      var bars = spec.values.map(function (v, i) {
        return { value: v, itemStyle: { color: i >= from ? "#e67e22" : "#c0392b" } };
      });
      var value = { type: "value", minInterval: 1 };
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 8, right: 40, top: 24, bottom: 8, containLabel: true },
        xAxis: horizontal ? value : category,
        yAxis: horizontal ? category : value,
        series: [{ type: "bar", data: bars,
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
