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
})();
