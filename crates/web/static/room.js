// The shared notes pad: saved a moment after typing stops (the button
// saves too, and works without this script); the other member's saves
// arrive over the stream. When both saved at once, the two texts are kept
// one after the other, so neither is lost.
(function () {
  "use strict";
  var form = document.getElementById("notes-form");
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var text = form.querySelector("textarea");
  var version = form.querySelector("input[name=version]");
  var status = document.getElementById("notes-status");
  var lesson = form.dataset.lesson;
  var timer = null;
  var saving = false;
  var dirty = false;

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(save, 1000);
  }

  function save() {
    if (saving) { dirty = true; return; }
    saving = true;
    dirty = false;
    status.textContent = form.dataset.saving;
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
      .then(function (res) {
        if (res.ok) {
          version.value = String(res.j.version);
          status.textContent = form.dataset.saved;
        } else if (res.j.code === "notes-changed") {
          // Theirs first, then this side's, saved together next.
          if (res.j.body && res.j.body !== text.value) text.value = res.j.body + "\n\n" + text.value;
          version.value = String(res.j.version);
          status.textContent = form.dataset.changed;
          dirty = true;
        } else {
          status.textContent = res.j.detail || res.j.title || "";
        }
      })
      .catch(function () { dirty = true; })
      .then(function () {
        saving = false;
        if (dirty) schedule();
      });
  }

  text.addEventListener("input", function () { dirty = true; schedule(); });
  form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); save(); });
  if (window.koineStream) {
    window.koineStream.on("notes", function (n) {
      if (n.lesson !== lesson || n.version <= Number(version.value)) return;
      // Unsaved typing here wins for now; the save that follows merges.
      if (dirty || saving) return;
      text.value = n.body;
      version.value = String(n.version);
      if (n.by !== document.body.dataset.me) status.textContent = form.dataset.changed;
    });
  }
}());

