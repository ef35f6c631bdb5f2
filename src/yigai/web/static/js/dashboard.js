// Leader's dashboard map (ECharts, vendored). Boundaries come from /dashboard/geometry/ (packaged GeoJSON,
// registered here: echarts ships no map files), values from /dashboard/map-data/; configuration from a
// json_script block, so no inline script is needed (CSP). The map is a schematic (示意图).
(function () {
  "use strict";
  const el = document.getElementById("dash-map");
  const cfgNode = document.getElementById("map-config");
  if (!el || !cfgNode || typeof echarts === "undefined") return;
  const cfg = JSON.parse(cfgNode.textContent);
  const $ = (id) => document.getElementById(id);
  const modeSel = $("map-mode"), indSel = $("map-indicator"), tgtSel = $("map-target"), upBtn = $("map-up");
  const titleNode = $("map-title");
  const chart = echarts.init(el);
  const geoCache = {};
  const stack = [];
  let org = cfg.scope;

  // Lines of text as one element (an ECharts tooltip may be an element): textContent only.
  function lines(texts) {
    const box = document.createElement("div");
    texts.forEach((text) => {
      const line = document.createElement("div");
      line.textContent = text === null || text === undefined ? "" : String(text);
      box.appendChild(line);
    });
    return box;
  }

  function fill(select, items, value, label) {
    select.textContent = "";
    items.forEach((it) => {
      const o = document.createElement("option");
      o.value = it[value];
      o.textContent = it[label];
      select.appendChild(o);
    });
  }
  fill(indSel, cfg.indicators, "code", "name");
  fill(tgtSel, cfg.targets, "id", "name");
  if (!cfg.targets.length) modeSel.querySelector("option[value=target]").disabled = true;
  if (!cfg.indicators.length) modeSel.querySelector("option[value=indicator]").disabled = true;

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then((r) => {
      if (!r.ok) throw new Error(r.status + " " + url);
      return r.json();
    });
  }

  function geometry(code) {
    if (!geoCache[code]) geoCache[code] = getJSON(cfg.geoUrl + "?org=" + encodeURIComponent(code));
    return geoCache[code];
  }

  function dataUrl(code) {
    const q = new URLSearchParams({ org: code, mode: modeSel.value });
    if (modeSel.value === "indicator") q.set("indicator", indSel.value);
    if (modeSel.value === "target") q.set("target", tgtSel.value);
    return cfg.dataUrl + "?" + q.toString();
  }

  function visualMap(d) {
    const values = d.areas.map((a) => a.value).filter((v) => v !== null && v !== undefined);
    if (d.mode === "target") {
      return { type: "piecewise", left: 10, bottom: 10, pieces: d.statuses.map((s) => ({ value: s.index, label: s.label, color: s.colour })) };
    }
    if (d.mode === "warning") {
      return { type: "continuous", min: 0, max: 100, left: 10, bottom: 10, text: ["100%", "0%"], calculable: false, inRange: { color: ["#3ba272", "#f0b400", "#d9363e"] } };
    }
    const min = values.length ? Math.min(...values) : 0;
    const max = values.length ? Math.max(...values) : 1;
    return { type: "continuous", min: min, max: max === min ? min + 1 : max, left: 10, bottom: 10, text: [String(max) + " " + (d.unit || ""), String(min)], calculable: true, inRange: { color: ["#dbe8f7", "#6c9bd2", "#14427a"] } };
  }

  function draw(code, geo, d) {
    const name = "yigai-" + code;
    echarts.registerMap(name, geo);
    const names = {};
    geo.features.forEach((f) => { names[f.properties.adcode] = f.properties.name; });
    d.areas.forEach((a) => { names[a.code] = a.name; });
    const small = geo.features.length > 16;
    const schematic = el.dataset.schematic + (d.demo ? " · " + el.dataset.demo : "");
    titleNode.textContent = d.scope.name + " · " + d.title;
    chart.setOption({
      animation: false,
      title: { text: d.scope.name + " · " + el.dataset.schematic, subtext: d.title + (d.demo ? "　[" + el.dataset.demo + "]" : ""), left: "center", top: 4, textStyle: { fontSize: 15 } },
      graphic: [{ type: "text", right: 12, top: 10, style: { text: schematic, fill: "#b8232b", font: "bold 13px sans-serif" } }],
      tooltip: {
        trigger: "item",
        formatter: (p) => {  // DOM built from text, never an HTML string: names and values are data
          const a = p.data && p.data.area;
          return lines([names[p.name] || p.name, a ? a.text : el.dataset.nodata]);
        },
      },
      visualMap: visualMap(d),
      series: [{
        type: "map", map: name, nameProperty: "adcode", roam: false, top: 60, bottom: 20, selectedMode: false,
        labelLayout: { hideOverlap: true }, // small neighbours (三河/大厂, 定州/辛集/雄安): no label drawn over another
        label: { show: true, fontSize: small ? 9 : 12, color: "#1f2937", formatter: (p) => names[p.name] || p.name },
        itemStyle: { areaColor: "#eef0f3", borderColor: "#ffffff", borderWidth: 1 },
        emphasis: { label: { show: true, fontWeight: "bold" }, itemStyle: { areaColor: "#9cc3ee" } },
        data: d.areas.map((a) => ({ name: a.code, value: a.value === null ? "-" : a.value, area: a })),
      }],
    }, true);
    el.dataset.drawn = code;
    upBtn.hidden = stack.length === 0;
  }

  function load(code) {
    Promise.all([geometry(code), getJSON(dataUrl(code))])
      .then(([geo, d]) => { org = code; draw(code, geo, d); })
      .catch(() => { titleNode.textContent = el.dataset.error; });
  }

  chart.on("click", (p) => {
    const a = p.data && p.data.area;
    if (a && a.drill) { stack.push(org); load(a.code); }
  });
  upBtn.addEventListener("click", () => { if (stack.length) load(stack.pop()); });
  modeSel.addEventListener("change", () => {
    indSel.hidden = modeSel.value !== "indicator";
    tgtSel.hidden = modeSel.value !== "target";
    load(org);
  });
  indSel.addEventListener("change", () => load(org));
  tgtSel.addEventListener("change", () => load(org));
  window.addEventListener("resize", () => chart.resize());
  el.style.height = "600px";
  chart.resize();
  load(org);
})();
