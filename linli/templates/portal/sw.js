/* The service worker of the installable web app (scope /). Pre-caches the static assets and the
   offline page; pages go to the network, with the offline page when it cannot be reached. Pages
   are never stored (a signed-in person's pages are personal), nor any API answer, nor anything
   but a GET. */
"use strict";
var CACHE = "linli-{{ version }}";
var ASSETS = {{ assets|safe }};
var OFFLINE = {{ offline|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("linli-") === 0 && k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/api/") === 0 || url.pathname.indexOf("/open311/") === 0) return;
  if (ASSETS.indexOf(url.pathname) !== -1 && url.pathname !== OFFLINE) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () { return caches.match(OFFLINE); }));
  }
});
