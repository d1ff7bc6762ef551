// Progressive enhancement only: every task works without this file.
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    });
  }
  // Move focus to an error summary so screen readers announce it after a failed submit.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
