// Work & wellbeing: the countdown to the PC shutdown. Uses the server's clock (data-server-now),
// not the browser's, and survives htmx swapping the plan card every minute.
(function () {
  "use strict";

  function format(ms) {
    if (ms <= 0) return null;
    var total = Math.floor(ms / 1000);
    var h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return (h > 0 ? h + ":" + pad(m) : m) + ":" + pad(s);
  }

  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      if (!el.dataset.offset) {
        var server = Date.parse(el.getAttribute("data-server-now"));
        el.dataset.offset = String(isNaN(server) ? 0 : server - Date.now());
      }
      var target = Date.parse(el.getAttribute("data-shutdown-at"));
      var now = Date.now() + Number(el.dataset.offset);
      var left = target - now;
      var value = el.querySelector("[data-countdown-value]");
      var text = format(left);
      if (value) value.textContent = text === null ? el.getAttribute("data-label-done") : text;
      el.classList.toggle("is-soon", left > 0 && left <= 10 * 60 * 1000);
      el.classList.toggle("is-now", left <= 60 * 1000);
    });
  }

  // On a phone the tab bar scrolls sideways: bring the current tab into view (managers' tabs come last).
  function showActiveTab() {
    document.querySelectorAll(".wb-tabs").forEach(function (nav) {
      var active = nav.querySelector(".is-active");
      if (active && nav.scrollWidth > nav.clientWidth) {
        nav.scrollLeft = active.offsetLeft - nav.offsetLeft - (nav.clientWidth - active.offsetWidth) / 2;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", showActiveTab);
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSwap", tick);
  window.setInterval(tick, 1000);
})();
