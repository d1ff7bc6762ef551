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

// The fields a petition type requires say "(required)", the others "(optional)"; choosing another
// type relabels them (the labels come from the server in #petition-requirements).
(function () {
  "use strict";
  var data = document.getElementById("petition-requirements");
  var type = document.getElementById("type");
  if (!data || !type) return;
  var info = JSON.parse(data.textContent);
  function relabel() {
    var needs = info.types[type.value] || [];
    Object.keys(info.labels).forEach(function (name) {
      var entry = info.labels[name];
      var input = document.getElementById(name);
      var label = document.querySelector('label[for="' + name + '"]');
      if (!input || !label) return;
      var required = needs.indexOf(entry.need) !== -1;
      label.textContent = required ? entry.required : entry.optional;
      if (required) input.setAttribute("aria-required", "true"); else input.removeAttribute("aria-required");
    });
  }
  type.addEventListener("change", relabel);
})();
