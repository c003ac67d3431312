/* The report editor: add formset rows, take a suggested score, warn before the session
   ends and before leaving unsaved changes. Plain script, no inline code (CSP friendly). */
(function () {
  "use strict";

  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    button.addEventListener("click", function () {
      var prefix = button.getAttribute("data-add-row");
      var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
      var template = document.getElementById(prefix + "-empty");
      var body = document.querySelector('[data-formset-body="' + prefix + '"]');
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = body.lastElementChild.querySelector("input, select, textarea");
      if (first) { first.focus(); }
    });
  });

  document.querySelectorAll("[data-fill-target]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.getElementById(button.getAttribute("data-fill-target"));
      input.value = button.getAttribute("data-fill-value");
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.focus();
    });
  });

  var form = document.querySelector("[data-dirty-guard]");
  var dirty = false;
  if (form) {
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  }

  var editor = document.querySelector("[data-session-seconds]");
  var warning = document.getElementById("session-warning");
  if (editor && warning) {
    var seconds = parseInt(editor.getAttribute("data-session-seconds"), 10);
    var show = function (text) { warning.textContent = text; warning.classList.remove("d-none"); };
    window.setTimeout(function () {
      show("登录将在 10 分钟后过期：请先点击“保存”。");
    }, Math.max(0, seconds - 600) * 1000);
    window.setTimeout(function () {
      show("登录已过期：请点击“保存”，重新登录后会恢复您填写的内容，核对后再保存一次。");
    }, seconds * 1000);
  }
})();
