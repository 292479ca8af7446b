// Public pages, live: the status page, an incident and a maintenance page.
// - socket.io `/public` pushes the status after every change, with a sequence number, and the
//   current state on every (re)connect, so a missed event or a reconnect never leaves a page stale.
//   The status page gets its HTML in the push; incident and maintenance pages fetch their fragment.
// - While the socket is down the page says so ("Reconnecting…").
// - When websockets are blocked (a proxy), the page polls its fragment with If-None-Match instead
//   (a 304 costs a few bytes), until the socket connects again.
(function () {
  'use strict';
  var root = document.getElementById('live-root');
  if (!root) return;
  var src = root.getAttribute('data-live-src');
  var state = document.getElementById('live-state');
  var isStatusPage = src === '/live/status';
  var seq = Number(root.getAttribute('data-seq')) || 0;
  var etag = null;
  var POLL_MS = Number(window.BEACON_POLL_MS) || 20000;
  var FAILURES_BEFORE_POLLING = 2;
  // A blocked websocket does not always fail loudly (a proxy may accept and then drop it): poll
  // anyway when the socket has not connected within this long.
  var FALLBACK_MS = 5000;
  var watchdog = null;
  var pollTimer = null;
  var failures = 0;
  var inFlight = false;

  function say(text) {
    if (!state) return;
    state.textContent = text || '';
    state.hidden = !text;
    root.setAttribute('data-live', text ? (pollTimer ? 'polling' : 'reconnecting') : 'live');
  }

  // Replaces the live part; the 90-day bars (not in pushes: they change at midnight) move across.
  function replace(html) {
    var bars = {};
    root.querySelectorAll('[data-uptime]').forEach(function (slot) {
      if (slot.firstElementChild) bars[slot.getAttribute('data-uptime')] = slot.firstElementChild;
    });
    root.innerHTML = html;
    root.querySelectorAll('[data-uptime]').forEach(function (slot) {
      var kept = bars[slot.getAttribute('data-uptime')];
      if (kept && !slot.firstElementChild) slot.appendChild(kept);
    });
    if (window.BeaconLocalTimes) window.BeaconLocalTimes(root);
  }

  function setTitle(text) {
    document.title = text.trim() + document.title.replace(/^[^·]*/, ' ').replace(/^\s+/, ' ');
  }

  function today(cells) {
    Object.keys(cells || {}).forEach(function (id) {
      var slot = root.querySelector('[data-uptime="' + id + '"]');
      var bar = slot && slot.querySelector('.day:last-child');
      if (!bar) return;
      bar.className = 'day level-' + cells[id].level;
      bar.title = cells[id].tip;
    });
  }

  function fetchFragment() {
    if (inFlight || !src || typeof fetch !== 'function') return;
    inFlight = true;
    var headers = {};
    if (etag) headers['If-None-Match'] = etag;
    fetch(src, { headers: headers, cache: 'no-store', credentials: 'same-origin' })
      .then(function (res) {
        if (res.status === 304 || !res.ok) return null;
        etag = res.headers.get('ETag');
        return res.text();
      })
      .then(function (html) {
        if (html === null) return;
        replace(html);
        var line = isStatusPage && document.getElementById('status-line');
        if (line) setTitle(line.textContent);
      })
      .catch(function () {})
      .then(function () {
        inFlight = false;
      });
  }

  function startPolling() {
    if (pollTimer) return;
    pollTimer = setInterval(fetchFragment, POLL_MS);
    say('Live updates are blocked on this network; checking for updates every ' + Math.round(POLL_MS / 1000) + ' s.');
    fetchFragment();
  }
  function stopPolling() {
    if (!pollTimer) return;
    clearInterval(pollTimer);
    pollTimer = null;
  }

  if (typeof io !== 'function') {
    startPolling(); // the socket.io client did not load
    return;
  }
  function armWatchdog() {
    clearTimeout(watchdog);
    watchdog = setTimeout(startPolling, FALLBACK_MS);
  }
  // Status pushes only: the page does not show the banner's announcement list.
  var socket = io('/public', { transports: ['websocket'], auth: { announcements: false } });
  armWatchdog();
  socket.on('connect', function () {
    clearTimeout(watchdog);
    failures = 0;
    stopPolling();
    say('');
  });
  socket.on('disconnect', function (reason) {
    armWatchdog();
    if (!pollTimer) say('Reconnecting…');
    // socket.io retries by itself except after a server-side disconnect (e.g. during a shutdown).
    if (reason === 'io server disconnect') setTimeout(function () { socket.connect(); }, 1000);
  });
  socket.on('connect_error', function () {
    failures++;
    if (failures >= FAILURES_BEFORE_POLLING) startPolling();
    else if (!pollTimer) say('Reconnecting…');
  });
  socket.on('status', function (msg) {
    if (!msg || typeof msg.seq !== 'number' || msg.seq === seq) return;
    seq = msg.seq;
    root.setAttribute('data-seq', String(seq));
    if (isStatusPage && typeof msg.html === 'string') {
      replace(msg.html);
      if (msg.title) setTitle(msg.title);
      today(msg.today);
    } else {
      fetchFragment();
    }
  });
})();
