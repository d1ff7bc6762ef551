/* Alert page: measure distances from the reader's location (the form works without it). */
(function () {
  "use strict";
  var form = document.getElementById("origin-form");
  if (!form || !("geolocation" in navigator)) return;
  var box = document.getElementById("locate-box");
  var button = document.getElementById("use-location");
  var status = document.getElementById("locate-status");
  box.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = status.getAttribute("data-finding");
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.lat.value = pos.coords.latitude.toFixed(6);
      form.elements.lon.value = pos.coords.longitude.toFixed(6);
      form.elements.near.disabled = true;
      form.submit();
    }, function () {
      status.textContent = status.getAttribute("data-failed");
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  });
})();
