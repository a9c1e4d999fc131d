// Live activity: new requests arrive as server-sent events and are put at
// the top of the table. Every value is set as text, never as HTML.
(function () {
  "use strict";
  var live = document.getElementById("live");
  var body = document.querySelector("#activity tbody");
  if (!live || !body || !window.EventSource) return;
  var prefix = live.dataset.events.split("/activity/events")[0];
  live.textContent = "Newest first, updating live.";
  function cell(tr, text, href, cls) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    if (href && text) {
      var a = document.createElement("a");
      a.href = href;
      a.textContent = text;
      td.appendChild(a);
    } else {
      td.textContent = text || "";
    }
    tr.appendChild(td);
    return td;
  }
  var es = new EventSource(live.dataset.events);
  // EventSource stops for good on an answer that is not a stream, as
  // idpool's 503 when too many streams are open; it retries otherwise.
  es.onerror = function () {
    if (es.readyState === EventSource.CLOSED) live.textContent = "Newest first; live updates stopped (idpool refused the stream: too many are open). Reload for new requests.";
  };
  es.onmessage = function (ev) {
    var e = JSON.parse(ev.data);
    var tr = document.createElement("tr");
    if (e.status >= 400) tr.className = "refused";
    // As the server renders times: UTC, to the second, "Z".
    cell(tr, new Date(e.time).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z"));
    cell(tr, e.operation);
    cell(tr, e.pool, e.pool && prefix + "/pools/" + encodeURIComponent(e.pool), "mono");
    cell(tr, e.identity, e.identity && prefix + "/identities/" + encodeURIComponent(e.identity), "mono");
    cell(tr, String(e.status));
    var why = cell(tr, "");
    if (e.code) {
      var b = document.createElement("b");
      b.className = "code";
      b.textContent = e.code;
      why.appendChild(b);
    }
    why.appendChild(document.createTextNode(" " + (e.message || "")));
    if (e.reason) {
      var r = document.createElement("div");
      r.className = "reason";
      r.textContent = e.reason;
      why.appendChild(r);
    }
    if (e.cause) why.appendChild(document.createTextNode(" (" + e.cause + ")"));
    body.insertBefore(tr, body.firstChild);
    while (body.rows.length > 500) body.deleteRow(body.rows.length - 1);
  };
})();
