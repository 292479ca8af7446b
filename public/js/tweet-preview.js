// Incident update form: prefill the "Tweet" box with the tweet Beacon would send and count it
// (links count 23, as on Twitter). Once staff edit the box it is theirs; an untouched box is
// cleared on submit so the server builds the same text itself.
(function () {
  'use strict';
  var box = document.querySelector('[data-tweet-preview]');
  if (!box) return;
  var form = box.closest('form');
  var url = box.getAttribute('data-tweet-preview');
  var area = box.querySelector('textarea[name=custom_tweet]');
  var count = box.querySelector('[data-tweet-count]');
  var skip = box.querySelector('input[name=skip_twitter]');
  var generated = '';
  var edited = false;
  var timer = null;
  var max = 280;

  function length(text) {
    return Array.from(text.replace(/https?:\/\/\S+/g, '12345678901234567890123')).length;
  }
  function showCount() {
    var n = length(area.value);
    count.textContent = '(' + n + '/' + max + ')';
    count.classList.toggle('over', n > max);
  }
  function refresh() {
    var status = form.querySelector('[name=status]').value;
    var message = form.querySelector('[name=message]').value;
    var q = new URLSearchParams({ status: status, message: message });
    fetch(url + '?' + q.toString(), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (p) {
        if (!p) return;
        max = p.max;
        generated = p.text;
        if (!edited) area.value = p.text;
        if (!p.enabled) count.textContent = '(Twitter is off)';
        else showCount();
      })
      .catch(function () {});
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }
  form.querySelector('[name=message]').addEventListener('input', later);
  form.querySelector('[name=status]').addEventListener('change', refresh);
  area.addEventListener('input', function () {
    edited = area.value !== generated;
    showCount();
  });
  skip.addEventListener('change', function () { area.disabled = skip.checked; });
  form.addEventListener('submit', function () {
    if (!edited || area.value === generated) area.value = '';
  });
  refresh();
})();
