// Live checks of a unit's form: the server's answer (htmx, out-of-band swaps) replaces
// each field's checks and the counters; here a field that now has a warning gets its
// comment box opened at once, and the field's colour follows its checks.
(function () {
  "use strict";
  function follow(checks) {
    var code = checks.getAttribute("data-code");
    var field = document.getElementById("field-" + code);
    var warned = checks.hasAttribute("data-warned");
    if (field) {
      field.classList.toggle("has-warning", warned && !checks.hasAttribute("data-failed"));
      field.classList.toggle("has-error", checks.hasAttribute("data-failed"));
    }
    var comment = document.getElementById("cd-" + code);
    if (comment && warned) {
      comment.open = true;
    }
  }
  function followAll() {
    var all = document.querySelectorAll(".checks[data-code]");
    for (var i = 0; i < all.length; i++) {
      follow(all[i]);
    }
  }
  // Once the form is submitted, no live check may start or go on: the save is what
  // counts, and a check still running would only race it on the server.
  var submitting = false;
  document.addEventListener("submit", function (event) {
    submitting = true;
    if (window.htmx && event.target) {
      window.htmx.trigger(event.target, "htmx:abort");
    }
  });
  document.addEventListener("htmx:confirm", function (event) {
    if (submitting) {
      event.preventDefault();
    }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (submitting) {
      event.preventDefault();
    }
  });
  // After the answer is swapped in: every field (a basis typed in one field can give
  // another its warning).
  ["htmx:afterSettle", "htmx:afterRequest"].forEach(function (name) {
    document.addEventListener(name, function () {
      window.setTimeout(followAll, 0);
    });
  });
})();
