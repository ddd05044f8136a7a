// WYSIWYG editing for Markdown fields: <textarea data-editor> becomes a TOAST UI Editor (vendored,
// static/vendor/toastui-editor). The textarea stays the form field and always holds Markdown, the
// stored format; without JavaScript it is the plain textarea. Pasted Word/HWP HTML is turned into
// Markdown by the editor and sanitised again when shown (knowledge.markdown). Pictures are never
// stored from an address: a pasted or chosen picture file becomes an attachment, or a note says why not.
(function () {
  "use strict";
  if (!window.toastui || !window.toastui.Editor) return;
  var lang = (document.documentElement.lang || "ko").indexOf("ko") === 0 ? "ko-KR" : "en-US";
  // Said when pasted HTML names pictures by address only (a web page, Word's local files): the
  // server never fetches an address it is handed, so the person saves the picture and attaches it.
  var script = document.currentScript;
  var pictureLinkNote = script ? script.getAttribute("data-picture-link-note") : "";

  // HTML pasted from Word or HWP carries Office markup, styles and local images: keep the text and
  // its structure only. (What is stored is Markdown, sanitised again whenever it is shown.)
  var DROP = "script, style, meta, link, img, picture, svg, object, embed, iframe, xml, title";
  function pastedDocument(html) { return new DOMParser().parseFromString(html, "text/html"); }
  function cleanPastedHtml(html) {
    var doc = pastedDocument(html);
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
    // Paste: hand the editor the cleaned HTML instead of the clipboard's own. A picture copied from
    // a web page comes as <img src="https://…"> and, from "Copy image", as the picture itself too:
    // the picture goes in as any pasted picture does (an attachment, or the form's note); a picture
    // named by its address only is not fetched, and the note says to save it and attach it.
    var cleaning = false;
    function pasteInto(target, data) {
      cleaning = true;
      try {
        target.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
      } finally {
        cleaning = false;
      }
    }
    holder.addEventListener("paste", function (event) {
      var data = event.clipboardData;
      if (cleaning || !data || data.types.indexOf("text/html") === -1) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      var html = data.getData("text/html");
      var linked = pastedDocument(html).querySelectorAll("img").length;
      var pictures = Array.from(data.files || []).filter(function (file) { return /^image\//.test(file.type); });
      var cleaned = cleanPastedHtml(html);
      if (pastedDocument(cleaned).body.textContent.trim() || !linked) {
        var clean = new DataTransfer();
        clean.setData("text/html", cleaned);
        clean.setData("text/plain", data.getData("text/plain"));
        pasteInto(event.target, clean);
      }
      // One paste per picture: the editor takes a clipboard picture only when it is the only one.
      pictures.forEach(function (file) {
        var single = new DataTransfer();
        single.items.add(file);
        pasteInto(event.target, single);
      });
      if (linked && !pictures.length) {
        say(uploadUrl ? pictureLinkNote : textarea.getAttribute("data-editor-images-note"), true);
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
