// Public pages: show times in the viewer's zone, naming the zone. Without JavaScript: ISO UTC.
(function () {
  'use strict';
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var fmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  function localise(root) {
    (root || document).querySelectorAll('time[data-local]').forEach(function (t) {
      var d = new Date(t.getAttribute('datetime'));
      if (!isNaN(d)) t.textContent = fmt.format(d);
    });
    document.querySelectorAll('[data-zone-name]').forEach(function (el) { el.textContent = '(' + zone + ')'; });
  }
  window.BeaconLocalTimes = localise;
  localise();
})();
