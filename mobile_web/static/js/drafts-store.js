/* Offline drafts of reports and petitions, shared by the pages (drafts.js) and the service worker.
   A draft is the form's fields and photos (Blobs) in IndexedDB, keyed by its client_token: the
   server returns the already-created item for a token it has seen, so a draft sent twice (by the
   sync event and the "send now" button, say) is still filed once. A draft is deleted only after
   the server confirmed it.
   Every draft belongs to the account that wrote it (an opaque "owner" label the server gives:
   the form's draft_owner field, the civic_drafts_owner cookie, the page's civic-drafts-owner
   meta). It is listed only to, and sent only for, that account: on a shared phone, one person's
   petition is never filed under the next person's name. */
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

  // The signed-in account's label on this device ("" when signed out). Pages only: a service
  // worker has no cookies and learns the owner from the form or a fresh page instead.
  function currentOwner() {
    if (!scope.document) return null;
    var m = /(?:^|;\s*)civic_drafts_owner=([^;]*)/.exec(scope.document.cookie);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function saveFromFormData(form, action) {
    var fields = [], files = [];
    var owner = form.get("draft_owner") || currentOwner() || "";
    form.forEach(function (value, name) {
      if (name === "draft_owner") return;
      if (typeof value === "string") fields.push([name, value]);
      else if (value && value.size) files.push([name, value, value.name || "photo"]);
    });
    var token = form.get("client_token") || uuid();
    if (!form.get("client_token")) fields.push(["client_token", token]);
    var title = form.get("title") || form.get("description") || "";
    var draft = {
      token: token, owner: owner, action: action, kind: action.indexOf("petition") >= 0 ? "petition" : "report",
      fields: fields, files: files, title: String(title).slice(0, 80), saved: Date.now(), error: ""
    };
    return tx("readwrite", function (s) { return s.put(draft); }).then(function () { return draft; });
  }

  // Drafts of ``owner`` (every draft on the device when owner is undefined).
  function list(owner) {
    return tx("readonly", function (s) { return s.getAll(); }).then(function (all) {
      return (all || []).filter(function (d) { return owner === undefined || d.owner === owner; })
        .sort(function (a, b) { return a.saved - b.saved; });
    });
  }

  function discardAll(owner) {
    return list(owner).then(function (drafts) {
      return Promise.all(drafts.map(function (d) { return remove(d.token); })).then(function () { return drafts.length; });
    });
  }

  function remove(token) { return tx("readwrite", function (s) { return s.delete(token); }); }

  function mark(draft, error) {
    draft.error = error;
    return tx("readwrite", function (s) { return s.put(draft); });
  }

  // Who is signed in now, and a fresh CSRF token of that session (the one saved with the draft
  // may have expired), from a page fetched from the network.
  function freshSession() {
    return fetch("/offline", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var csrf = /name="csrf_token" value="([^"]+)"/.exec(html);
        var owner = /name="civic-drafts-owner" content="([^"]*)"/.exec(html);
        return { csrf: csrf ? csrf[1] : null, owner: owner ? owner[1] : "" };
      });
  }

  function sendOne(draft, csrf) {
    var body = new FormData();
    draft.fields.forEach(function (f) { if (f[0] !== "csrf_token" && f[0] !== "draft_owner") body.append(f[0], f[1]); });
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
    return freshSession().then(function (now) {
      if (!now.csrf || !now.owner) {  // signed out: every draft waits for its own account
        return list(currentOwner() || undefined).then(function (drafts) {
          result.kept = drafts.length;
          return Promise.all(drafts.map(function (d) { return mark(d, "signin"); })).then(function () { return result; });
        });
      }
      // Only the signed-in account's drafts; another account's are never sent under this one.
      return list(now.owner).then(function (drafts) {
        return drafts.reduce(function (chain, draft) {
          return chain.then(function () {
            return sendOne(draft, now.csrf).then(function (r) {
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
    discardAll: discardAll, currentOwner: currentOwner, sendAll: sendAll, requestSync: requestSync
  };
})(self);
