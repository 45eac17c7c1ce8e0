/* The service worker of the installable web app (scope /). Pre-caches the static assets and the
   offline page. Pages go to the network first. The public pages a person opened (a portal, a
   public notice or disclosure and their area lists: KEEP) are kept for reading offline — the copy
   kept is fetched again without cookies, so it is the page as anyone signed out sees it and never
   carries a signed-in person's name, menu or data — at most KEPT_MAX of them, the oldest dropped.
   Nothing else is stored: no other page (a signed-in person's pages are personal), no address with
   a query, no API answer, nothing but a GET. Offline, a kept page is shown, else the offline page. */
"use strict";
var CACHE = "linli-{{ version }}";
var PAGES = "linli-pages-{{ version }}";
var ASSETS = {{ assets|safe }};
var OFFLINE = {{ offline|safe }};
var KEEP = {{ keep|safe }}.map(function (pattern) { return new RegExp(pattern); });
var KEPT_MAX = {{ kept_max }};
var REFRESH_MS = {{ refresh_ms }};  /* a kept copy younger than this is not fetched again */

/* Whether a page may be kept: same origin, no query, a public page's path. */
function keepable(url) {
  if (url.origin !== self.location.origin || url.search) return false;
  return KEEP.some(function (re) { return re.test(url.pathname); });
}

function trim(cache) {
  return cache.keys().then(function (keys) {  /* oldest first: a page kept again moves to the end */
    return Promise.all(keys.slice(0, Math.max(0, keys.length - KEPT_MAX)).map(function (k) { return cache.delete(k); }));
  });
}

/* Keep the public copy of a page: fetched without cookies, kept only if it is a plain 200 HTML
   page the server does not mark private or not to be stored. */
function keep(href) {
  return fetch(href, { credentials: "omit", redirect: "error", cache: "no-store" }).then(function (response) {
    var type = response.headers.get("Content-Type") || "";
    var control = response.headers.get("Cache-Control") || "";
    if (response.status !== 200 || response.type !== "basic" || type.indexOf("text/html") !== 0 ||
        /no-store|private/.test(control)) return undefined;
    return caches.open(PAGES).then(function (cache) {
      return cache.delete(href).then(function () { return cache.put(href, response); }).then(function () { return trim(cache); });
    });
  }).catch(function () { /* not kept: the page still opens online */ });
}

function refresh(href) {
  return caches.open(PAGES).then(function (cache) { return cache.match(href, { ignoreVary: true }); }).then(function (hit) {
    var at = hit ? Date.parse(hit.headers.get("Date") || "") : NaN;
    if (!isNaN(at) && Date.now() - at < REFRESH_MS) return undefined;
    return keep(href);
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("linli-") === 0 && k !== CACHE && k !== PAGES; })
      .map(function (k) { return caches.delete(k); }));
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
  if (request.mode !== "navigate") return;
  if (!keepable(url)) {
    event.respondWith(fetch(request).catch(function () { return caches.match(OFFLINE); }));
    return;
  }
  var href = url.origin + url.pathname;
  event.respondWith(fetch(request).then(function (response) {
    if (response.status === 200) event.waitUntil(refresh(href));
    return response;
  }).catch(function () {
    return caches.open(PAGES).then(function (cache) { return cache.match(href, { ignoreVary: true }); }).then(function (hit) {
      return hit || caches.match(OFFLINE);
    });
  }));
});
