// Call data pages: small behaviours switched on by data- attributes (no inline scripts: CSP).
(function () {
  "use strict";

  // <form data-autosubmit>: submit when a select changes (the period picker on the topics page).
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.tagName === "SELECT") form.submit();
  });

  // The column-mapping form: show under each preview column which field it feeds.
  function labelColumns(form) {
    var byColumn = {};
    form.querySelectorAll("select[name^='map_']").forEach(function (select) {
      if (!select.value) return;
      var label = form.querySelector("label[for='" + select.id + "']");
      var text = label ? label.textContent.replace("*", "").trim() : select.name;
      (byColumn[select.value] = byColumn[select.value] || []).push(text);
    });
    document.querySelectorAll("[data-field-for]").forEach(function (cell) {
      var names = byColumn[cell.getAttribute("data-field-for")] || [];
      cell.textContent = names.join(", ");
    });
  }
  document.querySelectorAll("form[data-mapping-form]").forEach(function (form) {
    labelColumns(form);
    form.addEventListener("change", function () { labelColumns(form); });
  });
})();
