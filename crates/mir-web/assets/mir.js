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
})();
