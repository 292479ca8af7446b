// Console navigation: on a phone the menu folds behind a "Menu" button; dropdowns close on Escape
// or a click elsewhere. Without JavaScript the menu simply stays open (it wraps, never overflows).
(function () {
  'use strict';
  var header = document.querySelector('header.top');
  var toggle = header && header.querySelector('.menu-toggle');
  if (!toggle) return;
  header.classList.add('collapsible');
  toggle.hidden = false;
  toggle.addEventListener('click', function () {
    var open = header.classList.toggle('open');
    toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
  });
  var dropdowns = header.querySelectorAll('details.dropdown');
  function closeAll(except) {
    dropdowns.forEach(function (d) { if (d !== except) d.open = false; });
  }
  dropdowns.forEach(function (d) {
    d.addEventListener('toggle', function () { if (d.open) closeAll(d); });
  });
  document.addEventListener('click', function (e) {
    if (!e.target.closest || !e.target.closest('details.dropdown')) closeAll(null);
  });
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Escape') return;
    var open = header.querySelector('details.dropdown[open]');
    if (open) { open.open = false; open.querySelector('summary').focus(); }
  });
})();
