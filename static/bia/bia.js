// BIA pages: let htmx show refusal fragments, and explain impact levels on focus.
(function () {
  "use strict";
  // Autosave answers 400/422 (field errors) and 409 (edit conflict) with a fragment to show.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 400 || status === 409 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // The description of the focused level goes into the grid's live help line, so
  // keyboard users read what "3" means without hovering.
  document.addEventListener("focusin", function (event) {
    var input = event.target;
    if (!input || !input.dataset || !input.dataset.description) { return; }
    var help = document.querySelector(input.dataset.help);
    if (help) { help.textContent = input.dataset.description; }
  });
  document.addEventListener("mouseover", function (event) {
    var label = event.target.closest ? event.target.closest("label.bia-level-btn") : null;
    if (!label) { return; }
    var input = document.getElementById(label.htmlFor);
    if (!input || !input.dataset.description) { return; }
    var help = document.querySelector(input.dataset.help);
    if (help) { help.textContent = input.dataset.description; }
  });
  // Bring the list of missing answers into view after a refused submission.
  document.addEventListener("DOMContentLoaded", function () {
    var missing = document.getElementById("missing-answers");
    if (missing) { missing.focus(); }
  });
})();
