// datetime-local inputs carry no zone: on submit, send them as ISO instants in the viewer's zone.
// Without JavaScript the server reads them as UTC (the forms say so).
(function () {
  'use strict';
  document.addEventListener('submit', function (ev) {
    ev.target.querySelectorAll('input[type=datetime-local]').forEach(function (input) {
      if (!input.value || !input.name) return;
      var d = new Date(input.value);
      if (isNaN(d)) return;
      var hidden = document.createElement('input');
      hidden.type = 'hidden';
      hidden.name = input.name;
      hidden.value = d.toISOString();
      input.removeAttribute('name');
      ev.target.appendChild(hidden);
    });
  }, true);
})();
