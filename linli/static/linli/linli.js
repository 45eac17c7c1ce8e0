/* Linli page behaviour, loaded by base.html (no inline script: the pages run under a
   Content-Security-Policy).
   Destructive buttons ask first: <button data-confirm="确定撤回？"> (or data-confirm on the form)
   shows the text in a confirmation dialog; "Cancel" stops the submission, htmx requests included. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var text = (button && button.getAttribute("data-confirm")) || (form && form.getAttribute && form.getAttribute("data-confirm"));
    if (text && !window.confirm(text)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
