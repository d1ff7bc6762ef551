// Tables that scroll sideways (.table-scroll, see stats/_cells.html): the caption before each
// ("좌우로 밀어 더 보기") shows only while the table is wider than its region, and follows
// rotation, resizing and large-text mode.
(function () {
  "use strict";
  var regions = document.querySelectorAll(".table-scroll");
  if (!regions.length) return;
  function update(region) {
    var hint = region.previousElementSibling;
    var overflowing = region.scrollWidth > region.clientWidth + 1;
    region.classList.toggle("overflowing", overflowing);
    if (hint && hint.classList.contains("scroll-hint")) hint.hidden = !overflowing;
  }
  function updateAll() { regions.forEach(update); }
  updateAll();
  if ("ResizeObserver" in window) {
    var observer = new ResizeObserver(updateAll);
    regions.forEach(function (region) {
      observer.observe(region);
      if (region.firstElementChild) observer.observe(region.firstElementChild);
    });
  } else {
    window.addEventListener("resize", updateAll);
  }
})();
