// Search as you type, shared by call mode and the search page. htmx fetches the list on every input
// (no debounce: keys come 100+ ms apart, so a delay merged no requests and only added its own length;
// hx-sync replaces a request in flight, so an earlier, slower answer is never painted over a later
// one); this keeps the list honest between answers and tells screen readers about it:
// - typing forward, the hits on screen that lack a finished word of the new query are hidden at once
//   (a trailing half-built syllable is left out; `data-preview` on the list) until the server's list
//   replaces them. It never adds a hit, and leaves the list alone when no hit would remain;
// - the result count is announced in a polite status region once typing pauses;
// - the list names its query and search-log row (`data-q`, `data-log-id`): the page sends that row
//   back, so refining a query updates one log row instead of adding one per keystroke.
(function () {
  "use strict";
  function squash(text) { return text.replace(/\s+/g, "").toLowerCase(); }

  // o: box, results, status, log (hidden input), hits (selector of a hit), count (selector of the
  // count's text), onNarrow() after hits were hidden, onSwap(event) after the server's list came.
  window.DasanTypeahead = function (o) {
    var box = o.box, results = o.results;
    var listedFor = box.value.trim();  // the query the list on screen answers

    function narrow() {
      var query = box.value.trim();
      if (!listedFor || query === listedFor || query.indexOf(listedFor) !== 0) return;
      var words = query.replace(/[\u3131-\u318e]+$/, "").split(/\s+/).map(squash).filter(Boolean);
      if (!words.length) return;
      var hits = Array.prototype.slice.call(results.querySelectorAll(o.hits));
      var keep = hits.filter(function (hit) {
        var text = squash(hit.textContent);
        return words.every(function (word) { return text.indexOf(word) >= 0; });
      });
      var same = hits.every(function (hit) { return hit.hidden === (keep.indexOf(hit) < 0); });
      if (!keep.length || same) return;
      hits.forEach(function (hit) { hit.hidden = keep.indexOf(hit) < 0; });
      results.setAttribute("data-preview", query);
      if (o.onNarrow) o.onNarrow();
    }
    box.addEventListener("input", narrow);

    var announce = null;
    function announceCount() {
      window.clearTimeout(announce);
      var count = results.querySelector(o.count);
      announce = window.setTimeout(function () {
        if (o.status) o.status.textContent = count && box.value.trim() ? count.textContent : "";
      }, 700);
    }

    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target !== results) return;
      var meta = results.querySelector("[data-q]");
      listedFor = meta ? (meta.getAttribute("data-q") || "").trim() : "";
      results.removeAttribute("data-preview");
      announceCount();
      if (o.log) {
        var row = meta && meta.getAttribute("data-log-id");
        if (row) o.log.value = row;
        if (!box.value.trim()) o.log.value = "";
      }
      if (o.onSwap) o.onSwap(event);
      narrow();  // the box may already hold more than this answer's query
    });
    return { narrow: narrow, announce: announceCount };
  };
})();
