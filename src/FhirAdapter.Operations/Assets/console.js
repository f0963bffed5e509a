// Live progress on the Now page: polls /now/progress once a second while the page is open, and reloads the page
// when a sync finishes, so that its report appears in the list. No framework, nothing from outside the app.
(function () {
  "use strict";
  var card = document.getElementById("sync-status");
  if (!card) { return; }
  var wasRunning = card.dataset.running === "true";
  var generation = card.dataset.generation;
  function text(id, value) { var el = document.getElementById(id); if (el) { el.textContent = value; } }
  function show(p) {
    card.classList.toggle("running", p.running);
    card.dataset.running = p.running ? "true" : "false";
    text("sync-stage", p.running ? p.stage : "No sync running.");
    if (p.running) { text("sync-trigger", "Started " + p.trigger + "."); }
    text("sync-done", p.running ? (p.total != null ? p.done + " of " + p.total : String(p.done)) : "–");
    text("sync-rate", p.rate || "–");
    text("sync-left", p.timeLeft || "–");
    var bar = document.getElementById("sync-bar");
    if (bar) { bar.style.width = (p.running && p.percent != null ? p.percent : 0) + "%"; }
    var button = document.getElementById("sync-now");
    if (button) { button.disabled = p.running; button.textContent = p.running ? "A sync is running" : "Sync now"; }
  }
  function poll() {
    fetch("/now/progress", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p) { return; }
        show(p);
        if ((wasRunning && !p.running) || (!p.running && String(p.generation) !== generation)) {
          window.location.replace(window.location.pathname); // a sync finished: show its report in the list
          return;
        }
        wasRunning = p.running;
      })
      .catch(function () { /* the service restarting: try again at the next tick */ })
      .finally(function () { window.setTimeout(poll, 1000); });
  }
  window.setTimeout(poll, 1000);
})();
