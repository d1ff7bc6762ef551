// Safety alerts: turn Web Push on or off for this device. The page works without this file.
//
// The panel has one state at a time (data-state): "off" shows the one-step "my district"
// button and the district list behind a disclosure; "on" shows test, turn off and change;
// "blocked" and unsupported browsers show only what to do. Every failure says why and what to do.
// The districts this device listens to are kept in the "alert_districts" cookie so the server can
// put their alerts first on the home page and in the banner.
(function () {
  "use strict";
  var panel = document.getElementById("push-panel");
  if (!panel) return;
  var texts = JSON.parse(panel.dataset.texts);
  var status = document.getElementById("push-status");
  var controls = document.getElementById("push-controls");
  var form = document.getElementById("subscribe-form");
  var chooser = document.getElementById("choose-districts");
  var locationButton = document.getElementById("use-location");
  var testButton = document.getElementById("test-button");
  var offButton = document.getElementById("unsubscribe-button");
  function say(message) { status.textContent = message; }
  function setState(state) { panel.dataset.state = state; }
  function rememberDistricts(codes) {
    var secure = location.protocol === "https:" ? "; Secure" : "";
    if (codes && codes.length) {
      document.cookie = "alert_districts=" + codes.join("-") + "; Path=/; Max-Age=31536000; SameSite=Lax" + secure;
    } else {
      document.cookie = "alert_districts=; Path=/; Max-Age=0; SameSite=Lax" + secure;
    }
  }

  var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!supported) {
    var iOS = /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
    say(iOS && !navigator.standalone ? texts.ios : texts.unsupported);
    setState("unsupported");
    controls.hidden = true;
    return;
  }
  controls.classList.add("push-ready");

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  // A failure with the message to show; thrown along a promise chain and shown by fail().
  function Failure(text, state) { this.text = text; this.state = state; }
  function fail(error) {
    if (error instanceof Failure) {
      if (error.state) setState(error.state);
      say(error.text);
    } else {
      say(texts.error);
    }
  }
  function api(url, method, body) {
    return fetch(url, {
      method: method, credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": panel.dataset.csrf }
    }).catch(function () { throw new Failure(texts.server_unreachable); });
  }
  function checked(name) {
    return Array.prototype.map.call(form.querySelectorAll("input[name=" + name + "]:checked"), function (i) { return i.value; });
  }
  function registration() {
    return navigator.serviceWorker.register("/sw.js", { scope: "/" })
      .catch(function () { throw new Failure(texts.no_worker, "unsupported"); })
      .then(function () { return navigator.serviceWorker.ready; });
  }
  function current() {
    return navigator.serviceWorker.ready.then(function (reg) { return reg.pushManager.getSubscription(); });
  }
  function showBlocked() {
    setState("blocked");
    say(texts.blocked);
  }

  if (Notification.permission === "denied") {
    showBlocked();
  } else {
    registration().then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (sub) {
      setState(sub ? "on" : "off");
      say(sub ? texts.on : texts.off);
      if (!sub) { rememberDistricts([]); return; }
      var kept = (document.cookie.match(/(?:^|; )alert_districts=([0-9-]+)/) || [])[1];
      (kept ? kept.split("-") : []).forEach(function (code) {
        var box = form.querySelector("input[name=districts][value='" + code + "']");
        if (box) box.checked = true;
      });
    }).catch(fail);
  }

  // Permission, service worker and the push service's subscription: each failure named.
  function pushSubscription() {
    return Notification.requestPermission().then(function (permission) {
      if (permission === "denied") throw new Failure(texts.blocked, "blocked");
      if (permission !== "granted") throw new Failure(texts.dismissed);
      return registration();
    }).then(function (reg) {
      return reg.pushManager.getSubscription().then(function (sub) {
        return sub || reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(panel.dataset.vapidKey) })
          .catch(function (error) {
            if (error && error.name === "NotAllowedError") throw new Failure(texts.blocked, "blocked");
            throw new Failure(texts.push_unreachable);
          });
      });
    });
  }

  function save(prefs) {
    say(texts.working);
    return pushSubscription().then(function (sub) {
      var body = sub.toJSON();
      for (var key in prefs) body[key] = prefs[key];
      return api(panel.dataset.api, "POST", body);
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) {
          var codes = (data.districts || []).slice();
          if (data.location_district && codes.indexOf(data.location_district) < 0) codes.push(data.location_district);
          rememberDistricts(codes);
          setState("on");
          return data;
        }
        var errors = data.errors || {};
        if (errors.lat || errors.lon) throw new Failure(texts.outside);
        if (errors.districts) throw new Failure(texts.choose);
        if (response.status >= 500) throw new Failure(texts.error);
        throw new Failure(Object.keys(errors).map(function (k) { return errors[k]; }).join(" ") || data.detail || texts.error);
      });
    });
  }
  function openChooser() { chooser.open = true; }

  locationButton.addEventListener("click", function () {
    if (!("geolocation" in navigator)) { say(texts.no_location); openChooser(); return; }
    say(texts.locating);
    navigator.geolocation.getCurrentPosition(function (pos) {
      save({ districts: [], types: [], lang: document.getElementById("sub-lang").value,
             lat: Math.round(pos.coords.latitude * 1e6) / 1e6, lon: Math.round(pos.coords.longitude * 1e6) / 1e6 })
        .then(function (data) {
          var box = data.location_district && form.querySelector("input[name=districts][value='" + data.location_district + "']");
          var name = box ? box.parentNode.textContent.trim() : "";
          say(name ? texts.saved_location.replace("{district}", name) : texts.saved);
        })
        .catch(function (error) { fail(error); if (error instanceof Failure && error.text === texts.outside) openChooser(); });
    }, function (error) {
      say(error && error.code === 1 ? texts.location_denied : texts.no_location);
      openChooser();
    }, { timeout: 10000, maximumAge: 600000 });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var districts = checked("districts");
    if (!districts.length) { say(texts.choose); return; }
    save({ districts: districts, types: checked("types"), lang: document.getElementById("sub-lang").value })
      .then(function () { say(texts.saved); chooser.open = false; })
      .catch(fail);
  });

  testButton.addEventListener("click", function () {
    current().then(function (sub) {
      if (!sub) { setState("off"); rememberDistricts([]); say(texts.off); return; }
      return api(panel.dataset.testApi, "POST", { endpoint: sub.endpoint }).then(function (r) {
        if (r.status === 404) return { outcome: "gone" };
        if (!r.ok) throw new Failure(texts.error);
        return r.json();
      }).then(function (data) {
        if (data.outcome === "sent") { say(texts.test_sent); return; }
        if (data.outcome === "gone") {
          setState("off");
          rememberDistricts([]);
          say(texts.test_gone);
          return sub.unsubscribe();
        }
        say(texts.test_failed);
      });
    }).catch(fail);
  });
  offButton.addEventListener("click", function () {
    current().then(function (sub) {
      if (!sub) return;
      return api(panel.dataset.api, "DELETE", { endpoint: sub.endpoint }).then(function (r) {
        if (!r.ok && r.status !== 404) throw new Failure(texts.error);
        return sub.unsubscribe();
      });
    }).then(function () { setState("off"); rememberDistricts([]); say(texts.removed); })
      .catch(fail);
  });
})();
