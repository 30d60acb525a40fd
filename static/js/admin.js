/* The staff's admin: Django's autocomplete boxes (select2) are named after their field's label,
   with the value chosen, for screen readers (select2 names them by the value alone, which is
   empty until something is chosen). */
(function () {
  "use strict";

  function nameComboboxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = select.id && document.querySelector('label[for="' + select.id + '"]');
      var box = select.nextElementSibling;
      var combo = box && box.querySelector('.select2-selection[role="combobox"]');
      if (!combo) {
        return;
      }
      var shown = box.querySelector(".select2-selection__rendered");
      if (shown && shown.getAttribute("role") === "textbox") {
        // The value shown inside the box: a part of its name, not a field of its own.
        shown.removeAttribute("role");
        shown.removeAttribute("aria-readonly");
      }
      var search = box.querySelector(".select2-search__field");
      if (search && label) {
        search.setAttribute("aria-label", label.textContent.replace(/\s*:\s*$/, "").trim());
      }
      if (label) {
        label.id = label.id || select.id + "_label";
        combo.setAttribute("aria-labelledby", label.id + (shown && shown.id ? " " + shown.id : ""));
      } else if (select.getAttribute("aria-label")) {
        combo.removeAttribute("aria-labelledby");
        combo.setAttribute("aria-label", select.getAttribute("aria-label"));
      }
    });
  }

  // select2 builds its boxes when jQuery is ready (sometimes after the page's load event), and
  // again for each inline row added: each new box is named as soon as it is in the page.
  document.addEventListener("DOMContentLoaded", function () {
    // A form's error summary (the two-factor pages) is read first, as on the portal.
    var summary = document.querySelector(".error-summary");  // the first, when a page has two forms
    if (summary) {
      summary.focus();
    }
    nameComboboxes(document);
    new MutationObserver(function (changes) {
      var added = changes.some(function (change) {
        return Array.prototype.some.call(change.addedNodes, function (node) {
          return node.nodeType === 1 && node.classList.contains("select2");
        });
      });
      if (added) {
        nameComboboxes(document);
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
