/* Behaviour of the pages, without inline script (the Content-Security-Policy allows none):
   data-autosubmit   a select or input that submits its form when changed
   data-print        a button that prints the page
   data-ctrl-enter   a form that Ctrl+Enter submits (the hotline desk) */
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) {
      el.form.submit();
    }
  });
  document.addEventListener("click", function (e) {
    var el = e.target && e.target.closest ? e.target.closest("[data-print]") : null;
    if (el) {
      e.preventDefault();
      window.print();
    }
  });
  document.addEventListener("keydown", function (e) {
    if (!(e.ctrlKey && e.key === "Enter")) return;
    var form = e.target && e.target.closest ? e.target.closest("form[data-ctrl-enter]") : null;
    if (form) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
})();
