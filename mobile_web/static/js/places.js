// Enhancements of the "near me" page, which works without them: "Use my location" fills the
// coordinates and searches; "Show on a map" loads Leaflet (only then) and maps the list.
(function () {
  "use strict";
  var mapBox = document.getElementById("map-box");
  if (mapBox) {
    mapBox.hidden = false;
    document.getElementById("show-map").addEventListener("click", function () {
      var button = this;
      button.disabled = true;
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = mapBox.getAttribute("data-leaflet-css");
      document.head.appendChild(css);
      var script = document.createElement("script");
      script.src = mapBox.getAttribute("data-leaflet-js");
      script.onload = function () { showMap(mapBox); button.hidden = true; };
      script.onerror = function () { button.disabled = false; };
      document.head.appendChild(script);
    });
  }

  function showMap(box) {
    var element = document.getElementById("places-map");
    element.hidden = false;
    var origin = [parseFloat(box.getAttribute("data-origin-lat")), parseFloat(box.getAttribute("data-origin-lon"))];
    var map = window.L.map(element).setView(origin, 15);
    window.L.tileLayer(box.getAttribute("data-tiles"), {
      maxZoom: 19, attribution: "&copy; OpenStreetMap contributors"
    }).addTo(map);
    window.L.circleMarker(origin, { radius: 8 }).addTo(map);
    var bounds = [origin];
    document.querySelectorAll(".places-list > li[data-lat]").forEach(function (item) {
      var point = [parseFloat(item.getAttribute("data-lat")), parseFloat(item.getAttribute("data-lon"))];
      var link = document.createElement("a");
      link.href = item.getAttribute("data-url");
      link.textContent = item.getAttribute("data-name");
      if (item.getAttribute("data-precision") === "exact") {
        window.L.marker(point, { title: item.getAttribute("data-name"), alt: item.getAttribute("data-name") })
          .bindPopup(link).addTo(map);
      } else {
        // Known only to its legal dong: an area, never a precise pin.
        var note = document.createElement("p");
        note.textContent = box.getAttribute("data-approximate");
        var popup = document.createElement("div");
        popup.appendChild(link);
        popup.appendChild(note);
        window.L.circle(point, { radius: 300, weight: 1, dashArray: "4" }).bindPopup(popup).addTo(map);
      }
      bounds.push(point);
    });
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
  }

  var form = document.getElementById("places-search");
  var box = document.getElementById("locate-box");
  if (!form || !box || !("geolocation" in navigator)) return;
  var button = document.getElementById("use-location");
  var status = document.getElementById("locate-status");
  box.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = status.getAttribute("data-finding");
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.lat.value = pos.coords.latitude.toFixed(6);
      form.elements.lon.value = pos.coords.longitude.toFixed(6);
      form.elements.near.value = "";
      form.submit();
    }, function () {
      status.textContent = status.getAttribute("data-failed");
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  });
})();
