/* Behaviour of the pages, loaded by base.html, without inline script (the pages run under a
   Content-Security-Policy that allows none):
   data-autosubmit   a select or input that submits its form when changed
   data-print        a button that prints the page
   data-ctrl-enter   a form that Ctrl+Enter submits (the hotline desk)
   data-confirm      a destructive button (or form) asks first: <button data-confirm="确定撤回？">
                     shows the text in a confirmation dialog; "Cancel" stops the submission,
                     htmx requests included.
   The service worker (/sw.js, the installable web app) is registered on every page. */
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
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var text = (button && button.getAttribute("data-confirm")) || (form && form.getAttribute && form.getAttribute("data-confirm"));
    if (text && !window.confirm(text)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* the site works without it */ });
    });
  }
})();
