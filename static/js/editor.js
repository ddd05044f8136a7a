// WYSIWYG editing for Markdown fields: <textarea data-editor> becomes a TOAST UI Editor (vendored,
// static/vendor/toastui-editor). The textarea stays the form field and always holds Markdown, the
// stored format; without JavaScript it is the plain textarea. Pasted Word/HWP HTML is turned into
// Markdown by the editor and sanitised again when shown (knowledge.markdown).
(function () {
  "use strict";
  if (!window.toastui || !window.toastui.Editor) return;
  var lang = (document.documentElement.lang || "ko").indexOf("ko") === 0 ? "ko-KR" : "en-US";

  // HTML pasted from Word or HWP carries Office markup, styles and local images: keep the text and
  // its structure only. (What is stored is Markdown, sanitised again whenever it is shown.)
  var DROP = "script, style, meta, link, img, picture, svg, object, embed, iframe, xml, title";
  function cleanPastedHtml(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    doc.querySelectorAll(DROP).forEach(function (el) { el.remove(); });
    doc.body.querySelectorAll("*").forEach(function (el) {
      if (el.tagName.indexOf(":") !== -1) { el.replaceWith.apply(el, Array.from(el.childNodes)); return; }
      Array.from(el.attributes).forEach(function (attr) {
        if (!(el.tagName === "A" && attr.name === "href" && /^(https?:|mailto:|\/)/i.test(attr.value))) el.removeAttribute(attr.name);
      });
    });
    return doc.body.innerHTML;
  }

  document.querySelectorAll("textarea[data-editor]").forEach(function (textarea) {
    var holder = document.createElement("div");
    holder.className = "md-editor";
    textarea.insertAdjacentElement("afterend", holder);
    textarea.hidden = true;
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    // Pictures: uploaded as the article's attachments where the form gives an upload URL; elsewhere
    // the editor says why a picture cannot go in instead of dropping it silently.
    var uploadUrl = textarea.getAttribute("data-editor-upload");
    var note = document.createElement("p");
    note.className = "md-editor__note small";
    note.setAttribute("role", "status");
    note.hidden = true;
    holder.insertAdjacentElement("afterend", note);
    function say(text, isError) {
      note.textContent = text || "";
      note.hidden = !text;
      note.classList.toggle("md-editor__note--error", !!isError);
    }
    function addImage(blob, insert) {
      if (!uploadUrl) {
        say(textarea.getAttribute("data-editor-images-note"), true);
        return;
      }
      var body = new FormData();
      body.append("file", blob, blob.name || "image.png");
      var token = document.querySelector("meta[name=csrf-token]");
      fetch(uploadUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": token ? token.content : "" }
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok || !data.url) throw new Error(data.error || "");
          insert(data.url, (data.name || "").replace(/\.[^.]+$/, ""));
          say("");
        });
      }).catch(function (error) {
        say(error.message || textarea.getAttribute("data-editor-upload-error"), true);
      });
    }
    var editor = new window.toastui.Editor({
      el: holder,
      height: textarea.rows > 10 ? "480px" : "300px",
      initialEditType: "wysiwyg",
      previewStyle: "tab",
      initialValue: textarea.value,
      language: lang,
      usageStatistics: false,
      customHTMLSanitizer: cleanPastedHtml,
      autofocus: false,
      hideModeSwitch: false,
      toolbarItems: [["heading", "bold", "italic", "strike"], ["hr", "quote"], ["ul", "ol", "indent", "outdent"], uploadUrl ? ["table", "link", "image"] : ["table", "link"]],
      hooks: {
        // A pasted, dropped or chosen picture: never inlined as data, always an attachment (or a note).
        addImageBlobHook: function (blob, insert) { addImage(blob, insert); return false; }
      }
    });
    // Paste: hand the editor the cleaned HTML instead of the clipboard's own.
    var cleaning = false;
    holder.addEventListener("paste", function (event) {
      var data = event.clipboardData;
      if (cleaning || !data || data.types.indexOf("text/html") === -1) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      var clean = new DataTransfer();
      clean.setData("text/html", cleanPastedHtml(data.getData("text/html")));
      clean.setData("text/plain", data.getData("text/plain"));
      cleaning = true;
      try {
        event.target.dispatchEvent(new ClipboardEvent("paste", { clipboardData: clean, bubbles: true, cancelable: true }));
      } finally {
        cleaning = false;
      }
    }, true);
    var sync = function () {
      textarea.value = editor.getMarkdown();
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    };
    editor.on("change", sync);
    if (textarea.form) textarea.form.addEventListener("submit", sync);
    // The editing area is named by the field's label, and the label focuses it.
    var area = holder.querySelector(".toastui-editor-ww-container [contenteditable=true]");
    if (area && label) {
      if (!label.id) label.id = textarea.id + "-label";
      area.setAttribute("aria-labelledby", label.id);
      area.setAttribute("role", "textbox");
      area.setAttribute("aria-multiline", "true");
      label.addEventListener("click", function () { editor.focus(); });
    }
    if (textarea.required) textarea.required = false;  // the hidden field cannot show the browser's bubble
  });
})();
