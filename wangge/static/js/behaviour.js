/* Small page behaviours declared with data-* attributes, so pages need no inline handlers
   (the Content Security Policy forbids them):
   - data-confirm="question" on a button or link: ask before going on;
   - data-autosubmit on a select or input: submit its form when it changes;
   - every table with a header row gets class "stack" and each cell its column's name as
     data-label, so that the stylesheet shows the rows as cards on phones;
   - details[data-open-wide] (the menu) opens by itself on screens wider than a phone. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      if (el.form.requestSubmit) { el.form.requestSubmit(); } else { el.form.submit(); }
    }
  });
  function stackTables(root) {
    var tables = (root || document).querySelectorAll("table:not(.stack):not(.no-stack)");
    Array.prototype.forEach.call(tables, function (table) {
      var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
      if (!head) { return; }
      var labels = Array.prototype.map.call(head.cells, function (cell) {
        return cell.textContent.trim();
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var col = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            // A lone cell spanning the row ("nothing yet") is not one column's value.
            var label = row.cells.length === 1 ? "" : labels[col] || "";
            if (!cell.hasAttribute("data-label")) { cell.setAttribute("data-label", label); }
            col += cell.colSpan || 1;
          });
        });
      });
      table.classList.add("stack");
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { stackTables(); });
  } else {
    stackTables();
  }
  // Signed out: forget the visit pages the offline service worker kept (static/visits/sw.js);
  // visits still waiting to be sent stay, and go once their member signs in again.
  if (document.body.hasAttribute("data-signed-out") && window.caches) {
    window.caches.delete("wangge-visits-v1");
  }
  // Tables swapped in by htmx.
  document.addEventListener("htmx:afterSwap", function (event) { stackTables(event.target); });
  // The menu (details.navmenu): closed on phones until tapped, open on wider screens.
  function openWide() {
    if (window.matchMedia && window.matchMedia("(max-width: 600px)").matches) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("details[data-open-wide]"), function (d) {
      d.open = true;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", openWide);
  } else {
    openWide();
  }
})();
