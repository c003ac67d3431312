// The admin's export page: "Select all" ticks every field, bound here rather than by an
// onchange attribute, which the Content Security Policy refuses.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
    toggle.addEventListener("change", function () {
      document
        .querySelectorAll('.selectable-field-export-row input[type="checkbox"]')
        .forEach(function (box) {
          box.checked = toggle.checked;
        });
    });
  });
});
