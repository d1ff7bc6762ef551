// Progressive enhancement for the report and map forms: fill coordinates from the device.
(function () {
  "use strict";
  document.documentElement.classList.add("has-js");
  var button = document.getElementById("locate");
  if (!button || !("geolocation" in navigator)) return;
  var status = document.getElementById("locate-status");
  button.addEventListener("click", function () {
    status.textContent = "…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("lat").value = pos.coords.latitude.toFixed(6);
      document.getElementById("lon").value = pos.coords.longitude.toFixed(6);
      var details = document.querySelector("details");
      if (details) details.open = true;
      status.textContent = "✓";
    }, function () { status.textContent = "✗"; }, { enableHighAccuracy: true, timeout: 10000 });
  });
})();
