// The union picker (core/widgets.py UnionPicker): suggests unions of the user's scope by
// name, pinyin, initials or code while they type; choosing one puts its code in the box
// and shows its name beside it. Keyboard: arrows, Enter, Escape.
(function () {
  "use strict";
  var seq = 0;

  function search(api, q) {
    var url = api + "?page_size=10&status=active&q=" + encodeURIComponent(q);
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { return data.results || []; })
      .catch(function () { return []; });
  }

  function setup(input) {
    var api = input.getAttribute("data-api");
    var box = document.createElement("span");
    box.className = "picker";
    input.parentNode.insertBefore(box, input);
    box.appendChild(input);
    var list = document.createElement("ul");
    list.className = "picker-list";
    list.id = "picker-" + ++seq;
    list.setAttribute("role", "listbox");
    list.hidden = true;
    box.appendChild(list);
    var chosen = document.createElement("small");
    chosen.className = "picker-name";
    chosen.setAttribute("aria-live", "polite");
    box.appendChild(chosen);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    var found = [], active = -1, timer;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function mark(i) {
      active = i;
      Array.prototype.forEach.call(list.children, function (li, j) {
        li.setAttribute("aria-selected", j === i ? "true" : "false");
      });
      if (i >= 0) input.setAttribute("aria-activedescendant", list.children[i].id);
    }

    function choose(union) {
      input.value = union.code;
      chosen.textContent = union.name;
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(results) {
      found = results;
      list.innerHTML = "";
      results.forEach(function (u, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.textContent = u.name + " ";
        var small = document.createElement("small");
        small.textContent = u.code + " · " + u.kind_display;
        li.appendChild(small);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(u); });
        list.appendChild(li);
      });
      if (!results.length) {
        var none = document.createElement("li");
        none.className = "muted";
        none.textContent = input.getAttribute("data-none") || "—";
        list.appendChild(none);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      mark(results.length ? 0 : -1);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      chosen.textContent = "";
      var q = input.value.trim();
      if (!q) { close(); return; }
      timer = setTimeout(function () {
        search(api, q).then(function (results) {
          if (input.value.trim() === q) show(results);
        });
      }, 200);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown" && found.length) { e.preventDefault(); mark((active + 1) % found.length); }
      else if (e.key === "ArrowUp" && found.length) { e.preventDefault(); mark((active - 1 + found.length) % found.length); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(found[active]); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
    // A code already in the box (a filter kept in the URL): show whose it is.
    var start = input.value.trim();
    if (start) {
      search(api, start).then(function (results) {
        results.forEach(function (u) { if (u.code === start) chosen.textContent = u.name; });
      });
    }
  }

  document.querySelectorAll('input[data-picker="union"]').forEach(setup);
})();
