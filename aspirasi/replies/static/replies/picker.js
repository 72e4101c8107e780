// Saved replies: adds an "insert" button beside each text, which puts the text into the response
// field at the cursor. Without this script the texts are shown to copy by hand.
(function () {
  "use strict";
  if (window.aspirasiReplyPicker) return; // the partial may appear beside several forms
  window.aspirasiReplyPicker = true;

  function insert(field, text) {
    var start = field.selectionStart || 0;
    var end = field.selectionEnd || 0;
    if (!field.value.trim()) {
      field.value = text;
    } else {
      field.value = field.value.slice(0, start) + text + field.value.slice(end);
    }
    field.focus();
    var caret = field.value.length === text.length ? text.length : start + text.length;
    field.setSelectionRange(caret, caret);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function ready() {
    document.querySelectorAll("[data-reply-target] .saved-reply-text").forEach(function (text) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.setAttribute("data-insert-reply", "");
      button.textContent = text.closest("[data-reply-target]").dataset.insertLabel;
      text.after(button);
    });
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-insert-reply]");
      if (!button) return;
      var picker = button.closest("[data-reply-target]");
      var field = picker && document.getElementById(picker.dataset.replyTarget);
      var source = button.parentElement.querySelector(".saved-reply-text");
      if (field && source) insert(field, source.textContent);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
