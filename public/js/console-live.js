// Console: live SLA countdowns, local times, and staff alerts over socket.io (no framework).
(function () {
  'use strict';
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var fmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: zone, timeZoneName: 'short' });

  function dur(ms) {
    var s = Math.floor(Math.abs(ms) / 1000), d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    return (d ? d + ' d ' : '') + (d || h ? h + ' h ' : '') + m + ' min' + (d ? '' : ' ' + (s % 60) + ' s');
  }
  function localise() {
    document.querySelectorAll('time[data-local]').forEach(function (t) {
      var d = new Date(t.getAttribute('datetime'));
      if (!isNaN(d)) t.textContent = fmt.format(d);
    });
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll('time[data-countdown]').forEach(function (t) {
      var left = new Date(t.getAttribute('datetime')).getTime() - now;
      t.textContent = left >= 0 ? 'due in ' + dur(left) : 'overdue by ' + dur(left);
      t.classList.toggle('overdue', left < 0);
      t.classList.toggle('soon', left >= 0 && left < 15 * 60000);
    });
  }
  localise();
  tick();
  setInterval(tick, 1000);

  if (typeof io !== 'function') return;
  var alerts = document.getElementById('live-alerts');
  var socket = io('/staff', { transports: ['websocket', 'polling'] });
  function say(text, level) {
    if (!alerts) return;
    var p = document.createElement('p');
    p.className = 'alert ' + (level === 'breach' ? 'error' : 'warn');
    p.textContent = text;
    alerts.prepend(p);
  }
  var GOAL = { work_start: 'work start', temporary_fix: 'temporary fix', final_fix: 'final fix' };
  function warn(e) {
    var what = e.level === 'breach' ? 'BREACHED' : e.level + ' % of the time used';
    say('S' + e.severity + ' “' + e.title + '”: ' + GOAL[e.goal] + ' ' + what + ' (due ' + fmt.format(new Date(e.due_at)) + ')', e.level);
  }
  socket.on('sla.warning', warn);
  socket.on('sla.breached', warn);
  function cadence(e) {
    var what = e.level === 'lapsed' ? 'the promised next update is OVERDUE' : 'the promised next update is due soon';
    say('S' + e.severity + ' “' + e.title + '”: ' + what + ' (by ' + fmt.format(new Date(e.next_update_at)) + ')', e.level === 'lapsed' ? 'breach' : 'warn');
  }
  socket.on('cadence.warning', cadence);
  socket.on('cadence.lapsed', cadence);
  // Lists refresh when any incident changes, unless the user is typing.
  var reloadable = document.querySelector('[data-live-reload]');
  ['incident.created', 'incident.updated', 'incident.resolved', 'incident.reopened', 'incident.changed', 'incident.milestone'].forEach(function (ev) {
    socket.on(ev, function () {
      if (reloadable && !document.activeElement.closest('form')) location.reload();
    });
  });
})();
