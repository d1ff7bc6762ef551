// The staff desk's keyboard: j/k or the arrow keys move through the rows, Enter opens the
// current row (its title link has the focus), x selects it for bulk assignment.
(function () {
  "use strict";
  var list = document.querySelector("[data-desk] .queue");
  if (!list) return;
  var rows = Array.prototype.slice.call(list.querySelectorAll("li[data-row]"));
  if (!rows.length) return;
  var current = -1;
  function move(index) {
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (current >= 0) rows[current].classList.remove("current");
    current = index;
    var row = rows[current];
    row.classList.add("current");
    var link = row.querySelector("a.c-title");
    if (link) link.focus();
    row.scrollIntoView({ block: "nearest" });
  }
  list.addEventListener("focusin", function (event) {
    var row = event.target.closest("li[data-row]");
    var index = rows.indexOf(row);
    if (index >= 0 && index !== current) {
      if (current >= 0) rows[current].classList.remove("current");
      current = index;
      row.classList.add("current");
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" && target.type !== "checkbox" || tag === "SELECT" || tag === "TEXTAREA" || tag === "BUTTON"
        || (target && target.isContentEditable)) return;
    var key = event.key;
    if (key === "j" || key === "ArrowDown") { move(current + 1); event.preventDefault(); }
    else if (key === "k" || key === "ArrowUp") { move(current < 0 ? 0 : current - 1); event.preventDefault(); }
    else if (key === "x" && current >= 0) {
      var box = rows[current].querySelector("input[type=checkbox]");
      if (box) { box.checked = !box.checked; event.preventDefault(); }
    }
    else if (key === "Enter" && current >= 0 && tag === "INPUT") {
      // Enter on a row's checkbox opens the row rather than submitting the bulk form.
      var link = rows[current].querySelector("a.c-title");
      if (link) { event.preventDefault(); link.click(); }
    }
  });
})();
