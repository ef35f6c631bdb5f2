// Ledger charts (ECharts, vendored): the warning board and the 挂图作战 timeline.
// Data comes from <script type="application/json"> blocks (json_script), so no inline script is needed.
(function () {
  "use strict";
  const DAY = 86400000;

  function data(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function empty(el) {
    el.style.height = "80px";
    el.textContent = el.dataset.empty || "";
  }

  function boardChart(el) {
    const d = data("board-data");
    if (!d || !d.places.length) return empty(el);
    el.style.height = Math.max(260, d.places.length * 26 + 90) + "px";
    const chart = echarts.init(el);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 10, right: 30, top: 36, bottom: 10, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: d.places },
      series: d.series.map((s) => ({
        name: s.name, type: "bar", stack: "all", data: s.data, itemStyle: { color: s.colour },
        label: { show: true, formatter: (p) => (p.value ? p.value : "") },
      })),
    });
    window.addEventListener("resize", () => chart.resize());
  }

  // The timeline's tooltip as DOM nodes filled with textContent: a title such as <img onerror=…> stays text
  // (ECharts inserts a returned string as HTML, a returned element as is).
  function line(box, text, bold) {
    const div = document.createElement("div");
    div.textContent = text;
    if (bold) div.style.fontWeight = "bold";
    box.appendChild(div);
  }

  function tooltip(p, el) {
    const r = p.data && p.data.row;
    if (!r) return "";
    const box = document.createElement("div");
    line(box, r.code + " " + r.title, true);
    line(box, r.unit);
    line(box, r.start + " → " + r.end);
    line(box, r.status + " · " + r.warning + (r.reason ? "：" + r.reason : ""));
    if (p.seriesName === "m") line(box, (el.dataset.milestone || "") + "：" + p.data.name);
    if (r.expand) line(box, el.dataset.expand || "");
    return box;
  }

  // A flag drawn as a path (no emoji font needed): pole plus pennant.
  const FLAG = "path://M0,0 L2,0 L2,30 L0,30 Z M2,0 L22,6 L2,13 Z";

  function timelineChart(el) {
    const d = data("timeline-data");
    if (!d || !d.rows.length) return empty(el);
    const rows = d.rows;
    // A split item's parent: "▸red/places" right after its code, where the axis label is never cut off.
    const names = rows.map((r) => r.code + (r.children_total ? " ▸" + r.children_red + "/" + r.children_total : "") + " " + r.title);
    const visible = Math.min(rows.length, 30);
    el.style.height = Math.max(300, visible * 24 + 120) + "px";
    const t = (s) => new Date(s + "T00:00:00").getTime();
    const today = t(d.today);
    const bars = rows.map((r, i) => ({ value: [i, t(r.start), t(r.end)], itemStyle: { color: r.colour }, row: r }));
    const milestones = [];
    rows.forEach((r, i) => r.milestones.forEach((m) => milestones.push({ value: [t(m.due), i], name: m.name, row: r })));
    const flags = [];
    rows.forEach((r, i) => {
      if (r.closed) flags.push({ value: [t(r.end), i], itemStyle: { color: "#d9363e" }, label: { show: true, formatter: "✓", color: "#d9363e", position: "right", fontWeight: "bold" }, row: r });
      else if (r.overdue) flags.push({ value: [t(r.end), i], itemStyle: { color: "#111" }, row: r });
    });
    const min = Math.min(today, ...rows.map((r) => t(r.start))) - 30 * DAY;
    const max = Math.max(today, ...rows.map((r) => t(r.end))) + 60 * DAY;
    const chart = echarts.init(el);
    chart.setOption({
      animation: false,
      tooltip: { formatter: (p) => tooltip(p, el) },
      grid: { left: 10, right: 50, top: 52, bottom: 50, containLabel: true },
      xAxis: { type: "time", min: min, max: max, position: "top", splitLine: { show: true, lineStyle: { color: "#eef0f3" } } },
      yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: 260, overflow: "truncate" } },
      dataZoom: [
        { type: "slider", yAxisIndex: 0, right: 8, width: 16, startValue: 0, endValue: visible - 1, showDetail: false },
        { type: "inside", yAxisIndex: 0, zoomOnMouseWheel: false, moveOnMouseWheel: true },
        { type: "slider", xAxisIndex: 0, bottom: 10, height: 18 },
      ],
      series: [
        {
          name: "bars", type: "custom", encode: { x: [1, 2], y: 0 }, data: bars,
          renderItem: (params, api) => {
            const a = api.coord([api.value(1), api.value(0)]);
            const b = api.coord([api.value(2), api.value(0)]);
            const h = api.size([0, 1])[1] * 0.5;
            const shape = echarts.graphic.clipRectByRect(
              { x: a[0], y: a[1] - h / 2, width: Math.max(b[0] - a[0], 2), height: h },
              { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height });
            return shape && { type: "rect", shape: shape, style: api.style() };
          },
          markLine: {
            silent: true, symbol: "none", lineStyle: { color: "#b8232b", type: "dashed", width: 2 },
            label: { formatter: el.dataset.today || "", position: "start", distance: 22, color: "#b8232b", fontWeight: "bold" },
            data: [{ xAxis: today }],
          },
        },
        { name: "m", type: "scatter", symbol: "diamond", symbolSize: 9, itemStyle: { color: "#14427a" }, data: milestones, z: 5 },
        { name: "f", type: "scatter", symbol: FLAG, symbolSize: [14, 18], symbolOffset: [6, -6], data: flags, z: 6 },
      ],
    });
    // A split item's parent expands to its places' copies; any other bar opens its item.
    chart.on("click", (p) => { if (p.data && p.data.row) window.location.href = p.data.row.expand || p.data.row.url; });
    window.addEventListener("resize", () => chart.resize());
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (typeof echarts === "undefined") return;
    document.querySelectorAll("[data-chart=board]").forEach(boardChart);
    document.querySelectorAll("[data-chart=timeline]").forEach(timelineChart);
  });
})();
