/* Strategic plan dashboard: draws the charts from the JSON the page carries
 * (`json_script` id "strategy-chart-data"). Every figure is also in a table beside its chart,
 * so nothing here is needed to read the dashboard; it only adds the pictures. */
(function () {
  "use strict";

  var source = document.getElementById("strategy-chart-data");
  var printButtons = document.querySelectorAll("[data-strategy-print]");
  printButtons.forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  if (!source || typeof window.Chart === "undefined") { return; }

  var payload = JSON.parse(source.textContent);
  var language = payload.language === "fr" ? "fr-CA" : "en-CA";

  // High-contrast colours, each also told apart by its label and its table column.
  var COLOURS = {
    done: "#1e6e39",
    on_track: "#1a4d8f",
    at_risk: "#b35c00",
    late: "#a4161a",
    not_started: "#6c757d",
    covered: "#1e6e39",
    gap: "#a4161a",
    requested: "#26374a",
    endorsed: "#1a4d8f",
    approved: "#1e6e39",
    measures: "#26374a",
    plan: "#26374a"
  };
  var SERIES = ["#1a4d8f", "#b35c00", "#1e6e39", "#6f2da8", "#a4161a", "#0f7c8c"];
  var DASHES = [[], [6, 4], [2, 3], [10, 4, 2, 4]];

  function number(value, unit) {
    if (value === null || value === undefined) { return "–"; }
    if (unit === "$") {
      return new Intl.NumberFormat(language, { style: "currency", currency: "CAD" }).format(value);
    }
    if (unit === "%") {
      return new Intl.NumberFormat(language, { maximumFractionDigits: 0 }).format(value) +
        (language === "fr-CA" ? "\u00a0%" : "%");
    }
    return new Intl.NumberFormat(language).format(value);
  }

  function datasets(chart) {
    var seriesIndex = 0;
    return chart.datasets.map(function (set) {
      var colour = COLOURS[set.key];
      var index = seriesIndex;
      if (!colour) { colour = SERIES[seriesIndex % SERIES.length]; seriesIndex += 1; }
      var out = { label: set.label, data: set.data, backgroundColor: colour, borderColor: colour };
      if (chart.kind === "line") {
        out.fill = false;
        out.spanGaps = true;
        out.tension = 0.2;
        out.borderWidth = set.key === "plan" ? 4 : 2;
        out.borderDash = set.key === "plan" ? [] : DASHES[(index + 1) % DASHES.length];
        out.pointRadius = 3;
      }
      return out;
    });
  }

  function options(chart) {
    var horizontal = chart.kind === "stacked-horizontal" || chart.kind === "horizontal";
    var stacked = chart.kind === "stacked" || chart.kind === "stacked-horizontal";
    var valueAxis = {
      beginAtZero: true,
      stacked: stacked,
      ticks: {
        precision: 0,
        callback: function (value) { return number(value, chart.unit); }
      }
    };
    if (chart.unit === "%") { valueAxis.max = 100; }
    var categoryAxis = { stacked: stacked };
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: horizontal ? "y" : "x",
      scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          callbacks: {
            label: function (context) {
              var value = horizontal ? context.parsed.x : context.parsed.y;
              return context.dataset.label + ": " + number(value, chart.unit);
            }
          }
        }
      }
    };
  }

  var charts = [];
  Object.keys(payload.charts).forEach(function (name) {
    var canvas = document.getElementById("chart-" + name);
    if (!canvas) { return; }
    var chart = payload.charts[name];
    charts.push(new window.Chart(canvas, {
      type: chart.kind === "line" ? "line" : "bar",
      data: { labels: chart.labels, datasets: datasets(chart) },
      options: options(chart)
    }));
  });

  // Redraw at the paper's size when printing the briefing.
  window.addEventListener("beforeprint", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
}());
