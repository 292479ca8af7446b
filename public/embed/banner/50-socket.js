// Part of the embeddable banner: joined in file-name order into one script by server/http/routes/public/embed.ts.
// ---- socket.io ---------------------------------------------------------------------------

function loadSocketIo(cb) {
  // The client bundle is UMD: under an AMD loader it would call define() instead of giving us `io`.
  if (typeof window.define === 'function' && window.define.amd) return cb(null);
  var had = Object.prototype.hasOwnProperty.call(window, 'io');
  var previous = window.io;
  var s = document.createElement('script');
  var settled = false;
  var finish = function (ok) {
    if (settled) return;
    settled = true;
    var lib = ok ? window.io : null;
    // Put back whatever the host page had under `io` (or nothing): we keep ours privately.
    if (had) window.io = previous;
    else {
      try {
        delete window.io;
      } catch (e) {
        window.io = undefined;
      }
    }
    if (s.parentNode) s.parentNode.removeChild(s);
    cb(typeof lib === 'function' && lib !== previous ? lib : null);
  };
  s.async = true;
  s.src = ORIGIN + '/public/vendor/socket.io.min.js'; // minified and precompressed
  s.onload = function () {
    finish(true);
  };
  s.onerror = function () {
    finish(false);
  };
  (document.head || document.documentElement).appendChild(s);
}

function connect() {
  loadSocketIo(function (io) {
    if (!io) return startPolling();
    // Our filter, and no status page pushes (we show announcements only).
    var auth = { status: false };
    for (var field in SUBSCRIPTION) {
      if (Object.prototype.hasOwnProperty.call(SUBSCRIPTION, field)) auth[field] = SUBSCRIPTION[field];
    }
    var socket;
    try {
      socket = io(ORIGIN + '/public', { transports: ['websocket'], reconnectionDelayMax: 30000, auth: auth });
    } catch (e) {
      return startPolling();
    }
    var lastSeq = -Infinity;
    socket.on('connect', function () {
      lastSeq = -Infinity; // a restarted server may count from zero again
      stopPolling();
    });
    socket.on('announcements', function (payload) {
      if (payload && typeof payload.seq === 'number') {
        if (payload.seq <= lastSeq) return;
        lastSeq = payload.seq;
      }
      pushes++;
      lastBody = null;
      accept(payload);
    });
    socket.on('connect_error', function () {
      startPolling();
    });
    socket.on('disconnect', function () {
      startPolling();
      fetchOnce();
    });
  });
}
