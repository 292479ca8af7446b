// Maintenance forms: show each window in the viewer's zone too, and enable only the chosen kind's fields.
(function () {
  'use strict';
  var fmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  document.querySelectorAll('option[data-start]').forEach(function (o) {
    var a = new Date(o.getAttribute('data-start')), b = new Date(o.getAttribute('data-end'));
    if (!isNaN(a) && !isNaN(b)) o.textContent += ' (your time ' + fmt.format(a) + ' → ' + fmt.format(b) + ')';
  });
  var form = document.getElementById('maintenance-form');
  if (!form) return;
  var sections = form.querySelectorAll('fieldset[data-kind]');
  function sync() {
    var chosen = form.querySelector('input[name=kind]:checked');
    if (!chosen) return;
    sections.forEach(function (f) {
      var on = f.getAttribute('data-kind') === chosen.value;
      f.disabled = !on;
      f.hidden = !on;
    });
  }
  form.addEventListener('change', sync);
  sync();
  // "Use this slot" on a suggested window fills in the window and the times (the server checks again).
  document.querySelectorAll('button.use-slot').forEach(function (b) {
    b.hidden = false;
    b.addEventListener('click', function () {
      var select = form.querySelector('select[name=window]');
      var start = form.querySelector('input[name=start_time]');
      var end = form.querySelector('input[name=end_time]');
      if (!select || !start || !end) return;
      var kind = form.querySelector('input[name=kind][value=planned]');
      if (kind) { kind.checked = true; sync(); }
      var value = b.getAttribute('data-window');
      if (!Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
        var o = document.createElement('option');
        o.value = value;
        o.textContent = b.closest('li').querySelector('.hint').textContent.replace(/^\(window |\)$/g, '');
        select.appendChild(o);
      }
      select.value = value;
      start.value = b.getAttribute('data-start');
      end.value = b.getAttribute('data-end');
      start.focus();
    });
  });
})();
