// Site-wide behaviour. No inline scripts anywhere (the CSP forbids them): pages opt in with data- attributes.
(function () {
  "use strict";

  // Close an open <details class="dropdown"> when clicking elsewhere or pressing Escape.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.dropdown[open]").forEach(function (el) {
      if (!el.contains(event.target)) el.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      document.querySelectorAll("details.dropdown[open]").forEach(function (el) { el.removeAttribute("open"); });
    }
  });

  // Messages fade away after a while.
  window.setTimeout(function () {
    document.querySelectorAll(".messages .alert[data-autohide]").forEach(function (el) { el.remove(); });
  }, 6000);

  // <button data-copy="#selector"> copies that element's text to the clipboard.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.innerText.trim()).then(function () {
      var label = button.getAttribute("data-copied-label");
      if (label) {
        var original = button.textContent;
        button.textContent = label;
        window.setTimeout(function () { button.textContent = original; }, 1500);
      }
    });
  });

  // <button data-print> prints the page (recovery codes).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });

  // <button data-back> goes back one page (error pages); with no history, home.
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-back]")) return;
    if (window.history.length > 1) window.history.back(); else window.location.href = "/";
  });

  // <form data-confirm="..."> asks before submitting.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // Send the CSRF token with every htmx request.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("meta[name=csrf-token]");
    if (token) event.detail.headers["X-CSRFToken"] = token.content;
  });
})();
