/* scrapesearch: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // "/" focuses the search box, as on most search sites.
  document.addEventListener("keydown", function (e) {
    var box = document.getElementById("q");
    var t = e.target;
    var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (e.key === "/" && box && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      box.focus();
      box.select();
    }
  });

  // The filters drawer: open in the column of a wide screen, closed above the results of a
  // narrow one (the page comes with it open, so that it works without this script), unless
  // the address points into it (a facet's "Find" or "Show more").
  var drawer = document.querySelector("details.drawer");
  if (drawer && window.matchMedia) {
    var narrow = window.matchMedia("(max-width: 52rem)");
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    drawer.open = !narrow.matches || !!(target && drawer.contains(target));
    if (narrow.addEventListener) {
      narrow.addEventListener("change", function () { drawer.open = !narrow.matches; });
    }
  }

  // Article page: step through the highlighted matches (buttons, or the n and p keys).
  var nav = document.querySelector(".match-nav");
  var marks = Array.prototype.slice.call(document.querySelectorAll(".article mark"));
  if (!nav || !marks.length) { return; }
  var pos = nav.querySelector(".match-pos");
  var current = -1;

  function go(step) {
    if (current >= 0) { marks[current].classList.remove("current"); }
    current = (current + step + marks.length) % marks.length;
    var m = marks[current];
    m.classList.add("current");
    m.scrollIntoView({ block: "center", behavior: "smooth" });
    pos.textContent = (current + 1) + " of " + marks.length;
    pos.hidden = false;
  }

  nav.hidden = false;
  pos.hidden = true;
  nav.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-step]");
    if (b) { go(parseInt(b.getAttribute("data-step"), 10)); }
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (t && /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) { return; }
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (e.key === "n") { go(1); } else if (e.key === "p") { go(-1); }
  });
}());
