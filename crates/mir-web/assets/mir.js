// mir enhancements. Everything works without this file; it only adds conveniences.
(function () {
  "use strict";
  // Move focus to the error summary so screen reader and keyboard users hear it first.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
  // Character count for textareas with data-maxlength, announced politely to screen readers.
  document.querySelectorAll("textarea[data-maxlength]").forEach(function (textarea) {
    var max = parseInt(textarea.getAttribute("data-maxlength"), 10);
    var message = document.getElementById(textarea.id + "-count");
    if (!max || !message) { return; }
    var timer;
    function update() {
      var left = max - textarea.value.length;
      message.textContent = left >= 0
        ? "You have " + left + " character" + (left === 1 ? "" : "s") + " remaining"
        : "You have " + -left + " character" + (left === -1 ? "" : "s") + " too many";
    }
    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 400);
    });
    update();
  });
  // On a phone the menu is one row that scrolls sideways: start it at the current page.
  var nav = document.querySelector(".nav");
  var current = nav && nav.querySelector("[aria-current='page']");
  if (current && nav.scrollWidth > nav.clientWidth) {
    nav.scrollLeft += current.getBoundingClientRect().left - nav.getBoundingClientRect().left - 16;
  }
  // The map names the council under the pointer or keyboard focus (each link also has a
  // tooltip and an accessible name, so this is only for sighted people on touch or keyboard).
  var label = document.getElementById("map-label");
  document.querySelectorAll(".national-map a").forEach(function (link) {
    function show() { if (label) { label.textContent = link.getAttribute("aria-label"); } }
    link.addEventListener("focus", show);
    link.addEventListener("mouseover", show);
  });
  // The facilitator may drag a card onto a group, or back to the columns; the "move to group"
  // control does the same by keyboard and without JavaScript, and is what a drop sends.
  function dropZone(el) { return el && el.closest ? el.closest(".live-group, .live-column") : null; }
  document.addEventListener("dragstart", function (e) {
    var card = e.target.closest && e.target.closest(".live-card[draggable=true]");
    if (!card) { return; }
    e.dataTransfer.setData("text/plain", card.getAttribute("data-card"));
    e.dataTransfer.effectAllowed = "move";
  });
  document.addEventListener("dragover", function (e) {
    var zone = dropZone(e.target);
    if (zone && document.querySelector(".live-card[draggable=true]")) {
      e.preventDefault();
      zone.classList.add("live-drop");
    }
  });
  document.addEventListener("dragleave", function (e) {
    var zone = dropZone(e.target);
    if (zone && !zone.contains(e.relatedTarget)) { zone.classList.remove("live-drop"); }
  });
  document.addEventListener("drop", function (e) {
    var zone = dropZone(e.target);
    if (!zone) { return; }
    e.preventDefault();
    zone.classList.remove("live-drop");
    var card = document.querySelector('.live-card[draggable=true][data-card="' + e.dataTransfer.getData("text/plain") + '"]');
    var select = card && card.querySelector("select[name=group]");
    var group = zone.classList.contains("live-group") ? zone.id.slice(1) : "";
    if (!select || select.value === group) { return; }
    var was = select.value;
    select.value = group;
    // A group this board does not list yet (made since it was fetched): nothing is sent.
    if (select.value !== group) { select.value = was; return; }
    select.form.submit();
  });
  // Live session boards. The stream either carries what changed (new cards as HTML made by
  // the server, moves, cards taken back, dot counts), put in place here, or says "something
  // changed", and the page fetches its board again and swaps it in. New cards are announced
  // politely, a few seconds' worth at a time, never one announcement per card.
  var live = document.querySelector("[data-live-events]");
  if (live && window.EventSource && window.fetch && window.DOMParser) {
    var seen = Number(live.getAttribute("data-live-version")), busy = false, again = false, fresh = 0, announceTimer;
    var rankingUrl = live.getAttribute("data-live-ranking"), rankingTimer = null, rankingAt = 0;
    var announcer = document.getElementById("live-announce");
    function cardIds(root) {
      var ids = {};
      root.querySelectorAll("[data-card]").forEach(function (c) { ids[c.getAttribute("data-card")] = true; });
      return ids;
    }
    function announce() {
      if (announcer && fresh > 0) {
        announcer.textContent = fresh === 1 ? "1 new card on the board" : fresh + " new cards on the board";
      }
      fresh = 0;
    }
    // At most one announcement every 3 seconds, even in a room where changes never pause.
    function announceSoon() {
      if (announceTimer) { return; }
      announceTimer = setTimeout(function () {
        announceTimer = null;
        announce();
      }, 3000);
    }
    // Someone typing a reason, choosing a group or with a box open in the board keeps what
    // they are doing: the board waits, and a button offers the new cards when they are ready.
    function editing() {
      var board = document.getElementById("live-board");
      var focused = document.activeElement;
      return board && (board.querySelector("details[open]") ||
        (focused && board.contains(focused) && /^(INPUT|SELECT|TEXTAREA)$/.test(focused.tagName)));
    }
    var later = null;
    function offerLater() {
      if (later) { return; }
      later = document.createElement("button");
      later.type = "button";
      later.className = "button button--secondary";
      later.textContent = "There is something new on the board: show it";
      later.addEventListener("click", function () {
        later.remove();
        later = null;
        refresh(true);
      });
      live.insertBefore(later, live.firstChild);
    }
    function refresh(asked) {
      if (!asked && editing()) { offerLater(); return; }
      if (later) { later.remove(); later = null; }
      if (busy) { again = true; return; }
      busy = true;
      fetch(window.location.pathname, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (!html) { return; }
          var page = new DOMParser().parseFromString(html, "text/html");
          var next = page.getElementById("live-board");
          var board = document.getElementById("live-board");
          if (!next || !board) { return; }
          var holder = page.querySelector("[data-live-version]");
          if (holder) { seen = Number(holder.getAttribute("data-live-version")); }
          var before = cardIds(board), after = cardIds(next);
          Object.keys(after).forEach(function (id) { if (!before[id]) { fresh += 1; } });
          // Keep keyboard focus where it was: the same control in the new board.
          var focused = document.activeElement, key = null;
          if (focused && board.contains(focused)) {
            var form = focused.closest("form");
            key = focused.id || (form && form.getAttribute("action") + "|" + (form.querySelector("[name=target]") || {}).value);
          }
          board.replaceWith(next);
          if (key) {
            var match = next.querySelector("#" + CSS.escape(key));
            if (!match) {
              next.querySelectorAll("form").forEach(function (f) {
                var t = f.querySelector("[name=target]");
                if (!match && f.getAttribute("action") + "|" + (t || {}).value === key) { match = f.querySelector("button, select"); }
              });
            }
            if (match) { match.focus(); }
          }
          announceSoon();
        })
        .catch(function () {})
        .then(function () {
          busy = false;
          if (again) { again = false; refresh(); }
        });
    }
    // Where a card lives: its group's list, or its kind's column.
    function listFor(board, kind, group) {
      var home = group ? board.querySelector("#g" + group) : board.querySelector("#live-column-" + kind);
      return home && home.querySelector("[data-cards]");
    }
    // A list's count and its "no cards yet" line, after cards came or went.
    function tidy(list) {
      var home = list.parentElement, n = list.children.length;
      var empty = home.querySelector(":scope > [data-empty]");
      if (empty) { empty.hidden = n > 0; }
      var count = home.querySelector("[data-count]");
      if (count) { count.textContent = "(" + n + ")"; }
    }
    // Puts a change in place; false when the board must be fetched again instead.
    function apply(d) {
      var board = document.getElementById("live-board");
      if (!board || d.from !== seen) { return false; }
      var card = function (id) { return board.querySelector('[data-card="' + id + '"]'); };
      // A card taken back with this person's dot on it gives the dot back: the page says so.
      if (d.removed.some(function (id) { var c = card(id); return c && c.hasAttribute("data-my-dot"); })) { return false; }
      if (d.moved.some(function (m) { return card(m[0]) && !listFor(board, "", m[1] || null) && m[1]; })) { return false; }
      var focused = document.activeElement;
      var token = (document.querySelector("input[name=csrf_token]") || {}).value || "";
      var noneLeft = board.getAttribute("data-dots-left") === "0";
      d.added.forEach(function (a) {
        var list = listFor(board, a.kind, a.group);
        if (card(a.id) || !list) { return; }
        var holder = document.createElement("ul");
        holder.innerHTML = a.html;
        var item = holder.firstElementChild;
        if (!item) { return; }
        item.querySelectorAll("input[name=csrf_token]").forEach(function (i) { i.value = token; });
        if (noneLeft) {
          item.querySelectorAll("button.live-dot-button").forEach(function (b) { b.disabled = true; b.setAttribute("aria-disabled", "true"); });
        }
        list.appendChild(item);
        tidy(list);
        fresh += 1;
      });
      d.moved.forEach(function (m) {
        var item = card(m[0]);
        var list = item && listFor(board, item.getAttribute("data-kind"), m[1]);
        if (!list || item.parentElement === list) { return; }
        var from = item.parentElement;
        list.appendChild(item);
        tidy(from);
        tidy(list);
      });
      d.removed.forEach(function (id) {
        var item = card(id);
        if (!item) { return; }
        var from = item.parentElement;
        item.remove();
        tidy(from);
      });
      Object.keys(d.dots).forEach(function (key) {
        var home = key.charAt(0) === "c" ? card(key.slice(1)) : board.querySelector("#" + key);
        var count = home && home.querySelector("[data-dots]");
        if (count) { count.textContent = d.dots[key]; }
      });
      var counts = board.querySelector("[data-live-counts]");
      if (counts) { counts.textContent = d.counts; }
      if (focused && document.activeElement !== focused && document.contains(focused)) { focused.focus(); }
      seen = d.version;
      if (d.reranks || d.added.length) { rankingSoon(); }
      announceSoon();
      return true;
    }
    // The ranking (not anyone's own) is fetched alone, at most every five seconds.
    function rankingSoon() {
      if (!rankingUrl || rankingTimer) { return; }
      rankingTimer = setTimeout(function () {
        rankingTimer = null;
        var shown = document.getElementById("live-ranking");
        if (shown && shown.contains(document.activeElement)) { rankingSoon(); return; }
        rankingAt = Date.now();
        fetch(rankingUrl, { credentials: "same-origin", headers: { "Accept": "text/html" } })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) {
            var next = html && new DOMParser().parseFromString(html, "text/html").getElementById("live-ranking");
            var now = document.getElementById("live-ranking");
            if (next && now && !now.contains(document.activeElement)) { now.replaceWith(next); }
          })
          .catch(function () {});
      }, Math.max(0, rankingAt + 5000 - Date.now()));
    }
    var events = new EventSource(live.getAttribute("data-live-events"));
    events.addEventListener("change", function (e) {
      if (Number(e.data) > seen) { refresh(); }
    });
    events.addEventListener("delta", function (e) {
      var d;
      try { d = JSON.parse(e.data); } catch (x) { refresh(); return; }
      if (d.version <= seen && !busy) { return; }
      if (busy || !apply(d)) { refresh(); }
    });
  }
})();
