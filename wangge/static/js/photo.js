/* Shrinks a chosen photo in the browser before it is sent: a phone camera's picture (often
   4000 px, 5–12 MB) becomes a JPEG whose long edge is at most 1600 px (the size the server
   keeps anyway), so it always fits the 5 MB limit and a slow network sends it quickly.
   Applies to every <input type="file" accept="image/..."> on the page. Where the browser
   cannot do it (no canvas export, no DataTransfer), the original file is sent unchanged and
   the server's own check still explains what to do. Words come from #photo-words. */
(function () {
  "use strict";
  var LONG_EDGE = 1600;
  var QUALITY = 0.85;
  var KEEP_BELOW = 1024 * 1024; // a small picture within the long edge is sent as it is
  var busy = new WeakMap();

  function words(name) {
    var el = document.getElementById("photo-words");
    return (el && el.getAttribute("data-" + name)) || "";
  }

  function note(input, text) {
    var id = (input.id || input.name) + "-photo-note";
    var el = document.getElementById(id);
    if (!el) {
      el = document.createElement("p");
      el.id = id;
      el.className = "help photo-note";
      el.setAttribute("role", "status");
      input.insertAdjacentElement("afterend", el);
    }
    el.textContent = text;
  }

  function load(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () { URL.revokeObjectURL(url); resolve(img); };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("unreadable")); };
      img.src = url;
    });
  }

  function shrink(file) {
    return load(file).then(function (img) {
      var w = img.naturalWidth, h = img.naturalHeight;
      var scale = Math.min(1, LONG_EDGE / Math.max(w, h));
      if (scale === 1 && file.size <= KEEP_BELOW) { return null; }
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(w * scale));
      canvas.height = Math.max(1, Math.round(h * scale));
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff"; // transparent PNG areas become white, not black
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) { resolve(blob); }, "image/jpeg", QUALITY);
      });
    });
  }

  function replace(input, blob, original) {
    var name = (original.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
    var dt = new DataTransfer();
    dt.items.add(new File([blob], name, { type: "image/jpeg", lastModified: Date.now() }));
    input.files = dt.files;
  }

  function handle(input) {
    var file = input.files && input.files[0];
    if (!file || !/^image\//.test(file.type) || typeof HTMLCanvasElement === "undefined" ||
        !HTMLCanvasElement.prototype.toBlob || typeof DataTransfer === "undefined") {
      return;
    }
    note(input, words("busy"));
    var job = shrink(file).then(function (blob) {
      if (blob && blob.size < file.size) {
        replace(input, blob, file);
        note(input, words("done").replace("{mb}", (blob.size / 1048576).toFixed(1)));
      } else {
        note(input, "");
      }
    }).catch(function () {
      note(input, ""); // the server says what is wrong with a file it cannot read
    }).then(function () { busy.delete(input); });
    busy.set(input, job);
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input && input.type === "file" && /^image\//.test(input.getAttribute("accept") || "")) {
      handle(input);
    }
  });

  // A form sent while a photo is still being shrunk waits for it, then is sent again.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var jobs = [];
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
      if (busy.has(input)) { jobs.push(busy.get(input)); }
    });
    if (!jobs.length) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    var submitter = event.submitter || null;
    Promise.all(jobs).then(function () {
      if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
    });
  }, true);
})();
