// The official PDF is being rendered by a worker: ask until it is ready, then download it.
(function () {
  "use strict";
  var box = document.getElementById("pdf-wait");
  if (!box) return;
  var status = document.getElementById("pdf-wait-status");
  var tries = 0;

  function ask() {
    tries += 1;
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (state) {
        if (state.ready) {
          status.textContent = "已生成，开始下载。";
          window.location.href = box.dataset.pdfUrl;
        } else if (tries < 120) {
          status.textContent = "生成中…（已等待 " + tries + " 秒）";
          window.setTimeout(ask, 1000);
        } else {
          status.textContent = "等待时间过长：后台任务可能没有运行，请联系管理员。";
        }
      })
      .catch(function (error) {
        status.textContent = "查询进度失败（" + error.message + "），请稍后刷新本页。";
      });
  }

  ask();
})();
