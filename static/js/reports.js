// Report pages: small behaviours switched on by data- attributes (no inline scripts: CSP).
(function () {
  "use strict";

  // <button data-print>: the browser's print dialog (Save as PDF). The print stylesheet does the rest.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // <form data-autosubmit>: submit when a select changes (month and team pickers).
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.tagName === "SELECT") form.submit();
  });
})();
