// Suggests divisions while a user types a region code or name (from /api/v1/regions/).
(function () {
  "use strict";
  var list = document.getElementById("region-options");
  if (!list) return;
  var timer;
  document.querySelectorAll('input[list="region-options"]').forEach(function (input) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) return;
      timer = setTimeout(function () {
        fetch("/api/v1/regions/?current=true&page_size=20&q=" + encodeURIComponent(q), {
          credentials: "same-origin",
        })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            list.innerHTML = "";
            data.results.forEach(function (r) {
              var o = document.createElement("option");
              o.value = r.code;
              o.label = r.full_name;
              list.appendChild(o);
            });
          });
      }, 200);
    });
  });
})();
