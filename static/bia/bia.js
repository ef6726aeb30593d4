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
  // Enter in the impact grid moves to the next cell (along the row, then down to the next
  // row), as in a spreadsheet; Shift+Enter moves back. The level is not changed: arrow keys
  // or a click choose it.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var input = event.target;
    if (!input || !input.closest) { return; }
    var here = input.closest(".bia-grid .bia-levels");
    if (!here) { return; }
    event.preventDefault();
    var cells = Array.prototype.slice.call(
      here.closest(".bia-grid").querySelectorAll(".bia-levels"));
    var next = cells[cells.indexOf(here) + (event.shiftKey ? -1 : 1)];
    if (!next) { return; }
    var target = next.querySelector("input:checked") || next.querySelector("input");
    if (target) { target.focus(); }
  });
  // A grid cell saves the level settled on, not every step: a click saves at once, arrow
  // keys save 600 ms after the last press, and leaving the cell or the page saves what
  // is pending. The cell's form listens for "bia-settled" (hx-trigger).
  var SETTLE_MS = 600;
  var lastArrow = 0;
  var pending = new Map();
  function settle(form) {
    var timer = pending.get(form);
    if (timer === undefined) { return; }
    window.clearTimeout(timer);
    pending.delete(form);
    if (window.htmx) { window.htmx.trigger(form, "bia-settled"); }
  }
  function settleAll() { Array.from(pending.keys()).forEach(settle); }
  document.addEventListener("keydown", function (event) {
    if (event.key && event.key.indexOf("Arrow") === 0) { lastArrow = Date.now(); }
  }, true);
  document.addEventListener("change", function (event) {
    var form = event.target.closest ? event.target.closest("form.bia-cell-form") : null;
    if (!form) { return; }
    if (pending.has(form)) { window.clearTimeout(pending.get(form)); }
    var delay = Date.now() - lastArrow < 100 ? SETTLE_MS : 0;
    pending.set(form, window.setTimeout(function () { settle(form); }, delay));
  });
  document.addEventListener("focusout", function (event) {
    var form = event.target.closest ? event.target.closest("form.bia-cell-form") : null;
    if (form && !form.contains(event.relatedTarget)) { settle(form); }
  });
  document.addEventListener("submit", settleAll, true);
  window.addEventListener("pagehide", settleAll);

  // Bring the list of missing answers into view after a refused submission.
  document.addEventListener("DOMContentLoaded", function () {
    var missing = document.getElementById("missing-answers");
    if (missing) { missing.focus(); }
  });
})();
