/*!
 * Beacon announcement banner.
 *
 *   <script src="https://beacon.example/embed/banner.js" async></script>
 *
 * Optional: data-beacon-kinds="incident,maintenance" limits which kinds are shown;
 * data-components="ID,ID" and/or data-group="ID" show only what concerns those components (and
 * page-wide announcements): the server filters both the HTTP answer (`?components=…&group=…`) and
 * the live pushes (the same fields in the socket.io handshake's `auth`).
 *
 * Renders Beacon's public announcements as a stack of banners at the top of the page, inside a
 * Shadow DOM so that neither the page's CSS nor ours leaks across. Live over socket.io
 * (`{origin}/public`, websocket only); falls back to polling `{origin}/api/v1/announcements`
 * every 30 s while the socket is unavailable. Dismissals live in this page's localStorage.
 *
 * Plain ES5 on purpose (no build step). The only global is `window.BeaconBanner = { refresh() }`.
 */
// Part of the embeddable banner: joined in file-name order into one script by server/http/routes/public/embed.ts.
var STORAGE_KEY = 'beacon-banner-dismissed';
var MAX_REMEMBERED = 200;
var POLL_MS = 30000;
var SCRIPT_PATH = /\/embed\/banner\.js(?:[?#]|$)/;
var LEVEL_RANK = { critical: 0, warning: 1, info: 2 };
var LEVEL_LABEL = { critical: 'Critical', warning: 'Warning', info: 'Info' };
var KIND_LABEL = { incident: 'Incident', maintenance: 'Maintenance', notice: 'Notice' };
var LEVEL_ICON = { critical: '\u2716', warning: '\u26A0', info: '\u2139' };
