// The search page: results while typing (htmx on the form; static/js/typeahead.js narrows them and
// announces the count), the first 10 while typing and the full list on Enter or 더 보기. Without JS
// the form is a plain GET and 더 보기 a plain link. The keyboard: ↓ from the box goes to the result
// links (real focus, so Tab, Enter and screen readers work as on any list of links), ↑/↓ move
// through them, ↑ from the first or Esc returns to the box.
(function () {
  "use strict";
  var form = document.querySelector("[data-search-page]");
  if (!form || !window.DasanTypeahead) return;
  var box = document.getElementById("search-q");
  var results = document.getElementById("search-results");
  var firstNew = -1;  // after 더 보기: the first hit it added gets the focus

  function links() {
    return Array.prototype.slice.call(results.querySelectorAll(".search-hit:not([hidden]) > .search-hit__title"));
  }
  // The address follows the list shown (a link to send, a reload that shows the same), replaced in
  // place: one history entry for the page, not one per keystroke.
  function keepAddress(event) {
    var xhr = event.detail.xhr;
    if (!xhr || !xhr.responseURL || !window.history.replaceState) return;
    var url = new URL(xhr.responseURL);
    url.searchParams.delete("log");
    window.history.replaceState(window.history.state, "", url.pathname + url.search);
  }

  window.DasanTypeahead({
    box: box, results: results, status: document.getElementById("search-status"),
    log: document.getElementById("search-log"), hits: ".search-hit", count: "[data-count]",
    onSwap: function (event) {
      keepAddress(event);
      if (firstNew >= 0) {
        var list = links();
        if (list.length) list[Math.min(firstNew, list.length - 1)].focus();
        firstNew = -1;
      }
    }
  });

  box.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" || event.isComposing) return;
    var list = links();
    if (list.length) { event.preventDefault(); list[0].focus(); }
  });
  results.addEventListener("keydown", function (event) {
    var list = links(), i = list.indexOf(document.activeElement);
    if (i < 0) return;
    if (event.key === "ArrowDown") { event.preventDefault(); list[Math.min(i + 1, list.length - 1)].focus(); }
    else if (event.key === "ArrowUp") { event.preventDefault(); if (i === 0) box.focus(); else list[i - 1].focus(); }
    else if (event.key === "Escape") { event.preventDefault(); box.focus(); box.select(); }
  });
  results.addEventListener("click", function (event) {
    var more = event.target.closest("[data-search-more]");
    if (!more || !window.htmx || event.ctrlKey || event.metaKey || event.shiftKey || event.button) return;
    event.preventDefault();
    firstNew = links().length;
    window.htmx.ajax("GET", more.href, { target: results, swap: "innerHTML" });
  });
  if (box.value) box.setSelectionRange(box.value.length, box.value.length);
})();
