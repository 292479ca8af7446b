// Passkeys (WebAuthn). A form marked data-passkey="create" (add a passkey) or "get" (sign in with
// one) asks its data-options URL for a one-time challenge, lets the browser's authenticator answer,
// and posts the answer as JSON in the form's "response" field; the server checks everything.
// Without WebAuthn the forms stay hidden.
(function () {
  'use strict';
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function toBytes(text) {
    var b64 = text.replace(/-/g, '+').replace(/_/g, '/');
    var bin = atob(b64 + '==='.slice((b64.length + 3) % 4));
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }
  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var bin = '';
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function withIds(list) {
    return (list || []).map(function (c) {
      return { type: c.type || 'public-key', id: toBytes(c.id), transports: c.transports };
    });
  }

  function create(options) {
    var publicKey = Object.assign({}, options, {
      challenge: toBytes(options.challenge),
      user: Object.assign({}, options.user, { id: toBytes(options.user.id) }),
      excludeCredentials: withIds(options.excludeCredentials),
    });
    return navigator.credentials.create({ publicKey: publicKey }).then(function (cred) {
      var r = cred.response;
      return asJson(cred, {
        clientDataJSON: toText(r.clientDataJSON),
        attestationObject: toText(r.attestationObject),
        transports: typeof r.getTransports === 'function' ? r.getTransports() : [],
      });
    });
  }

  function get(options) {
    var publicKey = Object.assign({}, options, { challenge: toBytes(options.challenge), allowCredentials: withIds(options.allowCredentials) });
    return navigator.credentials.get({ publicKey: publicKey }).then(function (cred) {
      var r = cred.response;
      return asJson(cred, {
        clientDataJSON: toText(r.clientDataJSON),
        authenticatorData: toText(r.authenticatorData),
        signature: toText(r.signature),
        userHandle: r.userHandle && r.userHandle.byteLength ? toText(r.userHandle) : undefined,
      });
    });
  }

  // The JSON form the server reads (the WebAuthn "toJSON" shape), around a ceremony's own response fields.
  function asJson(cred, response) {
    return {
      id: cred.id,
      rawId: toText(cred.rawId),
      type: cred.type,
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
      clientExtensionResults: cred.getClientExtensionResults(),
      response: response,
    };
  }

  function explain(err) {
    if (err && err.name === 'NotAllowedError') return 'The passkey request was cancelled or timed out. Try again.';
    if (err && err.name === 'InvalidStateError') return 'This device already holds one of your passkeys.';
    return (err && err.message) || 'The passkey did not work. Try again.';
  }

  document.querySelectorAll('form[data-passkey]').forEach(function (form) {
    var error = form.querySelector('[data-passkey-error]');
    var button = form.querySelector('button[type="submit"]');
    form.hidden = false;
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (!form.reportValidity()) return;
      if (error) error.hidden = true;
      button.disabled = true;
      fetch(form.dataset.options, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { accept: 'application/json', 'x-csrf-token': form.elements._csrf.value },
      })
        .then(function (res) {
          return res.json().then(function (body) {
            if (!res.ok) throw new Error((body && body.error && body.error.message) || 'The server refused: ' + res.status);
            return body;
          });
        })
        .then(form.dataset.passkey === 'create' ? create : get)
        .then(function (answer) {
          form.elements.response.value = JSON.stringify(answer);
          form.submit(); // no submit event: straight to the server
        })
        .catch(function (err) {
          button.disabled = false;
          if (error) {
            error.textContent = explain(err);
            error.hidden = false;
          }
        });
    });
  });
})();
