// Progressive enhancement for report and map pages: device location and a small tile map
// (tap to choose a point, markers from GeoJSON). Every task also works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("has-js");
  var latInput = document.getElementById("lat"), lonInput = document.getElementById("lon");

  function setPoint(lat, lon) {
    if (!latInput || !lonInput) return;
    latInput.value = lat.toFixed(6);
    lonInput.value = lon.toFixed(6);
    var details = latInput.closest("details");
    if (details) details.open = true;
  }

  var button = document.getElementById("locate");
  if (button && "geolocation" in navigator) {
    var status = document.getElementById("locate-status");
    button.addEventListener("click", function () {
      status.textContent = "…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        setPoint(pos.coords.latitude, pos.coords.longitude);
        maps.forEach(function (m) { m.center(pos.coords.latitude, pos.coords.longitude, 17); });
        status.textContent = "✓";
      }, function () { status.textContent = "✗"; }, { enableHighAccuracy: true, timeout: 10000 });
    });
  }

  var T = 256;
  function project(lat, lon, z) {
    var s = T * Math.pow(2, z), r = lat * Math.PI / 180;
    return [(lon + 180) / 360 * s, (1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * s];
  }
  function unproject(x, y, z) {
    var s = T * Math.pow(2, z), n = Math.PI - 2 * Math.PI * y / s;
    return [180 / Math.PI * Math.atan(Math.sinh(n)), x / s * 360 - 180];
  }

  function TileMap(el) {
    var d = el.dataset, self = this, z = +d.zoom || 12, c = [+d.lat || 37.5665, +d.lon || 126.978];
    var markers = [], picked = null, pane = document.createElement("div");
    pane.className = "tm-pane";
    el.appendChild(pane);
    // Built with DOM calls, not markup: the site's CSP blocks inline style attributes and handlers.
    function place(node, left, top) { node.style.left = left + "px"; node.style.top = top + "px"; return node; }
    function dropTile() { this.remove(); }
    function draw() {
      var w = el.clientWidth, h = el.clientHeight, p = project(c[0], c[1], z), x0 = p[0] - w / 2, y0 = p[1] - h / 2;
      var n = Math.pow(2, z), frag = document.createDocumentFragment();
      for (var tx = Math.floor(x0 / T); tx * T < x0 + w; tx++) {
        for (var ty = Math.max(0, Math.floor(y0 / T)); ty * T < y0 + h && ty < n; ty++) {
          var img = document.createElement("img");
          img.alt = "";
          img.addEventListener("error", dropTile);
          img.src = d.tiles.replace("{z}", z).replace("{x}", ((tx % n) + n) % n).replace("{y}", ty).replace("{s}", "a");
          frag.appendChild(place(img, tx * T - x0, ty * T - y0));
        }
      }
      markers.concat(picked ? [picked] : []).forEach(function (m) {
        var q = project(m.lat, m.lon, z), a = document.createElement("a");
        a.className = "tm-marker" + (m.pick ? " tm-pick" : "");
        a.tabIndex = -1;
        if (m.url) a.href = m.url;
        frag.appendChild(place(a, q[0] - x0, q[1] - y0));
      });
      pane.textContent = "";
      pane.appendChild(frag);
    }
    this.center = function (lat, lon, zoom) { c = [lat, lon]; if (zoom) z = zoom; draw(); };
    var start = null, moved = false;
    el.addEventListener("pointerdown", function (e) { start = [e.clientX, e.clientY, project(c[0], c[1], z)]; moved = false; });
    el.addEventListener("pointermove", function (e) {
      if (!start) return;
      var dx = e.clientX - start[0], dy = e.clientY - start[1];
      if (Math.abs(dx) + Math.abs(dy) > 6) moved = true;
      if (moved) { c = unproject(start[2][0] - dx, start[2][1] - dy, z); draw(); }
    });
    el.addEventListener("pointerup", function (e) {
      if (start && !moved && d.pick !== undefined) {
        var r = el.getBoundingClientRect(), p = project(c[0], c[1], z);
        var ll = unproject(p[0] + e.clientX - r.left - r.width / 2, p[1] + e.clientY - r.top - r.height / 2, z);
        picked = { lat: ll[0], lon: ll[1], pick: true };
        setPoint(ll[0], ll[1]);
        draw();
      }
      start = null;
    });
    ["+", "−"].forEach(function (label, i) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "tm-zoom secondary"; b.textContent = label; b.tabIndex = -1;
      b.setAttribute("aria-label", (label === "+" ? d.zoomIn : d.zoomOut) || label);
      b.addEventListener("click", function (e) { e.stopPropagation(); z = Math.max(5, Math.min(19, z + (i ? -1 : 1))); draw(); });
      b.addEventListener("pointerdown", function (e) { e.stopPropagation(); });
      el.appendChild(b);
    });
    if (latInput && latInput.value && d.pick !== undefined) {
      picked = { lat: +latInput.value, lon: +lonInput.value, pick: true };
      c = [picked.lat, picked.lon]; z = 16;
    }
    if (d.geojson) {
      fetch(d.geojson, { headers: { Accept: "application/json" } }).then(function (r) { return r.json(); }).then(function (fc) {
        markers = (fc.type === "Feature" ? [fc] : fc.features || []).filter(function (f) { return f.geometry; }).map(function (f) {
          return { lat: f.geometry.coordinates[1], lon: f.geometry.coordinates[0], url: (f.properties || {}).url };
        });
        draw();
      }).catch(function () {});
    }
    window.addEventListener("resize", draw);
    draw();
    return self;
  }

  var maps = Array.prototype.map.call(document.querySelectorAll("[data-map]"), function (el) { return new TileMap(el); });
})();
