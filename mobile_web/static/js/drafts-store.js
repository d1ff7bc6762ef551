/* Offline drafts of reports and petitions, shared by the pages (drafts.js) and the service worker.
   A draft is the form's fields and photos (Blobs) in IndexedDB, keyed by its client_token: the
   server returns the already-created item for a token it has seen, so a draft sent twice (by the
   sync event and the "send now" button, say) is still filed once. A draft is deleted only after
   the server confirmed it. */
(function (scope) {
  "use strict";
  var DB = "civic-drafts", STORE = "drafts", SYNC_TAG = "civic-drafts";

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "token" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function tx(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), result;
        var store = t.objectStore(STORE);
        var req = work(store);
        if (req) req.onsuccess = function () { result = req.result; };
        t.oncomplete = function () { db.close(); resolve(result); };
        t.onerror = t.onabort = function () { db.close(); reject(t.error); };
      });
    });
  }

  function uuid() {
    if (scope.crypto && scope.crypto.randomUUID) return scope.crypto.randomUUID();
    var a = new Uint8Array(16);
    scope.crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function saveFromFormData(form, action) {
    var fields = [], files = [];
    form.forEach(function (value, name) {
      if (typeof value === "string") fields.push([name, value]);
      else if (value && value.size) files.push([name, value, value.name || "photo"]);
    });
    var token = form.get("client_token") || uuid();
    if (!form.get("client_token")) fields.push(["client_token", token]);
    var title = form.get("title") || form.get("description") || "";
    var draft = {
      token: token, action: action, kind: action.indexOf("petition") >= 0 ? "petition" : "report",
      fields: fields, files: files, title: String(title).slice(0, 80), saved: Date.now(), error: ""
    };
    return tx("readwrite", function (s) { return s.put(draft); }).then(function () { return draft; });
  }

  function list() {
    return tx("readonly", function (s) { return s.getAll(); }).then(function (all) {
      return (all || []).sort(function (a, b) { return a.saved - b.saved; });
    });
  }

  function remove(token) { return tx("readwrite", function (s) { return s.delete(token); }); }

  function mark(draft, error) {
    draft.error = error;
    return tx("readwrite", function (s) { return s.put(draft); });
  }

  // A fresh CSRF token from this session (the one saved with the draft may have expired).
  function freshCsrf() {
    return fetch("/offline", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var m = /name="csrf_token" value="([^"]+)"/.exec(html);
        return m ? m[1] : null;
      });
  }

  function sendOne(draft, csrf) {
    var body = new FormData();
    draft.fields.forEach(function (f) { if (f[0] !== "csrf_token") body.append(f[0], f[1]); });
    body.append("csrf_token", csrf);
    draft.files.forEach(function (f) { body.append(f[0], f[1], f[2]); });
    return fetch(draft.action, { method: "POST", body: body, credentials: "same-origin", redirect: "follow" })
      .then(function (r) {
        var path = new URL(r.url).pathname;
        if (r.ok && r.redirected && path !== draft.action && path.indexOf("/login") < 0) {
          return remove(draft.token).then(function () { return { sent: true, url: r.url }; });
        }
        var error = r.status === 422 ? "invalid" : "rejected";
        return mark(draft, error).then(function () { return { sent: false, error: error }; });
      });
  }

  function sendAllUnlocked() {
    var result = { sent: 0, failed: 0, kept: 0, urls: [] };
    return list().then(function (drafts) {
      if (!drafts.length) return result;
      return freshCsrf().then(function (csrf) {
        if (!csrf) {  // signed out: keep every draft until the user signs in again
          result.kept = drafts.length;
          return Promise.all(drafts.map(function (d) { return mark(d, "signin"); })).then(function () { return result; });
        }
        return drafts.reduce(function (chain, draft) {
          return chain.then(function () {
            return sendOne(draft, csrf).then(function (r) {
              if (r.sent) { result.sent += 1; result.urls.push(r.url); } else { result.kept += 1; }
            });
          });
        }, Promise.resolve()).then(function () { return result; });
      });
    }).catch(function () { result.failed += 1; return result; });  // network gone again: try later
  }

  // One sender at a time per browser (page and service worker share the lock where supported).
  function sendAll() {
    if (scope.navigator && scope.navigator.locks) {
      return scope.navigator.locks.request("civic-drafts-send", sendAllUnlocked);
    }
    return sendAllUnlocked();
  }

  function requestSync(registration) {
    if (registration && registration.sync) return registration.sync.register(SYNC_TAG).catch(function () {});
    return Promise.resolve();
  }

  scope.CivicDrafts = {
    SYNC_TAG: SYNC_TAG, uuid: uuid, saveFromFormData: saveFromFormData, list: list, remove: remove,
    sendAll: sendAll, requestSync: requestSync
  };
})(self);
