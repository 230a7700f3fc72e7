// The union tree: a node's children are fetched from the API only when it is opened,
// so a province of 140,000 unions never loads more than one level at a time.
(function () {
  "use strict";
  var tree = document.getElementById("union-tree");
  if (!tree) return;
  var api = tree.dataset.api;
  var text = JSON.parse(document.getElementById("tree-text").textContent);

  function node(u) {
    var li = document.createElement("li");
    li.dataset.id = u.id;
    if (u.child_count) {
      var b = document.createElement("button");
      b.className = "toggle";
      b.setAttribute("aria-expanded", "false");
      b.textContent = "▸";
      li.appendChild(b);
    } else {
      var s = document.createElement("span");
      s.className = "leaf";
      s.textContent = "·";
      li.appendChild(s);
    }
    var a = document.createElement("a");
    a.href = "/unions/" + u.id + "/";
    a.textContent = u.name;
    li.appendChild(a);
    var small = document.createElement("small");
    var parts = [u.code, u.kind_display];
    if (u.child_count) parts.push(u.child_count + " " + text.below);
    if (u.status !== "active") parts.push(u.status_display);
    small.textContent = " " + parts.join(" · ");
    li.appendChild(small);
    return li;
  }

  function load(ul, url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        data.results.forEach(function (u) { ul.appendChild(node(u)); });
        if (data.next) {
          var more = document.createElement("li");
          var b = document.createElement("button");
          b.className = "more";
          b.textContent = text.more;
          b.addEventListener("click", function () { more.remove(); load(ul, data.next); });
          more.appendChild(b);
          ul.appendChild(more);
        }
      })
      .catch(function () {
        var err = document.createElement("li");
        err.className = "error";
        err.textContent = text.failed;
        ul.appendChild(err);
      });
  }

  tree.addEventListener("click", function (e) {
    var b = e.target.closest("button.toggle");
    if (!b) return;
    var li = b.parentElement;
    var open = b.getAttribute("aria-expanded") === "true";
    var ul = li.querySelector(":scope > ul");
    if (open) {
      ul.hidden = true;
    } else if (ul) {
      ul.hidden = false;
    } else {
      ul = document.createElement("ul");
      li.appendChild(ul);
      load(ul, api + li.dataset.id + "/children/?page_size=200");
    }
    b.setAttribute("aria-expanded", String(!open));
    b.textContent = open ? "▸" : "▾";
  });
})();
