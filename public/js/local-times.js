// Public pages: the server writes every time as "Dec 2, 2026, 14:30 UTC (09:30 EST)" (read fine
// without JavaScript); here each is shown in the viewer's own zone instead, the server's wording
// kept as the tooltip, and the footer names the zone.
(function () {
  'use strict';
  var zone;
  var fmt;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    fmt = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
  } catch (e) {
    return; // no Intl: the server's text stays
  }
  function localise(root) {
    (root || document).querySelectorAll('time[data-local]').forEach(function (t) {
      var d = new Date(t.getAttribute('datetime'));
      if (isNaN(d)) return;
      if (!t.title) t.title = t.textContent;
      t.textContent = fmt.format(d);
    });
  }
  document.querySelectorAll('[data-zone-note]').forEach(function (el) {
    el.textContent = 'Times are shown in your time zone' + (zone ? ' (' + zone + ')' : '') + '.';
  });
  window.BeaconLocalTimes = localise;
  localise();
})();
