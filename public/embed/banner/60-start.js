// Part of the embeddable banner: joined in file-name order into one script by server/http/routes/public/embed.ts.
// ---- start -------------------------------------------------------------------------------

// Another tab dismissed something: follow it.
if (window.addEventListener) {
  window.addEventListener('storage', function (e) {
    if (e.key === STORAGE_KEY && host) render();
  });
}

window.BeaconBanner = {
  /** Fetches the announcements now and re-renders (a Promise where fetch exists). */
  refresh: function () {
    lastBody = null;
    var p = fetchOnce();
    if (host) render();
    return p;
  },
};

fetchOnce();
connect();
