// Progressive enhancement for filing: attach the current location on request.
(function () {
  "use strict";
  var button = document.getElementById("use-location");
  var status = document.getElementById("location-status");
  if (!button || !("geolocation" in navigator)) return;
  button.hidden = false;
  status.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.waiting || "…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("lat-input").value = pos.coords.latitude.toFixed(6);
      document.getElementById("lon-input").value = pos.coords.longitude.toFixed(6);
      status.textContent = button.dataset.done || "✓";
    }, function () {
      status.textContent = button.dataset.failed || "✗";
    }, { enableHighAccuracy: true, timeout: 15000 });
  });
})();
