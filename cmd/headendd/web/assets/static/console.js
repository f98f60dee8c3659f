// The live parts of the asalab web console, without a build step: the
// lab's event stream (server-sent events) tells the page that the lab
// changed, and the parts marked hx-trigger="lab-changed from:body" reload
// themselves through htmx; the events page inserts each new row.
(function () {
  "use strict";
  function rowOf(html) {
    var t = document.createElement("template");
    t.innerHTML = html.trim();
    return t.content.firstElementChild;
  }
  function start() {
    var body = document.body;
    var labStream = body.getAttribute("data-stream");
    var rows = document.getElementById("event-rows");
    if (!window.EventSource) return;
    var timer = null, pending = false;
    function changed(ev) {
      var row = rowOf(ev.data);
      var at = row && row.querySelector('[data-col="at"]');
      var now = document.getElementById("lab-now");
      if (at && now && row.getAttribute("data-kind") === "clock") now.textContent = at.textContent;
      // At most one refresh every 1.5 s: a clock moved by a day sends
      // hundreds of events, and each refresh reads the whole fleet.
      pending = true;
      if (timer) return;
      var fire = function () {
        if (!pending) { timer = null; return; }
        pending = false;
        body.dispatchEvent(new CustomEvent("lab-changed"));
        timer = setTimeout(fire, 1500);
      };
      timer = setTimeout(fire, 300);
    }
    // A page left (or kept in the back-forward cache) closes its streams:
    // a browser holds only six connections to a host.
    var sources = [];
    window.addEventListener("pagehide", function () {
      sources.forEach(function (s) { s.close(); });
    });
    window.addEventListener("pageshow", function (ev) {
      if (ev.persisted) window.location.reload();
    });
    if (labStream) {
      var ls = new EventSource(labStream);
      sources.push(ls);
      ls.addEventListener("lab", changed);
    }
    if (rows && rows.getAttribute("data-stream")) {
      var es = new EventSource(rows.getAttribute("data-stream"));
      sources.push(es);
      var status = document.getElementById("live-status");
      es.onopen = function () { if (status) status.hidden = false; };
      es.addEventListener("lab", function (ev) {
        var row = rowOf(ev.data);
        if (!row) return;
        var none = document.getElementById("no-events");
        if (none) none.remove();
        if (rows.querySelector('tr[data-seq="' + row.getAttribute("data-seq") + '"]')) return;
        rows.insertBefore(row, rows.firstChild);
        while (rows.children.length > 500) rows.removeChild(rows.lastChild);
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
