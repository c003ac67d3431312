/* Confirmation dialogs: a button with data-open-dialog="<id>" opens that <dialog>; a button
   with data-close-dialog inside it closes it. Before 提交审核 opens, a form of the page with
   unsaved input (data-dirty="true", set by editor.js) shows its warning. */
(function () {
  "use strict";

  document.querySelectorAll("[data-open-dialog]").forEach(function (button) {
    var dialog = document.getElementById(button.getAttribute("data-open-dialog"));
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    button.addEventListener("click", function () {
      var unsaved = dialog.querySelector("#submit-unsaved");
      if (unsaved) {
        var dirty = document.querySelector("[data-dirty-guard][data-dirty='true']");
        unsaved.classList.toggle("d-none", !dirty);
      }
      dialog.showModal();
      var first = dialog.querySelector("textarea, button[type=submit]:not([disabled])");
      if (first) { first.focus(); }
    });
  });

  document.querySelectorAll("dialog [data-close-dialog]").forEach(function (button) {
    button.addEventListener("click", function () { button.closest("dialog").close(); });
  });
})();
