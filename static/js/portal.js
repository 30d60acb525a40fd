/* Progressive enhancements: every page works without this file. */
(function () {
  "use strict";

  function setUpPasswordToggles() {
    document.querySelectorAll("[data-password-toggle]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("aria-controls"));
      var status = button.parentElement.querySelector("[data-password-toggle-status]");
      var label = button.querySelector("[data-password-toggle-label]");
      if (!input) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        var show = input.type === "password";
        input.type = show ? "text" : "password";
        label.textContent = show ? button.dataset.hideLabel : button.dataset.showLabel;
        if (status) {
          status.textContent = show
            ? button.dataset.shownMessage
            : button.dataset.hiddenMessage;
        }
      });
      // A shown password is hidden again before the form is sent (browsers then offer to save
      // it as a password, not as plain text).
      if (input.form) {
        input.form.addEventListener("submit", function () {
          input.type = "password";
          label.textContent = button.dataset.showLabel;
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
