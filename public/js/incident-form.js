// New-incident form: show the three deadlines the chosen severity commits to, before saving.
(function () {
  'use strict';
  var form = document.getElementById('incident-form');
  if (!form) return;
  var policy = JSON.parse(form.getAttribute('data-policy'));
  var preview = document.getElementById('deadline-preview');
  var list = preview.querySelector('ul');
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll('[data-zone-name]').forEach(function (el) { el.textContent = zone; });
  var fmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  var LABEL = { work_start: 'Work start', temporary_fix: 'Temporary fix', final_fix: 'Final fix' };
  function render() {
    var sev = form.querySelector('input[name=severity]:checked');
    if (!sev) { preview.hidden = true; return; }
    var input = document.getElementById('reported_at').value;
    var from = input ? new Date(input) : new Date();
    list.textContent = '';
    Object.keys(LABEL).forEach(function (m) {
      var ms = policy[sev.value][m];
      var li = document.createElement('li');
      li.textContent = LABEL[m] + ': ' + (ms === null ? 'no goal (team’s discretion)' : 'by ' + fmt.format(new Date(from.getTime() + ms)));
      list.appendChild(li);
    });
    preview.hidden = false;
  }
  form.addEventListener('change', render);
  render();
})();
