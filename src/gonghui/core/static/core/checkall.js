// A header box `<input type="checkbox" data-check-all="NAME">` ticks or clears every
// box named NAME on the page, so a clerk can approve a whole page of a queue at once.
(function () {
  "use strict";
  document.querySelectorAll("input[data-check-all]").forEach(function (all) {
    var name = all.getAttribute("data-check-all");
    var boxes = document.querySelectorAll('input[type=checkbox][name="' + name + '"]');
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
    });
    boxes.forEach(function (b) {
      b.addEventListener("change", function () {
        var ticked = Array.prototype.filter.call(boxes, function (x) { return x.checked; });
        all.checked = ticked.length === boxes.length;
        all.indeterminate = ticked.length > 0 && ticked.length < boxes.length;
      });
    });
  });
})();
