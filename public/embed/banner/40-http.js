// Part of the embeddable banner: joined in file-name order into one script by server/http/routes/public/embed.ts.
// ---- HTTP (initial load, refresh(), polling fallback) ------------------------------------

var pushes = 0; // socket payloads received; an HTTP answer older than the latest push is dropped
var lastBody = null;

function fetchOnce() {
  var startedAt = pushes;
  var handle = function (textBody) {
    if (pushes !== startedAt || textBody === null) return;
    if (textBody === lastBody) return; // unchanged (typically a 304 revalidation)
    var parsed;
    try {
      parsed = JSON.parse(textBody);
    } catch (e) {
      return;
    }
    lastBody = textBody;
    accept(parsed);
  };
  if (typeof window.fetch === 'function') {
    // cache:'no-cache' makes the browser revalidate with If-None-Match against the ETag it holds,
    // without adding a non-safelisted request header (which would force a CORS preflight).
    return window
      .fetch(API_URL, { mode: 'cors', credentials: 'omit', cache: 'no-cache', headers: { Accept: 'application/json' } })
      .then(function (res) {
        return res.ok ? res.text() : null;
      })
      .then(handle, function () {
        /* offline or blocked: keep what we show */
      });
  }
  if (typeof window.XMLHttpRequest === 'function' || typeof window.XMLHttpRequest === 'object') {
    var xhr = new window.XMLHttpRequest();
    xhr.open('GET', API_URL, true);
    xhr.onreadystatechange = function () {
      if (xhr.readyState === 4) handle(xhr.status === 200 ? xhr.responseText : null);
    };
    try {
      xhr.send();
    } catch (e) {
      /* ignore */
    }
  }
  return undefined;
}

var pollTimer = null;

function startPolling() {
  if (pollTimer) return;
  pollTimer = window.setInterval(fetchOnce, POLL_MS);
}

function stopPolling() {
  if (!pollTimer) return;
  window.clearInterval(pollTimer);
  pollTimer = null;
}
