// The approved-reports list: tick every report on the page, and the ZIP progress page.
(function () {
  "use strict";

  var selectPage = document.getElementById("select-page");
  if (selectPage) {
    selectPage.addEventListener("change", function () {
      document.querySelectorAll("#archive-table input[name=version]").forEach(function (box) {
        box.checked = selectPage.checked;
      });
    });
  }

  var form = document.getElementById("prepare-form");
  if (!form) return;
  var total = parseInt(form.dataset.missing, 10);
  var bar = document.querySelector("#prepare-progress .progress-bar");
  var progress = document.getElementById("prepare-progress");
  var status = document.getElementById("prepare-status");
  var button = document.getElementById("prepare-download");
  button.disabled = true;

  function show(done) {
    var pct = total ? Math.round((100 * done) / total) : 100;
    bar.style.width = pct + "%";
    progress.setAttribute("aria-valuenow", String(done));
    status.textContent = "已生成 " + done + " / " + total + " 份。";
  }

  function step() {
    fetch(form.dataset.prepareUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (state) {
        show(Math.max(0, total - state.missing));
        if (state.missing > 0) {
          window.setTimeout(step, state.retry_ms || 0); // a task renders them: ask again later
        } else {
          status.textContent = "全部生成，下载开始。";
          button.disabled = false;
          form.submit();
        }
      })
      .catch(function (error) {
        status.textContent = "生成中断（" + error.message + "）：请点击“下载 ZIP”重试。";
        button.disabled = false;
      });
  }

  step();
})();
