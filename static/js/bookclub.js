// Book club behaviour, wired with data- attributes (no inline scripts).
(function () {
  "use strict";
  // <textarea data-counter="#id"> shows the number of characters written in that element.
  document.querySelectorAll("textarea[data-counter]").forEach(function (area) {
    var target = document.querySelector(area.getAttribute("data-counter"));
    if (!target) return;
    var update = function () { target.textContent = area.value.length.toLocaleString(); };
    area.addEventListener("input", update);
    update();
  });
  // <select data-autosubmit> submits its form when changed (the month picker on the review board).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // <div data-fraction="3/20"> gets that share as its width (progress bars without inline styles).
  document.querySelectorAll("[data-fraction]").forEach(function (bar) {
    var parts = bar.getAttribute("data-fraction").split("/");
    var share = Number(parts[1]) ? Math.min(Number(parts[0]) / Number(parts[1]), 1) : 0;
    bar.style.width = (share * 100).toFixed(1) + "%";
  });
})();
