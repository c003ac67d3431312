/* Nothing typed is lost. Input not saved yet is kept in this browser (localStorage, per user,
   report and section) until the server confirms its save, and offered back when the page opens
   again; leaving the page with it (a link, another form, closing the window) asks first.
   Markup: templates/reports/edit/_unsaved.html. */
(function () {
  "use strict";

  var form = document.querySelector("[data-dirty-guard]");
  var banner = document.getElementById("draft-banner");
  var dialog = document.getElementById("leave-dialog");
  if (!form || !banner || !dialog) { return; }

  var PREFIX = "perfeval.draft:";
  var KEY = PREFIX + banner.getAttribute("data-draft-key");
  var KEEP_DAYS = 60;
  // Rendered after a redirect that followed a save of this section; or showing input the
  // server has not saved (a refused save, a post kept over an expired session).
  var saved = banner.hasAttribute("data-saved");
  var unsavedPage = banner.hasAttribute("data-unsaved");
  var NOT_INPUT = { csrfmiddlewaretoken: true, snapshot: true };

  var forcedDirty = unsavedPage; // input on the page that the server has not saved
  var offered = null; // a draft offered in the banner, not yet restored or discarded
  var discarded = false; // "不保存，离开": nothing more is kept
  var leaving = false; // leaving was decided: no second question from the browser
  var pending = null; // where to go once the dialog is answered

  // --- the form's values -------------------------------------------------------------------

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !NOT_INPUT[el.name] && !el.disabled &&
        ["submit", "button", "reset", "file", "image"].indexOf(el.type) < 0;
    });
  }

  // What the fields show (``current``) or what the server rendered into them (defaults).
  function values(current) {
    var out = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox") {
        out[el.name] = (current ? el.checked : el.defaultChecked) ? (el.value || "on") : "";
      } else if (el.type === "radio") {
        if (current ? el.checked : el.defaultChecked) { out[el.name] = el.value; }
        else if (!(el.name in out)) { out[el.name] = ""; }
      } else if (el.tagName === "SELECT") {
        var chosen = Array.prototype.filter.call(el.options, function (option) {
          return current ? option.selected : option.defaultSelected;
        });
        out[el.name] = chosen.length ? chosen[0].value : (current ? el.value : "");
      } else {
        out[el.name] = current ? el.value : el.defaultValue;
      }
    });
    return out;
  }

  // Rows a formset adds in the browser count once something is typed in them.
  function same(a, b) {
    var names = Object.keys(a).concat(Object.keys(b));
    return names.every(function (name) {
      return /-TOTAL_FORMS$/.test(name) || (a[name] || "") === (b[name] || "");
    });
  }

  function isDirty() {
    return forcedDirty || !same(values(true), values(false));
  }

  // --- the draft kept in this browser -------------------------------------------------------

  function readDraft() {
    try {
      var draft = JSON.parse(window.localStorage.getItem(KEY) || "null");
      return draft && draft.values ? draft : null;
    } catch (e) { return null; }
  }

  function dropDraft() {
    try { window.localStorage.removeItem(KEY); } catch (e) { /* storage unavailable */ }
  }

  function keep() {
    if (offered || discarded) { return; }
    if (!isDirty()) { dropDraft(); return; }
    try {
      window.localStorage.setItem(KEY, JSON.stringify({ at: Date.now(), values: values(true) }));
    } catch (e) { /* full or disabled: the leave warning still guards the input */ }
  }

  // Drafts nobody came back for in two months go, whoever's they were.
  function sweep() {
    try {
      var old = Date.now() - KEEP_DAYS * 86400000;
      for (var i = window.localStorage.length - 1; i >= 0; i--) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf(PREFIX) === 0) {
          var draft = JSON.parse(window.localStorage.getItem(key) || "null");
          if (!draft || !(draft.at > old)) { window.localStorage.removeItem(key); }
        }
      }
    } catch (e) { /* storage unavailable */ }
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function when(at) {
    var d = new Date(at);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function setField(name, value) {
    var found = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
    Array.prototype.forEach.call(found, function (el) {
      var before = el.type === "checkbox" || el.type === "radio" ? el.checked : el.value;
      if (el.type === "checkbox") { el.checked = value !== ""; }
      else if (el.type === "radio") { el.checked = el.value === value; }
      else { el.value = value; }
      var after = el.type === "checkbox" || el.type === "radio" ? el.checked : el.value;
      if (before !== after) {
        el.dispatchEvent(new Event("input", { bubbles: true }));
        el.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  function restore(draft) {
    // First the rows added in the browser, then every field by its name.
    Object.keys(draft.values).forEach(function (name) {
      var match = /^(.*)-TOTAL_FORMS$/.exec(name);
      var total = match && form.querySelector('[name="' + CSS.escape(name) + '"]');
      var add = match && document.querySelector('[data-add-row="' + CSS.escape(match[1]) + '"]');
      var wanted = parseInt(draft.values[name], 10);
      for (var guard = 0; total && add && parseInt(total.value, 10) < wanted && guard < 500; guard++) {
        add.click();
      }
    });
    Object.keys(draft.values).forEach(function (name) {
      if (!/-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/.test(name)) { setField(name, draft.values[name]); }
    });
  }

  function closeBanner() {
    offered = null;
    banner.classList.add("d-none");
  }

  document.getElementById("draft-restore").addEventListener("click", function () {
    var draft = offered;
    closeBanner();
    restore(draft);
    forcedDirty = true;
    keep();
    changed();
    var first = form.querySelector("input:not([type=hidden]), textarea, select");
    if (first) { first.focus(); }
  });

  document.getElementById("draft-discard").addEventListener("click", function () {
    closeBanner();
    dropDraft();
    keep();
    changed();
  });

  // --- the state beside 保存 -----------------------------------------------------------------

  var state = document.createElement("span");
  state.id = "save-state";
  state.className = "save-state small ms-2";
  state.setAttribute("role", "status");
  var saveBar = form.querySelector(".editor-save");
  if (saveBar) { saveBar.insertBefore(state, saveBar.children[1] || null); }

  function showState() {
    var dirty = isDirty();
    form.setAttribute("data-dirty", dirty ? "true" : "false");
    var errors = form.querySelectorAll(".is-invalid, .invalid-feedback").length;
    if (unsavedPage && !changedSinceLoad) {
      state.className = "save-state small ms-2 text-danger fw-semibold";
      state.textContent = errors ? "未保存：请改正标红的栏目后再点击“保存”。" : "未保存：请核对后再点击“保存”。";
    } else if (dirty) {
      state.className = "save-state small ms-2 text-warning-emphasis fw-semibold";
      state.textContent = "有未保存的修改";
    } else if (saved) {
      state.className = "save-state small ms-2 text-success";
      state.textContent = "已保存";
    } else {
      state.textContent = "";
    }
  }

  var changedSinceLoad = false;
  var timer = null;
  function changed() {
    window.clearTimeout(timer);
    timer = null;
    keep();
    showState();
  }

  form.addEventListener("input", function (event) {
    if (event.target.form !== form) { return; } // a reply box of another form, say
    changedSinceLoad = true;
    form.setAttribute("data-dirty", "true");
    window.clearTimeout(timer);
    timer = window.setTimeout(changed, 400);
  });
  form.addEventListener("change", function (event) {
    if (event.target.form !== form) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(changed, 400);
  });

  // Written at once when the page goes away: a closed tab keeps its last keystrokes too.
  function flush() { if (timer !== null) { changed(); } }
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flush(); }
  });

  // --- leaving -------------------------------------------------------------------------------

  var submitting = false;
  form.addEventListener("submit", function () {
    flush();
    submitting = true;
  });

  window.addEventListener("beforeunload", function (event) {
    flush();
    if (!leaving && !submitting && isDirty()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  function leavesPage(link) {
    var url = new URL(link.href, window.location.href);
    var here = window.location;
    var samePage = url.origin === here.origin && url.pathname === here.pathname &&
      url.search === here.search;
    return !(samePage && url.hash);
  }

  function ask(target) {
    flush();
    pending = target;
    dialog.showModal();
  }

  function go(target) {
    leaving = true;
    if (target.href) { window.location.assign(target.href); }
    else if (target.submitter && target.submitter.form === target.form) {
      target.form.requestSubmit(target.submitter);
    } else { target.form.requestSubmit(); }
  }

  function busy(on) {
    dialog.querySelectorAll("[data-leave]").forEach(function (button) { button.disabled = on; });
    dialog.setAttribute("aria-busy", on ? "true" : "false");
  }

  // The page's form now stands for what is stored: its snapshot, its values as the baseline.
  function savedHere(page) {
    var fresh = page.querySelector('#section-form [name="snapshot"]');
    var snapshot = form.querySelector('[name="snapshot"]');
    if (fresh && snapshot) { snapshot.value = fresh.value; }
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") { el.defaultChecked = el.checked; }
      else if (el.tagName === "SELECT") {
        Array.prototype.forEach.call(el.options, function (o) { o.defaultSelected = o.selected; });
      } else { el.defaultValue = el.value; }
    });
    forcedDirty = false;
    unsavedPage = false;
    saved = true;
    dropDraft();
    showState();
  }

  // Saved in the background, so that the link or the form the clerk chose (with whatever was
  // typed in it) goes on from this very page. A save the server refuses is posted again the
  // ordinary way: the page comes back with what to correct, and the clerk stays.
  function saveThenGo(target) {
    flush();
    busy(true);
    var refused = function () {
      busy(false);
      dialog.close();
      form.requestSubmit();
    };
    window.fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          if (!response.ok || !page.querySelector("#draft-banner[data-saved]")) { refused(); return; }
          savedHere(page);
          busy(false);
          dialog.close();
          go(target);
        });
      })
      .catch(refused);
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) { return; }
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || (link.target && link.target !== "_self") || link.hasAttribute("download")) {
      return;
    }
    if (dialog.contains(link) || !leavesPage(link) || leaving || !isDirty()) { return; }
    event.preventDefault();
    ask({ href: link.href });
  });

  document.addEventListener("submit", function (event) {
    var other = event.target;
    if (other === form || event.defaultPrevented || leaving) { return; }
    // 提交审核 and the like open in a dialog that says itself that input is unsaved.
    if (other.closest("dialog")) { leaving = true; return; }
    if (!isDirty()) { return; }
    event.preventDefault();
    ask({ form: other, submitter: event.submitter || null });
  });

  dialog.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-leave]") : null;
    if (!button) { return; }
    var choice = button.getAttribute("data-leave");
    var target = pending;
    if (choice === "save" && target) {
      saveThenGo(target);
      return;
    }
    pending = null;
    dialog.close();
    if (choice === "discard" && target) {
      discarded = true;
      dropDraft();
      go(target);
    }
  });
  dialog.addEventListener("close", function () { pending = null; });
  // Escape while a save is on its way would leave the clerk unsure where they are.
  dialog.addEventListener("cancel", function (event) {
    if (dialog.getAttribute("aria-busy") === "true") { event.preventDefault(); }
  });

  // --- on opening ----------------------------------------------------------------------------

  sweep();
  if (saved) { dropDraft(); }
  var draft = readDraft();
  if (draft && !same(draft.values, values(true))) {
    offered = draft;
    var time = document.getElementById("draft-time");
    time.textContent = when(draft.at);
    time.setAttribute("datetime", new Date(draft.at).toISOString());
    banner.classList.remove("d-none");
  } else if (unsavedPage) {
    keep();
  }
  showState();

})();
