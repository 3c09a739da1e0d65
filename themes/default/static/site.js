/* infoint-site: a little plain JavaScript. The pages work without it; with it,
   dashboards re-sort to the reader's own date, tables sort and filter, and search
   runs in the browser. Nothing here makes a network request. */
(function () {
  "use strict";

  function isoDay(date) {
    var m = String(date.getMonth() + 1).padStart(2, "0");
    var d = String(date.getDate()).padStart(2, "0");
    return date.getFullYear() + "-" + m + "-" + d;
  }

  function addDays(iso, days) {
    var parts = iso.split("-").map(Number);
    var date = new Date(parts[0], parts[1] - 1, parts[2] + days);
    return isoDay(date);
  }

  function statusFor(due, today, soonDays) {
    if (due < today) return "overdue";
    if (due === today) return "today";
    if (due <= addDays(today, soonDays)) return "soon";
    return "later";
  }

  /* Follow-up boards: due dates are in the page; the reader's date decides the groups. */
  function resortBoards() {
    var body = document.body;
    var built = body.dataset.today;
    var soonDays = parseInt(body.dataset.soonDays || "7", 10);
    var today = isoDay(new Date());
    document.querySelectorAll("[data-resort]").forEach(function (board) {
      var groups = {};
      board.querySelectorAll(".fu-group[data-status]").forEach(function (g) {
        groups[g.dataset.status] = g;
      });
      var items = Array.prototype.slice.call(
        board.querySelectorAll('.fu-group[data-status] .follow-up[data-done="0"]'));
      items.sort(function (a, b) {
        return a.dataset.key < b.dataset.key ? -1 : a.dataset.key > b.dataset.key ? 1 : 0;
      });
      items.forEach(function (item) {
        var status = statusFor(item.dataset.due, today, soonDays);
        var badge = item.querySelector(".fu-status");
        if (badge) {
          badge.textContent = status;
          badge.className = "badge fu-status status-" + status;
        }
        groups[status].querySelector(".fu-list").appendChild(item);
      });
      Object.keys(groups).forEach(function (status) {
        var group = groups[status];
        var n = group.querySelectorAll(".follow-up").length + parseInt(group.dataset.hidden || "0", 10);
        group.querySelector(".count").textContent = String(n);
        var empty = group.querySelector(".empty");
        if (empty) empty.hidden = n > 0;
      });
      var headline = document.querySelector("[data-overdue-count]");
      if (headline && groups.overdue) {
        var overdue = groups.overdue.querySelectorAll(".follow-up").length +
          parseInt(groups.overdue.dataset.hidden || "0", 10);
        headline.querySelector("dd").textContent = String(overdue);
        headline.classList.toggle("alert", overdue > 0);
      }
      var note = board.querySelector(".resort-note");
      if (note && today !== built) {
        note.hidden = false;
        note.textContent = "Built for " + built + "; sorted for your date, " + today + ".";
      }
    });
  }

  /* Sortable, filterable tables. */
  function setupTable(table) {
    var tbody = table.tBodies[0];
    table.querySelectorAll("th button[data-sort]").forEach(function (button) {
      button.addEventListener("click", function () {
        var th = button.parentElement;
        var key = button.dataset.sort;
        var numeric = button.dataset.type === "number";
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(tbody.rows);
        rows.sort(function (a, b) {
          var x = a.dataset[key] || "", y = b.dataset[key] || "";
          var c = numeric ? Number(x) - Number(y) : x.localeCompare(y, undefined, {sensitivity: "base"});
          return ascending ? c : -c;
        });
        rows.forEach(function (row) { tbody.appendChild(row); });
      });
    });
  }

  function setupFilters(form) {
    var table = document.getElementById(form.dataset.filterTable);
    if (!table) return;
    var output = form.querySelector("output");
    function apply() {
      var text = form.elements.text.value.trim().toLowerCase();
      var status = form.elements.status.value;
      var tag = form.elements.tag.value;
      var company = form.elements.company.value;
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var d = row.dataset;
        var ok = (!status || d.status === status) &&
          (!tag || d.tags.split("|").indexOf(tag) >= 0) &&
          (!company || d.company === company) &&
          (!text || (d.name + " " + d.role + " " + d.company + " " + d.tags).toLowerCase().indexOf(text) >= 0);
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (output) output.textContent = shown + " shown";
    }
    form.addEventListener("input", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    var match = /status=([a-z-]+)/.exec(location.hash);
    if (match) form.elements.status.value = match[1];
    apply();
  }

  /* Search: the index is a data block inside the search page, so it works offline,
     from disk, and encrypted with the page. */
  function setupSearch(form) {
    var input = form.querySelector("input");
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    var base = document.body.dataset.base || "";
    var params = new URLSearchParams(location.search);
    if (params.get("q")) input.value = params.get("q");

    function highlight(text, words) {
      var frag = document.createDocumentFragment();
      var lower = text.toLowerCase(), i = 0;
      while (i < text.length) {
        var next = -1, len = 0;
        words.forEach(function (w) {
          var at = lower.indexOf(w, i);
          if (at >= 0 && (next < 0 || at < next)) { next = at; len = w.length; }
        });
        if (next < 0) { frag.appendChild(document.createTextNode(text.slice(i))); break; }
        frag.appendChild(document.createTextNode(text.slice(i, next)));
        var mark = document.createElement("mark");
        mark.textContent = text.slice(next, next + len);
        frag.appendChild(mark);
        i = next + len;
      }
      return frag;
    }

    function snippet(text, word) {
      var at = text.toLowerCase().indexOf(word);
      if (at < 0) return "";
      var start = Math.max(0, at - 60);
      return (start ? "…" : "") + text.slice(start, at + 100) + "…";
    }

    var data = document.getElementById("search-index");
    var index = data ? JSON.parse(data.textContent) : [];

    function run() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      list.textContent = "";
      if (!words.length) { status.textContent = "Type to search."; return; }
      var hits = index.filter(function (e) {
        var hay = (e.t + " " + e.s + " " + e.x).toLowerCase();
        return words.every(function (w) { return hay.indexOf(w) >= 0; });
      });
      hits.sort(function (a, b) {
        var an = a.t.toLowerCase().indexOf(words[0]) >= 0 ? 0 : 1;
        var bn = b.t.toLowerCase().indexOf(words[0]) >= 0 ? 0 : 1;
        return an - bn || a.t.localeCompare(b.t);
      });
      status.textContent = hits.length + (hits.length === 1 ? " result" : " results");
      hits.slice(0, 100).forEach(function (e) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = base + e.u;
        a.appendChild(highlight(e.t, words));
        li.appendChild(a);
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = e.k;
        li.appendChild(kind);
        var p = document.createElement("p");
        var context = e.s + (e.t.toLowerCase().indexOf(words[0]) < 0 ? " " + snippet(e.x, words[0]) : "");
        p.appendChild(highlight(context, words));
        li.appendChild(p);
        list.appendChild(li);
      });
    }
    input.addEventListener("input", run);
    form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
    run();
  }

  function ready() {
    resortBoards();
    document.querySelectorAll("table.sortable").forEach(setupTable);
    document.querySelectorAll("form[data-filter-table]").forEach(setupFilters);
    document.querySelectorAll("form[data-search]").forEach(setupSearch);
    document.querySelectorAll("[data-lock]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        sessionStorage.removeItem("infoint-site-key");  // the key, never the password
        location.reload();
      });
    });
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
