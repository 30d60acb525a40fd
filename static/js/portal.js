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

  // After an action (a form sent, then this page), what the portal says about it is read
  // first: the error summary, or else the messages ("Le document est envoyé…"), which a screen
  // reader would not announce on its own since they are there when the page loads.
  function focusWhatWasSaid() {
    var summary = document.getElementById("error-summary");
    var messages = document.querySelector(".portal-messages");
    if (summary) {
      summary.focus();
    } else if (messages) {
      messages.setAttribute("tabindex", "-1");
      messages.focus();
    }
  }

  // A table's scrolling box is a Tab stop (to scroll it with the keyboard) only while it does
  // scroll, on a narrow screen; without this script it always is one.
  function updateScrollBoxes() {
    document.querySelectorAll("[data-scroll-box]").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        box.setAttribute("tabindex", "0");
      } else {
        box.removeAttribute("tabindex");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpPasswordToggles();
    focusWhatWasSaid();
    updateScrollBoxes();
    window.addEventListener("resize", updateScrollBoxes);
  });
})();
