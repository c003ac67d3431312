// The official PDF is being rendered in the background: ask until it is ready. On the page
// that waits for it (#pdf-wait), then download it; on a report's page (#pdf-pending), turn
// the 正在生成 link into the download link.
(function () {
  "use strict";

  function poll(url, everyMs, maxTries, onReady, onWaiting, onFailed) {
    var tries = 0;
    function ask() {
      tries += 1;
      fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (state) {
          if (state.ready) {
            onReady();
          } else if (tries < maxTries) {
            onWaiting(tries);
            window.setTimeout(ask, everyMs);
          } else {
            onFailed("等待时间过长：后台任务可能没有运行，请稍后刷新本页或联系管理员。");
          }
        })
        .catch(function (error) {
          onFailed("查询进度失败（" + error.message + "），请稍后刷新本页。");
        });
    }
    ask();
  }

  var box = document.getElementById("pdf-wait");
  if (box) {
    var status = document.getElementById("pdf-wait-status");
    poll(
      box.dataset.statusUrl,
      1000,
      120,
      function () {
        status.textContent = "已生成，开始下载。";
        window.location.href = box.dataset.pdfUrl;
      },
      function (tries) {
        status.textContent = "生成中…（已等待 " + tries + " 秒）";
      },
      function (message) {
        status.textContent = message;
      }
    );
  }

  var pending = document.getElementById("pdf-pending");
  if (pending) {
    poll(
      pending.dataset.statusUrl,
      2000,
      150,
      function () {
        pending.textContent = "下载正式 PDF";
        pending.id = "download-pdf";
        pending.classList.replace("btn-outline-secondary", "btn-outline-primary");
      },
      function () {},
      function () {} // the link still leads to the page that waits for the PDF
    );
  }
})();
