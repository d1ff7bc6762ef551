/* civic service worker: offline fallback page, and Web Push (safety alerts and notifications). */
"use strict";
const SHELL_CACHE = "civic-shell-v1";
const SHELL = ["/offline", "/static/css/app.css", "/static/js/app.js", "/static/icons/icon.svg"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("civic-shell-") && k !== SHELL_CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match("/offline")));
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
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
