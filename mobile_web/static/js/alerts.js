// Safety alerts: turn Web Push on or off for this device. The page works without this file.
(function () {
  "use strict";
  var panel = document.getElementById("push-panel");
  if (!panel) return;
  var texts = JSON.parse(panel.dataset.texts);
  var status = document.getElementById("push-status");
  var form = document.getElementById("subscribe-form");
  var testButton = document.getElementById("test-button");
  var offButton = document.getElementById("unsubscribe-button");
  function say(message) { status.textContent = message; }

  var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!supported) {
    var iOS = /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
    say(iOS && !navigator.standalone ? texts.ios : texts.unsupported);
    form.hidden = true;
    return;
  }
  form.hidden = false;
  form.classList.add("push-ready");

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function api(url, method, body) {
    return fetch(url, {
      method: method, credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": panel.dataset.csrf }
    });
  }
  function checked(name) {
    return Array.prototype.map.call(form.querySelectorAll("input[name=" + name + "]:checked"), function (i) { return i.value; });
  }
  function registration() {
    return navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () { return navigator.serviceWorker.ready; });
  }
  function showSubscribed(on) {
    testButton.hidden = !on;
    offButton.hidden = !on;
  }

  if (Notification.permission === "denied") say(texts.blocked);
  registration().then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (sub) {
    showSubscribed(!!sub);
    if (Notification.permission !== "denied") say(sub ? texts.on : texts.off);
  }).catch(function () { say(texts.unsupported); });

  document.getElementById("use-location").addEventListener("click", function () {
    if (!("geolocation" in navigator)) { say(texts.no_location); return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("sub-lat").value = pos.coords.latitude.toFixed(6);
      document.getElementById("sub-lon").value = pos.coords.longitude.toFixed(6);
      say(texts.located);
    }, function () { say(texts.no_location); }, { timeout: 10000, maximumAge: 600000 });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    say(texts.working);
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error("blocked");
      return registration();
    }).then(function (reg) {
      return reg.pushManager.getSubscription().then(function (sub) {
        return sub || reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(panel.dataset.vapidKey) });
      });
    }).then(function (sub) {
      var body = sub.toJSON();
      body.districts = checked("districts");
      body.types = checked("types");
      body.lang = document.getElementById("sub-lang").value;
      var lat = document.getElementById("sub-lat").value, lon = document.getElementById("sub-lon").value;
      if (lat && lon) { body.lat = parseFloat(lat); body.lon = parseFloat(lon); }
      return api(panel.dataset.api, "POST", body);
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          var errors = data.errors || {};
          say(Object.keys(errors).map(function (k) { return errors[k]; }).join(" ") || data.detail || texts.error);
          return;
        }
        showSubscribed(true);
        say(texts.saved);
      });
    }).catch(function (error) {
      say(error && error.message === "blocked" ? texts.blocked : texts.error);
    });
  });

  function current() {
    return navigator.serviceWorker.ready.then(function (reg) { return reg.pushManager.getSubscription(); });
  }
  testButton.addEventListener("click", function () {
    current().then(function (sub) {
      if (!sub) { showSubscribed(false); say(texts.off); return; }
      return api(panel.dataset.testApi, "POST", { endpoint: sub.endpoint }).then(function (r) { return r.json(); })
        .then(function (data) { say(data.outcome === "sent" ? texts.test_sent : texts.test_failed); });
    }).catch(function () { say(texts.error); });
  });
  offButton.addEventListener("click", function () {
    current().then(function (sub) {
      if (!sub) return;
      return api(panel.dataset.api, "DELETE", { endpoint: sub.endpoint }).then(function () { return sub.unsubscribe(); });
    }).then(function () { showSubscribed(false); say(texts.removed); })
      .catch(function () { say(texts.error); });
  });
})();
