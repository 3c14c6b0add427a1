/* Service worker for the member's visit pages (scope /visits/): keeps the home page, the
   visit forms of the member's households and the static files, so that the form opens where
   there is no network. Pages are fetched from the network first and kept for later; only a
   page that cannot be fetched is answered from what was kept. Visits logged offline are
   queued by the page itself (static/js/offline-visits.js), not here. */
"use strict";
var CACHE = "wangge-visits-v1";

function keeps(url) {
  return url.origin === self.location.origin &&
    (url.pathname.indexOf("/static/") === 0 || url.pathname === "/visits/" ||
     /^\/visits\/log\/\d+\/$/.test(url.pathname));
}

function store(request, response) {
  if (!response.ok || response.redirected) { return Promise.resolve(); }
  return caches.open(CACHE).then(function (cache) { return cache.put(request, response); });
}

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (!keeps(url)) { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (response.redirected && response.url.indexOf("/accounts/login/") !== -1) {
      caches.delete(CACHE); // signed out: forget the member's pages
    } else {
      store(request, response.clone());
    }
    return response;
  }).catch(function () {
    return caches.match(request, { ignoreVary: true }).then(function (hit) {
      return hit || Response.error();
    });
  }));
});

// The page asks for its links to be kept ({warm: [urls]}) and is told when they are.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.forget) { event.waitUntil(caches.delete(CACHE)); return; }
  if (!data.warm) { return; }
  event.waitUntil(Promise.all(data.warm.map(function (u) {
    var request = new Request(u, { credentials: "same-origin" });
    return fetch(request).then(function (response) {
      return store(request, response);
    }).catch(function () { return null; });
  })).then(function () {
    if (event.source) { event.source.postMessage({ warmed: data.warm.length }); }
  }));
});
