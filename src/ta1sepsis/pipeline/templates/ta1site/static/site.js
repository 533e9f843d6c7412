/* The site's only script (no network): folding navigation on narrow screens, table tools
   (CSV download, sort, filter, sticky headers, one card per row on a phone), figures enlarged
   in place, and the offline search. Every page reads fully without it. */
(function () {
  "use strict";

  function text(cell) { return cell.textContent.replace(/\s+/g, " ").trim(); }

  // navigation: the "Pages" button shows the list of pages on narrow screens
  function navigation() {
    var button = document.querySelector(".menu-button");
    if (button) {
      button.addEventListener("click", function () {
        var open = document.body.classList.toggle("nav-open");
        button.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    var toc = document.querySelector(".toc");
    var heading = toc && toc.querySelector("h2");
    if (heading) {
      heading.setAttribute("role", "button");
      heading.setAttribute("tabindex", "0");
      var toggle = function () { toc.classList.toggle("open"); };
      heading.addEventListener("click", toggle);
      heading.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(); }
      });
    }
  }

  function headerNames(table) {
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    return head ? Array.prototype.map.call(head.cells, text) : [];
  }

  function csvOf(table) {
    var quote = function (v) { return /[",\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v; };
    return Array.prototype.map.call(table.rows, function (row) {
      return Array.prototype.map.call(row.cells, function (c) { return quote(text(c)); }).join(",");
    }).join("\n") + "\n";
  }

  function tableName(table, n) {
    var page = (document.body.getAttribute("data-page") || "page").replace(/[^A-Za-z0-9_]+/g, "_");
    return page + "_table_" + n + ".csv";
  }

  function tools(table, n) {
    var wrap = table.closest(".ta1-table-wrap") || table;
    var bar = document.createElement("div");
    bar.className = "table-tools";
    var download = document.createElement("button");
    download.type = "button";
    download.textContent = "Download this table (CSV)";
    download.addEventListener("click", function () {
      var blob = new Blob([csvOf(table)], { type: "text/csv;charset=utf-8" });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = tableName(table, n);
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
    bar.appendChild(download);
    var body = table.tBodies[0];
    if (body && body.rows.length > 15) {
      var filter = document.createElement("input");
      filter.type = "search";
      filter.placeholder = "Filter rows";
      filter.setAttribute("aria-label", "Filter the rows of this table");
      filter.addEventListener("input", function () {
        var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
        Array.prototype.forEach.call(body.rows, function (row) {
          var t = row.textContent.toLowerCase();
          row.hidden = !words.every(function (w) { return t.indexOf(w) >= 0; });
        });
      });
      bar.appendChild(filter);
      wrap.classList.add("long-table");
      sortable(table);
    }
    wrap.parentNode.insertBefore(bar, wrap);
  }

  function sortable(table) {
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) { return; }
    Array.prototype.forEach.call(head.cells, function (th, column) {
      th.setAttribute("aria-sort", "none");
      th.setAttribute("title", "sort by this column");
      th.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(head.cells, function (c) { c.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (row) {
          var v = row.cells[column] ? text(row.cells[column]) : "";
          var n = parseFloat(v.replace(/[−–]/g, "-").replace(/,/g, ""));
          return isNaN(n) ? v.toLowerCase() : n;
        };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          if (typeof x !== typeof y) { x = String(x); y = String(y); }
          return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function tables() {
    var all = document.querySelectorAll("main table");
    Array.prototype.forEach.call(all, function (table, i) {
      if (!table.classList.contains("ta1-table")) { table.classList.add("ta1-table"); }
      var names = headerNames(table);
      if (names.length >= 5) { table.classList.add("fit"); }
      if (names.length >= 3) {
        table.classList.add("stack");
        Array.prototype.forEach.call(table.tBodies, function (body) {
          Array.prototype.forEach.call(body.rows, function (row) {
            Array.prototype.forEach.call(row.cells, function (cell, j) {
              if (names[j] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", names[j]); }
            });
          });
        });
      }
      if (!table.closest("section.parameters")) { tools(table, i + 1); }
    });
  }

  function figures() {
    Array.prototype.forEach.call(document.querySelectorAll("a.figure"), function (link) {
      link.addEventListener("click", function (e) {
        e.preventDefault();
        var box = document.createElement("div");
        box.className = "lightbox";
        box.setAttribute("role", "dialog");
        box.setAttribute("aria-label", "enlarged figure (Escape or click to close)");
        var img = document.createElement("img");
        img.src = link.getAttribute("href");
        var small = link.querySelector("img");
        img.alt = small ? small.alt : "";
        box.appendChild(img);
        var close = function () { box.remove(); document.removeEventListener("keydown", onKey); link.focus(); };
        var onKey = function (k) { if (k.key === "Escape") { close(); } };
        box.addEventListener("click", close);
        document.addEventListener("keydown", onKey);
        document.body.appendChild(box);
      });
    });
  }

  function search() {
    var input = document.getElementById("search-q");
    if (!input || !window.TA1_SEARCH) { return; }
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var run = function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      list.innerHTML = "";
      if (!words.length) { status.textContent = "Type words to find them in every page."; return; }
      var hits = window.TA1_SEARCH.filter(function (r) {
        var t = (r.title + " " + r.text).toLowerCase();
        return words.every(function (w) { return t.indexOf(w) >= 0; });
      });
      status.textContent = hits.length + (hits.length === 1 ? " page contains " : " pages contain ") +
        "every word.";
      hits.forEach(function (r) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        var target = r.href;
        var heading = r.headings.filter(function (h) { return h.text.toLowerCase().indexOf(words[0]) >= 0; })[0];
        if (heading) { target += "#" + heading.id; }
        a.href = target;
        a.textContent = r.title + (heading ? " › " + heading.text : "");
        var at = r.text.toLowerCase().indexOf(words[0]);
        var snippet = document.createElement("div");
        snippet.className = "snippet";
        snippet.textContent = "…" + r.text.slice(Math.max(0, at - 80), at + 160) + "…";
        li.appendChild(a);
        li.appendChild(snippet);
        list.appendChild(li);
      });
    };
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) { input.value = q; }
    input.addEventListener("input", run);
    run();
  }

  document.addEventListener("DOMContentLoaded", function () {
    navigation();
    tables();
    figures();
    search();
  });
})();
