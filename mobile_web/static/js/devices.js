// My devices: link this browser's push subscription to the account. The page works without it
// (the list and the remove buttons are plain forms).
(function () {
  "use strict";
  var panel = document.getElementById("device-panel");
  if (!panel) return;
  var texts = JSON.parse(panel.dataset.texts);
  var status = document.getElementById("device-status");
  var button = document.getElementById("link-device");
  function say(message) { status.textContent = message; }
  if (!("serviceWorker" in navigator && "PushManager" in window && "Notification" in window)) {
    say(texts.unsupported);
    return;
  }
  if (Notification.permission === "denied") { say(texts.blocked); return; }
  status.textContent = "";
  button.hidden = false;

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function label() {
    var ua = navigator.userAgent;
    var os = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Windows/.test(ua) ? "Windows" : /Mac/.test(ua) ? "macOS" : /Linux/.test(ua) ? "Linux" : "";
    var browser = /SamsungBrowser/.test(ua) ? "Samsung Internet" : /Edg\//.test(ua) ? "Edge" : /Firefox/.test(ua) ? "Firefox" : /Chrome|Chromium/.test(ua) ? "Chrome" : /Safari/.test(ua) ? "Safari" : "";
    return [browser, os].filter(Boolean).join(" · ");
  }

  button.addEventListener("click", function () {
    say(texts.working);
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error("blocked");
      return navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () { return navigator.serviceWorker.ready; });
    }).then(function (reg) {
      return reg.pushManager.getSubscription().then(function (sub) {
        return sub || reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(panel.dataset.vapidKey) });
      });
    }).then(function (sub) {
      var body = sub.toJSON();
      body.label = label();
      return fetch(panel.dataset.api, {
        method: "POST", credentials: "same-origin", body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": panel.dataset.csrf }
      });
    }).then(function (response) {
      if (!response.ok) throw new Error("refused");
      say(texts.done);
      window.location.reload();
    }).catch(function (error) {
      say(error && error.message === "blocked" ? texts.blocked : texts.failed);
    });
  });
})();
