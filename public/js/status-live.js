// Status page: live updates over socket.io. Every push carries the whole rendered state and a
// sequence number, and the server sends the current state on every (re)connect, so a missed event
// or a reconnect can never leave the page stale.
(function () {
  'use strict';
  var root = document.getElementById('live-root');
  if (!root || typeof io !== 'function') return;
  var seq = Number(root.getAttribute('data-seq')) || 0;
  var socket = io('/public', { transports: ['websocket'] });
  socket.on('status', function (msg) {
    if (!msg || typeof msg.seq !== 'number' || msg.seq === seq) return;
    seq = msg.seq;
    root.setAttribute('data-seq', String(seq));
    root.innerHTML = msg.html;
    if (msg.title) document.title = msg.title + document.title.replace(/^[^·]*/, ' ').replace(/^\s+/, ' ');
    if (window.BeaconLocalTimes) window.BeaconLocalTimes(root);
    // Today's cell of each uptime bar; the other 89 days only change at midnight (page reload).
    Object.keys(msg.today || {}).forEach(function (id) {
      var bar = document.querySelector('#uptime [data-component="' + id + '"] .day:last-child');
      if (!bar) return;
      bar.className = 'day level-' + msg.today[id].level;
      bar.title = msg.today[id].tip;
      bar.setAttribute('aria-label', msg.today[id].tip);
    });
  });
})();
