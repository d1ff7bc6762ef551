// "Use my location": fills the coordinates and searches. The page works without it.
(function () {
  "use strict";
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
