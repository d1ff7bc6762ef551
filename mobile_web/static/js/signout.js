/* Signing out on a device that keeps unsent drafts of this account (offline reports and
   petitions): ask whether to keep them on the device (sent after this account signs in again,
   never by anyone else) or delete them, before the sign-out form is sent. Needs drafts-store.js.
   Without JavaScript or IndexedDB the form simply signs out and the drafts stay. */
(function () {
  "use strict";
  var D = window.CivicDrafts;
  var dialog = document.getElementById("signout-drafts");
  if (!D || !dialog || !("indexedDB" in window) || typeof dialog.showModal !== "function") return;
  var text = document.getElementById("signout-drafts-text");
  var pending = null;

  function proceed(form) {
    form.setAttribute("data-confirmed", "1");
    form.submit();  // (no submit event: not asked twice)
  }

  dialog.addEventListener("click", function (event) {
    var choice = event.target.getAttribute && event.target.getAttribute("data-choice");
    if (!choice || !pending) return;
    var form = pending.form, owner = pending.owner;
    pending = null;
    dialog.close();
    if (choice === "keep") proceed(form);
    else if (choice === "discard") D.discardAll(owner).then(function () { proceed(form); }, function () { proceed(form); });
  });
  dialog.addEventListener("close", function () { pending = null; });

  document.querySelectorAll("form[data-signout]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-confirmed")) return;
      event.preventDefault();
      var owner = D.currentOwner();
      D.list(owner).then(function (drafts) {
        if (!owner || !drafts.length) return proceed(form);
        text.textContent = text.getAttribute("data-template").replace("{n}", drafts.length);
        pending = { form: form, owner: owner };
        dialog.showModal();
      }, function () { proceed(form); });
    });
  });
})();
