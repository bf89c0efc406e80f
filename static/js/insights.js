// 数据驾驶舱: the charts, drawn from the page's json_script data. No inline scripts (CSP).
(function () {
  "use strict";

  const charts = [];

  function data(id) {
    const source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  function draw(id, option) {
    const holder = document.getElementById(id);
    if (!holder) {
      return;
    }
    const chart = window.echarts.init(holder);
    chart.setOption(option);
    charts.push(chart);
  }

  function narrow() {
    return window.matchMedia("(max-width: 576px)").matches;
  }

  function drawAll() {
    if (typeof window.echarts === "undefined") {
      return;
    }
    const daily = data("dashboard-daily-data");
    if (daily) {
      draw("dashboard-daily-chart", {
        color: ["#1565c0", "#2e7d32"],
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 36, right: 12, bottom: 28, top: 36 },
        xAxis: {
          type: "category",
          data: daily.labels,
          axisLabel: { interval: narrow() ? 6 : 2 },
        },
        yAxis: { type: "value", minInterval: 1 },
        series: daily.series.map((s) => ({
          name: s.name,
          type: "line",
          smooth: true,
          symbolSize: 4,
          data: s.values,
        })),
      });
    }
    const mix = data("dashboard-mix-data");
    if (mix) {
      draw("dashboard-channel-chart", {
        tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
        legend: { type: "scroll", bottom: 0 },
        series: [
          {
            type: "pie",
            radius: ["35%", "65%"],
            center: ["50%", "45%"],
            label: { show: !narrow(), formatter: "{b} {c}" },
            data: mix.channels,
          },
        ],
      });
      const categories = mix.categories.slice().reverse(); // largest at the top
      draw("dashboard-category-chart", {
        color: ["#b71c1c"],
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 8, right: 36, bottom: 8, top: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: categories.map((c) => c.name) },
        series: [
          {
            type: "bar",
            data: categories.map((c) => c.value),
            label: { show: true, position: "right" },
          },
        ],
      });
    }
    window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
