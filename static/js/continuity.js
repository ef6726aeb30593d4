// Small behaviours that Bootstrap and htmx do not provide. No inline scripts (CSP).
document.addEventListener("DOMContentLoaded", function () {
  // Confirm destructive actions declared with data-confirm.
  document.body.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
});
