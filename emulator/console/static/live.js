// Live activity: new requests arrive as server-sent events and are put at
// the top of the table. Every value is set as text, never as HTML.
//
// New rows move what a reader is reading down (WCAG 2.2.2): a button
// pauses the updates, and while they are paused, or while keyboard focus
// is inside the table, new requests wait in a queue that #live counts,
// with a button that shows them. Once some wait, later ones wait behind
// them, so that the table stays newest first.
(function () {
  "use strict";
  var live = document.getElementById("live");
  var table = document.getElementById("activity");
  var body = table && table.tBodies[0];
  if (!live || !body || !window.EventSource) return;
  var prefix = live.dataset.events.split("/activity/events")[0];
  // The table shows at most max rows; the queue holds at most as many.
  var max = 500;
  var paused = false, stopped = false, queue = [], waiting = 0;

  // #live says what the updates do; its text and its button are kept
  // (only the text changes), so that a focused button keeps its focus.
  var text = document.createTextNode("");
  var show = document.createElement("button");
  show.type = "button";
  show.id = "show-new";
  show.textContent = "show them";
  show.hidden = true;
  live.textContent = "";
  live.appendChild(text);
  live.appendChild(show);
  var pause = document.createElement("button");
  pause.type = "button";
  pause.id = "pause";
  pause.textContent = "Pause live updates";
  pause.setAttribute("aria-pressed", "false");
  live.parentNode.insertBefore(pause, live.nextSibling);

  function say() {
    var s = stopped ? "Newest first; live updates stopped (idpool refused the stream: too many are open). Reload for new requests."
      : paused ? "Newest first; live updates paused."
      : "Newest first, updating live.";
    if (waiting > 0) s += " " + waiting + (waiting === 1 ? " new request" : " new requests") + " — ";
    text.data = s;
    show.hidden = waiting === 0;
  }
  say();

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

  // row is the table row of an entry, with the classes the server gives
  // its own rows' cells.
  function row(e) {
    var tr = document.createElement("tr");
    if (e.status >= 400) tr.className = "refused";
    // As the server renders times: UTC, to the second, "Z".
    cell(tr, new Date(e.time).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z"), null, "time");
    cell(tr, e.operation);
    cell(tr, e.pool, e.pool && prefix + "/pools/" + encodeURIComponent(e.pool), "mono");
    cell(tr, e.identity, e.identity && prefix + "/identities/" + encodeURIComponent(e.identity), "mono");
    cell(tr, String(e.status));
    var why = cell(tr, "", null, "wrap");
    if (e.code) {
      var b = document.createElement("b");
      b.className = "code";
      b.textContent = e.code;
      why.appendChild(b);
    }
    why.appendChild(document.createTextNode(" " + (e.message || "")));
    [e.reason, e.note].forEach(function (text) {
      if (!text) return;
      var r = document.createElement("div");
      r.className = "reason";
      r.textContent = text;
      why.appendChild(r);
    });
    if (e.cause) why.appendChild(document.createTextNode(" (" + e.cause + ")"));
    return tr;
  }

  // insert puts the entries es (oldest first) at the top of the table,
  // in place of the "No requests." row, and keeps the newest max rows,
  // never removing the row that has focus.
  function insert(es) {
    var empty = body.querySelector("tr.empty");
    if (empty && es.length) empty.remove();
    for (var k = 0; k < es.length; k++) body.insertBefore(row(es[k]), body.firstChild);
    for (var i = body.rows.length - 1; body.rows.length > max && i >= 0; i--) {
      if (!body.rows[i].contains(document.activeElement)) body.deleteRow(i);
    }
  }

  // flush shows the requests that wait.
  function flush() {
    insert(queue);
    queue = [];
    waiting = 0;
    say();
  }

  show.addEventListener("click", function () {
    var focused = document.activeElement === show;
    flush();
    // The button hides: its focus goes to the table's box, where the new
    // rows are, not back to the page's start.
    if (focused) table.parentNode.focus();
  });
  pause.addEventListener("click", function () {
    paused = !paused;
    pause.setAttribute("aria-pressed", String(paused));
    if (!paused) flush();
    say();
  });

  var es = new EventSource(live.dataset.events);
  // EventSource stops for good on an answer that is not a stream, as
  // idpool's 503 when too many streams are open; it retries otherwise.
  es.onerror = function () {
    if (es.readyState === EventSource.CLOSED) {
      stopped = true;
      say();
    }
  };
  es.onmessage = function (ev) {
    var e = JSON.parse(ev.data);
    if (paused || waiting > 0 || table.contains(document.activeElement)) {
      queue.push(e);
      if (queue.length > max) queue.shift();
      waiting++;
      say();
      return;
    }
    insert([e]);
  };
})();
