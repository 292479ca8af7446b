// Part of the embeddable banner: joined in file-name order into one script by server/http/routes/public/embed.ts.
// ---- rendering ---------------------------------------------------------------------------

var CSS =
  ':host{all:initial!important;display:block!important;position:relative!important;z-index:2147483000!important;' +
  'margin:0!important;padding:0!important;border:0!important;width:auto!important;height:auto!important;' +
  'visibility:visible!important;opacity:1!important;transform:none!important}' +
  ':host([hidden]){display:none!important}' +
  '.stack{all:initial;display:block;margin:0;padding:0;' +
  'font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1b1f24;text-align:left}' +
  '.item{display:flex;align-items:flex-start;gap:12px;box-sizing:border-box;width:100%;margin:0;padding:10px 16px;' +
  'border:0;border-bottom:1px solid rgba(0,0,0,.12);border-left:6px solid;word-wrap:break-word;overflow-wrap:anywhere}' +
  '.item.level-critical{background:#fdecea;border-left-color:#b42318;color:#5c0f0a}' +
  '.item.level-warning{background:#fff4d6;border-left-color:#a15c00;color:#4d2d00}' +
  '.item.level-info{background:#e8f1fd;border-left-color:#1d5fb8;color:#0c2a52}' +
  '.label{flex:none;display:inline-block;padding:1px 8px;border-radius:3px;font-size:12px;font-weight:700;' +
  'letter-spacing:.02em;text-transform:uppercase;line-height:20px;white-space:nowrap;color:#fff}' +
  '.level-critical .label{background:#b42318}' +
  '.level-warning .label{background:#8a4f00}' +
  '.level-info .label{background:#1d5fb8}' +
  '.icon{margin-right:4px}' +
  '.text{flex:1 1 auto;min-width:0}' +
  '.title{font-weight:700;margin:0 6px 0 0}' +
  '.body{margin:0}' +
  '.when{display:block;font-size:12px;opacity:.85;margin-top:2px}' +
  '.link{color:inherit;text-decoration:underline;font-weight:600;margin-left:6px}' +
  '.link:focus-visible,.dismiss:focus-visible{outline:3px solid #1b1f24;outline-offset:2px}' +
  '.dismiss{all:unset;flex:none;box-sizing:border-box;cursor:pointer;display:inline-flex;align-items:center;' +
  'justify-content:center;width:28px;height:28px;border-radius:4px;font:20px/1 Arial,sans-serif;color:inherit}' +
  '.dismiss:hover{background:rgba(0,0,0,.08)}' +
  '.dismiss:focus{outline:3px solid currentColor;outline-offset:1px}' +
  '.sr-only{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);border:0;white-space:nowrap}' +
  '.expand{display:none}' +
  // Small screens: one line (the most severe announcement, its title cut short), expandable to the
  // whole stack; the page keeps its room (a full stack took 258 px of a 390 px-wide phone).
  '@media (max-width:600px){' +
  '.expand{all:unset;flex:none;box-sizing:border-box;cursor:pointer;display:none;align-items:center;justify-content:center;' +
  'min-width:28px;height:28px;padding:0 6px;border-radius:4px;font:700 13px/1 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:inherit}' +
  '.item:first-child .expand{display:inline-flex}' +
  '.expand:focus-visible{outline:3px solid currentColor;outline-offset:1px}' +
  '.stack:not(.expanded) .item:not(:first-child){display:none}' +
  '.stack:not(.expanded) .item{align-items:center;gap:8px;padding:4px 8px 4px 10px}' +
  '.stack:not(.expanded) .text{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}' +
  '.stack:not(.expanded) .body,.stack:not(.expanded) .when,.stack:not(.expanded) .link,.stack:not(.expanded) .kind{display:none}' +
  '.stack:not(.expanded) .label{padding:0 6px}' +
  // Expanded: the label and buttons on one row, the text the full width below.
  '.expanded .item{flex-wrap:wrap;align-items:center;gap:4px 8px}' +
  '.expanded .label{margin-right:auto}' +
  '.expanded .text{order:3;flex:1 1 100%}}' +
  '@media (prefers-color-scheme:dark){' +
  '.item.level-critical{background:#3b1412;color:#ffd9d4}' +
  '.item.level-warning{background:#3a2a08;color:#ffe7b3}' +
  '.item.level-info{background:#0f2340;color:#d6e6ff}' +
  '.link:focus-visible,.dismiss:focus-visible{outline-color:#fff}}' +
  '@media print{:host{display:none!important}}';

