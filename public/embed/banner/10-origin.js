// Part of the embeddable banner: joined in file-name order into one script by server/http/routes/public/embed.ts.
// ---- where Beacon lives ------------------------------------------------------------------

function findScript() {
  var cur = document.currentScript;
  if (cur && cur.src && SCRIPT_PATH.test(cur.src)) return cur;
  var all = document.getElementsByTagName('script');
  for (var i = all.length - 1; i >= 0; i--) {
    if (all[i].src && SCRIPT_PATH.test(all[i].src)) return all[i];
  }
  return cur && cur.src ? cur : null;
}

function originOf(src) {
  var a = document.createElement('a');
  a.href = src; // resolves relative src against the page
  var protocol = a.protocol, host = a.host;
  // Old IE reports default ports in .host; drop them so the origin matches what the server sees.
  if ((protocol === 'https:' && /:443$/.test(host)) || (protocol === 'http:' && /:80$/.test(host))) {
    host = host.replace(/:\d+$/, '');
  }
  return protocol + '//' + host;
}

var script = findScript();
if (!script) return;
var ORIGIN = originOf(script.src);
var API_URL = ORIGIN + '/api/v1/announcements';

// Targeted banner: the server filters the HTTP answer and names the components it resolved (groups
// expanded) in `filter.components`; live pushes carry every announcement with `targets`, and are
// filtered here against that same list.
function idList(attr) {
  var out = [];
  var parts = (attr || '').split(',');
  for (var i = 0; i < parts.length; i++) {
    var id = parts[i].replace(/^\s+|\s+$/g, '');
    if (id) out.push(id);
  }
  return out;
}
var FILTER_COMPONENTS = idList(script.getAttribute('data-components'));
var FILTER_GROUP = idList(script.getAttribute('data-group'))[0] || '';
var FILTERED = FILTER_COMPONENTS.length > 0 || FILTER_GROUP !== '';
var WANTED = null; // id -> true, from the server's answer
if (FILTERED) {
  var query = [];
  if (FILTER_COMPONENTS.length) query.push('components=' + encodeURIComponent(FILTER_COMPONENTS.join(',')));
  if (FILTER_GROUP) query.push('group=' + encodeURIComponent(FILTER_GROUP));
  API_URL += '?' + query.join('&');
}

var kindsAttr = script.getAttribute('data-beacon-kinds');
var KINDS = null;
if (kindsAttr) {
  KINDS = {};
  var parts = kindsAttr.split(',');
  for (var k = 0; k < parts.length; k++) {
    var kind = parts[k].replace(/^\s+|\s+$/g, '').toLowerCase();
    if (kind) KINDS[kind] = true;
  }
}
