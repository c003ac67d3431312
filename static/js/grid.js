/* The 自评表 grid works like the sheet it replaces: a block of cells copied from Excel or WPS
   (tab-separated cells, one line a row) pastes from the focused cell rightwards and downwards
   over the grid's columns 年度指标值, 全年完成值, 自评得分, 偏差及原因分析, rows in table order;
   Enter in a one-line value goes to the same column of the next row. */
(function () {
  "use strict";

  var grid = document.querySelector("[data-paste-grid]");
  if (!grid) { return; }
  var status = document.getElementById("grid-paste-status");

  function rows() {
    return Array.prototype.slice.call(grid.querySelectorAll("tbody > tr"));
  }

  // The column's own field of each grid cell of a row, left to right.
  function cellFields(row) {
    return Array.prototype.map.call(row.querySelectorAll("[data-grid-col]"), function (cell) {
      return cell.querySelector("textarea, input:not([type=hidden])");
    });
  }

  function place(field) {
    var cell = field.closest ? field.closest("[data-grid-col]") : null;
    if (!cell || !grid.contains(cell)) { return null; }
    var row = cell.closest("tr");
    var column = cellFields(row).indexOf(field);
    return column < 0 ? null : { row: rows().indexOf(row), column: column };
  }

  // Text as Excel and WPS put it on the clipboard: cells split by tabs, rows by line ends, a
  // cell holding a tab, a line end or a quote in double quotes (a quote doubled inside).
  function parse(text) {
    var table = [];
    var row = [];
    var cell = "";
    var quoted = false;
    for (var i = 0; i < text.length; i++) {
      var ch = text[i];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
        else if (ch === '"') { quoted = false; }
        else { cell += ch; }
      } else if (ch === '"' && cell === "") {
        quoted = true;
      } else if (ch === "\t") {
        row.push(cell); cell = "";
      } else if (ch === "\r" || ch === "\n") {
        if (ch === "\r" && text[i + 1] === "\n") { i++; }
        row.push(cell); table.push(row); row = []; cell = "";
      } else {
        cell += ch;
      }
    }
    if (cell !== "" || row.length) { row.push(cell); table.push(row); }
    return table;
  }

  function set(field, value) {
    if (field.readOnly || field.disabled || field.value === value) { return false; }
    field.value = value;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  }

  grid.addEventListener("paste", function (event) {
    var field = event.target;
    var at = place(field);
    var clipboard = event.clipboardData;
    if (!at || !clipboard) { return; }
    var text = clipboard.getData("text/plain");
    var fromSheet = text.indexOf("\t") >= 0 || /<table/i.test(clipboard.getData("text/html"));
    var lines = /[\r\n]/.test(text.replace(/(\r\n|\r|\n)$/, ""));
    // Paragraphs typed elsewhere paste into a text box as they are; a column of values copied
    // from a sheet into a one-line value fills the rows below.
    if (!fromSheet && !(lines && field.hasAttribute("data-single-line"))) {
      if (!/[\r\n]$/.test(text) || lines) { return; }
    }
    event.preventDefault();
    var block = parse(text);
    if (block.length === 1 && block[0].length === 1) {
      // One cell, with the line end a sheet adds after it: pasted where the cursor is.
      field.setRangeText(block[0][0], field.selectionStart, field.selectionEnd, "end");
      field.dispatchEvent(new Event("input", { bubbles: true }));
      return;
    }
    var all = rows();
    var filledRows = 0;
    var filledCells = 0;
    block.forEach(function (values, i) {
      var row = all[at.row + i];
      if (!row) { return; }
      var fields = cellFields(row);
      var any = false;
      values.forEach(function (value, j) {
        var target = fields[at.column + j];
        if (!target) { return; }
        any = true;
        if (target.hasAttribute("data-single-line")) { value = value.replace(/\s*[\r\n]+\s*/g, " "); }
        filledCells += set(target, value.trim()) ? 1 : 0;
      });
      if (any) { filledRows++; }
    });
    var width = Math.min(block[0].length, cellFields(all[at.row]).length - at.column);
    var lost = block.length - filledRows;
    if (status) {
      status.className = "small mb-1 text-warning-emphasis";
      status.textContent = "已粘贴 " + filledRows + " 行 × " + width + " 列（改动 " + filledCells +
        " 格），尚未保存。" + (lost > 0 ? "另有 " + lost + " 行超出表格末尾，未粘贴。" : "");
    }
  });

  grid.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.shiftKey || !event.target.hasAttribute("data-single-line")) {
      return;
    }
    var at = place(event.target);
    var next = at && rows()[at.row + 1];
    if (next) {
      event.preventDefault();
      cellFields(next)[at.column].focus();
    }
  });
})();
