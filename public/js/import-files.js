// The Statuspage import form: each document can be picked as a file (components.json …) instead of
// pasted; the file's text goes into the box above it, so the form posts the same either way.
document.querySelectorAll('input[type=file][data-fills]').forEach(function (input) {
  input.hidden = false;
  var label = input.closest('label');
  if (label) label.hidden = false;
  input.addEventListener('change', function () {
    var file = input.files && input.files[0];
    var box = document.querySelector('textarea[name="' + input.getAttribute('data-fills') + '"]');
    if (!file || !box) return;
    file.text().then(function (text) {
      box.value = text;
    });
  });
});
