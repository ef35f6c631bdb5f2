// Medical service circle map (ECharts, vendored): the scope's boundaries from /dashboard/geometry/ (packaged
// GeoJSON) and the points of the latest stored run from /access/points/, drawn as two scatter layers
// (inside / outside the circle). Configuration from a json_script block (CSP: no inline script); tooltips
// are built from text nodes, never HTML strings.
(function () {
  "use strict";
  const el = document.getElementById("access-map");
  const cfgNode = document.getElementById("access-map-config");
  if (!el || !cfgNode || typeof echarts === "undefined") return;
  const cfg = JSON.parse(cfgNode.textContent);
  const chart = echarts.init(el);

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then((r) => {
      if (!r.ok) throw new Error(r.status + " " + url);
      return r.json();
    });
  }

  function lines(texts) {
    const box = document.createElement("div");
    texts.forEach((text) => {
      const line = document.createElement("div");
      line.textContent = String(text);
      box.appendChild(line);
    });
    return box;
  }

  function size(pop) { return Math.max(3, Math.min(14, Math.sqrt(pop) / 6)); }

  const q = "?org=" + encodeURIComponent(cfg.scope);
  Promise.all([getJSON(cfg.geoUrl + q), getJSON(cfg.pointsUrl + q)]).then(([geo, d]) => {
    const name = "yigai-access-" + cfg.scope;
    echarts.registerMap(name, geo);
    const inside = [], outside = [];
    d.points.forEach((p) => { (p[3] ? inside : outside).push(p); });
    const layer = (label, data, colour, z) => ({
      name: label, type: "scatter", coordinateSystem: "geo", data: data, z: z, large: data.length > 5000,
      symbolSize: (v) => size(v[2]), itemStyle: { color: colour, opacity: 0.75 },
      encode: { lng: 0, lat: 1 },
    });
    chart.setOption({
      animation: false,
      title: { text: el.dataset.schematic, right: 12, top: 6, textStyle: { fontSize: 13, color: "#b8232b" } },
      legend: { left: 10, top: 6, data: [el.dataset.covered, el.dataset.uncovered] },
      tooltip: {
        trigger: "item",
        formatter: (p) => {
          const v = p.value;
          if (!Array.isArray(v)) return lines([p.name]);
          const minutes = v[4] === null ? el.dataset.unreachable : v[4] + " " + el.dataset.minutes;
          return lines([v[5] + "（" + v[6] + "）", el.dataset.people + " " + v[2], minutes]);
        },
      },
      geo: {
        map: name, nameProperty: "adcode", roam: true, top: 40, bottom: 10, silent: true,
        itemStyle: { areaColor: "#eef0f3", borderColor: "#9aa3ad" },
      },
      series: [layer(el.dataset.covered, inside, "#3ba272", 2), layer(el.dataset.uncovered, outside, "#d9363e", 3)],
    }, true);
    el.dataset.drawn = String(d.points.length);
  }).catch(() => { el.textContent = el.dataset.error; });
  window.addEventListener("resize", () => chart.resize());
})();
