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

  // Shortcuts from any page (listed in the header's "Keyboard shortcuts" dialog): "/" searches the
  // manuals, Alt+K opens call mode, "?" shows the list. Keys typed into a field are left alone.
  function typingIn(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  var shortcuts = document.getElementById("shortcuts");
  function showShortcuts() {
    if (shortcuts && !shortcuts.open && shortcuts.showModal) shortcuts.showModal();
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-shortcuts-open]")) { event.preventDefault(); showShortcuts(); }
    else if (event.target.closest("[data-shortcuts-close]") && shortcuts) shortcuts.close();
  });
  document.addEventListener("keydown", function (event) {
    if (!shortcuts || event.defaultPrevented || event.isComposing) return;
    // event.code, not event.key: the same physical key whether the Korean IME is on or off.
    if (event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey && event.code === "KeyK") {
      event.preventDefault();
      window.location.href = shortcuts.getAttribute("data-call-mode-url");
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey || typingIn(document.activeElement)) return;
    if (event.key === "?" || (event.shiftKey && event.code === "Slash")) { event.preventDefault(); showShortcuts(); return; }
    // Call mode has its own search box, which takes every key typed on that page.
    if ((event.key === "/" || event.code === "Slash") && !document.querySelector("[data-callmode]")) {
      var box = document.getElementById("header-search");
      if (box && box.offsetParent !== null) { event.preventDefault(); box.focus(); box.select(); }
      else if (box) { event.preventDefault(); window.location.href = box.form.action; }
    }
  });
})();
