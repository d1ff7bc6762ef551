/* Report and petition forms offline: a submit without a connection is kept on this device (with
   its photos) and listed as "saved on this device — send now"; it is sent when the connection
   returns (Background Sync, the "online" event, or the button). Needs drafts-store.js. */
(function () {
  "use strict";
  var D = window.CivicDrafts;
  var panel = document.getElementById("drafts");
  if (!D || !panel || !("indexedDB" in window)) return;
  var list = document.getElementById("drafts-list");
  var status = document.getElementById("drafts-status");
  var sendButton = document.getElementById("drafts-send");
  var t = JSON.parse(panel.getAttribute("data-texts"));

  function say(text) { status.textContent = text; }

  function render() {
    return D.list(D.currentOwner()).then(function (drafts) {
      list.textContent = "";
      drafts.forEach(function (d) {
        var li = document.createElement("li");
        var name = document.createElement("strong");
        name.textContent = (d.kind === "petition" ? t.petition : t.report) + ": " + (d.title || t.untitled);
        li.appendChild(name);
        var info = document.createElement("p");
        info.className = "small";
        info.textContent = new Date(d.saved).toLocaleString(document.documentElement.lang) +
          (d.files.length ? " · " + t.photos.replace("{n}", d.files.length) : "") +
          (d.error ? " · " + (t["error_" + d.error] || t.error_rejected) : "");
        li.appendChild(info);
        var del = document.createElement("button");
        del.type = "button";
        del.className = "secondary";
        del.textContent = t.discard;
        del.addEventListener("click", function () {
          if (window.confirm(t.confirm_discard)) D.remove(d.token).then(render);
        });
        li.appendChild(del);
        list.appendChild(li);
      });
      panel.hidden = drafts.length === 0;
      return drafts;
    });
  }

  function send() {
    if (!navigator.onLine) { say(t.still_offline); return Promise.resolve(); }
    sendButton.disabled = true;
    say(t.sending);
    return D.sendAll().then(function (r) {
      sendButton.disabled = false;
      return render().then(function (left) {
        // Another sender (the service worker's sync, another tab) may have sent them already.
        if (r.failed) say(t.still_offline);
        else if (left.length) say(t.kept);
        else say(t.sent);
      });
    });
  }

  sendButton.addEventListener("click", send);
  window.addEventListener("online", function () { render().then(function (d) { if (d.length) send(); }); });

  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var token = form.elements.client_token;
    if (token && !token.value) token.value = D.uuid();
    // The draft belongs to whoever is signed in on this page (the service worker reads it too).
    var owner = document.createElement("input");
    owner.type = "hidden";
    owner.name = "draft_owner";
    owner.value = D.currentOwner();
    form.appendChild(owner);
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) return;  // online: a normal submit (the service worker catches a failed one)
      event.preventDefault();
      D.saveFromFormData(new FormData(form), new URL(form.action, location.href).pathname)
        .then(function () {
          if (token) token.value = D.uuid();  // the next draft is a different one
          form.reset();
          return navigator.serviceWorker ? navigator.serviceWorker.ready.then(D.requestSync) : null;
        })
        .then(render)
        .then(function () { say(t.saved); panel.focus(); })
        .catch(function () { say(t.not_saved); });
    });
  });

  render().then(function (drafts) {
    if (/[?&]saved=1/.test(location.search) && drafts.length) say(t.saved);
    else if (drafts.length && navigator.onLine) send();
  });
})();
