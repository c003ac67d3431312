/* The report editor: add formset rows, take a suggested score, text boxes that grow with
   their text, a warning before the session ends. Plain script, no inline code (CSP friendly). */
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

  // Text boxes grow with their text: the rows they were given are the least they show.
  // (Unsaved input and leaving the page: unsaved.js.)
  var form = document.querySelector("[data-dirty-guard]");
  var fit = function (boxes) {
    boxes = boxes.filter(function (box) { return box.offsetParent !== null; });
    boxes.forEach(function (box) { box.style.height = ""; });
    var heights = boxes.map(function (box) {
      var border = box.offsetHeight - box.clientHeight;
      return box.scrollHeight > box.clientHeight ? box.scrollHeight + border : 0;
    });
    boxes.forEach(function (box, i) { if (heights[i]) { box.style.height = heights[i] + "px"; } });
  };
  var allBoxes = function () {
    return form ? Array.prototype.slice.call(form.querySelectorAll("textarea")) : [];
  };
  if (form) {
    fit(allBoxes());
    form.addEventListener("input", function (event) {
      if (event.target.tagName === "TEXTAREA") { fit([event.target]); }
    });
    // A box in a closed <details> has no size until it opens.
    form.addEventListener("toggle", function (event) {
      fit(Array.prototype.slice.call(event.target.querySelectorAll("textarea")));
    }, true);
    var resized = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(resized);
      resized = window.setTimeout(function () { fit(allBoxes()); }, 150);
    });
    // A value of one line (年度指标值, 全年完成值): Enter does not break it.
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.hasAttribute("data-single-line")) {
        event.preventDefault();
      }
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
