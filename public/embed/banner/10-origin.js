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

// Targeted banner: the same filter goes to the HTTP answer (`?components=…&group=…`) and to the
// socket.io handshake (`auth`), so the server sends only what concerns it, either way. Both ask for
// each incident's "next update by" promise (`include=next_update`).
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
var SUBSCRIPTION = { include: 'next_update' };
if (FILTER_COMPONENTS.length) SUBSCRIPTION.components = FILTER_COMPONENTS.join(',');
if (FILTER_GROUP) SUBSCRIPTION.group = FILTER_GROUP;
var query = [];
for (var field in SUBSCRIPTION) {
  if (Object.prototype.hasOwnProperty.call(SUBSCRIPTION, field)) query.push(field + '=' + encodeURIComponent(SUBSCRIPTION[field]));
}
API_URL += '?' + query.join('&');

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
