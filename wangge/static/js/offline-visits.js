/* Visits logged without a network: the visit form is kept on this phone (IndexedDB) with its
   client key and sent when the network is back; the service key makes a visit sent twice be
   stored once. The page shows what is waiting (#offline-queue). Pages and static files come
   from the service worker (/visits/sw.js) when offline. */
(function () {
  "use strict";
  var box = document.getElementById("offline-queue");
  if (!box || !("indexedDB" in window)) { return; }
  var user = box.getAttribute("data-user");
  var USED = "wangge-visit-keys";

  function words(name) { return box.getAttribute("data-" + name) || ""; }

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("wangge-visits", 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore("queue", { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("queue", mode);
        var result = work(tx.objectStore("queue"));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function all() { return withStore("readonly", function (s) { return s.getAll(); }); }
  function put(item) { return withStore("readwrite", function (s) { s.put(item); }); }
  function remove(key) { return withStore("readwrite", function (s) { s["delete"](key); }); }

  function mine(items) {
    return (items || []).filter(function (item) { return item.user === user; });
  }

  function show() {
    return all().then(function (items) {
      items = mine(items);
      var list = box.querySelector("ul");
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.setAttribute("data-key", item.key);
        li.textContent = item.label + (item.problem ? " · " + words("problem") : "");
        list.appendChild(li);
      });
      box.querySelector(".count").textContent = String(items.length);
      box.hidden = items.length === 0;
    });
  }

  function token() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function send(item) {
    var data = new FormData();
    item.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    item.files.forEach(function (f) { data.append(f[0], f[1], f[2]); });
    data.set("csrfmiddlewaretoken", token());
    return fetch(item.url, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        var path = new URL(response.url).pathname;
        if (response.ok && /^\/visits\/\d+\/$/.test(path)) { return remove(item.key); }
        if (response.ok && path.indexOf("/accounts/login/") === -1) {
          item.problem = true; // the form had a mistake: keep it and say so
          return put(item);
        }
        return null; // signed out or a server error: try again later
      })
      .catch(function () { return null; }); // still no network
  }

  var flushing = null;
  function flush() {
    if (!navigator.onLine || flushing) { return flushing; }
    flushing = all().then(function (items) {
      return mine(items).filter(function (item) { return !item.problem; })
        .reduce(function (chain, item) {
          return chain.then(function () { return send(item); });
        }, Promise.resolve());
    }).then(show, show).then(function () { flushing = null; });
    return flushing;
  }

  function usedKeys() {
    try { return JSON.parse(localStorage.getItem(USED) || "[]"); } catch (e) { return []; }
  }
  function remember(key) {
    var keys = usedKeys().concat([key]).slice(-200);
    try { localStorage.setItem(USED, JSON.stringify(keys)); } catch (e) { /* full */ }
  }
  function freshKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  // The visit form: a page kept for offline use may carry a key already used; give it a new
  // one, and keep the visit on the phone when there is no network.
  var form = document.querySelector("form.visit-form");
  var keyInput = form && form.querySelector("input[name=client_key]");
  if (keyInput && usedKeys().indexOf(keyInput.value) !== -1) { keyInput.value = freshKey(); }
  if (form && keyInput) {
    form.addEventListener("submit", function (event) {
      remember(keyInput.value);
      if (navigator.onLine) { return; }
      event.preventDefault();
      var fields = [], files = [];
      new FormData(form).forEach(function (value, name) {
        if (value instanceof File) {
          if (value.size) { files.push([name, value, value.name]); }
        } else {
          fields.push([name, value]);
        }
      });
      var heading = document.querySelector("h1");
      var item = {
        key: keyInput.value, user: user, url: form.action || location.href,
        fields: fields, files: files, at: Date.now(),
        label: (heading ? heading.textContent.trim() : "") + " · " +
          (form.querySelector("[name=visited_on]") || {}).value
      };
      put(item).then(function () {
        form.reset();
        keyInput.value = freshKey();
        var note = document.getElementById("offline-saved");
        note.textContent = words("saved");
        note.hidden = false;
        return show();
      });
    });
  }

  window.addEventListener("online", flush);
  show().then(flush);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(box.getAttribute("data-worker"), { scope: "/visits/" })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        var urls = [location.pathname];
        document.querySelectorAll("a.log-visit, script[src], link[rel=stylesheet]")
          .forEach(function (el) { urls.push(el.getAttribute("href") || el.getAttribute("src")); });
        navigator.serviceWorker.addEventListener("message", function (event) {
          if (event.data && event.data.warmed !== undefined) {
            document.documentElement.setAttribute("data-offline-ready", "1");
          }
        });
        registration.active.postMessage({ warm: urls });
      })
      .catch(function () { /* no offline use on this browser */ });
  }
})();
