// The aspiration form: an anonymous sender's identity fields are hidden and not sent at all.
// Without JavaScript the server drops them anyway (aspirasi/public/forms.py).
(function () {
  "use strict";
  var form = document.getElementById("aspiration-form");
  var identity = document.getElementById("identity");
  if (!form || !identity) return;
  var note = document.getElementById("anonymous-note");
  function update() {
    var chosen = form.querySelector('input[name="privacy"]:checked');
    var anonymous = Boolean(chosen && chosen.value === "anonim");
    identity.hidden = anonymous;
    identity.disabled = anonymous;
    if (note) note.hidden = !anonymous;
  }
  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "privacy") update();
  });
  update();

  // Files over the limits are refused by the server anyway; saying so before sending spares a
  // phone the upload. The server's messages come in the data-* attributes, in the page's language.
  var files = document.getElementById("id_attachments");
  var warning = document.getElementById("attachments-warning");
  if (!files || !warning || !files.files) return;
  files.addEventListener("change", function () {
    var problems = [];
    if (files.files.length > Number(files.dataset.maxFiles)) {
      problems.push(files.dataset.tooMany);
    }
    for (var i = 0; i < files.files.length; i++) {
      if (files.files[i].size > Number(files.dataset.maxBytes)) {
        problems.push(files.dataset.tooLarge.replace("{name}", files.files[i].name));
      }
    }
    warning.textContent = problems.join(" ");
    warning.hidden = problems.length === 0;
    if (problems.length) files.value = "";
  });
})();
