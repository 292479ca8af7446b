// SAML sign-in, second leg: the identity provider's answer came back in a cross-site POST, which does
// not carry Beacon's SameSite=Lax sign-in cookie; posting it again from Beacon's own page does. Without
// JavaScript the person presses "Continue to Beacon".
(function () {
  'use strict';
  var form = document.getElementById('saml-continue');
  if (form) form.submit();
})();
