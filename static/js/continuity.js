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

  // A form sent back with errors: focus goes to the first field in error, whose
  // aria-describedby already names its message.
  // A field marked invalid first; crispy also marks a file field's wrapper .is-invalid,
  // which cannot take focus, so only fields count.
  var firstInvalid = document.querySelector("#main [aria-invalid=true]") ||
    document.querySelector("#main input.is-invalid, #main select.is-invalid, #main textarea.is-invalid");
  if (firstInvalid && !document.getElementById("missing-answers")) {
    firstInvalid.focus();
  }

  // A box that scrolls sideways (a wide table, a diagram) must be reachable by keyboard
  // when nothing inside it can take focus (a read-only grid): make it a named, focusable
  // region while it overflows, so arrow keys scroll it.
  function keyboardScrollBoxes() {
    document.querySelectorAll(".table-responsive, .inventory-diagram-frame").forEach(function (box) {
      var overflows = box.scrollWidth > box.clientWidth + 1;
      var focusable = box.querySelector("a[href], button:not(:disabled), input:not(:disabled):not([type=hidden]), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex=\"-1\"])");
      if (overflows && !focusable) {
        if (!box.hasAttribute("tabindex")) {
          var caption = box.querySelector("caption");
          var heading = box.closest("section, .card, main");
          var named = caption || (heading && heading.querySelector("h1, h2, h3"));
          box.setAttribute("tabindex", "0");
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", (named ? named.textContent.trim() + " " : "") + "(scrolls sideways)");
          box.dataset.keyboardScroll = "on";
        }
      } else if (box.dataset.keyboardScroll === "on") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.keyboardScroll;
      }
    });
  }
  keyboardScrollBoxes();
  window.addEventListener("resize", keyboardScrollBoxes);

  // Announce what a background request did. A live region swapped in whole is often not
  // read out, so its words also go to the page's one lasting live region (#announcer).
  var announcer = document.getElementById("announcer");
  // A polled job card swaps its region every second: say each new text once, and no more
  // than one message every 3 s, the latest one winning (so the result is always said).
  var lastSaid = "", lastAt = 0, queued = null;
  function say(text) {
    if (queued) { window.clearTimeout(queued.timer); queued = null; }
    lastSaid = text;
    lastAt = Date.now();
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }
  function announce(text, urgent) {
    if (!announcer || !text || (text === lastSaid && Date.now() - lastAt < 3000)) { return; }
    var wait = 3000 - (Date.now() - lastAt);
    if (urgent || wait <= 0) { say(text); return; }
    if (queued) { window.clearTimeout(queued.timer); }
    queued = {text: text, timer: window.setTimeout(function () { say(text); }, wait)};
  }
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var elt = event.target;
    if (!elt || !elt.matches) { return; }
    var region = elt.matches("[role=status], [role=alert]") ? elt : elt.querySelector("[role=status], [role=alert]");
    if (region && region !== announcer) {
      var text = region.textContent.replace(/\s+/g, " ").trim();
      announce(text, region.matches("[role=alert]") || text.indexOf("Not saved") === 0);
    }
  });
  // A save that never reached the server, or that the server failed, says so where the
  // result would have been shown, and out loud.
  function notSaved(event, reason) {
    var target = event.detail && event.detail.target;
    var config = event.detail && event.detail.requestConfig;
    var saving = config && config.verb && config.verb.toLowerCase() !== "get";
    var text = (saving ? "Not saved: " : "Could not update this part of the page: ") + reason;
    if (target && target.matches && target.matches("[role=status], .bia-cell-status, .bia-status")) {
      target.innerHTML = "";
      var span = document.createElement("span");
      span.className = "text-danger fw-semibold";
      span.textContent = text;
      target.appendChild(span);
    }
    announce(text, true);
  }
  document.body.addEventListener("htmx:sendError", function (event) {
    notSaved(event, "the server could not be reached. Try again.");
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 403) {
      notSaved(event, "you are signed out or no longer allowed to change this (HTTP 403). Reload the page.");
    } else {
      notSaved(event, "the server failed (HTTP " + status + "). Try again.");
    }
  });
  document.body.addEventListener("htmx:afterSettle", keyboardScrollBoxes);
});
