/* infoint-site serve: reload this tab when its page changes; show build problems. */
(function () {
  "use strict";
  var me = document.currentScript;
  var page = me.dataset.page, epoch = me.dataset.epoch;
  var overlay = null;

  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function show(problems) {
    hide();
    overlay = document.createElement("div");
    overlay.id = "infoint-overlay";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:auto 12px 12px 12px;max-height:60vh;" +
      "overflow:auto;z-index:2147483647;background:#2b0d0d;color:#ffe9e9;" +
      "font:13px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:14px 16px;" +
      "border-radius:10px;box-shadow:0 6px 30px rgba(0,0,0,.45);border:2px solid #ff6b6b";
    var title = document.createElement("strong");
    title.textContent = "The journal has problems: this is the last good build. Fix them and save.";
    overlay.appendChild(title);
    var list = document.createElement("ul");
    list.style.cssText = "margin:8px 0 0;padding-left:18px";
    problems.forEach(function (p) {
      var li = document.createElement("li");
      li.textContent = p;
      list.appendChild(li);
    });
    overlay.appendChild(list);
    document.body.appendChild(overlay);
  }

  var source = new EventSource("/__infoint/events?page=" + encodeURIComponent(page) +
    "&epoch=" + encodeURIComponent(epoch));
  source.addEventListener("reload", function () { source.close(); location.reload(); });
  source.addEventListener("problems", function (e) { show(JSON.parse(e.data)); });
  source.addEventListener("ok", hide);
})();
