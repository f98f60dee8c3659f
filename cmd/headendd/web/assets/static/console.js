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
    // The stream's last message says the lab was deleted or the daemon
    // stopped; a stream that fails for good (a 404 on reconnecting) says
    // as much: the page stops looking live and says why.
    var banner = document.getElementById("lab-gone");
    function gone(text) {
      sources.forEach(function (s) { s.close(); });
      if (timer) { clearTimeout(timer); timer = null; }
      pending = false;
      body.setAttribute("data-live", "gone");
      var st = document.getElementById("live-status");
      if (st) st.hidden = true;
      if (banner) { banner.textContent = text + " This page no longer updates."; banner.hidden = false; }
    }
    function watch(es) {
      sources.push(es);
      // data-live: "open" once a stream is, "gone" once it ended for good.
      es.addEventListener("open", function () { if (body.getAttribute("data-live") !== "gone") body.setAttribute("data-live", "open"); });
      es.addEventListener("gone", function (ev) { gone(ev.data); });
      es.addEventListener("error", function () {
        if (es.readyState === EventSource.CLOSED) gone("The live updates stopped (the lab or the daemon is gone).");
      });
    }
    // htmx swaps no error response: the part that asked shows the error.
    body.addEventListener("htmx:responseError", function (ev) {
      var xhr = ev.detail.xhr, target = ev.detail.target;
      if (!target || !xhr) return;
      var msg = document.createElement("p");
      msg.className = "error";
      msg.setAttribute("role", "alert");
      var text = xhr.statusText;
      if (xhr.responseText) {
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var main = doc.querySelector("main") || doc.body;
        text = (main ? main.textContent : xhr.responseText).replace(/\s+/g, " ").trim() || text;
      }
      msg.textContent = "Error " + xhr.status + ": " + text;
      target.replaceChildren(msg);
    });
    if (labStream) {
      var ls = new EventSource(labStream);
      watch(ls);
      ls.addEventListener("lab", changed);
    }
    if (rows && rows.getAttribute("data-stream")) {
      var es = new EventSource(rows.getAttribute("data-stream"));
      watch(es);
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
