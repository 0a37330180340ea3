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
  // Live session boards: when the server says something changed, fetch the page again and
  // swap in its board (the server makes the HTML, as it does without JavaScript). New cards
  // are announced politely, a few seconds' worth at a time, never one announcement per card.
  var live = document.querySelector("[data-live-events]");
  if (live && window.EventSource && window.fetch && window.DOMParser) {
    var seen = live.getAttribute("data-live-version"), busy = false, again = false, fresh = 0, announceTimer;
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
          var next = new DOMParser().parseFromString(html, "text/html").getElementById("live-board");
          var board = document.getElementById("live-board");
          if (!next || !board) { return; }
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
          clearTimeout(announceTimer);
          announceTimer = setTimeout(announce, 3000);
        })
        .catch(function () {})
        .then(function () {
          busy = false;
          if (again) { again = false; refresh(); }
        });
    }
    var events = new EventSource(live.getAttribute("data-live-events"));
    events.addEventListener("change", function (e) {
      if (seen !== null && seen !== e.data) { refresh(); }
      seen = e.data;
    });
  }
})();
