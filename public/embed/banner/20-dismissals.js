// Part of the embeddable banner: joined in file-name order into one script by server/http/routes/public/embed.ts.
// ---- dismissals --------------------------------------------------------------------------

function readDismissed() {
  try {
    var raw = window.localStorage.getItem(STORAGE_KEY);
    var list = raw ? JSON.parse(raw) : [];
    return Object.prototype.toString.call(list) === '[object Array]' ? list : [];
  } catch (e) {
    return memoryDismissed.slice();
  }
}

// Used only when localStorage is unavailable (sandboxed frames, privacy modes).
var memoryDismissed = [];

function rememberDismissed(id) {
  var list = readDismissed();
  for (var i = 0; i < list.length; i++) if (list[i] === id) return;
  list.push(id);
  if (list.length > MAX_REMEMBERED) list = list.slice(list.length - MAX_REMEMBERED);
  memoryDismissed = list;
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(list));
  } catch (e) {
    /* memory only */
  }
}

function isDismissed(id, list) {
  for (var i = 0; i < list.length; i++) if (list[i] === id) return true;
  return false;
}
