// Call mode: the keyboard drives everything. The search box keeps the focus; ↑/↓ move through the
// results, Enter opens one, Esc returns to the box, Alt+C copies the answer script, Alt+P pins,
// Alt+1..9 switch client, Alt+A opens the abusive-caller panel. No inline handlers: the page opts in with data-callmode.
(function () {
  "use strict";
  var root = document.querySelector("[data-callmode]");
  if (!root || !window.DasanTypeahead) return;
  var box = document.getElementById("cm-q");
  var results = document.getElementById("cm-results");
  var logInput = document.getElementById("cm-log");

  var status = document.getElementById("cm-status");

  function items() { return Array.prototype.slice.call(results.querySelectorAll("[data-open-url]:not([hidden])")); }
  function selectedIndex() {
    var list = items();
    for (var i = 0; i < list.length; i++) if (list[i].getAttribute("aria-selected") === "true") return i;
    return -1;
  }
  function select(i) {
    var list = items();
    if (!list.length) { box.removeAttribute("aria-activedescendant"); return; }
    i = Math.max(0, Math.min(i, list.length - 1));
    list.forEach(function (el, j) { el.setAttribute("aria-selected", j === i ? "true" : "false"); });
    list[i].scrollIntoView({ block: "nearest" });
    box.setAttribute("aria-activedescendant", list[i].id);
  }
  function open(el) {
    if (!el || !window.htmx) return;
    items().forEach(function (e) { e.classList.remove("is-open"); });
    el.classList.add("is-open");
    window.htmx.ajax("GET", el.getAttribute("data-open-url"), { target: "#cm-article", swap: "innerHTML" });
  }
  function focusBox(selectAll) {
    box.focus();
    if (selectAll) box.select();
  }

  function markCopied() {
    var button = document.querySelector("[data-cm-copy]");
    root.setAttribute("data-copied", "true");
    if (!button) return;
    var label = button.querySelector("[data-label]");
    var original = label.textContent;
    button.classList.add("is-copied");
    label.textContent = button.getAttribute("data-copied-label");
    window.setTimeout(function () {
      button.classList.remove("is-copied");
      label.textContent = original;
    }, 1600);
  }
  function copyAnswer() {
    var source = document.getElementById("cm-script");
    if (!source) return;
    var text = source.innerText.trim();
    function fallback() {
      // Plain-http intranets have no async clipboard API: copy through a hidden textarea.
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      try { if (document.execCommand("copy")) markCopied(); } finally { area.remove(); focusBox(false); }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(markCopied, fallback);
    } else {
      fallback();
    }
  }
  // Alt+A: the abusive-caller panel opens with its button focused, so Enter files the report.
  function openCare() {
    var care = root.querySelector("[data-cm-care]");
    if (!care) return;
    care.open = true;
    var button = care.querySelector("[data-testid=abuse-flag]") || care.querySelector("button");
    care.scrollIntoView({ block: "nearest" });
    if (button) button.focus();
  }
  // One column (phones, narrow windows): the answer opens below the results, out of sight.
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 960px)") : null;
  function togglePin() {
    var article = document.querySelector("[data-pin-url]");
    if (article && window.htmx) window.htmx.ajax("POST", article.getAttribute("data-pin-url"), { target: "#cm-pin", swap: "innerHTML" });
  }

  // Narrowing while typing, the count announced, the log row kept: shared with the search page.
  window.DasanTypeahead({
    box: box, results: results, status: status, log: logInput,
    hits: ".cm-hit[data-open-url]", count: ".cm-meta > span",
    onNarrow: function () { select(0); },
    onSwap: function () { select(0); }
  });

  box.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { event.preventDefault(); select(selectedIndex() + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); select(selectedIndex() - 1); }
    else if (event.key === "Enter") {
      event.preventDefault();  // never submit the form: results come while typing
      if (event.isComposing || event.keyCode === 229) return;  // Enter that only finishes a Hangul syllable
      var list = items();
      open(list[Math.max(0, selectedIndex())]);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey && !event.ctrlKey && !event.metaKey) {
      var digit = /^Digit([1-9])$/.exec(event.code || "");
      if (digit) {
        var target = root.querySelector('[data-hotkey="' + digit[1] + '"]');
        if (target) { event.preventDefault(); window.location.href = target.href; }
        return;
      }
      if (event.code === "KeyC") { event.preventDefault(); copyAnswer(); return; }
      if (event.code === "KeyP") { event.preventDefault(); togglePin(); return; }
      if (event.code === "KeyA") { event.preventDefault(); openCare(); return; }
    }
    if (event.key === "Escape") { focusBox(true); return; }
    // Typing anywhere on the page goes to the search box.
    var el = document.activeElement;
    var typing = el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
    if (!typing && !event.ctrlKey && !event.metaKey && !event.altKey && event.key && event.key.length === 1) focusBox(false);
  });

  results.addEventListener("click", function (event) {
    var item = event.target.closest("[data-open-url]");
    if (!item) return;
    event.preventDefault();
    select(items().indexOf(item));
    open(item);
    focusBox(false);
  });
  root.addEventListener("click", function (event) {
    if (event.target.closest("[data-cm-copy]")) { event.preventDefault(); copyAnswer(); }
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "cm-article") {
      root.removeAttribute("data-copied");
      var article = document.getElementById("cm-article");
      article.scrollTop = 0;
      if (narrow && narrow.matches) {
        // Focusing the box would scroll back up (and raise a phone's keyboard): show the answer instead.
        article.scrollIntoView({ block: "start" });
      } else {
        focusBox(false);
      }
    }
  });

  if (box.value) box.setSelectionRange(box.value.length, box.value.length);
  focusBox(false);
  select(0);
})();
