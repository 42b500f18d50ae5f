// Live conversations: one WebSocket per tab (/api/v1/stream). The page
// works without this script; with it, messages arrive without a reload,
// are sent without leaving the page, and after any dropped connection the
// script fetches everything after the last sequence number it holds, so
// nothing is lost or shown twice. Other scripts of the page (the
// classroom's) share the socket through window.koineStream.
(function () {
  "use strict";
  var list = document.getElementById("messages");
  var badge = document.getElementById("unread-messages");
  var form = document.getElementById("compose");
  var typing = document.getElementById("typing");
  var conversation = list ? list.dataset.conversation : null;
  // Where the list scrolls in a box of its own (the classroom's chat).
  var scroller = list ? (list.closest(".chat-scroll") || list) : null;
  var me = document.body.dataset.me || (list ? list.dataset.me : null);
  var lastSeq = list ? Number(list.dataset.lastSeq) : 0;
  var socket = null;
  var retry = 500;
  var typingTimer = null;
  var lastTypingSent = 0;
  var listeners = {};

  function emit(kind, data) {
    (listeners[kind] || []).forEach(function (fn) { fn(data); });
  }

  window.koineStream = {
    // fn(data) for each frame of `kind`; "open" after every (re)connection.
    on: function (kind, fn) { (listeners[kind] = listeners[kind] || []).push(fn); },
    // Sends a frame if connected; says whether it did.
    send: function (frame) {
      if (!socket || socket.readyState !== 1) return false;
      socket.send(JSON.stringify(frame));
      return true;
    }
  };

  function csrf() {
    var field = form && form.querySelector("input[name=csrf]");
    return field ? field.value : "";
  }

  function setUnread(count) {
    if (!badge) return;
    badge.textContent = String(count);
    badge.hidden = count === 0;
  }

  // A time as the page words its own: in the member's language and zone.
  function when(us) {
    var options = { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" };
    if (list.dataset.zone) options.timeZone = list.dataset.zone;
    try {
      return new Date(us / 1000).toLocaleString(document.documentElement.lang || undefined, options);
    } catch (err) {
      return new Date(us / 1000).toLocaleString();
    }
  }

  function append(m) {
    if (!list || m.conversation !== conversation || m.seq <= lastSeq) return;
    var empty = document.getElementById("conversation-empty");
    if (empty) empty.remove();
    var mine = m.sender === list.dataset.me;
    var li = document.createElement("li");
    li.id = "m" + m.seq;
    li.dataset.seq = String(m.seq);
    li.className = "message" + (mine ? " mine" : "") + (m.kind === "auto_reply" ? " auto" : "");
    if (m.kind === "auto_reply") {
      var note = document.createElement("span");
      note.className = "muted small";
      note.textContent = list.dataset.away;
      li.appendChild(note);
    }
    var body = document.createElement("p");
    body.className = "body";
    if (m.body === null) {
      var em = document.createElement("em");
      em.textContent = list.dataset.removed;
      body.appendChild(em);
    } else {
      body.textContent = m.body;
    }
    li.appendChild(body);
    if (m.attachments && m.attachments.length) li.appendChild(files(m));
    var meta = document.createElement("p");
    meta.className = "meta muted";
    meta.textContent = when(m.created_at) +
      (m.redacted.length ? " · " + list.dataset.redacted : "");
    li.appendChild(meta);
    list.appendChild(li);
    // Where the list scrolls in a box, the newest message comes into view.
    scroller.scrollTop = scroller.scrollHeight;
    lastSeq = m.seq;
    list.dataset.lastSeq = String(lastSeq);
    if (typing) typing.hidden = true;
    if (!mine) markRead();
  }

  // A message's files, as the page lists them: pictures shown in place,
  // PDFs as a link to download.
  function files(m) {
    var ul = document.createElement("ul");
    ul.className = "files";
    m.attachments.forEach(function (a) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = "/messages/" + m.conversation + "/files/" + a.id;
      if (a.content_type.indexOf("image/") === 0) {
        var img = document.createElement("img");
        img.src = link.href;
        img.alt = a.name;
        img.loading = "lazy";
        link.appendChild(img);
      } else {
        link.textContent = a.name;
        link.setAttribute("download", "");
      }
      li.appendChild(link);
      ul.appendChild(li);
    });
    return ul;
  }

  function markRead() {
    if (document.hidden || !form) return;
    var body = new URLSearchParams({ csrf: csrf(), seq: String(lastSeq) });
    fetch("/messages/" + conversation + "/read", { method: "POST", body: body, credentials: "same-origin" });
  }

  // Everything after the last message shown, in order, until caught up.
  function catchUp() {
    if (!conversation) return Promise.resolve();
    return fetch("/messages/" + conversation + "/after?after=" + lastSeq, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (replay) {
        replay.messages.forEach(append);
        if (replay.reload) location.reload();
      })
      .catch(function () {});
  }

  function showSeen(seq) {
    if (!list) return;
    Array.prototype.forEach.call(list.querySelectorAll("li.mine"), function (li) {
      var meta = li.querySelector(".meta");
      if (Number(li.dataset.seq) <= seq && meta && !li.dataset.seen) {
        li.dataset.seen = "1";
        meta.textContent += " · " + list.dataset.seen;
      }
    });
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/api/v1/stream");
    socket.onopen = function () { retry = 500; catchUp(); emit("open"); };
    socket.onmessage = function (e) {
      var frame;
      try { frame = JSON.parse(e.data); } catch (err) { return; }
      switch (frame.kind) {
        case "hello": setUnread(frame.data.unread); break;
        case "unread": setUnread(frame.data.count); break;
        case "message":
          // Unread elsewhere: counted here until a read sends the true count.
          if (frame.data.sender !== me && (frame.data.conversation !== conversation || document.hidden)) {
            setUnread(Number(badge ? badge.textContent : 0) + 1);
          }
          append(frame.data);
          break;
        case "resync": catchUp(); break;
        case "read": if (frame.data.conversation === conversation) showSeen(frame.data.seq); break;
        case "typing":
          if (typing && frame.data.conversation === conversation) {
            typing.hidden = false;
            clearTimeout(typingTimer);
            typingTimer = setTimeout(function () { typing.hidden = true; }, 4000);
          }
          break;
      }
      emit(frame.kind, frame.data);
    };
    socket.onclose = function () {
      socket = null;
      // Spread out, so the streams of a restarting server do not all
      // reconnect in the same instant.
      setTimeout(connect, retry * (0.5 + Math.random()));
      retry = Math.min(retry * 2, 15000);
    };
  }

  if (form) {
    var text = form.querySelector("textarea[name=body]");
    var key = form.querySelector("input[name=idempotency_key]");
    var chosen = form.querySelector("input[name=files]");
    text.addEventListener("input", function () {
      var now = Date.now();
      if (socket && socket.readyState === 1 && now - lastTypingSent > 3000) {
        lastTypingSent = now;
        socket.send(JSON.stringify({ kind: "typing", data: { conversation: conversation } }));
      }
    });
    var status = document.getElementById("compose-status");
    // Refused or not reached: the form posts normally and the page says
    // why — except in the classroom, where leaving the page would end the
    // call, so it says it was not sent and keeps the text.
    var notSent = function () {
      if (status && form.dataset.notSent) {
        status.textContent = form.dataset.notSent;
        status.hidden = false;
      } else {
        form.submit();
      }
    };
    form.addEventListener("submit", function (e) {
      // Files go with an ordinary post: the page comes back with them.
      if (!window.fetch || !text.value.trim() || (chosen && chosen.files.length)) return;
      e.preventDefault();
      var data = new FormData(form);
      data.delete("files");
      var body = new URLSearchParams(data);
      fetch(form.action, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" })
        .then(function (r) {
          // Sent: the page would follow a redirect to the message.
          if (r.type === "opaqueredirect" || r.ok) {
            text.value = "";
            if (status) status.hidden = true;
            key.value = self.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + "-" + Math.random().toString(36).slice(2);
            return catchUp();
          }
          notSent();
        })
        .catch(notSent);
    });
  }

  if (scroller) scroller.scrollTop = scroller.scrollHeight;
  document.addEventListener("visibilitychange", function () { if (!document.hidden) markRead(); });
  if (window.WebSocket) connect();
}());
