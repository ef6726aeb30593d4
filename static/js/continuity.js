// Small behaviours that Bootstrap and htmx do not provide. No inline scripts (CSP).
document.addEventListener("DOMContentLoaded", function () {
  // Confirm destructive actions declared with data-confirm.
  document.body.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  // A field shown only while a choice is made elsewhere: data-shown-when="name=value"
  // on the field's wrapper (the plan to copy from, shown when "copy" is chosen).
  function syncShownWhen() {
    document.querySelectorAll("[data-shown-when]").forEach(function (wrapper) {
      var parts = wrapper.dataset.shownWhen.split("=");
      var chosen = document.querySelector("input[name='" + parts[0] + "']:checked");
      wrapper.hidden = !chosen || chosen.value !== parts[1];
    });
  }
  document.body.addEventListener("change", syncShownWhen);
  syncShownWhen();
});