var host = null;
var stack = null;
var current = []; // last announcements received (already filtered by the server)
var rendered = {}; // id -> element
var expanded = false; // small screens: the whole stack shown, not one line

function mount() {
  if (host) return true;
  if (!document.body) return false;
  var el = document.createElement('beacon-banner');
  if (typeof el.attachShadow !== 'function') return false; // no Shadow DOM: show nothing rather than leak styles
  var root = el.attachShadow({ mode: 'open' });
  var style = document.createElement('style');
  style.textContent = CSS;
  root.appendChild(style);
  stack = document.createElement('div');
  stack.className = 'stack';
  stack.setAttribute('role', 'status');
  stack.setAttribute('aria-live', 'polite');
  stack.setAttribute('aria-label', 'Service announcements');
  root.appendChild(stack);
  el.setAttribute('data-beacon-origin', ORIGIN);
  document.body.insertBefore(el, document.body.firstChild);
  host = el;
  return true;
}

function safeUrl(url) {
  if (typeof url !== 'string' || !url) return null;
  if (/^https?:\/\//i.test(url)) return url;
  if (url.charAt(0) === '/' && url.charAt(1) !== '/') return ORIGIN + url;
  return null; // javascript:, data:, protocol-relative, …
}

function formatTime(iso) {
  if (typeof iso !== 'string' || !iso) return '';
  var d = new Date(iso);
  if (isNaN(d.getTime())) return '';
  try {
    return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  } catch (e) {
    return d.toLocaleString();
  }
}

function whenText(a) {
  if (a.kind === 'incident') {
    var next = formatTime(a.next_update_at);
    return next ? 'Next update by ' + next : '';
  }
  if (a.kind !== 'maintenance') return '';
  var from = formatTime(a.starts_at), until = formatTime(a.ends_at);
  if (from && until) return 'From ' + from + ' until ' + until;
  if (from) return 'From ' + from;
  if (until) return 'Until ' + until;
  return '';
}

function signature(a) {
  return [a.kind, a.level, a.title, a.body, a.starts_at, a.ends_at, a.url, a.dismissible, a.next_update_at].join('\u0001');
}

function text(tag, className, value) {
  var el = document.createElement(tag);
  if (className) el.className = className;
  el.textContent = value;
  return el;
}

function buildItem(a) {
  var level = LEVEL_LABEL[a.level] ? a.level : 'info';
  var item = document.createElement('div');
  item.className = 'item level-' + level + ' kind-' + (KIND_LABEL[a.kind] ? a.kind : 'notice');
  item.setAttribute('data-id', a.id);
  item.setAttribute('data-level', level);
  item.setAttribute('data-kind', a.kind);
  item.setAttribute('data-sig', signature(a));

  // The level is spelled out, not only coloured.
  var label = document.createElement('span');
  label.className = 'label';
  var icon = text('span', 'icon', LEVEL_ICON[level]);
  icon.setAttribute('aria-hidden', 'true');
  label.appendChild(icon);
  label.appendChild(document.createTextNode(LEVEL_LABEL[level]));
  if (KIND_LABEL[a.kind]) label.appendChild(text('span', 'kind', ' \u00B7 ' + KIND_LABEL[a.kind]));
  item.appendChild(label);
  item.appendChild(text('span', 'sr-only', ': '));

  var body = document.createElement('div');
  body.className = 'text';
  body.appendChild(text('strong', 'title', String(a.title || '')));
  if (a.body) body.appendChild(text('span', 'body', String(a.body)));
  var href = safeUrl(a.url);
  if (href) {
    var link = text('a', 'link', 'Details');
    link.href = href;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    link.setAttribute('aria-label', 'Details: ' + String(a.title || ''));
    body.appendChild(link);
  }
  var when = whenText(a);
  if (when) body.appendChild(text('span', 'when', when));
  item.appendChild(body);

  // Shown on small screens only, on the first item: expands the one-line banner to the full stack.
  var expand = document.createElement('button');
  expand.type = 'button';
  expand.className = 'expand';
  expand.onclick = function () {
    expanded = !expanded;
    render();
  };
  item.appendChild(expand);

  if (a.dismissible) {
    var btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'dismiss';
    btn.setAttribute('aria-label', 'Dismiss announcement: ' + String(a.title || ''));
    btn.setAttribute('title', 'Dismiss');
    var x = text('span', '', '\u00D7');
    x.setAttribute('aria-hidden', 'true');
    btn.appendChild(x);
    btn.onclick = function () {
      dismiss(a.id, item);
    };
    item.appendChild(btn);
  }
  return item;
}

function visibleList() {
  var dismissed = readDismissed();
  var out = [];
  for (var i = 0; i < current.length; i++) {
    var a = current[i];
    if (!a || typeof a.id !== 'string') continue;
    if (KINDS && !KINDS[a.kind]) continue;
    if (a.dismissible && isDismissed(a.id, dismissed)) continue;
    out.push({ a: a, i: i });
  }
  // Most severe first; otherwise the server's order (explicit tiebreak: old engines sort unstably).
  out.sort(function (x, y) {
    var rx = LEVEL_RANK[x.a.level], ry = LEVEL_RANK[y.a.level];
    if (rx === undefined) rx = 3;
    if (ry === undefined) ry = 3;
    return rx - ry || x.i - y.i;
  });
  var list = [];
  for (var j = 0; j < out.length; j++) list.push(out[j].a);
  return list;
}

function render() {
  if (!mount()) return;
  var list = visibleList();
  var keep = {};
  for (var i = 0; i < list.length; i++) {
    var a = list[i];
    var el = rendered[a.id];
    if (!el || el.getAttribute('data-sig') !== signature(a)) {
      var fresh = buildItem(a);
      if (el && el.parentNode) el.parentNode.replaceChild(fresh, el);
      el = fresh;
    }
    keep[a.id] = el;
    // Move only when out of place, so a focused dismiss button keeps focus across updates.
    if (stack.childNodes[i] !== el) stack.insertBefore(el, stack.childNodes[i] || null);
  }
  for (var id in rendered) {
    if (Object.prototype.hasOwnProperty.call(rendered, id) && !keep[id] && rendered[id].parentNode) {
      rendered[id].parentNode.removeChild(rendered[id]);
    }
  }
  rendered = keep;
  stack.className = 'stack' + (expanded ? ' expanded' : '');
  var first = stack.firstChild && stack.firstChild.querySelector('.expand');
  if (first) {
    var more = list.length - 1;
    first.textContent = expanded ? '\u25B4' : more > 0 ? '+' + more + ' \u25BE' : '\u25BE';
    first.setAttribute('aria-expanded', expanded ? 'true' : 'false');
    first.setAttribute('aria-label', expanded ? 'Show less' : more > 0 ? 'Show all ' + list.length + ' announcements' : 'Show the whole announcement');
  }
  host.setAttribute('data-count', String(list.length));
  host.setAttribute('data-loaded', 'true');
}

function dismiss(id, item) {
  rememberDismissed(id);
  // Keep keyboard users in the stack: focus the next dismiss button, if any.
  var next = item.nextSibling || item.previousSibling;
  var hadFocus = item.contains(item.getRootNode ? item.getRootNode().activeElement : null);
  render();
  if (hadFocus && next && next.parentNode) {
    var btn = next.querySelector('.dismiss') || next.querySelector('.link');
    if (btn) btn.focus();
  }
}

function isArray(x) {
  return Object.prototype.toString.call(x) === '[object Array]';
}

function accept(payload) {
  if (!payload || !isArray(payload.announcements)) return;
  current = payload.announcements;
  if (document.body) render();
  else whenReady(render);
}

function whenReady(fn) {
  if (document.body) return fn();
  var done = false;
  var go = function () {
    if (done || !document.body) return;
    done = true;
    fn();
  };
  if (document.addEventListener) document.addEventListener('DOMContentLoaded', go);
  if (window.addEventListener) window.addEventListener('load', go);
}