// The lesson's video call: WebRTC between the two members' browsers, with
// the signals (ready, offer, answer, ICE candidates, leave) carried by the
// page's stream (window.koineStream, from messages.js). Media go directly
// between the browsers, or through the relay when there is no direct path
// or the member hides their address.
//
// Who does what: the teacher's side makes every offer, the learner's side
// answers, so offers never cross. "ready" means "I am here with a fresh
// connection": the teacher answers it with an offer, the learner with a
// "ready" of its own (so whoever arrives, or comes back, second starts the
// call). A dropped network restarts ICE on the same connection. Every
// connection has its own id (`call`), and each signal names the one it is
// for (`to`), so signals meant for an earlier connection — a reloaded tab,
// a call started again — are dropped.
(function () {
  "use strict";
  var call = document.getElementById("call");
  if (!call) return;
  var d = call.dataset;
  var lesson = d.lesson;
  var offers = d.offers === "true";
  var config = {
    iceServers: JSON.parse(d.ice || "[]"),
    iceTransportPolicy: d.policy === "relay" ? "relay" : "all"
  };
  var $ = function (id) { return document.getElementById(id); };
  var remoteVideo = $("remote-video");
  var localVideo = $("local-video");
  var micButton = $("call-mic");
  var cameraButton = $("call-camera");
  var shareButton = $("call-share");
  var leaveButton = $("call-leave");
  var rejoinButton = $("call-rejoin");
  var micSelect = $("call-mic-select");
  var cameraSelect = $("call-camera-select");

  var stream = window.koineStream;
  if (!stream || !window.RTCPeerConnection || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    $("call-unsupported").hidden = false;
    return;
  }

  var pc = null;
  var audioSender = null;
  var videoSender = null;
  var mic = null;       // the microphone track
  var camera = null;    // the camera track
  var screen = null;    // the shared screen's track, while sharing
  var pending = [];     // candidates that came before the description
  var inCall = false;
  var mediaAsked = false; // the camera and microphone were asked for
  var recoverTimer = null;
  var myCall = null;    // this connection's id
  var theirCall = null; // the other side's connection it is paired with
  // Signals are handled one at a time, each after the last one's
  // descriptions are set, so a quick second offer cannot overtake a first.
  var handled = Promise.resolve();

  function setState(name) {
    call.dataset.state = name;
    $("call-state").textContent = d[name] || "";
  }

  function signal(s, to) {
    return stream.send({ kind: "signal", data: { lesson: lesson, call: myCall, to: to || undefined, signal: s } });
  }

  function newId() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  // Nothing negotiated yet on this connection.
  function fresh() {
    return pc && !theirCall && !pc.localDescription && !pc.remoteDescription;
  }

  function outgoingVideo() { return screen || camera; }

  // A fresh connection, sending whatever tracks there are and always
  // ready to receive sound and picture.
  function newPeer() {
    closePeer();
    clearTimeout(recoverTimer);
    pending = [];
    myCall = newId();
    theirCall = null;
    pc = new RTCPeerConnection(config);
    var remote = new MediaStream();
    remoteVideo.srcObject = remote;
    pc.ontrack = function (e) { remote.addTrack(e.track); };
    pc.onicecandidate = function (e) {
      if (!e.candidate || !e.candidate.candidate) return;
      signal({
        type: "candidate",
        candidate: e.candidate.candidate,
        sdp_mid: e.candidate.sdpMid,
        sdp_m_line_index: e.candidate.sdpMLineIndex
      }, theirCall);
    };
    pc.onconnectionstatechange = onConnectionState;
    audioSender = videoSender = null;
    // The offer's side lays out one sound and one picture line; the
    // answering side takes its own places in them once the offer is in.
    if (offers) {
      audioSender = pc.addTransceiver(mic || "audio", { direction: "sendrecv" }).sender;
      videoSender = pc.addTransceiver(outgoingVideo() || "video", { direction: "sendrecv" }).sender;
    }
  }

  function takePlaces() {
    pc.getTransceivers().forEach(function (t) {
      var kind = t.receiver.track.kind;
      if (kind === "audio" && !audioSender) {
        audioSender = t.sender;
        t.direction = "sendrecv";
        t.sender.replaceTrack(mic);
      } else if (kind === "video" && !videoSender) {
        videoSender = t.sender;
        t.direction = "sendrecv";
        t.sender.replaceTrack(outgoingVideo());
      }
    });
  }

  function closePeer() {
    if (!pc) return;
    pc.ontrack = pc.onicecandidate = pc.onconnectionstatechange = null;
    pc.close();
    pc = null;
  }

  function onConnectionState() {
    if (!pc) return;
    var s = pc.connectionState;
    if (s === "connected") {
      clearTimeout(recoverTimer);
      // When the call first connected, on the page's clock (from the Join
      // that opened it): what `koine-bench join` reads.
      if (window.koineRoom.connectedAt === undefined) window.koineRoom.connectedAt = performance.now();
      setState("connected");
    } else if (s === "disconnected") {
      // Often heals by itself (a moment of packet loss); if not, restart.
      setState("reconnecting");
      clearTimeout(recoverTimer);
      recoverTimer = setTimeout(recover, 4000);
    } else if (s === "failed") {
      setState("reconnecting");
      recover();
    }
  }

  // The path broke (a network change, a relay lost): the teacher's side
  // restarts ICE on the same connection; the learner's side asks for it.
  function recover() {
    clearTimeout(recoverTimer);
    if (!inCall || !pc || pc.connectionState === "connected") return;
    if (offers && theirCall) {
      handled = handled.then(function () { return offer(true); });
    } else if (!offers) {
      newPeer();
      signal({ type: "ready" });
    }
  }

  function offer(restart) {
    if (!pc) return Promise.resolve();
    var own = pc;
    return own.createOffer(restart ? { iceRestart: true } : {})
      .then(function (o) { return own.setLocalDescription(o); })
      .then(function () { if (own === pc) signal({ type: "offer", sdp: own.localDescription.sdp }, theirCall); })
      .catch(function () {});
  }

  function flushCandidates() {
    var queued = pending;
    pending = [];
    queued.forEach(addCandidate);
  }

  function addCandidate(c) {
    if (!pc.remoteDescription) { pending.push(c); return; }
    pc.addIceCandidate(c).catch(function () {});
  }

  function onSignal(data) {
    if (data.lesson !== lesson) return;
    handled = handled.then(function () { return handle(data); }).catch(function () {});
  }

  function handle(data) {
    var s = data.signal;
    // Meant for another connection of this page (an earlier one).
    if (!inCall || !pc || (data.to && data.to !== myCall)) return;
    switch (s.type) {
      case "ready":
        if (data.call === theirCall) return; // said twice
        if (!fresh()) newPeer();
        setState("connecting");
        if (offers) {
          theirCall = data.call;
          return offer(false);
        }
        signal({ type: "ready" }, data.call);
        break;
      case "offer":
        if (offers) return;
        // A new connection of the teacher's needs a new one here; the same
        // one again is a renegotiation (an ICE restart).
        if (data.call !== theirCall && !fresh()) newPeer();
        theirCall = data.call;
        setState("connecting");
        return pc.setRemoteDescription({ type: "offer", sdp: s.sdp })
          .then(function () { takePlaces(); flushCandidates(); return pc.createAnswer(); })
          .then(function (a) { return pc.setLocalDescription(a); })
          .then(function () { signal({ type: "answer", sdp: pc.localDescription.sdp }, theirCall); });
      case "answer":
        if (!offers || pc.signalingState !== "have-local-offer") return;
        theirCall = data.call;
        return pc.setRemoteDescription({ type: "answer", sdp: s.sdp }).then(flushCandidates);
      case "candidate":
        if (data.call !== theirCall) return;
        addCandidate({ candidate: s.candidate, sdpMid: s.sdp_mid, sdpMLineIndex: s.sdp_m_line_index });
        break;
      case "leave":
        if (data.call !== theirCall) return;
        newPeer();
        setState("left");
        recordingTheirs = false;
        showRecording();
        break;
      case "recording":
        recordingTheirs = s.on;
        showRecording();
        break;
    }
  }

  // The camera and microphone, as many of them as can be had.
  function startMedia(constraints) {
    return navigator.mediaDevices.getUserMedia(constraints || { audio: true, video: true })
      .catch(function () { return navigator.mediaDevices.getUserMedia({ audio: true }); })
      .catch(function () { return navigator.mediaDevices.getUserMedia({ video: true }); })
      .then(function (media) {
        mic = media.getAudioTracks()[0] || null;
        camera = media.getVideoTracks()[0] || null;
        showLocal();
        listDevices();
      })
      .catch(function () { mic = camera = null; });
  }

  function stopMedia() {
    [mic, camera, screen].forEach(function (t) { if (t) t.stop(); });
    mic = camera = screen = null;
    localVideo.srcObject = null;
  }

  function showLocal() {
    var v = outgoingVideo();
    localVideo.srcObject = v ? new MediaStream([v]) : null;
    localVideo.hidden = !v;
    micButton.disabled = !mic;
    cameraButton.disabled = !camera;
  }

  function join() {
    inCall = true;
    rejoinButton.hidden = true;
    leaveButton.hidden = false;
    setState("waiting");
    mediaAsked = false;
    startMedia().then(function () {
      mediaAsked = true;
      if (!mic && !camera) $("call-state").textContent = d.noMedia;
      newPeer();
      // Not connected yet: the stream's "open" says it.
      signal({ type: "ready" });
    });
  }

  function leave() {
    stopRecording();
    signal({ type: "leave" }, theirCall);
    inCall = false;
    clearTimeout(recoverTimer);
    closePeer();
    stopMedia();
    remoteVideo.srcObject = null;
    setState("youLeft");
    leaveButton.hidden = true;
    rejoinButton.hidden = false;
    rejoinButton.focus();
  }

  function toggle(track, button, onKey, offKey) {
    if (!track) return;
    track.enabled = !track.enabled;
    button.setAttribute("aria-pressed", String(!track.enabled));
    button.textContent = d[track.enabled ? onKey : offKey];
  }

  // Shares a screen (or any video track) in place of the camera, until it
  // ends or sharing is stopped; no renegotiation is needed.
  function share(track) {
    if (screen) screen.stop();
    screen = track;
    track.onended = stopSharing;
    if (videoSender) videoSender.replaceTrack(track);
    shareButton.setAttribute("aria-pressed", "true");
    shareButton.textContent = d.shareStop;
    showLocal();
  }

  function stopSharing() {
    if (!screen) return;
    screen.onended = null;
    screen.stop();
    screen = null;
    if (videoSender) videoSender.replaceTrack(camera);
    shareButton.setAttribute("aria-pressed", "false");
    shareButton.textContent = d.share;
    showLocal();
  }

  function listDevices() {
    if (!navigator.mediaDevices.enumerateDevices) return;
    navigator.mediaDevices.enumerateDevices().then(function (devices) {
      fill(micSelect, devices, "audioinput", mic);
      fill(cameraSelect, devices, "videoinput", camera);
      $("call-devices").hidden = false;
    });
  }

  function fill(select, devices, kind, current) {
    var chosen = current && current.getSettings ? current.getSettings().deviceId : "";
    select.textContent = "";
    devices.filter(function (x) { return x.kind === kind; }).forEach(function (x, i) {
      var o = document.createElement("option");
      o.value = x.deviceId;
      o.textContent = x.label || kind + " " + (i + 1);
      o.selected = x.deviceId === chosen;
      select.appendChild(o);
    });
    select.disabled = select.options.length < 2;
  }

  // Another microphone or camera: swapped into the call in place.
  function useDevice(kind, id) {
    var want = kind === "audio" ? { audio: { deviceId: { exact: id } } } : { video: { deviceId: { exact: id } } };
    navigator.mediaDevices.getUserMedia(want).then(function (media) {
      var track = (kind === "audio" ? media.getAudioTracks() : media.getVideoTracks())[0];
      if (kind === "audio") {
        if (mic) { track.enabled = mic.enabled; mic.stop(); }
        mic = track;
        if (audioSender) audioSender.replaceTrack(track);
      } else {
        if (camera) { track.enabled = camera.enabled; camera.stop(); }
        camera = track;
        if (videoSender && !screen) videoSender.replaceTrack(track);
      }
      showLocal();
    }).catch(function () {});
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function clock(ms) {
    var s = Math.floor(Math.abs(ms) / 1000);
    var h = Math.floor(s / 3600);
    return (h ? h + ":" + two(Math.floor(s / 60) % 60) : String(Math.floor(s / 60))) + ":" + two(s % 60);
  }

  function tick() {
    var now = Date.now();
    var starts = Number(d.starts);
    var ends = Number(d.ends);
    var text = now < starts ? d.startsIn.replace("{t}", clock(starts - now))
      : now < ends ? d.timeLeft.replace("{t}", clock(ends - now))
      : d.overtime.replace("{t}", clock(now - ends));
    $("call-timer").textContent = text;
  }

  // Recording, only with both members' consent for this lesson: made in
  // this browser from what the call shows and sounds (the other member's
  // picture, both voices), and saved to this device; it never reaches
  // Koine. Either member withdrawing stops both recorders.
  var recSection = $("recording");
  var r = recSection.dataset;
  var recordAllowed = r.allowed === "true";
  var recorder = null;
  var recordingTheirs = false;
  var recordButton = $("rec-toggle");

  function showRecording() {
    var indicator = $("recording-indicator");
    indicator.hidden = !recorder && !recordingTheirs;
    indicator.textContent = recorder ? r.onMine : r.onTheirs;
    recordButton.hidden = !window.MediaRecorder || (!recordAllowed && !recorder);
    recordButton.textContent = recorder ? r.stop : r.start;
    recordButton.setAttribute("aria-pressed", String(!!recorder));
  }

  function startRecording() {
    if (!recordAllowed || recorder || !inCall) return;
    // Said first: the server refuses it without both consents.
    if (!signal({ type: "recording", on: true }, theirCall)) return;
    var audio = new AudioContext();
    var mix = audio.createMediaStreamDestination();
    var remote = remoteVideo.srcObject;
    var voices = (remote ? remote.getAudioTracks() : []).concat(mic ? [mic] : []);
    voices.forEach(function (t) { audio.createMediaStreamSource(new MediaStream([t])).connect(mix); });
    var picture = remote ? remote.getVideoTracks() : [];
    var chunks = [];
    var made = new MediaRecorder(new MediaStream(picture.concat(mix.stream.getAudioTracks())));
    made.ondataavailable = function (e) { if (e.data.size) chunks.push(e.data); };
    made.onstop = function () {
      audio.close();
      saveRecording(new Blob(chunks, { type: made.mimeType || "video/webm" }));
    };
    made.start(1000);
    recorder = made;
    showRecording();
  }

  function stopRecording() {
    if (!recorder) return;
    var made = recorder;
    recorder = null;
    made.stop();
    signal({ type: "recording", on: false }, theirCall);
    showRecording();
  }

  function saveRecording(blob) {
    window.koineRoom.recorded = blob.size;
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "koine-lesson-" + new Date().toISOString().slice(0, 16).replace(/[:T]/g, "-") + ".webm";
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 60000);
    $("rec-status").textContent = r.saved;
  }

  function onConsent(c) {
    if (c.lesson !== lesson) return;
    recordAllowed = c.allowed;
    $("rec-mine").textContent = c.mine ? r.mineOn : r.mineOff;
    $("rec-theirs").textContent = c.theirs ? r.theirsOn : r.theirsOff;
    var button = $("rec-consent");
    button.value = c.mine ? "no" : "yes";
    button.textContent = c.mine ? r.withdraw : r.agree;
    if (!recordAllowed) {
      stopRecording();
      recordingTheirs = false;
    }
    showRecording();
  }

  // The consent switch without leaving the call: the answer comes back
  // over the stream, to both rooms.
  $("rec-consent-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var body = new URLSearchParams(new FormData(e.target));
    body.set("granted", $("rec-consent").value);
    fetch(e.target.action, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" });
  });
  recordButton.addEventListener("click", function () { if (recorder) stopRecording(); else startRecording(); });
  stream.on("recording", onConsent);

  stream.on("signal", onSignal);
  stream.on("signal_refused", function (data) {
    if (data.lesson !== lesson) return;
    if (data.code === "recording-not-agreed") {
      recordAllowed = false;
      stopRecording();
      return;
    }
    if (data.code === "room-closed" || data.code === "room-lesson-not-going-ahead") {
      inCall = false;
      closePeer();
      stopMedia();
      setState("closed");
    }
  });
  // After a dropped stream: if the call did not survive it, start again.
  stream.on("open", function () {
    if (inCall && mediaAsked && (!pc || pc.connectionState !== "connected")) {
      if (!fresh()) newPeer();
      signal({ type: "ready" });
    }
  });
  micButton.addEventListener("click", function () { toggle(mic, micButton, "mute", "unmute"); });
  cameraButton.addEventListener("click", function () { toggle(camera, cameraButton, "cameraOff", "cameraOn"); });
  shareButton.addEventListener("click", function () {
    if (screen) { stopSharing(); return; }
    if (!navigator.mediaDevices.getDisplayMedia) return;
    navigator.mediaDevices.getDisplayMedia({ video: true })
      .then(function (media) { share(media.getVideoTracks()[0]); })
      .catch(function () {});
  });
  shareButton.hidden = !navigator.mediaDevices.getDisplayMedia;
  leaveButton.addEventListener("click", leave);
  rejoinButton.addEventListener("click", join);
  micSelect.addEventListener("change", function () { useDevice("audio", micSelect.value); });
  cameraSelect.addEventListener("change", function () { useDevice("video", cameraSelect.value); });
  window.addEventListener("online", function () { if (pc && pc.connectionState !== "connected") recover(); });
  window.addEventListener("pagehide", function () { if (inCall) signal({ type: "leave" }, theirCall); });

  // For diagnostics (and the browser tests): the live connection, and
  // sharing a video track as if it were a screen.
  window.koineRoom = { peer: function () { return pc; }, share: share, recorded: 0 };

  $("stage").hidden = false;
  $("call-bar").hidden = false;
  $("call-controls").hidden = false;
  tick();
  setInterval(tick, 1000);
  showRecording();
  join();
}());

// The lesson's materials: a file either member sends in the chat joins the
// list as it arrives.
(function () {
  "use strict";
  var list = document.getElementById("materials");
  var chat = document.getElementById("messages");
  if (!list || !chat || !window.koineStream) return;

  function size(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return Math.floor(bytes / 1024) + " KB";
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  window.koineStream.on("message", function (m) {
    if (m.conversation !== chat.dataset.conversation || !m.attachments || !m.attachments.length) return;
    m.attachments.forEach(function (a) {
      var href = "/messages/" + m.conversation + "/files/" + a.id;
      if (list.querySelector('a[href="' + href + '"]')) return;
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = href;
      link.setAttribute("download", "");
      link.textContent = a.name;
      var note = document.createElement("span");
      note.className = "muted small";
      note.textContent = size(a.size_bytes);
      item.appendChild(link);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(note);
      list.appendChild(item);
    });
    list.hidden = false;
    document.getElementById("materials-hint").hidden = false;
    document.getElementById("materials-none").hidden = true;
  });
}());
