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
    var summary = document.querySelector(".error-summary");  // the first, when a page has two forms
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

  // Accessible mode: each cell carries its column's name, so that the stylesheet can set a
  // table out line by line on a narrow screen; the table keeps its roles for screen readers.
  function prepareLinearTables() {
    if (!document.documentElement.classList.contains("accessible-mode")) {
      return;
    }
    var colon = document.documentElement.lang === "fr" ? " : " : ": ";
    document.querySelectorAll("table.portal-table").forEach(function (table) {
      var headRows = table.tHead ? table.tHead.rows : [];
      if (headRows.length !== 1) {
        return; // a table of several header rows keeps its scrolling box
      }
      // Each column's name, a header spanning several columns naming each of them.
      var headers = [];
      Array.prototype.forEach.call(headRows[0].cells, function (th) {
        for (var span = 0; span < (th.colSpan || 1); span++) {
          headers.push(th.textContent.trim());
        }
      });
      table.setAttribute("role", "table");
      Array.prototype.forEach.call(headRows[0].cells, function (th) {
        th.setAttribute("role", "columnheader");
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        body.setAttribute("role", "rowgroup");
        Array.prototype.forEach.call(body.rows, function (row) {
          row.setAttribute("role", "row");
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            var span = cell.colSpan || 1;
            cell.setAttribute("role", cell.tagName === "TH" ? "rowheader" : "cell");
            // A cell across several columns (a table's "nothing yet" line) has no one name.
            var label = span === 1 ? headers[column] || "" : "";
            var shown = cell.textContent.trim() || cell.querySelector("img, input, select, button");
            cell.setAttribute("data-label", label && shown ? label + colon : "");
            column += span;
          });
        });
      });
      if (table.tHead) {
        table.tHead.setAttribute("role", "rowgroup");
        Array.prototype.forEach.call(headRows, function (row) {
          row.setAttribute("role", "row");
        });
      }
      if (table.tFoot) {
        table.tFoot.setAttribute("role", "rowgroup");
        Array.prototype.forEach.call(table.tFoot.rows, function (row) {
          row.setAttribute("role", "row");
          Array.prototype.forEach.call(row.cells, function (cell) {
            cell.setAttribute("role", cell.tagName === "TH" ? "rowheader" : "cell");
          });
        });
      }
      table.setAttribute("data-linear-ready", "");
    });
    updateLinearTables();
  }

  // A prepared table is set out line by line only when it would not fit its box: measured
  // again when the window changes size.
  function updateLinearTables() {
    document.querySelectorAll("table[data-linear-ready]").forEach(function (table) {
      var box = table.closest("[data-scroll-box]") || table.parentElement;
      table.removeAttribute("data-linear");
      if (box.scrollWidth > box.clientWidth + 1) {
        table.setAttribute("data-linear", "");
      }
    });
  }

  // Accessible mode shortcuts (Ctrl+f, Ctrl+h, Ctrl+a, Ctrl+q; w leaves a table): the page says
  // where each leads (data-shortcut-*), only when the mode and its shortcuts are on. They never
  // act while the user types in a field.
  function typing(target) {
    if (!target || !target.tagName) {
      return false;
    }
    var tag = target.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select" || target.isContentEditable) {
      return true;
    }
    var role = target.getAttribute("role");
    if (["textbox", "searchbox", "combobox", "spinbutton"].indexOf(role) !== -1) {
      return true;
    }
    if (tag !== "input") {
      return false;
    }
    var notTyped = ["button", "submit", "reset", "checkbox", "radio", "file", "image", "range"];
    return notTyped.indexOf((target.type || "text").toLowerCase()) === -1;
  }

  function focusAfter(element) {
    var focusable = Array.prototype.filter.call(
      document.querySelectorAll(
        "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), " +
          "select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])"
      ),
      function (candidate) {
        return candidate.offsetParent !== null || candidate === document.activeElement;
      }
    );
    for (var i = 0; i < focusable.length; i++) {
      var candidate = focusable[i];
      if (
        !element.contains(candidate) &&
        element.compareDocumentPosition(candidate) & Node.DOCUMENT_POSITION_FOLLOWING
      ) {
        candidate.focus();
        return true;
      }
    }
    return false;
  }

  function setUpShortcuts() {
    var targets = document.body.dataset;
    var keys = { f: targets.shortcutF, h: targets.shortcutH, a: targets.shortcutA, q: targets.shortcutQ };
    if (!keys.h && !keys.a) {
      return;
    }
    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || typing(event.target)) {
        return;
      }
      var key = (event.key || "").toLowerCase();
      if (event.ctrlKey && !event.altKey && !event.shiftKey && !event.metaKey && keys[key]) {
        event.preventDefault();
        window.location.assign(keys[key]);
        return;
      }
      if (key === "w" && !event.ctrlKey && !event.altKey && !event.metaKey && !event.shiftKey) {
        var table = event.target.closest && event.target.closest("table, [data-scroll-box]");
        if (table) {
          var box = table.closest("[data-scroll-box]") || table;
          if (focusAfter(box)) {
            event.preventDefault();
          }
        }
      }
    });
  }

  // A student's Identité: while "Utiliser les coordonnées du responsable légal" is ticked, the
  // student's own address and phones are hidden and not sent. Without this script the page
  // hides them when it is drawn ticked, and the portal ignores them when the box is sent ticked.
  function setUpGuardianContact() {
    document.querySelectorAll("[data-guardian-contact-box]").forEach(function (box) {
      var group = document.getElementById(box.getAttribute("aria-controls"));
      if (!group) {
        return;
      }
      function update() {
        group.hidden = box.checked;
        group.querySelectorAll("input, select, textarea").forEach(function (field) {
          field.disabled = box.checked;
        });
      }
      box.addEventListener("change", update);
      update();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpPasswordToggles();
    setUpGuardianContact();
    focusWhatWasSaid();
    prepareLinearTables();
    updateScrollBoxes();
    window.addEventListener("resize", function () {
      updateLinearTables();
      updateScrollBoxes();
    });
    setUpShortcuts();
  });
})();
