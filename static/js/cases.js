// Cases pages: queue tabs and bulk selection, and the metrics chart. No inline scripts (CSP).
(function () {
  "use strict";

  // 工作台: "select all" toggles every case checkbox of the bulk-dispatch form.
  document.addEventListener("change", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLInputElement) || !target.hasAttribute("data-select-all")) {
      return;
    }
    const form = target.closest("form") || document;
    form.querySelectorAll("input[data-case-checkbox]").forEach((box) => {
      box.checked = target.checked;
    });
  });

  // 工作台 tabs: radios drawn as pills, outside the part htmx swaps, so the highlight moves here,
  // with the radio's checked attribute (what htmx's history snapshot keeps): at once when a tab is
  // chosen (click or arrow keys), and back to the tab the results show when back/forward
  // restores a saved page (saved as the next tab was being chosen).
  function markTab(bucket) {
    document.querySelectorAll("[data-queue-tabs] input[name=bucket]").forEach((radio) => {
      const chosen = radio.value === bucket;
      radio.checked = chosen;
      radio.toggleAttribute("checked", chosen);
      radio.closest(".nav-link").classList.toggle("active", chosen);
    });
  }

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target instanceof HTMLInputElement && target.closest("[data-queue-tabs]")) {
      markTab(target.value);
    }
  });

  document.addEventListener("htmx:historyRestore", () => {
    const results = document.querySelector("#queue-results [data-bucket]");
    if (results) {
      markTab(results.dataset.bucket);
    }
  });

  // Photos: warn before upload when a file is too large (the server checks again, by content).
  document.addEventListener("change", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLInputElement) || target.type !== "file") {
      return;
    }
    const limit = Number(target.dataset.maxBytes || 0);
    if (!limit || !target.files) {
      return;
    }
    const tooBig = Array.from(target.files).filter((file) => file.size > limit);
    const message = tooBig.length ? target.dataset.tooBigMessage || "" : "";
    target.setCustomValidity(message);
    if (message) {
      target.reportValidity();
    }
  });

  // 指标: draw the chart from the json_script data when ECharts is on the page.
  function drawMetrics() {
    const holder = document.getElementById("metrics-chart");
    const source = document.getElementById("metrics-data");
    if (!holder || !source || typeof window.echarts === "undefined") {
      return;
    }
    const data = JSON.parse(source.textContent);
    const chart = window.echarts.init(holder);
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: (v) => (v === null ? "—" : v + "%") },
      legend: { top: 0 },
      grid: { left: 40, right: 10, bottom: 60, top: 40 },
      xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 30 } },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: data.series.map((s) => ({ name: s.name, type: "bar", data: s.values })),
    });
    window.addEventListener("resize", () => chart.resize());
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawMetrics);
  } else {
    drawMetrics();
  }
})();
