// The top menu's groups open on hover and keyboard focus (CSS); this opens them on a tap
// or click too, for phones, and closes an open group on Escape or a click elsewhere.
(function () {
  "use strict";
  var groups = document.querySelectorAll(".menu .group");
  function close(except) {
    groups.forEach(function (g) {
      if (g !== except) {
        g.classList.remove("open");
        g.querySelector("button").setAttribute("aria-expanded", "false");
      }
    });
  }
  groups.forEach(function (group) {
    var button = group.querySelector("button");
    button.addEventListener("click", function (e) {
      e.stopPropagation();
      var open = !group.classList.contains("open");
      close(group);
      group.classList.toggle("open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
  document.addEventListener("click", function () { close(null); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") close(null); });
})();
