/* Progressive enhancements: every page works without this file. */
(function () {
  "use strict";

  function setUpPasswordToggles() {
    document.querySelectorAll("[data-password-toggle]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("aria-controls"));
      var status = button.parentElement.querySelector("[data-password-toggle-status]");
      if (!input) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        var show = input.type === "password";
        input.type = show ? "text" : "password";
        button.setAttribute("aria-pressed", show ? "true" : "false");
        if (status) {
          status.textContent = show
            ? button.dataset.shownMessage
            : button.dataset.hiddenMessage;
        }
      });
      // A shown password is hidden again before the form is sent (no autofill as plain text).
      if (input.form) {
        input.form.addEventListener("submit", function () {
          input.type = "password";
        });
      }
    });
  }

  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpPasswordToggles();
    focusErrorSummary();
  });
})();
