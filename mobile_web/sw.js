/* civic service worker: precached shell and safety guides, the last nearby search kept for
   offline use, offline drafts of reports and petitions (Background Sync), offline fallback page,
   and Web Push (safety alerts and notifications). */
"use strict";
importScripts("/static/js/drafts-store.js");

const VERSION = "v4";
const SHELL_CACHE = "civic-shell-" + VERSION;     // app shell + safety guides, precached on install
const PAGES_CACHE = "civic-pages-" + VERSION;     // pages refreshed whenever they are opened online
const NEARBY_CACHE = "civic-nearby-" + VERSION;   // the last nearby search (page and API answer)
const GUIDE_TYPES = ["heavy_rain", "typhoon", "heavy_snow", "fire", "traffic_accident", "earthquake",
  "heat_wave", "fine_dust", "cold_wave", "wildfire", "air_raid", "missing_person", "infectious_disease",
  "power_outage"];
const SHELL = ["/offline", "/static/css/app.css", "/static/js/app.js", "/static/js/drafts-store.js",
  "/static/js/drafts.js", "/static/js/signout.js", "/static/css/alerts.css", "/static/icons/icon.svg", "/static/icons/icon-192.png"];
const GUIDES = ["/alerts/guides"].concat(GUIDE_TYPES.map((t) => "/alerts/guides/" + t));
const DRAFT_PATHS = ["/reports/new", "/petitions/new"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL).then(() =>
        // A guide that fails to load must not keep the worker from installing.
        Promise.all(GUIDES.map((url) => cache.add(url).catch(() => undefined)))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  const keep = [SHELL_CACHE, PAGES_CACHE, NEARBY_CACHE];
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("civic-") && !keep.includes(k)).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

// Answers about one account (petitions, account, notifications, staff, private API answers) are
// sent with "Cache-Control: no-store": never kept here either.
function cacheable(response) {
  return !!response && response.ok && !/no-store/i.test(response.headers.get("Cache-Control") || "");
}

function isGuide(url) {
  return url.pathname === "/alerts/guides" || url.pathname.startsWith("/alerts/guides/");
}

function isNearby(url) {
  return url.pathname === "/places" || url.pathname === "/api/v1/places/nearby";
}

// Keep only the latest nearby search: page and API answers each replace the previous one.
function keepNearby(request, response) {
  const url = new URL(request.url);
  if (!cacheable(response) || url.search.length <= 1) return;  // the empty search form is not a result
  const copy = response.clone();
  caches.open(NEARBY_CACHE).then((cache) =>
    cache.keys().then((keys) => Promise.all(keys
      .filter((k) => new URL(k.url).pathname === url.pathname)
      .map((k) => cache.delete(k))))
      .then(() => cache.put(request.url, copy)));
}

function lastNearby(request) {
  const url = new URL(request.url);
  return caches.open(NEARBY_CACHE).then((cache) =>
    cache.match(request.url).then((hit) => hit || cache.keys().then((keys) => {
      const same = keys.find((k) => new URL(k.url).pathname === url.pathname);
      return same ? cache.match(same) : undefined;
    })));
}

function offlinePage() {
  return caches.match("/offline", { ignoreSearch: true });
}

function fromNetworkKeeping(request, cacheName) {
  return fetch(request).then((response) => {
    if (cacheable(response)) {
      const copy = response.clone();
      caches.open(cacheName).then((cache) => cache.put(request.url, copy));
    }
    return response;
  });
}

// A report or petition posted while the network is down is kept as a draft on this device and
// sent by the "sync" event (or the page's "send now" button) when the connection returns.
function postOrKeepDraft(request) {
  const copy = request.clone();
  return fetch(request).catch(() =>
    copy.formData().then((form) => self.CivicDrafts.saveFromFormData(form, new URL(request.url).pathname))
      .then(() => self.CivicDrafts.requestSync(self.registration))
      .then(() => Response.redirect("/offline?saved=1", 303))
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST") {
    if (request.mode === "navigate" && DRAFT_PATHS.includes(url.pathname)) {
      event.respondWith(postOrKeepDraft(request));
    }
    return;
  }
  if (request.method !== "GET") return;
  if (isNearby(url)) {
    event.respondWith(fetch(request)
      .then((response) => { keepNearby(request, response); return response; })
      .catch(() => lastNearby(request).then((hit) => hit || (request.mode === "navigate" ? offlinePage() : Response.error()))));
    return;
  }
  if (request.mode === "navigate") {
    const network = isGuide(url) ? fromNetworkKeeping(request, SHELL_CACHE) : fetch(request);
    event.respondWith(network.catch(() =>
      caches.match(request.url).then((hit) => hit || offlinePage())));
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    // Fingerprinted (?v=hash): an exact hit is always right; offline, any version beats none.
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request).then((response) => {
      if (cacheable(response) && url.search) {
        const copy = response.clone();
        caches.open(PAGES_CACHE).then((cache) => cache.put(request, copy));
      }
      return response;
    }).catch(() => caches.match(request, { ignoreSearch: true }).then((any) => any || Response.error()))));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === self.CivicDrafts.SYNC_TAG) {
    event.waitUntil(self.CivicDrafts.sendAll().then((result) => {
      if (result.failed) throw new Error("drafts left to send");  // the browser retries later
    }));
  }
});

self.addEventListener("message", (event) => {
  if (event.data === "send-drafts") event.waitUntil(self.CivicDrafts.sendAll());
});

// Web Push: the payload is the JSON civic encrypts for this subscription (title, body, url, tag…).
const ICON = "/static/icons/icon-192.png";

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = { title: event.data ? event.data.text() : "" };
  }
  const options = {
    body: data.body || "",
    icon: ICON,
    badge: ICON,
    tag: data.tag || "civic",
    renotify: true,
    lang: data.lang || undefined,
    data: { url: data.url || "/alerts" },
    // Emergency alerts vibrate hard and stay until the user acts on them.
    vibrate: data.level === "emergency" ? [500, 200, 500, 200, 500] : undefined,
    requireInteraction: data.level === "emergency",
  };
  event.waitUntil(self.registration.showNotification(data.title || "Civic Seoul", options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/alerts", self.location.origin);
  if (target.origin !== self.location.origin) return;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (open) {
        return open.navigate(target.href)
          .then((w) => (w || open).focus().catch(() => w), () => self.clients.openWindow(target.href));
      }
      return self.clients.openWindow(target.href);
    })
  );
});
